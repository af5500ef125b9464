//! Reading the signed-in actor fresh from the database.

use std::collections::BTreeSet;

use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::permissions::{Actor, Permission, Session};

/// Reads the session's user; [`Error::Unauthenticated`] when it no longer exists or is not
/// active (removed users lose access at once). Does not refuse a pending password change.
pub(crate) async fn load(conn: &mut SqliteConnection, session: &Session) -> Result<Actor> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT is_super_user, must_change_password FROM users
         WHERE id = ? AND workspace_id = ? AND status = 'active'",
    )
    .bind(&session.user_id)
    .bind(&session.workspace_id)
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
