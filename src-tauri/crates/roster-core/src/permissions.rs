//! The permission catalogue and the signed-in actor that every service call names.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

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
    pub const ALL: [Permission; 10] = [
        Self::UsersView,
        Self::UsersCreate,
        Self::UsersEdit,
        Self::UsersRemove,
        Self::UsersResetPassword,
        Self::UsersExport,
        Self::UsersInvite,
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
/// sign-in. It carries no power by itself; services read the [`Actor`] fresh from the database
/// on every call, and refuse it once the user's credential version has moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The signed-in user.
    pub user_id: String,
    /// Their Workspace.
    pub workspace_id: String,
    /// The user's `credential_version` when the session began. A password reset or change
    /// (and five wrong current passwords) bumps the stored one, which ends every session made
    /// before it (OWASP Session Management Cheat Sheet: renew or end sessions on a change of
    /// credentials).
    pub credential_version: i64,
}

/// The signed-in user as read inside a service's transaction: current status, super-user flag
/// and permissions, so a demotion or removal bites on the next call.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user id.
    pub user_id: String,
    /// The Workspace id.
    pub workspace_id: String,
    /// Holds every permission, including managing super-users.
    pub is_super_user: bool,
    /// Must choose a new password before anything else.
    pub must_change_password: bool,
    /// The permissions held (all of them for a super-user).
    pub permissions: BTreeSet<Permission>,
}

impl Actor {
    /// Whether the actor holds `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.is_super_user || self.permissions.contains(&permission)
    }

    /// Errors with [`Error::Forbidden`] unless the actor holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "You do not have the permission {}",
                permission.as_str()
            )))
        }
    }

    /// Errors with [`Error::Forbidden`] naming the first permission in `permissions` the actor
    /// does not hold; `what` completes "You cannot … ". Nobody grants, takes away or exercises
    /// through someone else a permission they do not hold themselves.
    pub fn require_all<'a>(
        &self,
        permissions: impl IntoIterator<Item = &'a Permission>,
        what: &str,
    ) -> Result<()> {
        if self.is_super_user {
            return Ok(());
        }
        match permissions
            .into_iter()
            .find(|p| !self.permissions.contains(p))
        {
            None => Ok(()),
            Some(missing) => Err(Error::Forbidden(format!(
                "You cannot {what}: it needs the permission {}, which you do not hold",
                missing.as_str()
            ))),
        }
    }

    /// Errors with [`Error::Forbidden`] unless the actor may act on another user holding
    /// `target_permissions` (all of them when `target_is_super_user`): only super-users
    /// manage super-users, and nobody manages a user more powerful than themselves, since
    /// editing, removing or setting the password of such a user would borrow their power.
    pub fn require_may_manage(
        &self,
        target_is_super_user: bool,
        target_permissions: &[Permission],
        action: &str,
    ) -> Result<()> {
        if target_is_super_user {
            return self.require_super_user(&format!("{action} super-users"));
        }
        self.require_all(target_permissions, &format!("{action} this user"))
    }

    /// Errors with [`Error::Forbidden`] unless the actor is a super-user.
    pub fn require_super_user(&self, action: &str) -> Result<()> {
        if self.is_super_user {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("Only super-users can {action}")))
        }
    }
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
