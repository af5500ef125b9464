//! The files an import writes: the report of what happened to every row, and the generated
//! passwords. Both are CSV in UTF-8 with a BOM (so Excel shows accents right), each written
//! whole or not at all (temporary file, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::apply::{Generated, ImportResult};
use crate::error::{Error, Result};
use crate::export::file::{Target, failure};
use crate::export::guard_formula;
use crate::model::{ImportAction, ImportRow};

/// The report's columns.
pub const REPORT_COLUMNS: [&str; 5] = ["Row", "Email", "Name", "Result", "Details"];

/// The passwords file's columns.
pub const PASSWORD_COLUMNS: [&str; 4] = ["Email", "First name", "Last name", "Password"];

/// Writes rows to `path` as CSV with the BOM, through a temporary file.
fn write_csv<'a>(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<std::borrow::Cow<'a, str>>>,
) -> Result<PathBuf> {
    let target = Target::create(path)?;
    let in_file = |e: std::io::Error| failure(target.path(), &e);
    let mut out = target.writer()?;
    out.write_all(b"\xEF\xBB\xBF").map_err(in_file)?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let csv_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => failure(target.path(), &e),
        other => Error::Stored(format!("{other:?}")),
    };
    csv.write_record(header).map_err(csv_error)?;
    for row in rows {
        csv.write_record(row.iter().map(|c| c.as_ref()))
            .map_err(csv_error)?;
    }
    csv.flush().map_err(in_file)?;
    drop(csv);
    target.commit()
}

/// What a row's Result column says.
fn result_words(row: &ImportRow) -> &'static str {
    match row.action {
        ImportAction::Add => "Added",
        ImportAction::Update => "Updated",
        ImportAction::Restore => "Restored",
        ImportAction::NoChange => "No change",
        ImportAction::Error => "Not imported",
    }
}

/// What a row's Details column says: the changes, or why it was not imported.
fn details(row: &ImportRow) -> String {
    if let Some(error) = &row.error {
        return match &error.column {
            Some(column) => format!("{column}: {}", error.message),
            None => error.message.clone(),
        };
    }
    let mut parts: Vec<String> = row
        .changes
        .iter()
        .map(|c| format!("{}: {} → {}", c.field, c.from, c.to))
        .collect();
    if let Some(status) = row.status {
        parts.insert(0, format!("Status: {}", status.as_str()));
    }
    parts.join("; ")
}

/// Writes the report of `result` (every row of the file with what happened) to `path`.
/// Cells from the file carry the formula guard of the downloads. Errors:
/// [`Error::FileWrite`]; nothing is left behind on an error.
pub fn write_report(result: &ImportResult, path: &Path) -> Result<PathBuf> {
    write_csv(
        path,
        &REPORT_COLUMNS,
        result.rows.iter().map(|row| {
            vec![
                row.row.to_string().into(),
                guard_formula(&row.email, false).into_owned().into(),
                guard_formula(&row.name, false).into_owned().into(),
                result_words(row).into(),
                guard_formula(&details(row), false).into_owned().into(),
            ]
        }),
    )
}

/// Writes the generated passwords to `path`. A generated password never begins with a
/// formula character (see `apply`), so it is written exactly as it is.
pub(crate) fn write_passwords(generated: &[Generated], path: &Path) -> Result<PathBuf> {
    write_csv(
        path,
        &PASSWORD_COLUMNS,
        generated.iter().map(|g| {
            vec![
                guard_formula(&g.email, false).into_owned().into(),
                guard_formula(&g.first_name, false).into_owned().into(),
                guard_formula(&g.last_name, false).into_owned().into(),
                g.password.expose().to_owned().into(),
            ]
        }),
    )
}
