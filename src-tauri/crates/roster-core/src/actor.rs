//! Reading the signed-in actor fresh from the database.

use std::collections::BTreeSet;

use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::permissions::{Actor, Permission, Session};

/// Reads the session's user; [`Error::Unauthenticated`] when it no longer exists, is not
/// active (removed users lose access at once) or its credentials changed since the session
/// began. Does not refuse a pending password change.
pub(crate) async fn load(conn: &mut SqliteConnection, session: &Session) -> Result<Actor> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT is_super_user, must_change_password FROM users
         WHERE id = ? AND workspace_id = ? AND status = 'active' AND credential_version = ?",
    )
    .bind(&session.user_id)
    .bind(&session.workspace_id)
    .bind(session.credential_version)
    .fetch_optional(&mut *conn)
    .await?;
    let (is_super_user, must_change_password) = row.ok_or(Error::Unauthenticated)?;
    let permissions = if is_super_user {
        Permission::ALL.into_iter().collect()
    } else {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT rp.permission FROM user_roles ur
             JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
             JOIN role_permissions rp ON rp.role_id = r.id
             WHERE ur.user_id = ?",
        )
        .bind(&session.user_id)
        .fetch_all(&mut *conn)
        .await?;
        names
            .iter()
            .filter_map(|n| Permission::parse(n))
            .collect::<BTreeSet<_>>()
    };
    Ok(Actor {
        user_id: session.user_id.clone(),
        workspace_id: session.workspace_id.clone(),
        is_super_user,
        must_change_password,
        permissions,
    })
}

/// Like [`load`], and refuses with [`Error::PasswordChangeRequired`] while the user must first
/// choose a new password.
pub(crate) async fn load_ready(conn: &mut SqliteConnection, session: &Session) -> Result<Actor> {
    let actor = load(conn, session).await?;
    if actor.must_change_password {
        return Err(Error::PasswordChangeRequired);
    }
    Ok(actor)
}

/// A session for `user_id` with its current credential version, read inside the transaction
/// that signed them in (sign-in, first run, accepting an invitation, changing the own
/// password), so it is never older than the write that made it.
pub(crate) async fn session_for(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    user_id: &str,
) -> Result<Session> {
    let credential_version: i64 = sqlx::query_scalar(
        "SELECT credential_version FROM users WHERE id = ? AND workspace_id = ?",
    )
    .bind(user_id)
    .bind(workspace_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Error::Unauthenticated)?;
    Ok(Session {
        user_id: user_id.to_owned(),
        workspace_id: workspace_id.to_owned(),
        credential_version,
    })
}
