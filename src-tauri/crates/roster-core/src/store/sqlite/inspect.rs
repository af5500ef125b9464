//! Test-only reads on SQLite (cargo feature `testing`).

use super::SqliteDatabase;
use crate::error::Result;
use crate::store::inspect::{AuditEntry, Inspect, OutboxEntry};

#[async_trait::async_trait]
impl Inspect for SqliteDatabase {
    async fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        let rows: Vec<(String, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT action, target_id, actor_id, fields, details FROM audit_log
             ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(action, target_id, actor_id, fields, details)| AuditEntry {
                    action,
                    target_id,
                    actor_id,
                    fields: serde_json::from_str(&fields).unwrap_or_default(),
                    details: serde_json::from_str(&details).unwrap_or_default(),
                },
            )
            .collect())
    }

    async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let rows: Vec<(Option<String>, String, Option<String>, String)> = sqlx::query_as(
            "SELECT i.user_id, m.recipient, m.body_text, m.state FROM mail_outbox m
             LEFT JOIN invitations i ON i.id = m.invitation_id ORDER BY m.created_at, m.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, recipient, body_text, state)| OutboxEntry {
                user_id,
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
            sqlx::query_as("SELECT email_key, password_hash FROM users WHERE id = ?")
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
