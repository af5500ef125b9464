//! CSV: UTF-8 with a byte-order mark (so Excel on Windows reads accents right), RFC 4180
//! quoting and CRLF line ends; every text cell without control characters (as in Excel) and
//! with the formula-injection guard. Cells are never cut: CSV has no length limit.

use std::borrow::Cow;
use std::io::Write;

use chrono::{Datelike, NaiveDateTime, Timelike};

use super::{COLUMNS, CutCells, ExportRow, RowWriter, needs_guard, without_controls};
use crate::error::{Error, Result};

/// UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Date and time as written: ISO 8601 with a space, UTC (`2026-11-30 08:15:00`), into a
/// stack buffer. Written by hand: chrono's strftime parses its pattern and `format!` allocates
/// on every call, together a measurable part of a 100,000-row download.
struct DateTimeText([u8; 19]);

impl DateTimeText {
    fn new(t: NaiveDateTime) -> Self {
        let mut out = *b"0000-00-00 00:00:00";
        let year = u32::try_from(t.year()).unwrap_or(0).min(9999);
        let mut put = |at: usize, width: usize, mut value: u32| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, t.month());
        put(8, 2, t.day());
        put(11, 2, t.hour());
        put(14, 2, t.minute());
        put(17, 2, t.second());
        Self(out)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// Writes users as CSV into any `Write`.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

fn io(error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::Io(e),
        other => Error::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

impl<W: Write> CsvWriter<W> {
    /// Starts the file: BOM and header row.
    /// Errors: [`Error::Io`] from the underlying writer.
    pub fn new(mut out: W) -> Result<Self> {
        out.write_all(BOM)?;
        let mut inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        inner.write_record(COLUMNS).map_err(io)?;
        Ok(Self { inner })
    }
}

/// A text cell as written: without control characters, then with the formula guard.
fn text(value: &str, is_phone: bool) -> Cow<'_, str> {
    let clean = without_controls(value);
    if needs_guard(&clean, is_phone) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

impl<W: Write + Send> RowWriter for CsvWriter<W> {
    fn write_row(&mut self, row: &ExportRow<'_>) -> Result<()> {
        let added = DateTimeText::new(row.added_on);
        let last = row.last_sign_in.map(DateTimeText::new);
        self.inner
            .write_record([
                text(&row.first_name, false).as_ref(),
                text(&row.last_name, false).as_ref(),
                text(&row.email, false).as_ref(),
                text(&row.phone, true).as_ref(),
                text(&row.role, false).as_ref(),
                row.status_label(),
                added.as_str(),
                last.as_ref().map_or("", DateTimeText::as_str),
            ])
            .map_err(io)
    }

    fn finish(mut self: Box<Self>) -> Result<CutCells> {
        self.inner.flush().map_err(Error::Io)?;
        Ok(CutCells::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_zero_padded_iso_8601_with_a_space() {
        let at = |y, mo, d, h, mi, s| {
            chrono::NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|day| day.and_hms_opt(h, mi, s))
                .expect("valid date")
        };
        assert_eq!(
            DateTimeText::new(at(2026, 11, 30, 8, 5, 9)).as_str(),
            "2026-11-30 08:05:09"
        );
        assert_eq!(
            DateTimeText::new(at(987, 1, 2, 23, 59, 0)).as_str(),
            "0987-01-02 23:59:00"
        );
    }
}
