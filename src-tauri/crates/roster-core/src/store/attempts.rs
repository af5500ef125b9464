//! The `sign_ins` table: consecutive failed password checks and the last sign-in per user,
//! kept apart from the user row so signing in (or mistyping a password) never makes someone's
//! open Edit form stale.

use crate::error::Result;

/// A user's sign-in facts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct SignIns {
    /// Failed password checks in a row.
    pub failures: i64,
    /// When the back-off after the failures ends.
    pub locked_until: Option<String>,
    pub last_sign_in_at: Option<String>,
}

/// The `sign_ins` table.
#[async_trait::async_trait]
pub(crate) trait AttemptStore {
    /// The sign-in facts of `user_id` (all empty for a user who never signed in).
    async fn sign_ins(&mut self, user_id: &str) -> Result<SignIns>;

    /// The one write of the table: stores `facts` for `user_id`, bumping `version`.
    async fn save_sign_ins(&mut self, user_id: &str, facts: &SignIns, at: &str) -> Result<()>;
}
