//! The `roles` table and the permissions each role grants (`role_permissions`, written only
//! with its role).

use std::collections::BTreeSet;

use crate::error::Result;
use crate::permissions::Permission;

/// A live role with its permissions.
#[derive(Debug, Clone)]
pub(crate) struct RoleRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub is_builtin: bool,
    pub version: i64,
    pub permissions: BTreeSet<Permission>,
}

/// The columns one change of a role sets; `None` leaves a column as it is.
#[derive(Debug, Default, Clone)]
pub(crate) struct RolePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Every permission the role grants from now on.
    pub permissions: Option<BTreeSet<Permission>>,
    /// Marks the role deleted at this time (roles are never deleted from the table).
    pub deleted_at: Option<String>,
    /// The version of a copied row, set as it is instead of moved on.
    pub kept_version: Option<i64>,
}

/// The `roles` table.
#[async_trait::async_trait]
pub(crate) trait RoleStore {
    /// Which of `role_ids` are roles of `workspace_id`, deleted or not.
    async fn existing_roles(
        &mut self,
        workspace_id: &str,
        role_ids: &[String],
    ) -> Result<BTreeSet<String>>;

    /// Whether `role_id` is a role of `workspace_id`, deleted or not.
    async fn role_exists(&mut self, workspace_id: &str, role_id: &str) -> Result<bool>;

    /// The live role `role_id` of `workspace_id`.
    async fn role(&mut self, workspace_id: &str, role_id: &str) -> Result<Option<RoleRow>>;

    /// Every live role of the Workspace (every Workspace when `None`), in no order.
    async fn roles(&mut self, workspace_id: Option<&str>) -> Result<Vec<RoleRow>>;

    /// How many users who are not removed hold `role_id`.
    async fn holders(&mut self, role_id: &str) -> Result<i64>;

    /// The id of the Workspace's built-in role (the oldest, should there be several).
    async fn builtin_role_id(&mut self, workspace_id: &str) -> Result<Option<String>>;

    /// Inserts a role with its permissions, at `role.version` (1 for a new role).
    async fn insert_role(&mut self, role: &RoleRow, at: &str) -> Result<()>;

    /// The one change of a role: sets what `patch` names, bumps `version`, sets `updated_at`.
    async fn update_role(&mut self, role_id: &str, patch: &RolePatch, at: &str) -> Result<()>;
}
