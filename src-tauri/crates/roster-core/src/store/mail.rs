//! The `mail_outbox` table.

use crate::error::Result;

/// A message for the outbox.
pub(crate) struct QueuedMail<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub invitation_id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub at: &'a str,
}

/// A queued message due for sending.
#[derive(Debug, Clone)]
pub(crate) struct DueMail {
    pub id: String,
    pub workspace_id: String,
    pub invitation_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    /// Failed sends so far.
    pub attempts: i64,
}

/// What one change of a queued message sets; `None` leaves a column as it is.
#[derive(Debug, Default, Clone)]
pub(crate) struct MailPatch {
    /// `sent`, `failed` or `cancelled`: the message leaves the queue.
    pub state: Option<&'static str>,
    /// Erases the body (it may carry an invitation code).
    pub erase_body: bool,
    /// Counts one more send attempt.
    pub attempted: bool,
    /// The reason of the last failure (`Some(None)` clears it).
    pub last_error: Option<Option<String>>,
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
}

/// The `mail_outbox` table.
#[async_trait::async_trait]
pub(crate) trait MailStore {
    /// Queues a message, due at its `at`.
    async fn enqueue_mail(&mut self, mail: &QueuedMail<'_>) -> Result<()>;

    /// The queued message due first at `now`, if any is due.
    async fn next_due_mail(&mut self, now: &str) -> Result<Option<DueMail>>;

    /// The earliest time a queued message is due or its invitation expires.
    async fn next_mail_due(&mut self) -> Result<Option<String>>;

    /// Queued messages of `invitation_id` (every invitation when `None`) whose invitation is
    /// no longer pending or has expired at `now`.
    async fn queued_mail(&mut self, invitation_id: Option<&str>, now: &str) -> Result<Vec<String>>;

    /// The one change of a message, made only while it is still queued; bumps `version`.
    /// False when it had left the queue (nothing written).
    async fn update_mail(&mut self, mail_id: &str, patch: &MailPatch, at: &str) -> Result<bool>;
}
