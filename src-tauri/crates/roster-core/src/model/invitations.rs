//! Invitations and their acceptance as the UI sees them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::passwords::Secret;
use crate::permissions::Permission;

/// "Add user → Send invitation" input: like "Add user" without a password.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewInvitation {
    /// Email as typed.
    pub email: String,
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (optional).
    pub last_name: String,
    /// Phone (optional).
    pub phone: String,
    /// Super-user: every permission; `role_ids` must then be empty.
    pub is_super_user: bool,
    /// Ids of the roles to hold (at least one unless a super-user).
    pub role_ids: Vec<String>,
}

/// Where an invitation stands, for the user panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum InvitationState {
    /// Waiting to be sent (first try, or retrying after a failure).
    Queued,
    /// Sent to the mail server.
    Sent,
    /// The server refused it for good (e.g. unknown recipient); Resend after fixing.
    NotSent,
    /// Past its expiry date without being accepted.
    Expired,
    /// Accepted: the user chose a password.
    Accepted,
    /// Withdrawn with Revoke.
    Revoked,
}

/// The latest invitation of an invited user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InvitationInfo {
    /// Where it stands.
    pub state: InvitationState,
    /// When it was created.
    pub created_at: String,
    /// When it expires.
    pub expires_at: String,
    /// When the mail server took it, if it did.
    pub sent_at: Option<String>,
    /// Why the last attempt failed, if it did (kept while retrying).
    pub last_error: Option<String>,
    /// When the next attempt is due, while queued.
    pub next_attempt_at: Option<String>,
}

/// What the "Accept invitation" screen shows before the password is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InvitationPreview {
    /// The Workspace invited to.
    pub workspace_name: String,
    /// The invited email.
    pub email: String,
    /// The invited user's first name.
    pub first_name: String,
    /// Who invited them ("Roster" if unknown).
    pub invited_by: String,
    /// When the invitation expires.
    pub expires_at: String,
    /// What they will be able to do (all for a super-user).
    pub permissions: Vec<Permission>,
}

/// "Accept invitation": the code and the new password. `Debug` redacts both.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InvitationAcceptance {
    /// The code from the email (or the `token` of the link).
    pub token: String,
    /// The password to set.
    #[ts(type = "string")]
    pub password: Secret,
    /// The same password again.
    #[ts(type = "string")]
    pub confirm_password: Secret,
}

impl std::fmt::Debug for InvitationAcceptance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationAcceptance { token: <redacted>, password: <redacted> }")
    }
}
