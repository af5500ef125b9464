//! Downloading the user list as Excel or CSV (DESIGN.md §5).
//!
//! Writers take rows and any `impl Write`, so they are tested without dialogs. The service
//! streams the rows of a list query from the store into a writer over a temporary file next
//! to the target, then renames it: a failure or a cancel leaves nothing behind.

mod csv;
pub(crate) mod file;
mod xlsx;

use std::borrow::Cow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDateTime;
use unicode_normalization::UnicodeNormalization;

pub use self::csv::CsvWriter;
pub use self::xlsx::{ColumnWidths, MAX_CELL_CHARS, MAX_USERS, XlsxWriter, check_rows};
use crate::changes::{self, By, Change};
use crate::clock::parse_timestamp;
use crate::error::{Error, Result};
use crate::model::{CutCell, ExportFormat, ExportOutcome, ExportProgress, Status, UserQuery};
use crate::permissions::{Permission, Session};
use crate::store::ExportUser;
use crate::users::SUPER_USER_ROLE;
use crate::users::list::{self, matching, viewer};
use crate::{Roster, validation};

/// Column headers, in order.
pub const COLUMNS: [&str; 8] = [
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Role",
    "Status",
    "Added on",
    "Last sign-in",
];

/// Users per batch read from SQLite, between progress reports and cancel checks.
const BATCH: u64 = 1_000;

/// Ends an Excel cell that was cut to [`MAX_CELL_CHARS`], so a reader of the file sees that
/// the value goes on in Roster (and in the CSV download).
pub const CUT_MARKER: &str = "…[cut]";

/// Most cut cells an [`ExportOutcome`] names; the notice after saving counts the rest.
pub const CUT_LISTED: usize = 20;

/// The cells a writer cut to fit its format: the first [`CUT_LISTED`] and how many in all.
#[derive(Debug, Default)]
pub struct CutCells {
    /// The first cut cells, in file order.
    pub listed: Vec<CutCell>,
    /// How many cells were cut.
    pub total: u64,
}

/// One user as a download holds it, borrowing its text from the batch it was read from.
/// Times are UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow<'a> {
    /// Given name as stored (a cell of its own in both formats).
    pub first_name: Cow<'a, str>,
    /// Last name ("" when empty — never "null").
    pub last_name: Cow<'a, str>,
    /// Email as typed.
    pub email: Cow<'a, str>,
    /// Phone as typed, or "".
    pub phone: Cow<'a, str>,
    /// "Super-user" or role names.
    pub role: Cow<'a, str>,
    /// Written as "Invited", "Active" or "Removed".
    pub status: Status,
    /// When the user was added (UTC).
    pub added_on: NaiveDateTime,
    /// Last sign-in (UTC), if any.
    pub last_sign_in: Option<NaiveDateTime>,
}

impl ExportRow<'_> {
    /// The status as the file shows it.
    pub fn status_label(&self) -> &'static str {
        match self.status {
            Status::Invited => "Invited",
            Status::Active => "Active",
            Status::Removed => "Removed",
        }
    }
}

impl<'a> From<ExportUser<'a>> for ExportRow<'a> {
    fn from(user: ExportUser<'a>) -> Self {
        let utc = |text: &str| parse_timestamp(text).map(|t| t.naive_utc());
        Self {
            added_on: utc(user.created_at).unwrap_or_default(),
            last_sign_in: user.last_sign_in_at.and_then(utc),
            status: user.status,
            role: if user.is_super_user {
                Cow::Borrowed(SUPER_USER_ROLE)
            } else {
                user.role_names.unwrap_or_default()
            },
            first_name: user.first_name,
            last_name: user.last_name,
            email: user.email,
            phone: user.phone,
        }
    }
}

/// Something rows can be written to (see [`CsvWriter`], [`XlsxWriter`]).
pub trait RowWriter: Send {
    /// Writes one user.
    fn write_row(&mut self, row: &ExportRow<'_>) -> Result<()>;
    /// Completes the file and flushes it into the underlying writer; says which cells were
    /// cut to fit the format.
    fn finish(self: Box<Self>) -> Result<CutCells>;
}

/// Neutralises spreadsheet formula injection in CSV (OWASP "CSV Injection"): a value whose
/// first visible character (after white space, control characters and invisible format
/// characters, see [`is_invisible_lead`]) starts a formula (see [`starts_formula`]), or that
/// starts with a tab or carriage return, gets a leading `'` so spreadsheet programs read it as
/// text. A phone number that passes Roster's phone validation is left as typed when it begins
/// with a digit or `+` (`+44 …`, `0031 …`) and always guarded otherwise: it then begins with
/// `-`, `(`, `)` or `.`, and a spreadsheet reads `-1-2` as arithmetic, `(555)` as a negative
/// number and `.5` as a fraction. Other text in the phone column follows the general rule.
pub fn guard_formula(value: &str, is_phone: bool) -> Cow<'_, str> {
    if needs_guard(value, is_phone) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Whether [`guard_formula`] prefixes `value`.
fn needs_guard(value: &str, is_phone: bool) -> bool {
    if value.is_empty() {
        return false;
    }
    let starts_with_control = value.starts_with(['\t', '\r']);
    let first = value.chars().find(|c| !is_invisible_lead(*c));
    let risky = starts_with_control || first.is_some_and(starts_formula);
    if is_phone && validation::phone(value).is_ok() {
        return !value.starts_with(|c: char| c.is_ascii_digit() || c == '+');
    }
    risky
}

/// Whether a cell beginning with `c` (its first visible character) is read as a formula.
///
/// The list is OWASP's (CSV Injection: `=`, `+`, `-`, `@`) plus U+2212 MINUS SIGN, which
/// LibreOffice Calc takes as a minus, and every character whose compatibility form (Unicode
/// NFKC) begins with one of those five: full-width `＝ ＋ － ＠` (U+FF1D, U+FF0B, U+FF0D,
/// U+FF20), small `﹦ ﹢ ﹣ ﹫` (U+FE66, U+FE62, U+FE63, U+FE6B), super- and subscript
/// `⁼ ⁺ ⁻ ₌ ₊ ₋` and the like. Spreadsheets with East Asian input methods fold full-width
/// forms while they parse, so a look-alike must be treated as what it folds to.
pub fn starts_formula(c: char) -> bool {
    let is_operator = |c: char| matches!(c, '=' | '+' | '-' | '@' | '\u{2212}');
    if c.is_ascii() {
        return is_operator(c);
    }
    is_operator(c) || std::iter::once(c).nfkc().next().is_some_and(is_operator)
}

/// Characters a spreadsheet shows as nothing before a cell's first visible one: white space,
/// control characters, and the invisible format characters that paste in from documents
/// (zero-width space and joiners U+200B–U+200D, direction marks U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069, word joiner U+2060, byte-order mark U+FEFF).
fn is_invisible_lead(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Removes the control characters (Unicode category Cc: C0, DEL, C1 — tab and line breaks
/// included) that Roster refuses in new input but older data may hold. Both downloads write
/// every text cell through it, so CSV and Excel show the same text; borrows the text when
/// there are none, as almost always.
pub fn without_controls(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(text.chars().filter(|c| !c.is_control()).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// `<workspace>-users-<YYYY-MM-DD>.<ext>`, safe on Windows, macOS and Linux: no
/// `/ \ : * ? " < > |`, no control characters, no trailing dots or spaces, not a reserved
/// Windows device name, at most 120 characters before the extension.
pub fn suggested_file_name(
    workspace: &str,
    date: chrono::NaiveDate,
    format: ExportFormat,
) -> String {
    let cleaned: String = workspace
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut base: String = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    base = base
        .trim_matches(|c: char| c == '.' || c == ' ' || c == '-')
        .to_owned();
    let stem = base
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.ends_with(|c: char| c.is_ascii_digit() && c != '0'));
    if base.is_empty() || reserved {
        base = format!("Workspace {base}").trim().to_owned();
    }
    let base: String = base.chars().take(120).collect();
    format!(
        "{base}-users-{}.{}",
        date.format("%Y-%m-%d"),
        format.extension()
    )
}

impl Roster {
    /// The file name a download of today's list suggests (see [`suggested_file_name`]),
    /// for the save dialog. Needs `users.export`, so nobody is shown a dialog for a download
    /// they would be refused.
    pub async fn export_file_name(
        &self,
        session: &Session,
        format: ExportFormat,
        today: chrono::NaiveDate,
    ) -> Result<String> {
        let mut tx = self.read().await?;
        let actor = crate::actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::UsersExport)?;
        let workspace = tx.workspace_name(&actor.workspace_id).await?;
        Ok(suggested_file_name(&workspace, today, format))
    }

    /// Writes the users matching `query` (search, filter, sort; `after` and `limit` ignored) to
    /// `path` as `format`, reporting progress about every 1,000 rows and stopping with
    /// [`Error::Cancelled`] when `cancel` is set. Needs `users.export`. The file appears only
    /// when complete (temporary file in the same folder, then rename); on any error nothing is
    /// left. An Excel cell longer than [`MAX_CELL_CHARS`] is cut and named in the outcome.
    /// Records an audit entry with the format and row count. Errors: [`Error::TooManyRows`]
    /// for an Excel download of more than [`MAX_USERS`] users; [`Error::FileWrite`] when the
    /// file cannot be written.
    pub async fn export_users(
        &self,
        session: &Session,
        format: ExportFormat,
        query: &UserQuery,
        path: &Path,
        progress: &mut (dyn FnMut(ExportProgress) + Send),
        cancel: &AtomicBool,
    ) -> Result<ExportOutcome> {
        let query = UserQuery {
            after: None,
            ..query.clone()
        };
        // One read transaction: the total and the rows come from the same snapshot, whatever
        // other windows or sync write meanwhile (WAL readers never block writers).
        let mut tx = self.read().await?;
        let (actor, counts) = viewer(&mut *tx, session).await?;
        actor.require(Permission::UsersExport)?;

        // Excel needs the longest values for its column widths before the first row (one pass
        // that also counts); CSV needs only the total, usually straight from the counts.
        let term = list::term(&query.search);
        let request = list::request(&actor, &query, &term)?;
        let (total, longest) = match format {
            ExportFormat::Xlsx => tx.longest_values(&request).await?,
            ExportFormat::Csv => (matching(&mut *tx, &request, &counts).await?, [0; 4]),
        };
        let total = u64::try_from(total).unwrap_or_default();
        if format == ExportFormat::Xlsx {
            check_rows(total)?;
        }
        let widths = ColumnWidths::fitting(longest);

        let target = file::Target::create(path)?;
        let in_file = |error: Error| match error {
            Error::Io(e) => file::failure(target.path(), &e),
            other => other,
        };
        let mut writer: Box<dyn RowWriter> = match format {
            ExportFormat::Csv => Box::new(CsvWriter::new(target.writer()?).map_err(in_file)?),
            ExportFormat::Xlsx => {
                Box::new(XlsxWriter::new(target.writer()?, widths).map_err(in_file)?)
            }
        };
        let mut written = 0_u64;
        progress(ExportProgress { written, total });
        tx.export_users(&request, BATCH as u32, &mut |users| {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            for user in users {
                writer.write_row(&ExportRow::from(user)).map_err(in_file)?;
                written += 1;
            }
            progress(ExportProgress { written, total });
            Ok(())
        })
        .await?;
        drop(tx);
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let cut = writer.finish().map_err(in_file)?;
        let saved = target.commit()?;
        progress(ExportProgress {
            written,
            total: written,
        });

        let now = self.now();
        let mut tx = self.write().await?;
        let by = By {
            workspace_id: &actor.workspace_id,
            actor_id: Some(&actor.user_id),
            at: &now,
        };
        let download = Change::DownloadMade {
            format,
            rows: written,
        };
        changes::record(&mut *tx, by, download).await?;
        tx.commit().await?;
        Ok(ExportOutcome {
            file_name: saved
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: saved.to_string_lossy().into_owned(),
            rows: written,
            cut: cut.listed,
            cut_total: cut.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_ordinary_text_is_not() {
        assert_eq!(
            guard_formula("=HYPERLINK(\"http://evil.example\",\"x\")", false),
            "'=HYPERLINK(\"http://evil.example\",\"x\")"
        );
        assert_eq!(guard_formula("@SUM(1,1)", false), "'@SUM(1,1)");
        assert_eq!(guard_formula("\t=1+1", false), "'\t=1+1");
        assert_eq!(guard_formula("  -2+3", false), "'  -2+3");
        assert_eq!(guard_formula("\r+1", false), "'\r+1");
        assert_eq!(guard_formula("Ana-Lu", false), "Ana-Lu");
        assert_eq!(guard_formula("", false), "");
        assert_eq!(guard_formula("+441632960001", true), "+441632960001");
        assert_eq!(guard_formula("+1 (555) 0100", true), "+1 (555) 0100");
        assert_eq!(guard_formula("+SUM(1)", true), "'+SUM(1)");
    }

    #[test]
    fn look_alikes_of_formula_characters_are_guarded_too() {
        for risky in [
            "＝1+1",
            "＋1",
            "－1",
            "＠SUM(1)",
            "﹦1",
            "﹢1",
            "﹣1",
            "﹫x",
            "⁼1",
            "⁺1",
            "⁻1",
            "₌1",
            "₊1",
            "₋1",
            "\u{2212}1",
        ] {
            assert_eq!(
                guard_formula(risky, false),
                format!("'{risky}"),
                "{risky:?}"
            );
            let led = format!("\u{3000}\u{200B}\u{FEFF}\u{200E}{risky}");
            assert_eq!(guard_formula(&led, false), format!("'{led}"), "{led:?}");
        }
        for plain in [
            "Ana", "陈 静", "Zoë", "'quoted", "1+1", "(555)", "–dash", "_x", "",
        ] {
            assert_eq!(guard_formula(plain, false), plain, "{plain:?}");
        }
        assert_eq!(guard_formula("", true), "");
    }

    #[test]
    fn only_phones_that_begin_with_a_digit_or_plus_stay_as_typed() {
        for kept in [
            "07700900123",
            "+441632960001",
            "0031 6 1234 5678",
            "+1 (555) 0100",
        ] {
            assert_eq!(guard_formula(kept, true), kept, "{kept:?}");
        }
        for guarded in [
            "-1234567",
            "(555) 123 4567",
            ".12345",
            " +441632960001",
            "－1234567",
        ] {
            assert_eq!(
                guard_formula(guarded, true),
                format!("'{guarded}"),
                "{guarded:?}"
            );
        }
    }

    #[test]
    fn control_characters_are_removed_and_text_without_them_is_borrowed() {
        assert_eq!(without_controls("Ana\u{0B}Maria\u{0}\u{85}"), "AnaMaria");
        assert!(matches!(without_controls("Zoë Ødegård"), Cow::Borrowed(_)));
    }

    #[test]
    fn suggested_names_are_safe_everywhere() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let name = |w: &str| suggested_file_name(w, day, ExportFormat::Xlsx);
        assert_eq!(name("Acme Ltd"), "Acme Ltd-users-2026-11-30.xlsx");
        assert_eq!(
            name("R&D: \"North\"/South*?<>|"),
            "R&D- -North--South-users-2026-11-30.xlsx"
        );
        assert_eq!(name("Tab\there\u{0007}"), "Tab here-users-2026-11-30.xlsx");
        assert_eq!(name("CON"), "Workspace CON-users-2026-11-30.xlsx");
        assert_eq!(name("com1"), "Workspace com1-users-2026-11-30.xlsx");
        assert_eq!(name("..."), "Workspace-users-2026-11-30.xlsx");
        assert_eq!(name("Zoë & 陈"), "Zoë & 陈-users-2026-11-30.xlsx");
        assert_eq!(
            suggested_file_name("Acme", day, ExportFormat::Csv),
            "Acme-users-2026-11-30.csv"
        );
        assert!(name(&"x".repeat(300)).len() < 150);
    }
}
