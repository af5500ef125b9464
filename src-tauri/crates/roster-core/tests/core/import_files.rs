//! Files that break importers elsewhere: other encodings and delimiters, a byte-order mark in
//! the middle, mixed line endings, a quoted line break, too many columns, too big a file, a
//! ZIP bomb, formula, date and number cells. Each is a clear error for the file as a whole or
//! for the row, and nothing is written.

use std::io::Write;

use roster_core::Error;
use roster_core::import::{self, Plan, Sheet};
use roster_core::model::{ImportAction, ImportJoin, ImportOptions, ImportRow};

use crate::support::*;

fn refused(result: roster_core::Result<Sheet>) -> String {
    match result {
        Err(Error::ImportFile { reason }) => reason,
        Err(other) => panic!("another error: {other:?}"),
        Ok(_) => panic!("the file was read"),
    }
}

async fn plan(w: &World, sheet: &Sheet) -> Plan {
    let file = import::describe(sheet, "file");
    let options = ImportOptions {
        mapping: file.columns.iter().map(|c| c.guess).collect(),
        join: ImportJoin::GeneratedPassword,
        is_super_user: false,
        role_ids: vec![w.member_role.clone()],
        update_existing: true,
        must_change_password: true,
    };
    w.roster
        .import_preview(&w.admin, sheet, &options)
        .await
        .expect("preview")
}

fn rows(plan: &Plan) -> Vec<ImportRow> {
    plan.rows(None, 0, u64::MAX).rows
}

fn texts(sheet: &Sheet, column: usize) -> Vec<String> {
    sheet_rows(sheet)
        .into_iter()
        .map(|r| r[column].clone())
        .collect()
}

/// Every row's cells as read.
fn sheet_rows(sheet: &Sheet) -> Vec<Vec<String>> {
    (0..sheet.len())
        .map(|row| {
            (0..sheet.headers().len())
                .map(|column| sheet.shown(row, column).unwrap_or_default())
                .collect()
        })
        .collect()
}

#[test]
fn utf16_as_excel_saves_unicode_text_and_windows_1252_with_semicolons_read_right() {
    let text = "Email\tFirst name\tLast name\r\nzoe@acme.example\tZoë\tØdegård\r\nchen@acme.example\t陈\t静\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let sheet = import::read_bytes(&utf16, "txt").expect("UTF-16");
    let file = import::describe(&sheet, "unicode.txt");
    assert_eq!(file.encoding.as_deref(), Some("UTF-16 LE"));
    assert_eq!(file.delimiter.as_deref(), Some("tab"));
    assert_eq!(texts(&sheet, 1), vec!["Zoë", "陈"]);

    // "José;Müller" in Windows-1252: é = E9, ü = FC.
    let cp1252 = b"Email;First name;Last name\r\njose@acme.example;Jos\xE9;M\xFCller\r\n";
    let sheet = import::read_bytes(cp1252, "csv").expect("Windows-1252");
    let file = import::describe(&sheet, "europe.csv");
    assert_eq!(file.encoding.as_deref(), Some("Windows-1252"));
    assert_eq!(file.delimiter.as_deref(), Some(";"));
    assert_eq!(
        sheet_rows(&sheet)[0],
        vec!["jose@acme.example", "José", "Müller"]
    );

    let excel_hint = b"sep=;\r\nEmail;First name\r\nana@acme.example;Ana\r\n";
    let sheet = import::read_bytes(excel_hint, "csv").expect("sep= line");
    assert_eq!(sheet_rows(&sheet)[0], vec!["ana@acme.example", "Ana"]);
}

#[tokio::test]
async fn two_files_joined_and_mixed_line_endings_give_one_clear_row_error() {
    let w = world().await;
    let mut joined = b"\xEF\xBB\xBFEmail,First name\r\nann@acme.example,Ann\n".to_vec();
    joined.extend(b"\xEF\xBB\xBFEmail,First name\rbo@acme.example,\xEF\xBB\xBFBo\r\n");
    let sheet = import::read_bytes(&joined, "csv").expect("read");
    let all = rows(&plan(&w, &sheet).await);
    assert_eq!(all.len(), 3);
    assert_eq!((all[0].row, all[0].action), (2, ImportAction::Add));
    assert_eq!(all[1].action, ImportAction::Error);
    assert!(
        all[1]
            .error
            .as_ref()
            .expect("why")
            .message
            .contains("repeats the header"),
        "{:?}",
        all[1]
    );
    assert_eq!((all[2].row, all[2].action), (4, ImportAction::Add));
    assert_eq!(
        all[2].name, "Bo",
        "the byte-order mark inside the cell is gone"
    );
}

#[tokio::test]
async fn a_quoted_line_break_keeps_its_row_and_is_refused_in_a_name() {
    let w = world().await;
    let csv = "Email,First name,Last name\n\
               ana@acme.example,\"Ana\nMaria\",Silva\n\
               bo@acme.example,Bo,\"Reyes, Jr.\"\n\
               cy@acme.example,Cy,Reyes, Jr.\n";
    let sheet = import::read_bytes(csv.as_bytes(), "csv").expect("read");
    let all = rows(&plan(&w, &sheet).await);
    assert_eq!(all[0].action, ImportAction::Error);
    let error = all[0].error.clone().expect("why");
    assert_eq!(error.column.as_deref(), Some("First name"));
    assert!(error.message.contains("single line"), "{}", error.message);
    assert_eq!((all[1].row, all[1].action), (3, ImportAction::Add));
    assert_eq!(all[1].name, "Bo Reyes, Jr.");
    let unquoted = all[2].error.clone().expect("a comma outside quotes");
    assert!(
        unquoted.message.contains("more cells"),
        "{}",
        unquoted.message
    );
}

#[test]
fn a_file_too_wide_too_big_or_of_another_kind_is_refused_as_a_whole() {
    let header: Vec<String> = (0..10_000).map(|i| format!("Column {i}")).collect();
    let wide = format!("{}\n", header.join(","));
    let reason = refused(import::read_bytes(wide.as_bytes(), "csv"));
    assert!(reason.contains("10,000 columns"), "{reason}");

    let dir = tempfile::tempdir().expect("dir");
    let big = dir.path().join("big.csv");
    let mut file = std::fs::File::create(&big).expect("create");
    file.write_all(b"Email,First name\n").expect("write");
    let line = b"someone@acme.example,Someone\n";
    for _ in 0..(50 * 1024 * 1024 / line.len() + 1) {
        file.write_all(line).expect("write");
    }
    drop(file);
    let reason = refused(import::read_file(&big));
    assert!(
        reason.contains("is 50 MB") && reason.contains("40 MB"),
        "{reason}"
    );

    let reason = refused(import::read_bytes(b"%PDF-1.7", "pdf"));
    assert!(reason.contains(".pdf"), "{reason}");
    let reason = refused(import::read_bytes(b"", "csv"));
    assert!(reason.contains("no header"), "{reason}");
    let reason = refused(import::read_bytes(b"not a zip", "xlsx"));
    assert!(reason.contains("not an Excel workbook"), "{reason}");
    let reason = refused(import::read_bytes(b"{\"realm\": \"acme\"}", "json"));
    assert!(reason.contains("users"), "{reason}");

    let mut many = String::from("Email\n");
    for i in 0..=import::MAX_ROWS {
        many.push_str(&format!("u{i}@acme.example\n"));
    }
    let reason = refused(import::read_bytes(many.as_bytes(), "csv"));
    assert!(reason.contains("more than 150,000 rows"), "{reason}");
}

#[test]
fn a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_before_it_is_unpacked() {
    let mut bomb = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut bomb);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    zip.start_file("[Content_Types].xml", options)
        .expect("entry");
    zip.write_all(b"<Types/>").expect("write");
    zip.start_file("xl/worksheets/sheet1.xml", options)
        .expect("entry");
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..300 {
        zip.write_all(&zeros).expect("write");
    }
    zip.finish().expect("finish");
    let bytes = bomb.into_inner();
    assert!(bytes.len() < 4 * 1024 * 1024, "{} bytes", bytes.len());
    let reason = refused(import::read_bytes(&bytes, "xlsx"));
    assert!(reason.contains("ZIP bomb"), "{reason}");
}

#[tokio::test]
async fn formula_date_number_and_error_cells_of_a_workbook_are_row_errors() {
    let w = world().await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("people.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, header) in ["Email", "First name", "Phone"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header).expect("header");
    }
    sheet.write_string(1, 0, "ok@acme.example").expect("cell");
    sheet.write_string(1, 1, "Olu").expect("cell");
    sheet.write_string(1, 2, "07700900123").expect("cell");
    sheet
        .write_formula(2, 0, "=CONCAT(\"eve\",\"@acme.example\")")
        .expect("cell");
    sheet.write_string(2, 1, "Eve").expect("cell");
    sheet.write_string(3, 0, "dora@acme.example").expect("cell");
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 5).expect("date");
    sheet
        .write_datetime_with_format(3, 1, &day, &date)
        .expect("cell");
    sheet.write_string(4, 0, "num@acme.example").expect("cell");
    sheet.write_string(4, 1, "Nils").expect("cell");
    sheet.write_number(4, 2, 7_700_900_123.0).expect("cell");
    sheet
        .write_string(5, 0, "serial@acme.example")
        .expect("cell");
    sheet.write_number(5, 1, 46_027.0).expect("cell");
    book.save(&path).expect("save");

    let sheet = import::read_file(&path).expect("read");
    let all = rows(&plan(&w, &sheet).await);
    assert_eq!(all[0].action, ImportAction::Add);
    let why = |i: usize| all[i].error.clone().expect("error");
    assert_eq!(why(1).column.as_deref(), Some("Email"));
    assert!(why(1).message.contains("formula"), "{:?}", why(1));
    assert_eq!(why(2).column.as_deref(), Some("First name"));
    assert!(why(2).message.contains("date"), "{:?}", why(2));
    assert_eq!(why(3).column.as_deref(), Some("Phone"));
    assert!(why(3).message.contains("leading 0"), "{:?}", why(3));
    assert_eq!(why(4).column.as_deref(), Some("First name"));
    assert!(why(4).message.contains("number (46027)"), "{:?}", why(4));

    let wide = dir.path().join("wide.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Email").expect("cell");
    sheet.write_string(0, 600, "Far away").expect("cell");
    book.save(&wide).expect("save");
    let reason = refused(import::read_file(&wide));
    assert!(reason.contains("601 columns"), "{reason}");
    let before = w
        .roster
        .list_users(&w.admin, &list_query())
        .await
        .expect("list")
        .counts;
    assert_eq!(before.users, 1, "a preview writes nothing");
}
