//! The `email_settings` table.

use crate::error::Result;
use crate::model::SmtpSecurity;

/// A Workspace's SMTP settings as stored (the password is never in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SettingsRow {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub sender_name: String,
    pub sender_address: String,
    /// Days an invitation code stays valid.
    pub invitation_days: u32,
    pub timeout_seconds: u32,
    pub version: i64,
}

/// The `email_settings` table.
#[async_trait::async_trait]
pub(crate) trait SettingsStore {
    /// The Workspace's settings; none before email is set up.
    async fn email_settings(&mut self, workspace_id: &str) -> Result<Option<SettingsRow>>;

    /// The one write of the table: inserts the settings or replaces them, bumping `version`
    /// (`row.version` is ignored).
    async fn save_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        at: &str,
    ) -> Result<()>;

    /// Writes the settings another copy of the Workspace saved (a replica keeps its hub's),
    /// with their `version` as they are.
    #[cfg_attr(
        not(feature = "hub-client"),
        allow(dead_code, reason = "only a replica keeps its hub's settings")
    )]
    async fn copy_email_settings(
        &mut self,
        workspace_id: &str,
        row: &SettingsRow,
        at: &str,
    ) -> Result<()>;
}
