//! CSV: UTF-8 with a byte-order mark (so Excel on Windows reads accents right), RFC 4180
//! quoting and CRLF line ends, formula-injection guard on every text cell.

use std::io::Write;

use chrono::{Datelike, NaiveDateTime, Timelike};

use super::{COLUMNS, ExportRow, RowWriter, guard_formula};
use crate::error::{Error, Result};

/// UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Date and time as written: ISO 8601 with a space, UTC (`2026-11-30 08:15:00`). Written by
/// hand: chrono's strftime parses its pattern on every call, a measurable part of a 100,000-row
/// download.
fn date_time(t: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
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

impl<W: Write + Send> RowWriter for CsvWriter<W> {
    fn write_row(&mut self, row: &ExportRow) -> Result<()> {
        let added = date_time(row.added_on);
        let last = row.last_sign_in.map(date_time).unwrap_or_default();
        self.inner
            .write_record([
                guard_formula(&row.first_name, false).as_ref(),
                guard_formula(&row.last_name, false).as_ref(),
                guard_formula(&row.email, false).as_ref(),
                guard_formula(&row.phone, true).as_ref(),
                guard_formula(&row.role, false).as_ref(),
                row.status_label(),
                &added,
                &last,
            ])
            .map_err(io)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.inner.flush().map_err(Error::Io)
    }
}
