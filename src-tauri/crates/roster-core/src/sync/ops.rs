//! Operations: a change as its user asked for it — the intent, not the rows it wrote — so
//! the hub re-runs it as that user and every rule is checked again where it counts. The
//! desktop runs the same [`Op`] through the same code on its replica, and in the same
//! transaction appends it to the outbox (`sync::outbox`).
//!
//! Conflicts are settled in the hub's order, never by clocks. Names and phone carry only the
//! fields the user changed, so concurrent edits of different fields merge (last writer wins
//! per field). Roles and the super-user mark, status and password are compare-and-set: the
//! operation carries what the change was based on (the roles the user held then, their status
//! then, the credential version of their password then), and the hub refuses it
//! ([`crate::Error::Conflict`]) when the Workspace holds something else by the time it
//! arrives. A removal beats a concurrent edit: an edit of a user who was removed meanwhile is a
//! conflict, while the removal of an edited user goes through.

use serde::{Deserialize, Serialize};

use crate::model::Status;
use crate::permissions::Permission;

/// A user's power: the super-user mark or the roles held (ids, sorted, each once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    /// Holds every permission and no role.
    pub is_super_user: bool,
    /// The roles held; empty for a super-user.
    pub role_ids: Vec<String>,
}

impl Access {
    /// `role_ids` sorted and each once, as compared.
    pub fn new(is_super_user: bool, role_ids: &[String]) -> Self {
        let mut role_ids = role_ids.to_vec();
        role_ids.sort();
        role_ids.dedup();
        Self {
            is_super_user,
            role_ids,
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Op {
    /// "Add user" with a password. The password travels only as its Argon2id hash, made
    /// where it was typed (and checked there against the policy); the hub checks the hash's
    /// algorithm and parameters.
    #[serde(rename_all = "camelCase")]
    CreateUser {
        /// Made by the client (UUIDv7), so the user has one id everywhere.
        user_id: String,
        /// As typed.
        email: String,
        /// Names and phone as typed.
        first_name: String,
        /// May be empty.
        last_name: String,
        /// May be empty.
        phone: String,
        /// Super-user or the roles to hold.
        access: Access,
        /// The Argon2id PHC string.
        password_hash: String,
        /// Must choose a new password at first sign-in.
        must_change_password: bool,
    },
    /// "Edit" of another user: only the fields changed.
    #[serde(rename_all = "camelCase")]
    EditUser {
        /// The user edited.
        user_id: String,
        /// New first name, if changed.
        first_name: Option<String>,
        /// New last name, if changed.
        last_name: Option<String>,
        /// New phone, if changed.
        phone: Option<String>,
        /// New power, if changed, with what it was based on.
        access: Option<AccessChange>,
        /// The user's status when the edit was made (a removal meanwhile wins).
        seen: Status,
    },
    /// "My profile": the signed-in user's own names and phone, only the fields changed.
    #[serde(rename_all = "camelCase")]
    EditProfile {
        /// New first name, if changed.
        first_name: Option<String>,
        /// New last name, if changed.
        last_name: Option<String>,
        /// New phone, if changed.
        phone: Option<String>,
    },
    /// "Remove from Workspace".
    #[serde(rename_all = "camelCase")]
    RemoveUser {
        /// The user removed.
        user_id: String,
    },
    /// "Restore".
    #[serde(rename_all = "camelCase")]
    RestoreUser {
        /// The user restored.
        user_id: String,
    },
    /// "Add role".
    #[serde(rename_all = "camelCase")]
    CreateRole {
        /// Made by the client (UUIDv7).
        role_id: String,
        /// As typed.
        name: String,
        /// May be empty.
        description: String,
        /// What the role grants.
        permissions: Vec<Permission>,
    },
    /// "Edit role": only the fields changed; the permissions compare-and-set.
    #[serde(rename_all = "camelCase")]
    EditRole {
        /// The role edited.
        role_id: String,
        /// New name, if changed.
        name: Option<String>,
        /// New description, if changed.
        description: Option<String>,
        /// New permissions, if changed, with what they were based on.
        permissions: Option<PermissionsChange>,
    },
    /// "Delete role": its users move to `move_to` (the built-in role when none and nobody
    /// but removed users hold it).
    #[serde(rename_all = "camelCase")]
    DeleteRole {
        /// The role deleted.
        role_id: String,
        /// The role that takes over its users.
        move_to: Option<String>,
    },
    /// "Add user → Send invitation": the user is added as invited. Only the hub makes the
    /// invitation's code and queues its email (one sender for every message); a replica
    /// holds the invited user at once and learns how the sending goes from the feed.
    #[serde(rename_all = "camelCase")]
    InviteUser {
        /// Made by the client (UUIDv7).
        user_id: String,
        /// As typed.
        email: String,
        /// Names and phone as typed.
        first_name: String,
        /// May be empty.
        last_name: String,
        /// May be empty.
        phone: String,
        /// Super-user or the roles to hold.
        access: Access,
    },
    /// "Resend": a new code replaces the pending one, sent by the hub.
    #[serde(rename_all = "camelCase")]
    ResendInvitation {
        /// The invited user.
        user_id: String,
    },
    /// "Revoke": the pending code stops working and the user is removed from the Workspace.
    #[serde(rename_all = "camelCase")]
    RevokeInvitation {
        /// The invited user.
        user_id: String,
    },
    /// "Change password" of another user, as its Argon2id hash.
    #[serde(rename_all = "camelCase")]
    ResetPassword {
        /// The user whose password is set.
        user_id: String,
        /// The Argon2id PHC string.
        password_hash: String,
        /// Must choose a new password at next sign-in.
        must_change_password: bool,
        /// The user's credential version the reset was based on.
        based_on: i64,
    },
}

/// A change of a role's permissions and what it was based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsChange {
    /// What the role granted when the change was made.
    pub from: Vec<Permission>,
    /// What it grants after it.
    pub to: Vec<Permission>,
}

/// A change of a user's power and what it was based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessChange {
    /// What the user held when the change was made.
    pub from: Access,
    /// What they hold after it.
    pub to: Access,
}

/// The row an operation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// A user.
    User(&'a str),
    /// A role.
    Role(&'a str),
}

impl Op {
    /// The row the operation is about (the signed-in user, `actor_id`, for their own profile).
    pub fn subject<'a>(&'a self, actor_id: &'a str) -> Subject<'a> {
        match self {
            Op::CreateUser { user_id, .. }
            | Op::EditUser { user_id, .. }
            | Op::RemoveUser { user_id }
            | Op::RestoreUser { user_id }
            | Op::ResetPassword { user_id, .. }
            | Op::InviteUser { user_id, .. }
            | Op::ResendInvitation { user_id }
            | Op::RevokeInvitation { user_id } => Subject::User(user_id),
            Op::EditProfile { .. } => Subject::User(actor_id),
            Op::CreateRole { role_id, .. }
            | Op::EditRole { role_id, .. }
            | Op::DeleteRole { role_id, .. } => Subject::Role(role_id),
        }
    }
}
