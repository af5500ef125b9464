//! The signed-in actor: who they are and what they may do, read fresh from the database
//! inside each service's transaction.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::model::Status;
use crate::permissions::{Permission, Session};
use crate::store::Tx;

/// The signed-in user as read inside a service's transaction: current status, super-user flag
/// and permissions, so a demotion or removal bites on the next call.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Whose session this is (UUIDv7).
    pub user_id: String,
    /// The Workspace the session signed in to; every read and write stays inside it.
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

/// Reads the session's user; [`Error::Unauthenticated`] when it no longer exists, is not
/// active (removed users lose access at once) or its credentials changed since the session
/// began. Does not refuse a pending password change.
pub(crate) async fn load(tx: &mut dyn Tx, session: &Session) -> Result<Actor> {
    let credentials = tx
        .credentials(&session.workspace_id, &session.user_id)
        .await?
        .filter(|c| {
            c.status == Status::Active && c.credential_version == session.credential_version
        })
        .ok_or(Error::Unauthenticated)?;
    let permissions = if credentials.is_super_user {
        Permission::ALL.into_iter().collect()
    } else {
        tx.held_roles(&session.user_id)
            .await?
            .iter()
            .flat_map(|role| role.permissions.iter())
            .filter_map(|p| Permission::parse(p))
            .collect()
    };
    Ok(Actor {
        user_id: session.user_id.clone(),
        workspace_id: session.workspace_id.clone(),
        is_super_user: credentials.is_super_user,
        must_change_password: credentials.must_change_password,
        permissions,
    })
}

/// Like [`load`], and refuses with [`Error::PasswordChangeRequired`] while the user must first
/// choose a new password.
pub(crate) async fn load_ready(tx: &mut dyn Tx, session: &Session) -> Result<Actor> {
    let actor = load(tx, session).await?;
    if actor.must_change_password {
        return Err(Error::PasswordChangeRequired);
    }
    Ok(actor)
}

/// A session for `user_id` with its current credential version, read inside the transaction
/// that signed them in (sign-in, first run, accepting an invitation, changing the own
/// password), so it is never older than the write that made it.
pub(crate) async fn session_for(
    tx: &mut dyn Tx,
    workspace_id: &str,
    user_id: &str,
) -> Result<Session> {
    let credentials = tx
        .credentials(workspace_id, user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    Ok(Session {
        user_id: user_id.to_owned(),
        workspace_id: workspace_id.to_owned(),
        credential_version: credentials.credential_version,
    })
}
