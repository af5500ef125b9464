//! The `email_settings` table on PostgreSQL.

use super::{PgTx, at, id};
use crate::error::Result;
use crate::model::SmtpSecurity;
use crate::store::{SettingsRow, SettingsStore};

#[async_trait::async_trait]
impl SettingsStore for PgTx {
    async fn email_settings(&mut self, workspace_id: &str) -> Result<Option<SettingsRow>> {
        let row: Option<(String, i32, String, String, String, String, i32, i32, i64)> =
            sqlx::query_as(
                "SELECT host, port, security, username, sender_name, sender_address,
                        invitation_days, timeout_seconds, version
                 FROM email_settings WHERE workspace_id = $1",
            )
            .bind(id(workspace_id))
            .fetch_optional(self.conn())
            .await?;
        Ok(row.map(
            |(host, port, security, username, sender_name, sender_address, days, timeout, v)| {
                SettingsRow {
                    host,
                    port: u16::try_from(port).unwrap_or_default(),
                    security: SmtpSecurity::parse(&security),
                    username,
                    sender_name,
                    sender_address,
                    invitation_days: u32::try_from(days).unwrap_or_default(),
                    timeout_seconds: u32::try_from(timeout).unwrap_or_default(),
                    version: v,
                }
            },
        ))
    }

    async fn save_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        when: &str,
    ) -> Result<()> {
        self.write_email_settings(workspace_id, row, None, when)
            .await
    }

    async fn copy_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        when: &str,
    ) -> Result<()> {
        self.write_email_settings(workspace_id, row, Some(row.version), when)
            .await
    }
}

impl PgTx {
    /// The one write of the table: `kept` is the version to store, else it moves on by one.
    async fn write_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        kept: Option<i64>,
        when: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO email_settings (workspace_id, host, port, security, username, sender_name,
                 sender_address, invitation_days, timeout_seconds, version, created_at,
                 updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($11, 1), $10, $10)
             ON CONFLICT (workspace_id) DO UPDATE SET host = excluded.host, port = excluded.port,
                 security = excluded.security, username = excluded.username,
                 sender_name = excluded.sender_name, sender_address = excluded.sender_address,
                 invitation_days = excluded.invitation_days,
                 timeout_seconds = excluded.timeout_seconds,
                 version = coalesce($11, email_settings.version + 1),
                 updated_at = excluded.updated_at",
        )
        .bind(id(workspace_id))
        .bind(&row.host)
        .bind(i32::from(row.port))
        .bind(row.security.as_str())
        .bind(&row.username)
        .bind(&row.sender_name)
        .bind(&row.sender_address)
        .bind(i32::try_from(row.invitation_days).unwrap_or(i32::MAX))
        .bind(i32::try_from(row.timeout_seconds).unwrap_or(i32::MAX))
        .bind(at(when))
        .bind(kept)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
