//! Excel: one sheet "Users", every text value a string cell (never a formula or a number),
//! real dates with a date format, a bold frozen header with an autofilter, fitting column
//! widths. Constant-memory mode: rows go to a temporary file as they come, so 100,000 users
//! need a few megabytes of memory.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{COLUMNS, ExportRow, RowWriter};
use crate::error::{Error, Result};

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
}

fn xlsx(error: XlsxError) -> Error {
    match error {
        XlsxError::IoError(e) => Error::Io(e),
        other => Error::Io(std::io::Error::other(other.to_string())),
    }
}

/// Removes characters XML cannot hold and that no cell should show (controls, including tab
/// and line breaks); borrows the text when there are none, as almost always.
fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(text.chars().filter(|c| !c.is_control()).collect())
    } else {
        Cow::Borrowed(text)
    }
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
            sheet
                .write_string(r, col as u16, clean(text))
                .map_err(xlsx)?;
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

    fn finish(mut self: Box<Self>) -> Result<()> {
        let last_row = self.next_row.saturating_sub(1);
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx)?;
        sheet
            .autofilter(0, 0, last_row, (COLUMNS.len() - 1) as u16)
            .map_err(xlsx)?;
        self.workbook.save_to_writer(&mut self.out).map_err(xlsx)?;
        self.out.flush()?;
        Ok(())
    }
}
