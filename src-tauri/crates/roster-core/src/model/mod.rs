//! Values that cross to the UI. Ids are UUIDv7 text; times are RFC 3339 UTC text with
//! milliseconds; counts and versions are typed `number` (they stay far below 2^53).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::passwords::Secret;
use crate::permissions::Permission;

mod import;
mod invitations;
mod reports;
mod roles;
mod settings;

pub use import::{
    ImportAction, ImportChange, ImportColumn, ImportFile, ImportFileColumn, ImportFormat,
    ImportJoin, ImportOptions, ImportOutcome, ImportPreview, ImportProgress, ImportRow,
    ImportRowError, ImportRowsPage, ImportSource, ImportTotals,
};
pub use invitations::{
    InvitationAcceptance, InvitationInfo, InvitationPreview, InvitationState, NewInvitation,
};
pub use reports::{ActivityEntry, RoleSeats, SeatDay, SeatReport};
pub use roles::{RoleDeletion, RoleInput, RoleSummary};
pub use settings::{EmailSettings, EmailSettingsInput, SecretStorage, SmtpSecurity};

/// A user's standing in the Workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Status {
    /// Invitation sent, not accepted.
    Invited,
    /// A member: can sign in, counts as a seat.
    Active,
    /// Removed from the Workspace: no access, not billed, kept for audit, can be restored.
    Removed,
}

impl Status {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Removed => "removed",
        }
    }

    /// The status stored as `text`; unknown text reads as removed, the state with no power.
    pub fn parse(text: &str) -> Self {
        match text {
            "invited" => Self::Invited,
            "active" => Self::Active,
            _ => Self::Removed,
        }
    }
}

/// A Workspace as the sign-in picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkspaceSummary {
    /// Workspace id.
    pub id: String,
    /// Workspace name.
    pub name: String,
}

/// The signed-in user as the UI needs it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionInfo {
    /// Whose session this is (UUIDv7).
    pub user_id: String,
    /// The Workspace signed in to (UUIDv7).
    pub workspace_id: String,
    /// Shown in the top bar.
    pub workspace_name: String,
    /// As typed when the user was added, trimmed; what they sign in with.
    pub email: String,
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (may be empty).
    pub last_name: String,
    /// "First Last" without a trailing space.
    pub display_name: String,
    /// Holds every permission.
    pub is_super_user: bool,
    /// Must choose a new password before anything else.
    pub must_change_password: bool,
    /// Permissions held, in catalogue order.
    pub permissions: Vec<Permission>,
}

/// First-run form: a new Workspace and its first super-user.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CreateWorkspaceInput {
    /// 1..=100 characters.
    pub workspace_name: String,
    /// The first super-user's email.
    pub email: String,
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (optional).
    pub last_name: String,
    /// Password (policy in `passwords`).
    #[ts(type = "string")]
    pub password: Secret,
    /// The same password again.
    #[ts(type = "string")]
    pub confirm_password: Secret,
}

/// Sign-in form.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInInput {
    /// The chosen Workspace; may be null when the database holds exactly one.
    pub workspace_id: Option<String>,
    /// Email as typed.
    pub email: String,
    /// Password as typed.
    #[ts(type = "string")]
    pub password: Secret,
}

/// List order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UserSort {
    /// By display name (folded), then id.
    Name,
    /// By email (folded), then id.
    Email,
    /// By status, then name.
    Status,
    /// By date added.
    AddedOn,
}

/// Ascending (A to Z, oldest first) or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SortDirection {
    /// A→Z, oldest first.
    Asc,
    /// Z→A, newest first.
    Desc,
}

/// Which users the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StatusFilter {
    /// Invited and active users.
    Current,
    /// Users removed from the Workspace (they keep their rows and can be restored).
    Removed,
    /// Everyone: invited, active and removed (used by "All users" downloads).
    All,
}

/// One page request of the user list.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserQuery {
    /// Text to find in names and emails; empty for all. Three or more characters match
    /// anywhere; one or two match the start of the first name or email.
    pub search: String,
    /// Current or removed users.
    pub filter: StatusFilter,
    /// Order.
    pub sort: UserSort,
    /// Ascending or descending, on every key of the sort.
    pub direction: SortDirection,
    /// The previous page's `nextCursor`, or null for the first page.
    pub after: Option<String>,
    /// Rows per page, 1..=500.
    pub limit: u32,
}

/// A user as the list shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserSummary {
    /// UUIDv7, made when the user was added.
    pub id: String,
    /// Email as typed (trimmed).
    pub email: String,
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (may be empty).
    pub last_name: String,
    /// "First Last".
    pub display_name: String,
    /// "Super-user" or the names of the user's roles.
    pub role: String,
    /// Holds every permission.
    pub is_super_user: bool,
    /// Invited (no password yet, no seat), active (a seat) or removed.
    pub status: Status,
    /// When the user was added.
    pub added_on: String,
    /// Last successful sign-in, if any.
    pub last_sign_in_at: Option<String>,
}

/// User totals of the Workspace (as far as the actor may see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserCounts {
    /// Users not removed (invited + active).
    #[ts(type = "number")]
    pub users: i64,
    /// Seats: active users.
    #[ts(type = "number")]
    pub seats: i64,
    /// Users removed from the Workspace, not counted in `users`.
    #[ts(type = "number")]
    pub removed: i64,
}

/// One page of the user list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserPage {
    /// The rows, in the requested order.
    pub items: Vec<UserSummary>,
    /// Pass as `after` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many users match the search and filter in all; null when counting them would cost
    /// more than the page (a search with many matches): `users_count` gives it.
    #[ts(type = "number | null")]
    pub matching: Option<i64>,
    /// Workspace totals.
    pub counts: UserCounts,
}

/// Everything the user panel shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserDetails {
    /// UUIDv7, made when the user was added.
    pub id: String,
    /// Email as typed (trimmed).
    pub email: String,
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (may be empty).
    pub last_name: String,
    /// "First Last".
    pub display_name: String,
    /// Phone as typed, or empty.
    pub phone: String,
    /// "Super-user" or the names of the user's roles.
    pub role: String,
    /// Ids of the roles held (empty for a super-user).
    pub role_ids: Vec<String>,
    /// Every permission the user holds through their roles (all for a super-user), in
    /// catalogue order.
    pub permissions: Vec<Permission>,
    /// Holds every permission.
    pub is_super_user: bool,
    /// Invited (no password yet, no seat), active (a seat) or removed.
    pub status: Status,
    /// When the user was added.
    pub added_on: String,
    /// Last successful sign-in, if any.
    pub last_sign_in_at: Option<String>,
    /// When the user was removed, if removed.
    pub removed_at: Option<String>,
    /// Must choose a new password at next sign-in.
    pub must_change_password: bool,
    /// The latest invitation, for users who were invited.
    pub invitation: Option<InvitationInfo>,
    /// Row version for optimistic concurrency; pass back as `expectedVersion`.
    #[ts(type = "number")]
    pub version: i64,
}

/// The steps of "Add user" that the core validates one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum NewUserStep {
    /// Email (format and EMAIL_TAKEN).
    Email,
    /// First name, last name, phone.
    Names,
    /// Password and confirmation.
    Password,
    /// Super-user or roles.
    Role,
    /// Everything.
    Confirm,
}

/// "Add user" input.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewUser {
    /// Email as typed.
    pub email: String,
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (optional).
    pub last_name: String,
    /// Phone (optional).
    pub phone: String,
    /// The initial password, typed or generated.
    #[ts(type = "string")]
    pub password: Secret,
    /// The same password again.
    #[ts(type = "string")]
    pub confirm_password: Secret,
    /// Ask the user to choose a new password at first sign-in.
    pub must_change_password: bool,
    /// Super-user: every permission; `role_ids` must then be empty.
    pub is_super_user: bool,
    /// Ids of the roles to hold (at least one unless a super-user).
    pub role_ids: Vec<String>,
}

/// "Edit" of another user (needs `users.edit`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserUpdate {
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
    /// The `version` the form was loaded with.
    #[ts(type = "number")]
    pub expected_version: i64,
}

/// "My profile" edit.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileUpdate {
    /// Given name, trimmed (1–100 characters).
    pub first_name: String,
    /// Last name (optional).
    pub last_name: String,
    /// Phone (optional).
    pub phone: String,
    /// The `version` the form was loaded with.
    #[ts(type = "number")]
    pub expected_version: i64,
}

/// A super-user sets another user's password.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PasswordReset {
    /// Checked against the policy (12–128 characters, zxcvbn score 3 or more).
    #[ts(type = "string")]
    pub new_password: Secret,
    /// The same password again.
    #[ts(type = "string")]
    pub confirm_password: Secret,
    /// Ask the user to choose a new password at next sign-in.
    pub must_change_password: bool,
}

/// A user changes their own password.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OwnPasswordChange {
    /// The current password; may be empty only while a change is required after sign-in.
    #[ts(type = "string")]
    pub current_password: Secret,
    /// Checked against the policy (12–128 characters, zxcvbn score 3 or more).
    #[ts(type = "string")]
    pub new_password: Secret,
    /// The same password again.
    #[ts(type = "string")]
    pub confirm_password: Secret,
}

/// File format of a user-list download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExportFormat {
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// Comma-separated values, UTF-8 with BOM.
    Csv,
}

impl ExportFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }
}

/// Progress of a running download: rows written so far of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportProgress {
    /// Rows written so far.
    #[ts(type = "number")]
    pub written: u64,
    /// Rows in the download.
    #[ts(type = "number")]
    pub total: u64,
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportOutcome {
    /// Where the file was saved.
    pub path: String,
    /// The file's name, for the notice.
    pub file_name: String,
    /// Rows written (users, without the header).
    #[ts(type = "number")]
    pub rows: u64,
    /// Cells longer than Excel holds, cut to fit (always empty for CSV, which keeps every value
    /// whole): the first [`crate::export::CUT_LISTED`] of them, in file order.
    pub cut: Vec<CutCell>,
    /// How many cells were cut in all; more than `cut` lists when over
    /// [`crate::export::CUT_LISTED`].
    #[ts(type = "number")]
    pub cut_total: u64,
}

/// A cell of an Excel download that was longer than a cell holds and was cut to
/// [`crate::export::MAX_CELL_CHARS`], ending in [`crate::export::CUT_MARKER`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CutCell {
    /// The user's email as the file shows it, naming the row (its first 100 characters and
    /// "…" when longer).
    pub user: String,
    /// The column's header, as in the file ("Last name").
    pub column: String,
    /// The whole value's length in Roster, in characters.
    #[ts(type = "number")]
    pub length: u64,
}
