//! Changes as data: every change Roster makes is a [`Change`], recorded by [`record`] in the
//! change's own transaction. Today that writes the audit entry (what the Activity tab, the
//! seat chart and the audit sentences read); it is also where the sync outbox will be
//! appended (DESIGN.md §6), so no change can reach the database without passing here.

use crate::attempts::Check;
use crate::error::Result;
use crate::model::{ExportFormat, ImportTotals, Status};
use crate::store::{AuditRecord, Tx};

/// How a user's status changed, each through `users::write::change_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusChange {
    /// "Remove from Workspace".
    Removed,
    /// "Restore": back as active, or invited if they never set a password.
    Restored,
    /// "Revoke" of a pending invitation: the invited user is removed.
    Revoked,
    /// The invitee chose a password: invited → active.
    Accepted,
}

/// One change, with what the audit log and a later sync need to know of it.
#[derive(Debug, Clone)]
pub(crate) enum Change<'a> {
    /// A Workspace was made (first run or provisioning).
    WorkspaceCreated,
    /// A Workspace was copied up to this hub and shared from now on.
    WorkspacePublished,
    /// A user was added: active with a password, or invited by email.
    UserAdded { user_id: &'a str, invited: bool },
    /// Names, phone, super-user or roles of a user changed (`fields` names which).
    UserEdited {
        user_id: &'a str,
        fields: &'a [&'static str],
    },
    /// A user's status changed from `from` to `to`.
    StatusChanged {
        user_id: &'a str,
        how: StatusChange,
        from: Status,
        to: Status,
    },
    /// Someone set another user's password.
    PasswordReset { user_id: &'a str },
    /// A user changed their own password.
    OwnPasswordChanged { user_id: &'a str },
    /// A user signed in; `rehashed` when their hash was upgraded to today's parameters.
    SignedIn { user_id: &'a str, rehashed: bool },
    /// A password check failed (sign-in or the current password in My profile).
    PasswordCheckFailed { user_id: &'a str, check: Check },
    /// A new invitation code replaced the pending one and a new email was queued.
    InvitationResent { user_id: &'a str },
    /// An invitation email could not be sent.
    InvitationSendFailed {
        user_id: &'a str,
        reason: &'a str,
        will_retry: bool,
    },
    /// A role was added.
    RoleCreated { role_id: &'a str },
    /// A role's name, description or permissions changed (`fields` names which).
    RoleEdited {
        role_id: &'a str,
        fields: &'a [&'static str],
    },
    /// A role was deleted; its `moved_users` holders now hold `moved_to`.
    RoleDeleted {
        role_id: &'a str,
        moved_users: i64,
        moved_to: &'a str,
    },
    /// The Workspace's email settings changed (`fields` names which).
    EmailSettingsChanged { fields: &'a [&'static str] },
    /// The user list was downloaded.
    DownloadMade { format: ExportFormat, rows: u64 },
    /// Users were imported from a file: how many rows did what (each user's change has its
    /// own entry too).
    ImportMade {
        totals: ImportTotals,
        cancelled: bool,
    },
}

/// What a change was, as the audit log stores it: a stable code per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    WorkspaceCreated,
    WorkspacePublished,
    UserCreated,
    UserInvited,
    UserEdited,
    UserRemoved,
    UserRestored,
    PasswordReset,
    OwnPasswordChanged,
    InvitationResent,
    InvitationRevoked,
    InvitationAccepted,
    InvitationSendFailed,
    RoleCreated,
    RoleEdited,
    RoleDeleted,
    EmailSettingsChanged,
    DownloadMade,
    ImportMade,
    SignedIn,
    SignInFailed,
    CurrentPasswordFailed,
}

impl Action {
    /// Every action, for parsing.
    pub const ALL: [Action; 22] = [
        Action::WorkspaceCreated,
        Action::WorkspacePublished,
        Action::UserCreated,
        Action::UserInvited,
        Action::UserEdited,
        Action::UserRemoved,
        Action::UserRestored,
        Action::PasswordReset,
        Action::OwnPasswordChanged,
        Action::InvitationResent,
        Action::InvitationRevoked,
        Action::InvitationAccepted,
        Action::InvitationSendFailed,
        Action::RoleCreated,
        Action::RoleEdited,
        Action::RoleDeleted,
        Action::EmailSettingsChanged,
        Action::DownloadMade,
        Action::ImportMade,
        Action::SignedIn,
        Action::SignInFailed,
        Action::CurrentPasswordFailed,
    ];

    /// The stored code (`audit_log.action`); codes never change once written.
    pub fn code(self) -> &'static str {
        match self {
            Action::WorkspaceCreated => "workspace.create",
            Action::WorkspacePublished => "workspace.publish",
            Action::UserCreated => "user.create",
            Action::UserInvited => "user.invite",
            Action::UserEdited => "user.update",
            Action::UserRemoved => "user.remove",
            Action::UserRestored => "user.restore",
            Action::PasswordReset => "user.reset_password",
            Action::OwnPasswordChanged => "user.change_password",
            Action::InvitationResent => "invitation.resend",
            Action::InvitationRevoked => "invitation.revoke",
            Action::InvitationAccepted => "invitation.accept",
            Action::InvitationSendFailed => "invitation.send_failed",
            Action::RoleCreated => "role.create",
            Action::RoleEdited => "role.update",
            Action::RoleDeleted => "role.delete",
            Action::EmailSettingsChanged => "settings.email",
            Action::DownloadMade => "users.export",
            Action::ImportMade => "users.import",
            Action::SignedIn => "session.sign_in",
            Action::SignInFailed => "session.sign_in_failed",
            Action::CurrentPasswordFailed => "session.current_password_failed",
        }
    }

    /// The action stored as `code`.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether the Activity tab shows it: changes made to a user, not their sign-ins.
    pub fn in_activity(self) -> bool {
        !matches!(
            self,
            Action::SignedIn | Action::SignInFailed | Action::CurrentPasswordFailed
        ) && self.target() == "user"
    }

    fn target(self) -> &'static str {
        match self {
            Action::WorkspaceCreated
            | Action::WorkspacePublished
            | Action::EmailSettingsChanged
            | Action::DownloadMade
            | Action::ImportMade => "workspace",
            Action::RoleCreated | Action::RoleEdited | Action::RoleDeleted => "role",
            _ => "user",
        }
    }
}

impl Change<'_> {
    fn action(&self) -> Action {
        match self {
            Change::WorkspaceCreated => Action::WorkspaceCreated,
            Change::WorkspacePublished => Action::WorkspacePublished,
            Change::UserAdded { invited: false, .. } => Action::UserCreated,
            Change::UserAdded { invited: true, .. } => Action::UserInvited,
            Change::UserEdited { .. } => Action::UserEdited,
            Change::StatusChanged { how, .. } => match how {
                StatusChange::Removed => Action::UserRemoved,
                StatusChange::Restored => Action::UserRestored,
                StatusChange::Revoked => Action::InvitationRevoked,
                StatusChange::Accepted => Action::InvitationAccepted,
            },
            Change::PasswordReset { .. } => Action::PasswordReset,
            Change::OwnPasswordChanged { .. } => Action::OwnPasswordChanged,
            Change::SignedIn { .. } => Action::SignedIn,
            Change::PasswordCheckFailed { check, .. } => match check {
                Check::SignIn => Action::SignInFailed,
                Check::CurrentPassword => Action::CurrentPasswordFailed,
            },
            Change::InvitationResent { .. } => Action::InvitationResent,
            Change::InvitationSendFailed { .. } => Action::InvitationSendFailed,
            Change::RoleCreated { .. } => Action::RoleCreated,
            Change::RoleEdited { .. } => Action::RoleEdited,
            Change::RoleDeleted { .. } => Action::RoleDeleted,
            Change::EmailSettingsChanged { .. } => Action::EmailSettingsChanged,
            Change::DownloadMade { .. } => Action::DownloadMade,
            Change::ImportMade { .. } => Action::ImportMade,
        }
    }

    /// The row the change is about (the Workspace for Workspace-wide changes).
    fn target_id<'b>(&'b self, workspace_id: &'b str) -> &'b str {
        match self {
            Change::WorkspaceCreated
            | Change::WorkspacePublished
            | Change::EmailSettingsChanged { .. }
            | Change::DownloadMade { .. }
            | Change::ImportMade { .. } => workspace_id,
            Change::UserAdded { user_id, .. }
            | Change::UserEdited { user_id, .. }
            | Change::StatusChanged { user_id, .. }
            | Change::PasswordReset { user_id }
            | Change::OwnPasswordChanged { user_id }
            | Change::SignedIn { user_id, .. }
            | Change::PasswordCheckFailed { user_id, .. }
            | Change::InvitationResent { user_id }
            | Change::InvitationSendFailed { user_id, .. } => user_id,
            Change::RoleCreated { role_id }
            | Change::RoleEdited { role_id, .. }
            | Change::RoleDeleted { role_id, .. } => role_id,
        }
    }

    /// The names of the fields the change set (never values of passwords or hashes).
    fn fields(&self) -> &[&'static str] {
        match self {
            Change::WorkspaceCreated => &["name"],
            Change::UserAdded { invited: false, .. } => &[
                "email",
                "firstName",
                "lastName",
                "phone",
                "roles",
                "password",
                "mustChangePassword",
            ],
            Change::UserAdded { invited: true, .. } => {
                &["email", "firstName", "lastName", "phone", "roles"]
            }
            Change::UserEdited { fields, .. }
            | Change::RoleEdited { fields, .. }
            | Change::EmailSettingsChanged { fields } => fields,
            Change::StatusChanged {
                how: StatusChange::Accepted,
                ..
            } => &["password", "status"],
            Change::StatusChanged { .. } => &["status"],
            Change::PasswordReset { .. } => &["password", "mustChangePassword"],
            Change::OwnPasswordChanged { .. } => &["password"],
            Change::SignedIn { rehashed: true, .. } => &["lastSignInAt", "passwordHashParameters"],
            Change::SignedIn {
                rehashed: false, ..
            } => &["lastSignInAt"],
            Change::RoleCreated { .. } => &["name", "description", "permissions"],
            Change::PasswordCheckFailed { .. }
            | Change::InvitationResent { .. }
            | Change::InvitationSendFailed { .. }
            | Change::RoleDeleted { .. }
            | Change::WorkspacePublished
            | Change::DownloadMade { .. }
            | Change::ImportMade { .. } => &[],
        }
    }

    fn details(&self) -> serde_json::Value {
        match self {
            Change::InvitationSendFailed {
                reason, will_retry, ..
            } => serde_json::json!({ "reason": reason, "willRetry": will_retry }),
            Change::RoleDeleted {
                moved_users,
                moved_to,
                ..
            } => serde_json::json!({ "movedUsers": moved_users, "movedTo": moved_to }),
            Change::DownloadMade { format, rows } => {
                serde_json::json!({ "format": format.extension(), "rows": rows })
            }
            Change::ImportMade { totals, cancelled } => serde_json::json!({
                "added": totals.add,
                "updated": totals.update,
                "restored": totals.restore,
                "unchanged": totals.no_change,
                "failed": totals.error,
                "cancelled": cancelled,
            }),
            _ => serde_json::json!({}),
        }
    }

    /// How the change moved the number of active members: the seat chart adds these up, so
    /// it agrees with the users table whatever path changed a status.
    fn seats(&self) -> i64 {
        let seat = |status: &Status| i64::from(*status == Status::Active);
        match self {
            Change::UserAdded { invited, .. } => i64::from(!invited),
            Change::StatusChanged { from, to, .. } => seat(to) - seat(from),
            _ => 0,
        }
    }
}

/// Who made a change, where and when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct By<'a> {
    pub workspace_id: &'a str,
    /// None for Roster itself (first run, start-up repairs, the outbox).
    pub actor_id: Option<&'a str>,
    pub at: &'a str,
}

/// Records `change` in the caller's transaction: one audit entry now, and the place the sync
/// outbox will be appended.
pub(crate) async fn record(tx: &mut dyn Tx, by: By<'_>, change: Change<'_>) -> Result<()> {
    let action = change.action();
    let fields = serde_json::to_string(change.fields()).unwrap_or_else(|_| "[]".to_owned());
    tx.append_audit(&AuditRecord {
        workspace_id: by.workspace_id,
        actor_id: by.actor_id,
        action: action.code(),
        target_type: action.target(),
        target_id: change.target_id(by.workspace_id),
        fields,
        details: change.details().to_string(),
        seats: change.seats(),
        at: by.at,
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_code() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.code()), Some(action));
        }
        assert_eq!(Action::parse("user.delete"), None);
    }
}
