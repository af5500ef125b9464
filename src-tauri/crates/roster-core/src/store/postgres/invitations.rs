//! The `invitations` table on PostgreSQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PgTx, at, id, stamp};
use crate::error::Result;
use crate::model::Status;
use crate::store::{FoundInvitation, InvitationRow, InvitationStore, LatestInvitation};

#[derive(sqlx::FromRow)]
struct Latest {
    state: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    outbox_state: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    next_attempt_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Found {
    id: Uuid,
    workspace_id: Uuid,
    user_id: Uuid,
    state: String,
    expires_at: DateTime<Utc>,
    status: String,
    email: String,
    first_name: String,
    last_name: String,
    workspace_name: String,
    inviter_first: Option<String>,
    inviter_last: Option<String>,
}

#[async_trait::async_trait]
impl InvitationStore for PgTx {
    async fn latest_invitation(&mut self, user_id: &str) -> Result<Option<LatestInvitation>> {
        let row: Option<Latest> = sqlx::query_as(
            "SELECT i.state, i.created_at, i.expires_at, m.state AS outbox_state, m.sent_at,
                    m.last_error, m.next_attempt_at
             FROM invitations i
             LEFT JOIN mail_outbox m ON m.invitation_id = i.id
             WHERE i.user_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT 1",
        )
        .bind(id(user_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|r| LatestInvitation {
            state: r.state,
            created_at: stamp(r.created_at),
            expires_at: stamp(r.expires_at),
            outbox_state: r.outbox_state,
            sent_at: r.sent_at.map(stamp),
            last_error: r.last_error,
            next_attempt_at: r.next_attempt_at.map(stamp),
        }))
    }

    async fn invitation_by_token(&mut self, token_hash: &str) -> Result<Option<FoundInvitation>> {
        let found: Option<Found> = sqlx::query_as(
            "SELECT i.id, i.workspace_id, i.user_id, i.state, i.expires_at, u.status, u.email,
                    u.first_name, u.last_name, w.name AS workspace_name,
                    x.first_name AS inviter_first, x.last_name AS inviter_last
             FROM invitations i
             JOIN users u ON u.id = i.user_id
             JOIN workspaces w ON w.id = i.workspace_id
             LEFT JOIN users x ON x.id = i.invited_by
             WHERE i.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        Ok(found.map(|f| FoundInvitation {
            id: f.id.to_string(),
            workspace_id: f.workspace_id.to_string(),
            user_id: f.user_id.to_string(),
            state: f.state,
            expires_at: stamp(f.expires_at),
            status: Status::parse(&f.status),
            email: f.email,
            first_name: f.first_name,
            last_name: f.last_name,
            workspace_name: f.workspace_name,
            inviter_first: f.inviter_first,
            inviter_last: f.inviter_last,
        }))
    }

    async fn pending_invitations(&mut self, user_id: &str) -> Result<Vec<String>> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM invitations WHERE user_id = $1 AND state = 'pending'",
        )
        .bind(id(user_id))
        .fetch_all(self.conn())
        .await?;
        Ok(ids.iter().map(Uuid::to_string).collect())
    }

    async fn invitation_user(&mut self, invitation_id: &str) -> Result<Option<String>> {
        let user: Option<Uuid> =
            sqlx::query_scalar("SELECT user_id FROM invitations WHERE id = $1")
                .bind(id(invitation_id))
                .fetch_optional(self.conn())
                .await?;
        Ok(user.map(|u| u.to_string()))
    }

    async fn insert_invitation(&mut self, row: &InvitationRow<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (id, workspace_id, user_id, token_hash, invited_by, state,
                 expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7)",
        )
        .bind(id(row.id))
        .bind(id(row.workspace_id))
        .bind(id(row.user_id))
        .bind(row.token_hash)
        .bind(id(row.invited_by))
        .bind(at(row.expires_at))
        .bind(at(row.at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn set_invitation_state(
        &mut self,
        invitation_id: &str,
        state: &str,
        when: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE invitations SET state = $1,
                 accepted_at = CASE WHEN $1 = 'accepted' THEN $2 ELSE accepted_at END,
                 version = version + 1, updated_at = $2
             WHERE id = $3",
        )
        .bind(state)
        .bind(at(when))
        .bind(id(invitation_id))
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
