//! The `mail_outbox` table on PostgreSQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PgTx, at, id, stamp};
use crate::error::Result;
use crate::store::{DueMail, MailPatch, MailStore, QueuedMail};

#[derive(sqlx::FromRow)]
struct Due {
    id: Uuid,
    workspace_id: Uuid,
    invitation_id: Option<Uuid>,
    recipient: String,
    subject: String,
    body_text: Option<String>,
    body_html: Option<String>,
    attempts: i32,
}

#[async_trait::async_trait]
impl MailStore for PgTx {
    async fn enqueue_mail(&mut self, mail: &QueuedMail<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO mail_outbox (id, workspace_id, invitation_id, recipient, subject,
                 body_text, body_html, state, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8, $8)",
        )
        .bind(id(mail.id))
        .bind(id(mail.workspace_id))
        .bind(id(mail.invitation_id))
        .bind(mail.to)
        .bind(mail.subject)
        .bind(mail.text)
        .bind(mail.html)
        .bind(at(mail.at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn next_due_mail(&mut self, now: &str) -> Result<Option<DueMail>> {
        let due: Option<Due> = sqlx::query_as(
            "SELECT id, workspace_id, invitation_id, recipient, subject, body_text, body_html,
                    attempts
             FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT 1
             FOR UPDATE SKIP LOCKED",
        )
        .bind(at(now))
        .fetch_optional(self.conn())
        .await?;
        Ok(due.map(|d| DueMail {
            id: d.id.to_string(),
            workspace_id: d.workspace_id.to_string(),
            invitation_id: d.invitation_id.map(|i| i.to_string()),
            recipient: d.recipient,
            subject: d.subject,
            body_text: d.body_text,
            body_html: d.body_html,
            attempts: i64::from(d.attempts),
        }))
    }

    async fn next_mail_due(&mut self) -> Result<Option<String>> {
        let next: Option<DateTime<Utc>> = sqlx::query_scalar(
            "SELECT min(due) FROM (
                 SELECT next_attempt_at AS due FROM mail_outbox WHERE state = 'queued'
                 UNION ALL
                 SELECT i.expires_at FROM mail_outbox m JOIN invitations i ON i.id = m.invitation_id
                 WHERE m.state = 'queued') d",
        )
        .fetch_one(self.conn())
        .await?;
        Ok(next.map(stamp))
    }

    async fn queued_mail(&mut self, invitation_id: Option<&str>, now: &str) -> Result<Vec<String>> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT m.id FROM mail_outbox m JOIN invitations i ON i.id = m.invitation_id
             WHERE m.state = 'queued' AND ($1::uuid IS NULL OR m.invitation_id = $1)
               AND (i.state <> 'pending' OR i.expires_at <= $2)",
        )
        .bind(invitation_id.map(id))
        .bind(at(now))
        .fetch_all(self.conn())
        .await?;
        Ok(ids.iter().map(Uuid::to_string).collect())
    }

    async fn update_mail(&mut self, mail_id: &str, patch: &MailPatch, when: &str) -> Result<bool> {
        let (set_error, error) = match &patch.last_error {
            Some(error) => (true, error.as_deref()),
            None => (false, None),
        };
        let changed = sqlx::query(
            "UPDATE mail_outbox SET state = coalesce($1, state),
                 body_text = CASE WHEN $2 THEN NULL ELSE body_text END,
                 body_html = CASE WHEN $2 THEN NULL ELSE body_html END,
                 attempts = attempts + $3,
                 last_error = CASE WHEN $4 THEN $5 ELSE last_error END,
                 next_attempt_at = coalesce($6, next_attempt_at),
                 sent_at = coalesce($7, sent_at),
                 version = version + 1, updated_at = $8
             WHERE id = $9 AND state = 'queued'",
        )
        .bind(patch.state)
        .bind(patch.erase_body)
        .bind(i32::from(patch.attempted))
        .bind(set_error)
        .bind(error)
        .bind(patch.next_attempt_at.as_deref().map(at))
        .bind(patch.sent_at.as_deref().map(at))
        .bind(at(when))
        .bind(id(mail_id))
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(changed > 0)
    }
}
