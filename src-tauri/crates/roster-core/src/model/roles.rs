//! Roles as the Roles screen and the role pickers see them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::permissions::Permission;

/// A role of the Workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoleSummary {
    /// Role id.
    pub id: String,
    /// Name, unique in the Workspace (compared case-insensitively).
    pub name: String,
    /// One-line description (may be empty).
    pub description: String,
    /// The built-in "Member" role: can be renamed, not deleted, holds no permission.
    pub is_builtin: bool,
    /// The permissions it grants, in catalogue order.
    pub permissions: Vec<Permission>,
    /// Users holding it who are not removed.
    pub users: u32,
    /// Row version for optimistic concurrency; pass back as `expectedVersion`.
    #[ts(type = "number")]
    pub version: i64,
}

/// "Add role" and "Edit role" input.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoleInput {
    /// Name, 1 to 60 characters, unique in the Workspace.
    pub name: String,
    /// Description, up to 200 characters (optional).
    pub description: String,
    /// The permissions to grant; each must be held by whoever saves the role.
    pub permissions: Vec<Permission>,
    /// For "Edit": the `version` the form was loaded with; ignored by "Add role".
    #[ts(type = "number")]
    pub expected_version: i64,
}

/// "Delete role" input.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoleDeletion {
    /// The role that takes over the deleted role's users; required when users hold it.
    pub move_users_to: Option<String>,
    /// The `version` the role was loaded with.
    #[ts(type = "number")]
    pub expected_version: i64,
}
