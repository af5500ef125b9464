//! CSV: UTF-8 with a byte-order mark (so Excel on Windows reads accents right), RFC 4180
//! quoting and CRLF line ends, formula-injection guard on every text cell.

use std::io::Write;

use super::{COLUMNS, ExportRow, RowWriter, guard_formula};
use crate::error::{Error, Result};

/// UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Date and time as written: ISO 8601 with a space, UTC.
const DATE_TIME: &str = "%Y-%m-%d %H:%M:%S";

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
        let added = row.added_on.format(DATE_TIME).to_string();
        let last = row
            .last_sign_in
            .map(|t| t.format(DATE_TIME).to_string())
            .unwrap_or_default();
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
