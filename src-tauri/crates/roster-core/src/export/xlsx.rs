//! Excel: one sheet "Users", every text value a string cell (never a formula or a number),
//! real dates with a date format, a bold frozen header with an autofilter, fitting column
//! widths. Constant-memory mode: rows go to a temporary file as they come, so 100,000 users
//! need a few megabytes of memory. Text longer than a cell holds is cut with a marker and
//! reported, never an error: one long name must not cost the whole download.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{COLUMNS, CUT_LISTED, CUT_MARKER, CutCells, ExportRow, RowWriter, without_controls};
use crate::error::{Error, Result};
use crate::model::CutCell;

/// Most characters a cell holds: 32,767 ("Excel specifications and limits", Microsoft
/// Support), counted in UTF-16 code units as Excel and rust_xlsxwriter count them.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Most users one sheet holds: Excel's 1,048,576 rows ("Excel specifications and limits")
/// less the header row.
pub const MAX_USERS: u64 = 1_048_575;

/// Longest user label in a [`CutCell`], in characters.
const USER_LABEL_CHARS: usize = 100;

/// Width of each column in characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnWidths([f64; 8]);

impl ColumnWidths {
    /// Widths that fit the longest first name, last name, email and phone (in characters),
    /// at least the header and at most 60; role, status and dates get fixed widths.
    pub fn fitting(longest: [i64; 4]) -> Self {
        let fit = |i: usize, n: i64| {
            let chars = n.max(COLUMNS[i].chars().count() as i64).min(60);
            chars as f64 + 2.0
        };
        Self([
            fit(0, longest[0]),
            fit(1, longest[1]),
            fit(2, longest[2]),
            fit(3, longest[3]),
            14.0,
            10.0,
            18.0,
            18.0,
        ])
    }
}

/// Writes users as an .xlsx workbook into any `Write + Send`.
pub struct XlsxWriter<W: Write + Send> {
    workbook: Workbook,
    out: W,
    next_row: u32,
    date: Format,
    cut: CutCells,
}

/// A workbook failure: the writer's own IO as [`Error::Io`]; anything else is a fault of
/// Roster's (its inputs are checked before they get here), never reported as a disk problem.
fn xlsx(error: XlsxError) -> Error {
    match error {
        XlsxError::IoError(e) => Error::Io(e),
        other => Error::Spreadsheet(other.to_string()),
    }
}

/// Refuses a download of more users than a sheet holds ([`MAX_USERS`]) before any work:
/// [`Error::TooManyRows`].
pub fn check_rows(users: u64) -> Result<()> {
    if users > MAX_USERS {
        return Err(Error::TooManyRows {
            rows: users,
            limit: MAX_USERS,
        });
    }
    Ok(())
}

/// `None` when `text` fits a cell; otherwise its start and [`CUT_MARKER`] in at most
/// [`MAX_CELL_CHARS`] UTF-16 code units, never splitting a character.
fn fit(text: &str) -> Option<String> {
    if text.encode_utf16().count() <= MAX_CELL_CHARS {
        return None;
    }
    let room = MAX_CELL_CHARS - CUT_MARKER.encode_utf16().count();
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(text.len(), |(at, _)| at);
    Some(format!("{}{CUT_MARKER}", &text[..end]))
}

/// A label for the row's user in a [`CutCell`]: the email without control characters, at
/// most [`USER_LABEL_CHARS`] characters and "…".
fn user_label(email: &str) -> String {
    let email = without_controls(email);
    if email.chars().count() <= USER_LABEL_CHARS {
        return email.into_owned();
    }
    let mut label: String = email.chars().take(USER_LABEL_CHARS).collect();
    label.push('…');
    label
}

impl<W: Write + Send> XlsxWriter<W> {
    /// Starts the workbook: sheet "Users", bold header, frozen first row, column widths.
    /// Errors: [`Error::Io`] from the workbook's temporary storage.
    pub fn new(out: W, widths: ColumnWidths) -> Result<Self> {
        let mut workbook = Workbook::new();
        // Deflate level 3 instead of 6: compression was a quarter of a 100,000-user download,
        // and the file grows by only a few percent (rust_xlsxwriter's performance guide).
        workbook.set_zip_compression_level(3);
        let header = Format::new().set_bold();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx)?;
        sheet.set_name("Users").map_err(xlsx)?;
        sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
        for (col, width) in widths.0.iter().enumerate() {
            sheet.set_column_width(col as u16, *width).map_err(xlsx)?;
        }
        for (col, title) in COLUMNS.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *title, &header)
                .map_err(xlsx)?;
        }
        Ok(Self {
            workbook,
            out,
            next_row: 1,
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            cut: CutCells::default(),
        })
    }
}

impl<W: Write + Send> RowWriter for XlsxWriter<W> {
    fn write_row(&mut self, row: &ExportRow<'_>) -> Result<()> {
        let r = self.next_row;
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx)?;
        let texts = [
            &row.first_name,
            &row.last_name,
            &row.email,
            &row.phone,
            &row.role,
        ];
        for (col, text) in texts.into_iter().enumerate() {
            let clean = without_controls(text);
            let cell = match fit(&clean) {
                None => clean,
                Some(cut) => {
                    self.cut.total += 1;
                    if self.cut.listed.len() < CUT_LISTED {
                        self.cut.listed.push(CutCell {
                            user: user_label(&row.email),
                            column: COLUMNS[col].to_owned(),
                            length: clean.chars().count() as u64,
                        });
                    }
                    Cow::Owned(cut)
                }
            };
            sheet.write_string(r, col as u16, cell).map_err(xlsx)?;
        }
        sheet.write_string(r, 5, row.status_label()).map_err(xlsx)?;
        sheet
            .write_datetime_with_format(r, 6, row.added_on, &self.date)
            .map_err(xlsx)?;
        if let Some(last) = row.last_sign_in {
            sheet
                .write_datetime_with_format(r, 7, last, &self.date)
                .map_err(xlsx)?;
        }
        self.next_row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<CutCells> {
        let last_row = self.next_row.saturating_sub(1);
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx)?;
        sheet
            .autofilter(0, 0, last_row, (COLUMNS.len() - 1) as u16)
            .map_err(xlsx)?;
        self.workbook.save_to_writer(&mut self.out).map_err(xlsx)?;
        self.out.flush()?;
        Ok(self.cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn text_that_fits_is_kept_and_longer_text_is_cut_with_the_marker() {
        assert_eq!(fit(&"a".repeat(MAX_CELL_CHARS)), None);
        let cut = fit(&"a".repeat(MAX_CELL_CHARS + 1)).expect("cut");
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with(CUT_MARKER));
        // "😀" is two UTF-16 code units: the cut never splits it and never overshoots.
        let wide = "😀".repeat(MAX_CELL_CHARS / 2 + 1);
        let cut = fit(&wide).expect("cut");
        assert!(cut.encode_utf16().count() <= MAX_CELL_CHARS);
        assert!(cut.trim_end_matches(CUT_MARKER).chars().all(|c| c == '😀'));
    }

    #[test]
    fn more_users_than_a_sheet_holds_is_a_data_error_not_a_disk_error() {
        assert!(check_rows(MAX_USERS).is_ok());
        let refused = check_rows(MAX_USERS + 1).expect_err("too many");
        assert_eq!(refused.code(), ErrorCode::TooManyRows);
        assert!(
            refused.to_string().contains("at most 1,048,575 users"),
            "{refused}"
        );
        assert_ne!(
            xlsx(XlsxError::MaxStringLengthExceeded).code(),
            ErrorCode::Io
        );
    }

    #[test]
    fn long_emails_are_shortened_in_the_notice() {
        assert_eq!(user_label("ana@example.com"), "ana@example.com");
        let label = user_label(&format!("{}@example.com", "a".repeat(200)));
        assert_eq!(label.chars().count(), USER_LABEL_CHARS + 1);
        assert!(label.ends_with('…'));
    }
}
