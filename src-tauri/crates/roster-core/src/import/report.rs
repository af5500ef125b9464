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
    csv.write_record(header)
        .map_err(|e| csv_failure(target.path(), e))?;
    for row in rows {
        csv.write_record(row.iter().map(|c| c.as_ref()))
            .map_err(|e| csv_failure(target.path(), e))?;
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

/// The generated passwords file while Apply runs: each batch's new users are written as
/// soon as their batch is committed, and the file appears (renamed from its temporary name)
/// when Apply ends — also after a cancel or a stop, with the users applied until then.
pub(crate) struct PasswordsFile {
    target: Target,
    csv: csv::Writer<std::io::BufWriter<std::fs::File>>,
    rows: u64,
}

impl PasswordsFile {
    /// Starts the file at `path` (BOM and header), before anything is applied, so a folder
    /// that cannot be written stops the import before it begins. Errors: [`Error::FileWrite`].
    pub(crate) fn create(path: &Path) -> Result<Self> {
        let target = Target::create(path)?;
        let mut out = target.writer()?;
        out.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| failure(target.path(), &e))?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        csv.write_record(PASSWORD_COLUMNS)
            .map_err(|e| csv_failure(target.path(), e))?;
        Ok(Self {
            target,
            csv,
            rows: 0,
        })
    }

    /// Writes the users of a committed batch and syncs them to disk. A generated password
    /// never begins with a formula character (see `apply`), so it is written exactly as it
    /// is. Errors: [`Error::FileWrite`].
    pub(crate) fn append(&mut self, generated: &[Generated]) -> Result<()> {
        for g in generated {
            let record = [
                guard_formula(&g.email, false),
                guard_formula(&g.first_name, false),
                guard_formula(&g.last_name, false),
                g.password.expose().into(),
            ];
            self.csv
                .write_record(record.iter().map(|c| c.as_ref()))
                .map_err(|e| csv_failure(self.target.path(), e))?;
            self.rows += 1;
        }
        self.csv
            .flush()
            .map_err(|e| failure(self.target.path(), &e))?;
        self.target.sync()
    }

    /// Puts the file in place; `None` (and no file) when no user got a password.
    /// Errors: [`Error::FileWrite`].
    pub(crate) fn finish(mut self) -> Result<Option<PathBuf>> {
        if self.rows == 0 {
            return Ok(None);
        }
        self.csv
            .flush()
            .map_err(|e| failure(self.target.path(), &e))?;
        drop(self.csv);
        self.target.commit().map(Some)
    }
}

fn csv_failure(path: &Path, error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => failure(path, &e),
        other => Error::Stored(format!("{other:?}")),
    }
}
