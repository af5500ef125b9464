//! The core's one error type and its shape at the UI boundary.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Result alias used by every fallible core function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An input field that an error points at; serialised in camelCase, e.g. `"firstName"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Field {
    /// Workspace name on the first-run form.
    WorkspaceName,
    /// The Workspace picker on the sign-in form.
    Workspace,
    /// Email address.
    Email,
    /// The given name (required, at most 100 characters).
    FirstName,
    /// The family name (may be empty, at most 100 characters).
    LastName,
    /// Phone number.
    Phone,
    /// A new password (create user, first run).
    Password,
    /// The repeated password.
    ConfirmPassword,
    /// The signed-in user's current password.
    CurrentPassword,
    /// The new password in a reset or own change.
    NewPassword,
    /// Super-user or the roles a user holds (Add user step 5, Edit).
    Roles,
    /// A role's name: required, unique in the Workspace as a reader sees it, never like
    /// "Super-user".
    RoleName,
    /// A role's description: one line, at most 200 characters.
    RoleDescription,
    /// A role's permissions.
    Permissions,
    /// The role that takes over a deleted role's users.
    MoveUsersTo,
    /// Settings → Email: the mail server's host name or address.
    SmtpHost,
    /// Settings → Email: the server's port, 1–65535.
    SmtpPort,
    /// Settings → Email: STARTTLS, TLS, or none (only for localhost).
    SmtpSecurity,
    /// SMTP user name.
    SmtpUsername,
    /// Settings → Email: the password, kept in the OS keychain, never in the database.
    SmtpPassword,
    /// Settings → Email: the name invitations come from.
    SenderName,
    /// Settings → Email: the From address of invitations.
    SenderAddress,
    /// Days an invitation stays valid.
    InvitationDays,
    /// Seconds per SMTP step.
    TimeoutSeconds,
    /// The code (or the whole link) pasted on "Accept invitation".
    InvitationCode,
    /// A Roster hub's address: `https://…`, or `http://` for this computer only.
    HubAddress,
    /// The one-time code a hub's operator prints with `roster-hub enrol`.
    EnrolmentCode,
}

/// Everything that can go wrong in the core. Each variant maps to one [`ErrorCode`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input value is malformed; `message` says what is wrong with `field`.
    #[error("{message}")]
    Validation {
        /// The offending input.
        field: Field,
        /// What is wrong, in words for the user.
        message: String,
    },
    /// Another user of the Workspace has this email (compared after trimming, NFC, lower-case).
    #[error("This email address is already in use in this Workspace")]
    EmailTaken,
    /// The email belongs to a removed user, who can be restored instead.
    #[error(
        "This email address belongs to a user who was removed from the Workspace. Restore them instead?"
    )]
    EmailOfRemovedUser {
        /// The removed user's id.
        user_id: String,
    },
    /// The password fails the policy (length or strength); `message` says why.
    #[error("{message}")]
    WeakPassword {
        /// Which password field.
        field: Field,
        /// Why, in words for the user.
        message: String,
    },
    /// Unknown email or wrong password: one message for both, so neither is revealed.
    #[error("Email or password is incorrect")]
    InvalidCredentials,
    /// Too many failed sign-ins; retry after `retry_after_seconds`.
    #[error("Too many failed sign-in attempts. Try again in {}.", describe_wait(*retry_after_seconds))]
    LockedOut {
        /// Seconds until the next attempt is accepted.
        retry_after_seconds: i64,
    },
    /// The signed-in user must choose a new password before doing anything else.
    #[error("Choose a new password to continue")]
    PasswordChangeRequired,
    /// No session, or the session's user was removed or no longer exists.
    #[error("Your session has ended. Sign in again.")]
    Unauthenticated,
    /// The current password was wrong [`crate::attempts::FREE_ATTEMPTS`] times in a row: every
    /// session of the user ended, and sign-in waits out the back-off.
    #[error(
        "The current password was wrong too many times, so you were signed out. Sign in again."
    )]
    SignedOutAfterFailures,
    /// The actor lacks the permission or the rule forbids the action; the text says which.
    #[error("{0}")]
    Forbidden(String),
    /// The row does not exist in the actor's Workspace.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The row changed since the caller read it (optimistic concurrency on `version`).
    #[error("This was changed by someone else meanwhile. Reload and try again.")]
    Conflict,
    /// The change would leave the Workspace without an active super-user.
    #[error("The Workspace must keep at least one active super-user")]
    LastSuperUser,
    /// File system failure (data directory, files).
    #[error("File error: {0}")]
    Io(#[from] std::io::Error),
    /// A file could not be written; nothing was left behind.
    #[error("Could not save {path}: {reason}")]
    FileWrite {
        /// The file the user chose.
        path: String,
        /// What went wrong, with a hint when one helps.
        reason: String,
    },
    /// The user cancelled a long operation; nothing was changed or left behind.
    #[error("Cancelled")]
    Cancelled,
    /// An Excel download has more users than one sheet holds; nothing was written.
    #[error(
        "Excel holds at most {} users in a sheet and this download has {}. Download CSV instead, or search or filter the list to fewer users.",
        thousands(*limit),
        thousands(*rows)
    )]
    TooManyRows {
        /// Users in the download.
        rows: u64,
        /// Users a sheet holds.
        limit: u64,
    },
    /// The spreadsheet writer refused something Roster should have prevented (a bug, not a
    /// disk or data problem).
    #[error("Spreadsheet error: {0}")]
    Spreadsheet(String),
    /// No invitation has this code (or it was mistyped).
    #[error("This invitation code is not valid. Check that you copied all of it.")]
    InvitationNotFound,
    /// The invitation is past its expiry date.
    #[error("This invitation has expired. Ask for a new one.")]
    InvitationExpired,
    /// The invitation was accepted already.
    #[error("This invitation was already used. Sign in with your email and password.")]
    InvitationUsed,
    /// A newer invitation replaced this one (Resend).
    #[error("A newer invitation replaced this one. Use the code from the latest email.")]
    InvitationReplaced,
    /// The invitation was withdrawn.
    #[error("This invitation was withdrawn. Ask for a new one.")]
    InvitationRevoked,
    /// Invitations need Settings → Email first.
    #[error("Set up email in Settings → Email before sending invitations")]
    EmailNotConfigured,
    /// The mail server did not take the message; `reason` says why, without secrets.
    #[error("The email was not sent: {reason}")]
    Mail {
        /// What went wrong, in words for the user.
        reason: String,
    },
    /// The OS keychain failed; `reason` says how, without the secret.
    #[error("The keychain did not answer: {reason}")]
    Keychain {
        /// What went wrong.
        reason: String,
    },
    /// The enrolment code is unknown, used already or expired.
    #[error(
        "This enrolment code is not valid: it was mistyped, used already or has expired. Ask the hub's operator for a new one."
    )]
    EnrolmentInvalid,
    /// The hub could not be reached or did not answer; nothing was lost, and Roster tries
    /// again.
    #[error("The hub could not be reached: {reason}")]
    HubUnreachable {
        /// What went wrong, in words for the user.
        reason: String,
    },
    /// A file chosen for Users → Import cannot be read as a whole (too big, not a table Roster
    /// reads, a ZIP bomb); `reason` says which, in words for the user. Nothing was changed.
    #[error("This file cannot be imported: {reason}")]
    ImportFile {
        /// What is wrong with the file.
        reason: String,
    },
    /// The hub refused a request: its own error, as it gave it.
    #[error("{}", .0.message)]
    Remote(AppError),
    /// Database failure that is not a rule violation.
    #[error("Database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Schema migration failure at start-up.
    #[error("Database upgrade failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Something Roster stored could not be read back or written out (a damaged entry); the
    /// text says which, without any value from it.
    #[error("Stored data could not be read: {0}")]
    Stored(String),
    /// Password hashing failed for a reason other than a wrong password (e.g. out of memory).
    #[error("Password hashing failed: {0}")]
    Hashing(String),
}

fn describe_wait(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} seconds"),
        s => format!("{} minutes", (s + 59) / 60),
    }
}

/// `1048575` as `1,048,575`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

impl Error {
    /// A validation error for `field`.
    pub fn invalid(field: Field, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    /// The stable code the UI acts on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } => ErrorCode::Validation,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::EmailOfRemovedUser { .. } => ErrorCode::EmailOfRemovedUser,
            Self::WeakPassword { .. } => ErrorCode::WeakPassword,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::LockedOut { .. } => ErrorCode::LockedOut,
            Self::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            Self::Unauthenticated | Self::SignedOutAfterFailures => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict => ErrorCode::Conflict,
            Self::LastSuperUser => ErrorCode::LastSuperUser,
            Self::Io(_) | Self::FileWrite { .. } => ErrorCode::Io,
            Self::Cancelled => ErrorCode::Cancelled,
            Self::TooManyRows { .. } => ErrorCode::TooManyRows,
            Self::InvitationNotFound => ErrorCode::InvitationNotFound,
            Self::InvitationExpired => ErrorCode::InvitationExpired,
            Self::InvitationUsed => ErrorCode::InvitationUsed,
            Self::InvitationReplaced => ErrorCode::InvitationReplaced,
            Self::InvitationRevoked => ErrorCode::InvitationRevoked,
            Self::EmailNotConfigured => ErrorCode::EmailNotConfigured,
            Self::Mail { .. } => ErrorCode::Mail,
            Self::Keychain { .. } => ErrorCode::Keychain,
            Self::EnrolmentInvalid => ErrorCode::EnrolmentInvalid,
            Self::HubUnreachable { .. } => ErrorCode::HubUnreachable,
            Self::ImportFile { .. } => ErrorCode::ImportFile,
            Self::Remote(remote) => remote.code,
            Self::Database(_)
            | Self::Migration(_)
            | Self::Hashing(_)
            | Self::Spreadsheet(_)
            | Self::Stored(_) => ErrorCode::Internal,
        }
    }

    /// The input field this error belongs to, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Validation { field, .. } | Self::WeakPassword { field, .. } => Some(*field),
            Self::EmailTaken | Self::EmailOfRemovedUser { .. } => Some(Field::Email),
            Self::InvitationNotFound
            | Self::InvitationExpired
            | Self::InvitationUsed
            | Self::InvitationReplaced
            | Self::InvitationRevoked => Some(Field::InvitationCode),
            Self::EnrolmentInvalid => Some(Field::EnrolmentCode),
            Self::Remote(remote) => remote.field,
            _ => None,
        }
    }
}

/// Stable error codes; the UI branches on these, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ErrorCode {
    /// An input value is malformed; `field` says which, the message what is wrong.
    Validation,
    /// The email is in use in this Workspace (field `email`).
    EmailTaken,
    /// The email belongs to a removed user; `targetId` names them, so the UI offers
    /// "Restore" (only to holders of `users.view`).
    EmailOfRemovedUser,
    /// The password fails the policy (field `password` or `newPassword`).
    WeakPassword,
    /// Sign-in failed: unknown email, wrong password, removed or invited user (one answer
    /// for all).
    InvalidCredentials,
    /// Password checks are blocked after repeated failures; the message says when to retry.
    LockedOut,
    /// The session must choose a new password before any other command.
    PasswordChangeRequired,
    /// No valid session: signed out, removed, or the password was reset or changed
    /// elsewhere.
    Unauthenticated,
    /// The actor may not do this; the message says why.
    Forbidden,
    /// No such row in the actor's Workspace (also for rows the actor may not see).
    NotFound,
    /// The row changed since the form read it (`expectedVersion` is stale): reload.
    Conflict,
    /// The change would leave the Workspace without an active super-user.
    LastSuperUser,
    /// A file could not be written; the message names the file and why.
    Io,
    /// The user cancelled; show nothing.
    Cancelled,
    /// An Excel download of more users than a sheet holds (1,048,575).
    TooManyRows,
    /// No invitation has this code.
    InvitationNotFound,
    /// The invitation's validity (Settings → Email, 1–90 days) has run out.
    InvitationExpired,
    /// The invitation was accepted already.
    InvitationUsed,
    /// A newer invitation replaced this one.
    InvitationReplaced,
    /// The invitation was revoked, or its user removed.
    InvitationRevoked,
    /// Settings → Email is not set up yet, so no invitation can be sent.
    EmailNotConfigured,
    /// The mail server did not take a message; the message says what a person can fix.
    Mail,
    /// The OS keychain refused or failed; the message says how.
    Keychain,
    /// The enrolment code is unknown, used or expired (field `enrolmentCode`).
    EnrolmentInvalid,
    /// The hub did not answer; changes wait in the outbox and Roster retries.
    HubUnreachable,
    /// A file chosen for Import cannot be read as a whole; the message says why.
    ImportFile,
    /// The update server did not answer, or answered with no release Roster can read (the
    /// desktop shell's check for updates; the check at start shows nothing for it).
    UpdateUnreachable,
    /// A downloaded update is not signed with Roster's update key, or not for the version it
    /// was announced as: nothing was installed.
    UpdateUnverified,
    /// Downloading or installing an update failed otherwise; the message says what.
    UpdateFailed,
    /// Anything else: logged, shown as a generic message.
    Internal,
}

/// An error as the UI receives it: `{ code, message, field, targetId }`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppError {
    /// What happened, for the UI to act on.
    pub code: ErrorCode,
    /// What happened, in words for the user.
    pub message: String,
    /// The input the error belongs to.
    pub field: Option<Field>,
    /// A row the UI can offer to act on (the removed user for `EMAIL_OF_REMOVED_USER`).
    pub target_id: Option<String>,
}

impl From<Error> for AppError {
    fn from(error: Error) -> Self {
        let target_id = match &error {
            Error::EmailOfRemovedUser { user_id } => Some(user_id.clone()),
            Error::Remote(remote) => remote.target_id.clone(),
            _ => None,
        };
        let message = match error.code() {
            ErrorCode::Internal => {
                tracing::error!(%error, "internal error");
                "Something went wrong. Try again; if it keeps happening, restart Roster.".to_owned()
            }
            _ => error.to_string(),
        };
        Self {
            code: error.code(),
            message,
            field: error.field(),
            target_id,
        }
    }
}
