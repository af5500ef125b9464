//! Users → Import: what the file holds, how its columns are read, what each row will do, and
//! what applying it did.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Status;

/// What a column of the file fills in. A file's column that maps to none is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportColumn {
    /// Given name (required for a new user).
    FirstName,
    /// Family name.
    LastName,
    /// Given and family name in one cell ("Ana Silva"): split at the first space.
    FullName,
    /// Email address: the key a row is matched by (required).
    Email,
    /// Phone number.
    Phone,
    /// "Super-user" or role names, separated by commas.
    Role,
    /// Active, Invited or Removed (also Bitwarden's Accepted, Confirmed, Revoked).
    Status,
    /// A password for a new user, checked by the same policy as Add user.
    Password,
}

/// The file format Import read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportFormat {
    /// Comma- or semicolon-separated values.
    Csv,
    /// The first sheet of an Excel workbook.
    Xlsx,
    /// A Keycloak realm export (JSON with a `users` array).
    Json,
}

/// Whose layout the file's headers follow, when Import recognised it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportSource {
    /// Roster's own download.
    Roster,
    /// Google Workspace Admin's user CSV (`First Name [Required]`, …).
    GoogleWorkspace,
    /// Bitwarden's member export (Email, Name, Status, Role, …).
    Bitwarden,
    /// A Keycloak realm export's users.
    Keycloak,
    /// Any other file, read by its column names.
    Other,
}

/// One column of the file as the mapping screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportFileColumn {
    /// The header as the file has it (for JSON, the field's path, e.g. `firstName`).
    pub header: String,
    /// Up to three values of the column's first rows, as read.
    pub samples: Vec<String>,
    /// What Import guessed the column fills in; `None` when it is ignored.
    pub guess: Option<ImportColumn>,
}

/// A file Import read: its layout, before anything is compared with the Workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportFile {
    /// The file's name, for the dialog's title.
    pub file_name: String,
    /// How it was read.
    pub format: ImportFormat,
    /// The text encoding detected, e.g. "UTF-8 with BOM", "UTF-16 LE", "Windows-1252" (CSV
    /// only).
    pub encoding: Option<String>,
    /// The delimiter detected: "," or ";" (CSV only).
    pub delimiter: Option<String>,
    /// Whose layout the headers follow.
    pub source: ImportSource,
    /// Rows of users (without the header row).
    #[ts(type = "number")]
    pub rows: u64,
    /// Every column, in file order.
    pub columns: Vec<ImportFileColumn>,
}

/// How users who are new to the Workspace join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportJoin {
    /// An invitation email each, queued by the outbox (needs Settings → Email).
    Invitation,
    /// The file's Password column, checked by the same policy as Add user.
    FilePassword,
    /// A strong password made for each, saved once to a file and never shown again.
    GeneratedPassword,
}

/// The choices of the Import dialog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportOptions {
    /// What each of the file's columns fills in, one entry per column in file order (`null`:
    /// ignored). Two columns may not fill in the same thing.
    pub mapping: Vec<Option<ImportColumn>>,
    /// How new users join. A row whose Status says Invited is always invited.
    pub join: ImportJoin,
    /// New users with no role in the file are super-users (then `role_ids` is empty).
    pub is_super_user: bool,
    /// The roles new users with no role in the file hold.
    pub role_ids: Vec<String>,
    /// Users already in the Workspace may be changed (names, phone, roles) and restored;
    /// otherwise their rows are errors.
    pub update_existing: bool,
    /// New users with a password must choose their own at first sign-in.
    pub must_change_password: bool,
}

/// What a row of the file will do, or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportAction {
    /// A new user.
    Add,
    /// A user of the Workspace whose names, phone or roles change.
    Update,
    /// A removed user comes back (with any changes listed).
    Restore,
    /// The user is in the Workspace exactly as the row says.
    NoChange,
    /// The row cannot be imported; `error` says why.
    Error,
}

/// One field a row changes: `from` what the Workspace holds `to` what the file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportChange {
    /// The field, as the user list names it: "First name", "Last name", "Phone", "Role".
    pub field: String,
    /// The value now ("" when empty).
    pub from: String,
    /// The value after the import.
    pub to: String,
}

/// Why a row cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportRowError {
    /// The file's column at fault, as its header reads; `None` for the row as a whole.
    pub column: Option<String>,
    /// What is wrong, in words for the user.
    pub message: String,
}

/// One row of the preview (or of the result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportRow {
    /// The row's line in a spreadsheet program: the header is row 1, the first user row 2
    /// (for JSON, the user's position from 1).
    #[ts(type = "number")]
    pub row: u64,
    /// The email as the file has it, trimmed.
    pub email: String,
    /// First and last name as they will be.
    pub name: String,
    /// What the row does.
    pub action: ImportAction,
    /// For Add and Restore: the status the user will have.
    pub status: Option<Status>,
    /// For Update and Restore: every field that changes.
    pub changes: Vec<ImportChange>,
    /// For Error: why.
    pub error: Option<ImportRowError>,
}

/// Rows per kind of action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportTotals {
    /// New users.
    #[ts(type = "number")]
    pub add: u64,
    /// Users who change.
    #[ts(type = "number")]
    pub update: u64,
    /// Removed users who come back.
    #[ts(type = "number")]
    pub restore: u64,
    /// Rows that change nothing.
    #[ts(type = "number")]
    pub no_change: u64,
    /// Rows that cannot be imported.
    #[ts(type = "number")]
    pub error: u64,
}

/// The preview's summary: what Apply would do, computed by the same rules as Add user and
/// Edit, with nothing written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportPreview {
    /// Rows per action.
    pub totals: ImportTotals,
    /// How the number of seats (active users) moves: +37 when 37 users become active.
    #[ts(type = "number")]
    pub seats: i64,
    /// The file's columns that fill in nothing (their headers).
    pub ignored: Vec<String>,
    /// Something about the mapping or options that stops the whole import (no Email
    /// column, two columns for one field, no Password column with that join method…);
    /// Apply is refused while set.
    pub blocker: Option<String>,
}

/// A page of preview rows, for the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportRowsPage {
    /// The rows, in file order.
    pub rows: Vec<ImportRow>,
    /// Rows of the chosen kind in all.
    #[ts(type = "number")]
    pub total: u64,
}

/// Progress of a running Apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgress {
    /// Rows handled (applied, or failed at Apply).
    #[ts(type = "number")]
    pub done: u64,
    /// Rows Apply will handle (the preview's rows that are not errors or no change).
    #[ts(type = "number")]
    pub total: u64,
    /// Milliseconds since Apply started, for an honest time remaining.
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// What Apply did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportOutcome {
    /// Rows applied, per action (`error` counts rows refused at Apply or in the preview).
    pub totals: ImportTotals,
    /// Rows Apply did not reach because it was cancelled or stopped.
    #[ts(type = "number")]
    pub not_reached: u64,
    /// Cancel was pressed: the batches already applied stay.
    pub cancelled: bool,
    /// What stopped Apply early, if something did (the batches before it stay).
    pub stopped_by: Option<String>,
    /// Where the generated passwords were saved (GeneratedPassword only).
    pub passwords_file: Option<String>,
}
