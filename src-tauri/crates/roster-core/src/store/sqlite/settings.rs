//! The `email_settings` table on SQLite.

use super::SqliteTx;
use crate::error::Result;
use crate::model::SmtpSecurity;
use crate::store::{SettingsRow, SettingsStore};

#[async_trait::async_trait]
impl SettingsStore for SqliteTx {
    async fn email_settings(&mut self, workspace_id: &str) -> Result<Option<SettingsRow>> {
        let row: Option<(String, u16, String, String, String, String, u32, u32, i64)> =
            sqlx::query_as(
                "SELECT host, port, security, username, sender_name, sender_address,
                        invitation_days, timeout_seconds, version
                 FROM email_settings WHERE workspace_id = ?",
            )
            .bind(workspace_id)
            .fetch_optional(self.conn())
            .await?;
        Ok(row.map(
            |(host, port, security, username, sender_name, sender_address, days, timeout, v)| {
                SettingsRow {
                    host,
                    port,
                    security: SmtpSecurity::parse(&security),
                    username,
                    sender_name,
                    sender_address,
                    invitation_days: days,
                    timeout_seconds: timeout,
                    version: v,
                }
            },
        ))
    }

    async fn save_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        at: &str,
    ) -> Result<()> {
        self.write_email_settings(workspace_id, row, None, at).await
    }

    async fn copy_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        at: &str,
    ) -> Result<()> {
        self.write_email_settings(workspace_id, row, Some(row.version), at)
            .await
    }
}

impl SqliteTx {
    /// The one write of the table: `kept` is the version to store, else it moves on by one.
    async fn write_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        kept: Option<i64>,
        at: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO email_settings (workspace_id, host, port, security, username, sender_name,
                 sender_address, invitation_days, timeout_seconds, version, created_at,
                 updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, 1), ?, ?)
             ON CONFLICT (workspace_id) DO UPDATE SET host = excluded.host, port = excluded.port,
                 security = excluded.security, username = excluded.username,
                 sender_name = excluded.sender_name, sender_address = excluded.sender_address,
                 invitation_days = excluded.invitation_days,
                 timeout_seconds = excluded.timeout_seconds, version = coalesce(?, version + 1),
                 updated_at = excluded.updated_at",
        )
        .bind(workspace_id)
        .bind(&row.host)
        .bind(row.port)
        .bind(row.security.as_str())
        .bind(&row.username)
        .bind(&row.sender_name)
        .bind(&row.sender_address)
        .bind(row.invitation_days)
        .bind(row.timeout_seconds)
        .bind(kept)
        .bind(at)
        .bind(at)
        .bind(kept)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
