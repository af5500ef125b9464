//! Reading the signed-in actor fresh from the database.

use crate::error::{Error, Result};
use crate::model::Status;
use crate::permissions::{Actor, Permission, Session};
use crate::store::Tx;

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
