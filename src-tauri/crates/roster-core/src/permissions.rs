//! The permission catalogue and the session every service call names.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One entry of the fixed permission catalogue (DESIGN.md §1). A super-user holds every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Permission {
    /// See every user of the Workspace (without it: only yourself).
    #[serde(rename = "users.view")]
    UsersView,
    /// Add users.
    #[serde(rename = "users.create")]
    UsersCreate,
    /// Edit other users.
    #[serde(rename = "users.edit")]
    UsersEdit,
    /// Remove users from the Workspace and restore them.
    #[serde(rename = "users.remove")]
    UsersRemove,
    /// Set another user's password.
    #[serde(rename = "users.reset_password")]
    UsersResetPassword,
    /// Download the user list.
    #[serde(rename = "users.export")]
    UsersExport,
    /// Invite users by email.
    #[serde(rename = "users.invite")]
    UsersInvite,
    /// Add and update many users at once from a file (Users → Import). Each row also needs
    /// the permission of what it does: `users.create` or `users.invite` to add,
    /// `users.edit` to update, `users.remove` to restore.
    #[serde(rename = "users.import")]
    UsersImport,
    /// Create, edit and delete roles.
    #[serde(rename = "roles.manage")]
    RolesManage,
    /// See seat and user reports.
    #[serde(rename = "reports.view")]
    ReportsView,
    /// Change Workspace settings.
    #[serde(rename = "settings.manage")]
    SettingsManage,
}

impl Permission {
    /// Every permission, in catalogue order.
    pub const ALL: [Permission; 11] = [
        Self::UsersView,
        Self::UsersCreate,
        Self::UsersEdit,
        Self::UsersRemove,
        Self::UsersResetPassword,
        Self::UsersExport,
        Self::UsersInvite,
        Self::UsersImport,
        Self::RolesManage,
        Self::ReportsView,
        Self::SettingsManage,
    ];

    /// The stored name, e.g. `"users.view"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UsersView => "users.view",
            Self::UsersCreate => "users.create",
            Self::UsersEdit => "users.edit",
            Self::UsersRemove => "users.remove",
            Self::UsersResetPassword => "users.reset_password",
            Self::UsersExport => "users.export",
            Self::UsersInvite => "users.invite",
            Self::UsersImport => "users.import",
            Self::RolesManage => "roles.manage",
            Self::ReportsView => "reports.view",
            Self::SettingsManage => "settings.manage",
        }
    }

    /// The permission with the stored name `name`, if it is in the catalogue.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// Who a session is: the user id, Workspace id and credential version the shell keeps after
/// sign-in. It carries no power by itself; services read the [`crate::Actor`] fresh from the database
/// on every call, and refuse it once the user's credential version has moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The signed-in user.
    pub user_id: String,
    /// The Workspace signed in to: every read and write stays inside it.
    pub workspace_id: String,
    /// The user's `credential_version` when the session began. A password reset or change
    /// (and five wrong current passwords) bumps the stored one, which ends every session made
    /// before it (OWASP Session Management Cheat Sheet: renew or end sessions on a change of
    /// credentials).
    pub credential_version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_and_match_serde() {
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(permission));
            let json = serde_json::to_string(&permission).expect("serialise");
            assert_eq!(json, format!("\"{}\"", permission.as_str()));
        }
        assert_eq!(Permission::parse("users.delete"), None);
    }
}
