//! Accepting an invitation: whoever holds the code sees the Workspace and email, chooses a
//! password under the usual policy, and is signed in as an active member. Works in any Roster
//! that opens the same database; with a shared hub the same lookup runs there.

use sqlx::SqliteConnection;

use super::{expired, token};
use crate::audit::{self, Entry};
use crate::error::{Error, Field, Result};
use crate::model::{InvitationAcceptance, InvitationPreview, SessionInfo, Status};
use crate::passwords;
use crate::permissions::{Permission, Session};
use crate::text::display_name;
use crate::{Roster, actor, store, users};

#[derive(sqlx::FromRow)]
struct Found {
    id: String,
    workspace_id: String,
    user_id: String,
    state: String,
    expires_at: String,
    status: String,
    email: String,
    first_name: String,
    last_name: String,
    workspace_name: String,
    inviter_first: Option<String>,
    inviter_last: Option<String>,
}

/// The invitation behind a pasted code or link, refused with the reason it cannot be used.
async fn usable(conn: &mut SqliteConnection, pasted: &str, now: &str) -> Result<Found> {
    let found: Option<Found> = sqlx::query_as(
        "SELECT i.id, i.workspace_id, i.user_id, i.state, i.expires_at, u.status, u.email,
                u.first_name, u.last_name, w.name AS workspace_name,
                x.first_name AS inviter_first, x.last_name AS inviter_last
         FROM invitations i
         JOIN users u ON u.id = i.user_id
         JOIN workspaces w ON w.id = i.workspace_id
         LEFT JOIN users x ON x.id = i.invited_by
         WHERE i.token_hash = ?",
    )
    .bind(token::hash(pasted))
    .fetch_optional(conn)
    .await?;
    let found = found.ok_or(Error::InvitationNotFound)?;
    match (found.state.as_str(), Status::parse(&found.status)) {
        ("accepted", _) | (_, Status::Active) => Err(Error::InvitationUsed),
        ("replaced", _) => Err(Error::InvitationReplaced),
        ("revoked", _) | (_, Status::Removed) => Err(Error::InvitationRevoked),
        _ if expired(&found.expires_at, now) => Err(Error::InvitationExpired),
        _ => Ok(found),
    }
}

impl Roster {
    /// What the "Accept invitation" screen shows for a code (or a whole link), or why it
    /// cannot be used: [`Error::InvitationNotFound`], [`Error::InvitationExpired`],
    /// [`Error::InvitationUsed`], [`Error::InvitationReplaced`], [`Error::InvitationRevoked`].
    /// Needs no session: the code is the credential.
    pub async fn invitation_preview(&self, pasted: &str) -> Result<InvitationPreview> {
        let mut conn = self.pool.acquire().await?;
        let found = usable(&mut conn, pasted, &self.now()).await?;
        let user = users::fetch(&mut conn, &found.workspace_id, &found.user_id).await?;
        Ok(InvitationPreview {
            workspace_name: found.workspace_name,
            email: found.email,
            first_name: found.first_name,
            invited_by: match found.inviter_first {
                Some(first) => display_name(&first, &found.inviter_last.unwrap_or_default()),
                None => "Roster".to_owned(),
            },
            expires_at: found.expires_at,
            permissions: if user.is_super_user {
                Permission::ALL.to_vec()
            } else {
                user.permissions
            },
        })
    }

    /// "Accept invitation": sets the invited user's password (policy as everywhere, checked
    /// against their email and names), makes them active — a seat from now — ends the
    /// invitation so the code works once, and signs them in. The refusals of
    /// [`Roster::invitation_preview`] apply, checked again inside the write so two windows
    /// accepting at once make one account and one password.
    pub async fn accept_invitation(
        &self,
        input: InvitationAcceptance,
    ) -> Result<(Session, SessionInfo)> {
        let found = {
            let mut conn = self.pool.acquire().await?;
            usable(&mut conn, &input.token, &self.now()).await?
        };
        let inputs = [
            found.email.as_str(),
            found.first_name.as_str(),
            found.last_name.as_str(),
        ];
        passwords::check_policy(Field::Password, &input.password, &inputs)?;
        passwords::check_confirmation(&input.password, &input.confirm_password)?;
        let hash = self.hash(&input.password).await?;

        let mut tx = store::begin_write(&self.pool).await?;
        let now = self.now();
        let found = usable(&mut tx, &input.token, &now).await?;
        sqlx::query(
            "UPDATE users SET password_hash = ?, status = 'active', must_change_password = 0,
                 failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ?,
                 version = version + 1, updated_at = ?
             WHERE id = ? AND status = 'invited'",
        )
        .bind(&hash)
        .bind(&now)
        .bind(&now)
        .bind(&found.user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE invitations SET state = 'accepted', accepted_at = ?, version = version + 1,
                 updated_at = ?
             WHERE id = ?",
        )
        .bind(&now)
        .bind(&now)
        .bind(&found.id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &found.workspace_id,
                actor_id: Some(&found.user_id),
                action: "invitation.accept",
                target_type: "user",
                target_id: &found.user_id,
                fields: &["password", "status"],
                at: &now,
                seats: 1,
            },
        )
        .await?;
        let session = actor::session_for(&mut tx, &found.workspace_id, &found.user_id).await?;
        tx.commit().await?;
        let info = self.session_info(&session).await?;
        Ok((session, info))
    }
}
