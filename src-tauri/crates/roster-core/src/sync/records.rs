//! Rows as they travel between a hub and its replicas: whole rows, never deltas (a later
//! change may have superseded an earlier one, and then the replica gets the newer row once).
//! Ids are UUIDv7 text, times RFC 3339 UTC text, as everywhere in the core.

use serde::{Deserialize, Serialize};

use crate::model::{InvitationInfo, Status};

/// One row a replica may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Record {
    /// The Workspace itself (its name).
    Workspace(WorkspaceRecord),
    /// A role with the permissions it grants (deleted roles too, as tombstones).
    Role(RoleRecord),
    /// A user with the roles they hold.
    User(UserRecord),
}

impl Record {
    /// The row's id.
    pub fn id(&self) -> &str {
        match self {
            Record::Workspace(w) => &w.id,
            Record::Role(r) => &r.id,
            Record::User(u) => &u.id,
        }
    }

    /// The row's own version.
    pub fn version(&self) -> i64 {
        match self {
            Record::Workspace(w) => w.version,
            Record::Role(r) => r.version,
            Record::User(u) => u.version,
        }
    }

    /// The table the row belongs to: `workspaces`, `roles` or `users`.
    pub fn table(&self) -> &'static str {
        match self {
            Record::Workspace(_) => "workspaces",
            Record::Role(_) => "roles",
            Record::User(_) => "users",
        }
    }

    /// The hub's feed version of the transaction that last wrote the row (0 in a copy made
    /// for publishing, before the hub has one).
    pub fn feed_version(&self) -> i64 {
        match self {
            Record::Workspace(w) => w.feed_version,
            Record::Role(r) => r.feed_version,
            Record::User(u) => u.feed_version,
        }
    }

    /// Where the row sorts among rows of one feed version: the Workspace first, then roles,
    /// then users, so a replica has every role before a user who holds it.
    pub fn rank(&self) -> u8 {
        match self {
            Record::Workspace(_) => 0,
            Record::Role(_) => 1,
            Record::User(_) => 2,
        }
    }
}

/// The `workspaces` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceRecord {
    /// Workspace id.
    pub id: String,
    /// 1–100 characters.
    pub name: String,
    /// The row's own version (moves on with each change of the row).
    pub version: i64,
    /// See [`Record::feed_version`].
    pub feed_version: i64,
    /// When the Workspace was made.
    pub created_at: String,
}

/// A `roles` row with its `role_permissions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRecord {
    /// Role id.
    pub id: String,
    /// The role's name.
    pub name: String,
    /// The role's description (may be empty).
    pub description: String,
    /// The built-in role ("Member" until renamed).
    pub is_builtin: bool,
    /// Stored permission names (`users.view`, …), in catalogue order.
    pub permissions: Vec<String>,
    /// Set once the role was deleted.
    pub deleted_at: Option<String>,
    /// The row's own version.
    pub version: i64,
    /// See [`Record::feed_version`].
    pub feed_version: i64,
    /// When the role was made.
    pub created_at: String,
}

/// A `users` row with its `user_roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRecord {
    /// User id.
    pub id: String,
    /// The email as typed, trimmed.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name (may be empty).
    pub last_name: String,
    /// Phone as typed (may be empty).
    pub phone: String,
    /// Invited, active or removed.
    pub status: Status,
    /// Holds every permission and no role.
    pub is_super_user: bool,
    /// Must choose a new password at the next sign-in.
    pub must_change_password: bool,
    /// Ids of the live roles held.
    pub role_ids: Vec<String>,
    /// The Argon2id PHC string. The hub sends it only in the signed-in user's own row (for
    /// offline sign-in); a publisher sends every one, since the hub signs everybody in.
    pub password_hash: Option<String>,
    /// Moves on whenever every session of the user must end.
    pub credential_version: i64,
    /// When the user was removed from the Workspace.
    pub removed_at: Option<String>,
    /// The row's own version.
    pub version: i64,
    /// See [`Record::feed_version`].
    pub feed_version: i64,
    /// When the user was added.
    pub created_at: String,
    /// How the invited user's latest invitation stands at the hub (how its sending goes),
    /// for the user panel of a replica, which never holds the invitation itself; sent by
    /// the hub for invited users only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<Box<InvitationInfo>>,
}
