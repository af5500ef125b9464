//! The `audit_log` table: appended to, never changed.

use crate::error::Result;

/// One audit entry as stored (see `changes.rs` for what makes them).
pub(crate) struct AuditRecord<'a> {
    pub workspace_id: &'a str,
    pub actor_id: Option<&'a str>,
    /// The stored code of the change (`"user.create"`, see `changes::Action`).
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: &'a str,
    /// JSON array of the names of the fields that changed.
    pub fields: String,
    /// JSON object of facts about the change.
    pub details: String,
    /// How the change moved the number of active members.
    pub seats: i64,
    pub at: &'a str,
}

/// An audit entry about a user with the name of whoever made it.
#[derive(Debug, Clone)]
pub(crate) struct ActivityRow {
    pub id: String,
    pub at: String,
    pub action: String,
    /// JSON array of field names.
    pub fields: String,
    pub actor_first_name: Option<String>,
    pub actor_last_name: Option<String>,
}

/// The `audit_log` table.
#[async_trait::async_trait]
pub(crate) trait AuditStore {
    /// Appends an entry.
    async fn append_audit(&mut self, record: &AuditRecord<'_>) -> Result<()>;

    /// Net seat change per UTC day (`YYYY-MM-DD`) of the entries at or after `since`.
    async fn seat_changes_since(
        &mut self,
        workspace_id: &str,
        since: &str,
    ) -> Result<Vec<(String, i64)>>;

    /// The newest `limit` entries about user `user_id` whose action is one of `actions`.
    async fn activity(
        &mut self,
        workspace_id: &str,
        user_id: &str,
        actions: &[&'static str],
        limit: i64,
    ) -> Result<Vec<ActivityRow>>;
}
