//! Test-only reads of stored state no service shows (cargo feature `testing`).

use crate::error::Result;

/// An audit entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// The stored code, e.g. `"user.create"`.
    pub action: String,
    /// The id of the user, role or Workspace the change was made to.
    pub target_id: String,
    /// Who made the change; none for Roster itself.
    pub actor_id: Option<String>,
    /// The names of the fields that changed.
    pub fields: Vec<String>,
    /// Facts about the change (`{"format":"csv","rows":120}`).
    pub details: serde_json::Value,
}

/// A message of the outbox as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The user the message's invitation is for.
    pub user_id: Option<String>,
    /// The address the message goes to.
    pub recipient: String,
    /// None once erased.
    pub body_text: Option<String>,
    /// `queued`, `sent`, `failed` or `cancelled`.
    pub state: String,
}

/// Reads for tests, one implementation per database.
#[async_trait::async_trait]
pub(crate) trait Inspect: Send + Sync {
    /// Every audit entry, oldest first.
    async fn audit_entries(&self) -> Result<Vec<AuditEntry>>;
    /// Every outbox message, oldest first.
    async fn outbox(&self) -> Result<Vec<OutboxEntry>>;
    /// The stored hashes of every invitation code.
    async fn token_hashes(&self) -> Result<Vec<String>>;
    /// The stored email key and password hash of a user.
    async fn user_keys(&self, user_id: &str) -> Result<(String, Option<String>)>;
}
