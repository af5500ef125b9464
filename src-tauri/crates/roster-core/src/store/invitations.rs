//! The `invitations` table.

use crate::error::Result;
use crate::model::Status;

/// A new invitation.
pub(crate) struct InvitationRow<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub user_id: &'a str,
    /// SHA-256 of the code, hex (the code itself is never stored).
    pub token_hash: &'a str,
    pub invited_by: &'a str,
    pub expires_at: &'a str,
    pub at: &'a str,
}

/// A user's latest invitation with its email's state, for the panel.
#[derive(Debug, Clone)]
pub(crate) struct LatestInvitation {
    pub state: String,
    pub created_at: String,
    pub expires_at: String,
    pub outbox_state: Option<String>,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
}

/// The invitation behind a code, with what the accept screen shows.
#[derive(Debug, Clone)]
pub(crate) struct FoundInvitation {
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    pub state: String,
    pub expires_at: String,
    pub status: Status,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub workspace_name: String,
    pub inviter_first: Option<String>,
    pub inviter_last: Option<String>,
}

/// The `invitations` table.
#[async_trait::async_trait]
pub(crate) trait InvitationStore {
    /// The latest invitation of `user_id`.
    async fn latest_invitation(&mut self, user_id: &str) -> Result<Option<LatestInvitation>>;

    /// The invitation whose code hashes to `token_hash`.
    async fn invitation_by_token(&mut self, token_hash: &str) -> Result<Option<FoundInvitation>>;

    /// Ids of the pending invitations of `user_id`.
    async fn pending_invitations(&mut self, user_id: &str) -> Result<Vec<String>>;

    /// The user an invitation is for.
    async fn invitation_user(&mut self, invitation_id: &str) -> Result<Option<String>>;

    /// Inserts a pending invitation.
    async fn insert_invitation(&mut self, row: &InvitationRow<'_>) -> Result<()>;

    /// The one change of an invitation: its new state (`accepted`, `revoked`, `replaced`),
    /// with `accepted_at` = `at` when accepted; bumps `version`.
    async fn set_invitation_state(
        &mut self,
        invitation_id: &str,
        state: &str,
        at: &str,
    ) -> Result<()>;
}
