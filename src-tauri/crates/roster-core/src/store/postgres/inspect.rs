//! Test-only reads on PostgreSQL (cargo feature `testing`).

use uuid::Uuid;

use super::{PgDatabase, id};
use crate::error::Result;
use crate::store::inspect::{AuditEntry, Inspect, OutboxEntry};

#[async_trait::async_trait]
impl Inspect for PgDatabase {
    async fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        let rows: Vec<(String, Uuid, Option<Uuid>, String, String)> = sqlx::query_as(
            "SELECT action, target_id, actor_id, fields::text, details::text FROM audit_log
             ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(action, target_id, actor_id, fields, details)| AuditEntry {
                    action,
                    target_id: target_id.to_string(),
                    actor_id: actor_id.map(|a| a.to_string()),
                    fields: serde_json::from_str(&fields).unwrap_or_default(),
                    details: serde_json::from_str(&details).unwrap_or_default(),
                },
            )
            .collect())
    }

    async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let rows: Vec<(Option<Uuid>, String, Option<String>, String)> = sqlx::query_as(
            "SELECT i.user_id, m.recipient, m.body_text, m.state FROM mail_outbox m
             LEFT JOIN invitations i ON i.id = m.invitation_id ORDER BY m.created_at, m.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, recipient, body_text, state)| OutboxEntry {
                user_id: user_id.map(|u| u.to_string()),
                recipient,
                body_text,
                state,
            })
            .collect())
    }

    async fn token_hashes(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT token_hash FROM invitations")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn user_keys(&self, user_id: &str) -> Result<(String, Option<String>)> {
        Ok(
            sqlx::query_as("SELECT email_key, password_hash FROM users WHERE id = $1")
                .bind(id(user_id))
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
