//! Reading a file chosen for Import into a [`Sheet`]: a header row and rows of cells, whatever
//! the format. CSV in any encoding Excel and other programs save (UTF-8 with or without BOM,
//! UTF-16 with its BOM, Windows-1252), comma or semicolon; the first sheet of an XLSX
//! workbook; the users of a Keycloak realm export (JSON). Every limit is checked before the
//! file is held in memory whole, and a file is refused as a whole only when no row of it can
//! be read; everything else is a per-row error later.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::error::{Error, Result, thousands};
use crate::model::ImportFormat;

/// Largest file Import reads, in bytes: Google Workspace Admin's 35 MB limit for its user
/// CSV, with room for Roster's own download of [`MAX_ROWS`] users.
pub const MAX_FILE_BYTES: u64 = 40 * 1024 * 1024;

/// Most rows of users in one file: Google Workspace Admin's limit (150,000 records per CSV).
pub const MAX_ROWS: usize = 150_000;

/// Most columns in one file. Google Workspace's user template has about 40; a file with more
/// than this is not a list of users.
pub const MAX_COLUMNS: usize = 500;

/// Most bytes an XLSX may unpack to. A workbook of [`MAX_ROWS`] users unpacks to well under
/// 100 MB; a ZIP bomb declares gigabytes.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// One cell as read, before it is checked against what its column fills in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing.
    Empty,
    /// Text (a CSV cell, a text cell, a whole number or a true/false cell of a workbook).
    Text(Box<str>),
    /// A number of a workbook that is not a whole number, or one a phone may have lost its
    /// leading 0 or + to; the text is how it reads.
    Number(Box<str>),
    /// A date or time of a workbook, as ISO 8601 text.
    Date(Box<str>),
    /// A workbook cell holding a formula (its text, without the `=`).
    Formula(Box<str>),
    /// A workbook cell showing an error such as `#N/A`.
    Error(Box<str>),
}

impl Cell {
    /// The cell as it reads, for samples and reports.
    pub(crate) fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Formula(f) => format!("={f}"),
            Cell::Text(t) | Cell::Number(t) | Cell::Date(t) | Cell::Error(t) => t.to_string(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// A row of cells and where it is in the file.
#[derive(Debug, Clone)]
pub(crate) struct SheetRow {
    /// The row as a spreadsheet program numbers it (the header is row 1).
    pub line: u64,
    pub cells: Vec<Cell>,
    /// The row has more non-empty cells than the header has columns.
    pub overflow: bool,
}

/// A file read into a header and rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub(crate) format: ImportFormat,
    /// The text encoding a CSV was read in.
    pub(crate) encoding: Option<&'static str>,
    /// The delimiter a CSV was read with.
    pub(crate) delimiter: Option<u8>,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<SheetRow>,
}

impl Sheet {
    /// Rows of users (without the header row).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the file has no row of users.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The header row's cells, trimmed.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The cell of row `row` (0 for the first row of users) in column `column` as it reads
    /// (a formula with its `=`); `None` outside the sheet.
    pub fn shown(&self, row: usize, column: usize) -> Option<String> {
        self.rows.get(row)?.cells.get(column).map(Cell::shown)
    }
}

fn refuse(reason: impl Into<String>) -> Error {
    Error::ImportFile {
        reason: reason.into(),
    }
}

/// Reads the file at `path` by its extension (`.csv` or `.txt`, `.xlsx`, `.json`).
/// Errors: [`Error::ImportFile`] when it cannot be read or breaks a limit above.
pub fn read_file(path: &std::path::Path) -> Result<Sheet> {
    let size = std::fs::metadata(path)
        .map_err(|e| refuse(format!("it could not be opened ({e})")))?
        .len();
    check_size(size)?;
    let bytes = std::fs::read(path).map_err(|e| refuse(format!("it could not be read ({e})")))?;
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    read_bytes(&bytes, &extension)
}

fn check_size(size: u64) -> Result<()> {
    if size > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "it is {} MB, and Import reads files of up to {} MB. Split it into smaller files, \
             each with the header row",
            size / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Reads `bytes` as the format `extension` names (`csv`, `txt`, `xlsx`, `json`).
/// Errors: as [`read_file`].
pub fn read_bytes(bytes: &[u8], extension: &str) -> Result<Sheet> {
    check_size(bytes.len() as u64)?;
    let sheet = match extension {
        "xlsx" | "xlsm" => read_xlsx(bytes)?,
        "json" => super::keycloak::read(bytes)?,
        "csv" | "txt" | "tsv" => read_csv(bytes)?,
        "xls" => {
            return Err(refuse(
                "it is an old Excel 97–2003 workbook (.xls). Save it as an Excel workbook \
                 (.xlsx) or as CSV and import that",
            ));
        }
        other => {
            return Err(refuse(format!(
                "Import reads CSV (.csv), Excel (.xlsx) and Keycloak realm exports (.json), \
                 not .{other} files"
            )));
        }
    };
    if sheet.rows.len() > MAX_ROWS {
        return Err(refuse(format!(
            "it has more than {} rows of users, and Import takes up to that many at a time. \
             Split it into smaller files, each with the header row",
            thousands(MAX_ROWS as u64)
        )));
    }
    Ok(sheet)
}

/// The text of a CSV and the name of the encoding it was in: a byte-order mark decides;
/// without one, UTF-16 shows as every other byte zero, then UTF-8 if the bytes are valid
/// UTF-8, else Windows-1252 (what Excel on Windows saves as "CSV" in Western Europe and the
/// Americas).
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let (encoding, name, body) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (encoding_rs::UTF_8, "UTF-8 with BOM", rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (encoding_rs::UTF_16LE, "UTF-16 LE", rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (encoding_rs::UTF_16BE, "UTF-16 BE", rest)
    } else if let Some(utf16) = utf16_without_bom(bytes) {
        utf16
    } else if std::str::from_utf8(bytes).is_ok() {
        (encoding_rs::UTF_8, "UTF-8", bytes)
    } else {
        (encoding_rs::WINDOWS_1252, "Windows-1252", bytes)
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    (text.into_owned(), name)
}

/// UTF-16 without a byte-order mark: in the first bytes, the zero bytes of ASCII text all
/// fall on odd (little-endian) or all on even (big-endian) positions.
fn utf16_without_bom(
    bytes: &[u8],
) -> Option<(&'static encoding_rs::Encoding, &'static str, &[u8])> {
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|(i, b)| i % 2 == parity && **b == 0)
            .count()
    };
    let half = head.len() / 2;
    let (even, odd) = (zeros(0), zeros(1));
    if odd * 10 >= half * 9 && even == 0 {
        Some((encoding_rs::UTF_16LE, "UTF-16 LE", bytes))
    } else if even * 10 >= half * 9 && odd == 0 {
        Some((encoding_rs::UTF_16BE, "UTF-16 BE", bytes))
    } else {
        None
    }
}

/// The delimiter of the header line: Excel's `sep=;` line when present (then skipped),
/// else whichever of comma, semicolon and tab appears most outside quotes (Excel in much of
/// Europe saves semicolons; a "Unicode text" save uses tabs).
fn delimiter(text: &str) -> (u8, &str) {
    let first = text.lines().next().unwrap_or_default();
    if let Some(sep) = first.strip_prefix("sep=")
        && let [d] = sep.trim_end().as_bytes()
    {
        let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
        return (*d, rest);
    }
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
            entry.1 += 1;
        }
    }
    let best = counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0);
    (best.map_or(b',', |(d, _)| *d), text)
}

/// A cell of text as read: zero-width no-break spaces (a byte-order mark in the middle of a
/// file, where two files were joined) are invisible and removed.
fn text_cell(value: &str) -> Cell {
    let value = if value.contains('\u{FEFF}') {
        value.replace('\u{FEFF}', "")
    } else {
        value.to_owned()
    };
    if value.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value.into_boxed_str())
    }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet> {
    let (text, encoding) = decode(bytes);
    let (delimiter, body) = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Rows as a spreadsheet program numbers them: one per record, the header's first (a
    // quoted line break keeps a record on one row, unlike the file's lines).
    let mut line = u64::from(body.len() != text.len());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(refuse(format!(
                    "line {line} is not CSV Roster can read ({e})"
                )));
            }
        }
        line += 1;
        let Some(headers) = &headers else {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() > MAX_COLUMNS {
                return Err(too_many_columns(record.len()));
            }
            headers = Some(
                record
                    .iter()
                    .map(|h| h.replace('\u{FEFF}', "").trim().to_owned())
                    .collect(),
            );
            continue;
        };
        if rows.len() > MAX_ROWS {
            break;
        }
        let width = headers.len();
        let overflow = record.iter().skip(width).any(|c| !c.trim().is_empty());
        let mut cells: Vec<Cell> = record.iter().take(width).map(text_cell).collect();
        cells.resize(width, Cell::Empty);
        if cells.iter().all(Cell::is_empty) && !overflow {
            continue;
        }
        rows.push(SheetRow {
            line,
            cells,
            overflow,
        });
    }
    let headers = headers.ok_or_else(|| refuse("it is empty: it has no header row"))?;
    Ok(Sheet {
        format: ImportFormat::Csv,
        encoding: Some(encoding),
        delimiter: Some(delimiter),
        headers,
        rows,
    })
}

fn too_many_columns(n: usize) -> Error {
    refuse(format!(
        "its header row has {} columns, and a list of users has at most {MAX_COLUMNS}. \
         Check that this is the right file",
        thousands(n as u64)
    ))
}

/// Refuses a workbook that would unpack to more than [`MAX_UNPACKED_BYTES`], by the sizes
/// its ZIP directory declares, before any part of it is unpacked.
fn check_zip(bytes: &[u8]) -> Result<()> {
    let not_xlsx = |_| refuse("it is not an Excel workbook (.xlsx), or it is damaged");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    let mut unpacked = 0_u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(not_xlsx)?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(refuse(format!(
            "it is {} MB but unpacks to {} MB, far more than a list of users needs (a ZIP \
             bomb?)",
            (bytes.len() as u64).div_ceil(1024 * 1024),
            unpacked / (1024 * 1024)
        )));
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet> {
    check_zip(bytes)?;
    let damaged = |e: calamine::XlsxError| {
        refuse(format!(
            "it is not an Excel workbook Roster can read, or it is damaged ({e})"
        ))
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
    let first = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| refuse("the workbook has no sheet"))?;
    let mut cells = workbook.worksheet_cells_reader(&first).map_err(damaged)?;
    // Cells stream in row order; rows with nothing in them never appear.
    let mut grid: Vec<(u32, Vec<Cell>)> = Vec::new();
    while let Some(record) = cells.next_cell_with_formula().map_err(damaged)? {
        let (row, column) = record.pos;
        let column = column as usize;
        let cell = match record.formula.filter(|f| !f.is_empty()) {
            Some(formula) => Cell::Formula(formula.into_boxed_str()),
            None => workbook_cell(&record.value),
        };
        if cell == Cell::Empty {
            continue;
        }
        if column >= MAX_COLUMNS {
            return Err(too_many_columns(column + 1));
        }
        if grid.last().is_none_or(|(r, _)| *r != row) {
            if grid.len() > MAX_ROWS + 1 {
                break;
            }
            grid.push((row, Vec::new()));
        }
        if let Some((_, cells)) = grid.last_mut() {
            if cells.len() <= column {
                cells.resize(column + 1, Cell::Empty);
            }
            cells[column] = cell;
        }
    }
    let mut rows = grid.into_iter();
    let (_, header_cells) = rows
        .next()
        .ok_or_else(|| refuse("its first sheet is empty: it has no header row"))?;
    let headers: Vec<String> = header_cells
        .iter()
        .map(|c| c.shown().trim().to_owned())
        .collect();
    let width = headers.len();
    let rows = rows
        .map(|(row, mut cells)| {
            let overflow = cells.iter().skip(width).any(|c| !c.is_empty());
            cells.resize(width, Cell::Empty);
            SheetRow {
                line: u64::from(row) + 1,
                cells,
                overflow,
            }
        })
        .collect();
    Ok(Sheet {
        format: ImportFormat::Xlsx,
        encoding: None,
        delimiter: None,
        headers,
        rows,
    })
}

/// A workbook value as Import reads it. A whole number reads as its digits (an employee
/// number, a phone stored as a number — the phone column refuses those, see
/// [`Cell::Number`]).
fn workbook_cell(value: &DataRef<'_>) -> Cell {
    let boxed = |s: String| s.into_boxed_str();
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => text_cell(s),
        DataRef::SharedString(s) => text_cell(s),
        DataRef::Bool(b) => Cell::Text(boxed(if *b { "TRUE" } else { "FALSE" }.to_owned())),
        DataRef::Int(i) => Cell::Number(boxed(i.to_string())),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cell::Number(boxed(format!("{f:.0}")))
        }
        DataRef::Float(f) => Cell::Number(boxed(f.to_string())),
        DataRef::DateTime(d) => Cell::Date(boxed(
            d.as_datetime()
                .map_or_else(|| d.as_f64().to_string(), |t| t.to_string()),
        )),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Date(boxed(s.clone())),
        DataRef::Error(e) => Cell::Error(boxed(e.to_string())),
    }
}
