//! shared/cases/export.md E1–E5: files read back with real readers (calamine, csv) and
//! compared with the database.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use roster_core::model::{
    ExportFormat, ExportOutcome, ExportProgress, SortDirection, StatusFilter, UserQuery, UserSort,
};
use roster_core::{ErrorCode, Session};

use crate::support::*;

fn all_users() -> UserQuery {
    UserQuery {
        search: String::new(),
        filter: StatusFilter::All,
        sort: UserSort::Name,
        direction: SortDirection::Asc,
        after: None,
        limit: 100,
    }
}

/// Every user as the downloads should show them, in list order, read through the services:
/// `(first, last, email, phone, role, status, added, last sign-in)`, times as
/// `YYYY-MM-DD HH:MM:SS` (UTC).
async fn expected_rows(w: &World) -> Vec<ExpectedRow> {
    let page = w
        .roster
        .list_users(&w.admin, &all_users())
        .await
        .expect("list");
    let seconds = |at: &str| at[..19].replace('T', " ");
    let mut rows = Vec::new();
    for summary in page.items {
        let user = w.roster.user(&w.admin, &summary.id).await.expect("user");
        let status = format!("{:?}", user.status);
        rows.push((
            user.first_name,
            user.last_name,
            user.email,
            user.phone,
            user.role,
            status,
            seconds(&user.added_on),
            user.last_sign_in_at.as_deref().map(seconds),
        ));
    }
    rows
}

async fn export(
    w: &World,
    session: &Session,
    format: ExportFormat,
    path: &Path,
) -> roster_core::Result<ExportOutcome> {
    let mut seen = Vec::new();
    let result = w
        .roster
        .export_users(
            session,
            format,
            &all_users(),
            path,
            &mut |p: ExportProgress| seen.push(p),
            &AtomicBool::new(false),
        )
        .await;
    if let Ok(outcome) = &result {
        assert_eq!(seen.last().map(|p| p.written), Some(outcome.rows));
    }
    result
}

/// Downloads every user as the admin in both formats and reads the files back: the CSV
/// records and the sheet's rows, header first.
async fn both_downloads(w: &World) -> (Vec<Vec<String>>, Vec<Vec<Data>>) {
    let dir = tempfile::tempdir().expect("dir");
    let (csv_path, xlsx_path) = (dir.path().join("u.csv"), dir.path().join("u.xlsx"));
    export(w, &w.admin, ExportFormat::Csv, &csv_path)
        .await
        .expect("csv");
    export(w, &w.admin, ExportFormat::Xlsx, &xlsx_path)
        .await
        .expect("xlsx");
    (csv_records(&csv_path), xlsx_rows(&xlsx_path))
}

/// A user as the download should show it (see [`expected_rows`]).
type ExpectedRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

pub fn csv_records(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("read csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

pub fn xlsx_rows(path: &Path) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("open xlsx");
    assert_eq!(book.sheet_names(), ["Users"]);
    let range = book.worksheet_range("Users").expect("sheet");
    assert!(
        book.worksheet_formula("Users")
            .expect("formulas")
            .used_cells()
            .next()
            .is_none(),
        "no formulas"
    );
    range.rows().map(|r| r.to_vec()).collect()
}

pub fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected a string cell, got {other:?}"),
    }
}

#[tokio::test]
async fn e1_formula_injection_is_neutralised_in_csv_and_inert_in_xlsx() {
    let w = world().await;
    w.add(
        "f1@example.com",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "@SUM(1,1)",
    )
    .await;
    let f2 = w.add("f2@example.com", "Ana-Lu", "-2+3").await;
    w.roster
        .backdoor()
        .set_names(&w.admin.workspace_id, &f2.id, ["\t=1+1", "-2+3", ""])
        .await
        .expect("a tab-led name written by an older version");
    let (records, rows) = both_downloads(&w).await;
    let f1 = records
        .iter()
        .find(|r| r[2] == "f1@example.com")
        .expect("f1");
    assert_eq!(f1[0], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(f1[1], "'@SUM(1,1)");
    let f2 = records
        .iter()
        .find(|r| r[2] == "f2@example.com")
        .expect("f2");
    assert_eq!(
        (f2[0].as_str(), f2[1].as_str()),
        ("'=1+1", "'-2+3"),
        "the tab removed as in Excel, the formula still guarded"
    );

    let f1 = rows
        .iter()
        .find(|r| text(&r[2]) == "f1@example.com")
        .expect("f1");
    assert_eq!(text(&f1[0]), "=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(text(&f1[1]), "@SUM(1,1)");
    let f2 = rows
        .iter()
        .find(|r| text(&r[2]) == "f2@example.com")
        .expect("f2");
    assert_eq!(
        text(&f2[0]),
        "=1+1",
        "control characters removed, still a string"
    );
}

#[tokio::test]
async fn e2_accents_survive_and_the_header_reads_clean() {
    let w = world().await;
    w.add("zoe@example.com", "Zoë", "Ødegård").await;
    w.add("chen@example.com", "陈", "静").await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("u.csv");
    export(&w, &w.admin, ExportFormat::Csv, &path)
        .await
        .expect("csv");
    let records = csv_records(&path);
    assert_eq!(
        records[0][0], "First name",
        "no BOM inside the first header"
    );
    assert_eq!(records[0].len(), 8);
    assert!(records.iter().any(|r| r[0] == "Zoë" && r[1] == "Ødegård"));
    assert!(records.iter().any(|r| r[0] == "陈" && r[1] == "静"));
}

#[tokio::test]
async fn e3_phones_keep_their_form() {
    let w = world().await;
    let phones = ["07700900123", "+441632960001", "0031 6 1234 5678"];
    for (i, phone) in phones.iter().enumerate() {
        let mut input = w.new_user(&format!("p{i}@example.com"), "Pat", &format!("Phone{i}"));
        input.phone = (*phone).into();
        w.roster.create_user(&w.admin, input).await.expect("create");
    }
    let (records, rows) = both_downloads(&w).await;
    for (i, phone) in phones.iter().enumerate() {
        let email = format!("p{i}@example.com");
        assert_eq!(
            records.iter().find(|r| r[2] == email).expect("csv row")[3],
            *phone
        );
        let cell = &rows
            .iter()
            .find(|r| text(&r[2]) == email)
            .expect("xlsx row")[3];
        assert_eq!(
            cell,
            &Data::String((*phone).to_owned()),
            "a string cell exactly as entered"
        );
    }
}

#[tokio::test]
async fn e4_commas_quotes_and_every_cell_round_trip() {
    let w = world().await;
    w.add("ana@example.com", "Ana \"Nia\"", "Reyes, Jr.").await;
    w.add("kiri@example.com", "Kiri", "").await;
    let gone = w.add("gone@example.com", "Seán", "O'Brien-Núñez").await;
    w.roster
        .remove_user(&w.admin, &gone.id)
        .await
        .expect("remove");
    w.roster
        .sign_in(sign_in_input("kiri@example.com", USER_PASSWORD))
        .await
        .expect("a last sign-in");
    let dir = tempfile::tempdir().expect("dir");
    let (csv_path, xlsx_path) = (dir.path().join("u.csv"), dir.path().join("u.xlsx"));
    let outcome = export(&w, &w.admin, ExportFormat::Csv, &csv_path)
        .await
        .expect("csv");
    export(&w, &w.admin, ExportFormat::Xlsx, &xlsx_path)
        .await
        .expect("xlsx");
    assert_eq!((outcome.rows, outcome.file_name.as_str()), (4, "u.csv"));

    let expected = expected_rows(&w).await;
    let records = csv_records(&csv_path);
    assert_eq!(records.len(), expected.len() + 1);
    assert_eq!(expected.iter().filter(|e| e.7.is_some()).count(), 1);
    for (record, e) in records[1..].iter().zip(&expected) {
        let want = [
            &e.0,
            &e.1,
            &e.2,
            &e.3,
            &e.4,
            &e.5,
            &e.6,
            &e.7.clone().unwrap_or_default(),
        ];
        assert_eq!(record.iter().collect::<Vec<_>>(), want);
    }
    let rows = xlsx_rows(&xlsx_path);
    assert_eq!(rows.len(), expected.len() + 1);
    assert_eq!(
        rows[0].iter().map(text).collect::<Vec<_>>(),
        roster_core::export::COLUMNS
    );
    for (row, e) in rows[1..].iter().zip(&expected) {
        let texts: Vec<String> = row[..6].iter().map(text).collect();
        assert_eq!(
            texts,
            [
                e.0.clone(),
                e.1.clone(),
                e.2.clone(),
                e.3.clone(),
                e.4.clone(),
                e.5.clone()
            ]
        );
        let added = row[6]
            .as_datetime()
            .expect("a real date")
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        assert_eq!(added, e.6);
        match &e.7 {
            Some(last) => assert_eq!(
                &row[7]
                    .as_datetime()
                    .expect("date")
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                last
            ),
            None => assert!(
                matches!(row.get(7), None | Some(Data::Empty)),
                "empty, never null"
            ),
        }
    }
}

#[tokio::test]
async fn e5_a_cancelled_or_failed_download_leaves_no_file() {
    let w = world().await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("u.xlsx");
    let cancelled = w
        .roster
        .export_users(
            &w.admin,
            ExportFormat::Xlsx,
            &all_users(),
            &path,
            &mut |_| {},
            &AtomicBool::new(true),
        )
        .await;
    assert_eq!(code(cancelled), ErrorCode::Cancelled);
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "no file, no temporary file"
    );

    let missing = dir.path().join("no-such-folder").join("u.csv");
    let error = export(&w, &w.admin, ExportFormat::Csv, &missing)
        .await
        .expect_err("no folder");
    assert_eq!(error.code(), ErrorCode::Io);
    assert!(error.to_string().contains("no-such-folder"), "{error}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);

    std::fs::write(&path, b"old").expect("an older file");
    export(&w, &w.admin, ExportFormat::Xlsx, &path)
        .await
        .expect("replace");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "replaced, no leftovers"
    );
}

#[tokio::test]
async fn downloads_need_the_permission_and_are_audited() {
    let w = world().await;
    let (_, member) = w.member("mia@example.com").await;
    let dir = tempfile::tempdir().expect("dir");
    let refused = export(&w, &member, ExportFormat::Csv, &dir.path().join("m.csv")).await;
    assert_eq!(code(refused), ErrorCode::Forbidden);
    export(&w, &w.admin, ExportFormat::Csv, &dir.path().join("a.csv"))
        .await
        .expect("export");
    let details: Vec<serde_json::Value> = w
        .audited("users.export", None)
        .await
        .into_iter()
        .map(|e| e.details)
        .collect();
    assert_eq!(details, [serde_json::json!({"format": "csv", "rows": 2})]);
}

#[tokio::test]
async fn the_current_view_keeps_its_search_filter_and_order() {
    let w = world().await;
    for (i, (first, last)) in [
        ("Ana", "Zed"),
        ("Bea", "Yarrow"),
        ("Carla", "Xu"),
        ("Dana", "Wolf"),
        ("Ana", "Vale"),
    ]
    .iter()
    .enumerate()
    {
        w.add(
            &format!("{}{i}@example.com", first.to_lowercase()),
            first,
            last,
        )
        .await;
    }
    let gone = w.add("anna@example.com", "Anna", "Gone").await;
    w.roster
        .remove_user(&w.admin, &gone.id)
        .await
        .expect("remove");
    for sort in [
        UserSort::Email,
        UserSort::Status,
        UserSort::AddedOn,
        UserSort::Name,
    ] {
        let view = UserQuery {
            search: "an".into(),
            filter: StatusFilter::Current,
            sort,
            direction: SortDirection::Desc,
            after: None,
            limit: 500,
        };
        let listed: Vec<String> = w
            .roster
            .list_users(&w.admin, &view)
            .await
            .expect("list")
            .items
            .into_iter()
            .map(|u| u.email)
            .collect();
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("view.csv");
        w.roster
            .export_users(
                &w.admin,
                ExportFormat::Csv,
                &view,
                &path,
                &mut |_| {},
                &AtomicBool::new(false),
            )
            .await
            .expect("export");
        let exported: Vec<String> = csv_records(&path)[1..]
            .iter()
            .map(|r| r[2].clone())
            .collect();
        assert!(listed.len() >= 3, "{listed:?}");
        assert_eq!(exported, listed, "{sort:?}");
    }
}

#[tokio::test]
async fn formula_look_alikes_and_phones_that_read_as_arithmetic_are_guarded() {
    let w = world().await;
    let names = [
        "＝HYPERLINK(\"http://evil.example\")",
        "＋1+1",
        "－2+3",
        "＠SUM(1,1)",
        "﹢1",
        "﹦1",
        "\u{2212}1",
        "⁻1",
        "\u{3000}＝1",
        "\u{200B}=1",
    ];
    let mut stored = Vec::new();
    for (i, first) in names.iter().enumerate() {
        let user = w.add(&format!("n{i}@example.com"), first, "Lee").await;
        stored.push(user.first_name);
    }
    let phones = [
        ("-1234567", true),
        ("(555) 123 4567", true),
        ("+441632960001", false),
        ("07700900123", false),
        ("0031 6 1234 5678", false),
    ];
    for (i, (phone, _)) in phones.iter().enumerate() {
        let mut input = w.new_user(&format!("p{i}@example.com"), "Pat", "Phone");
        input.phone = (*phone).into();
        w.roster
            .create_user(&w.admin, input)
            .await
            .expect("a phone that passes validation");
    }
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("u.csv");
    export(&w, &w.admin, ExportFormat::Csv, &path)
        .await
        .expect("csv");
    let records = csv_records(&path);
    let row = |email: String| {
        records
            .iter()
            .find(|r| r[2] == email)
            .unwrap_or_else(|| panic!("{email}"))
            .clone()
    };
    for (i, first) in stored.iter().enumerate() {
        assert_eq!(row(format!("n{i}@example.com"))[0], format!("'{first}"));
    }
    for (i, (phone, guarded)) in phones.iter().enumerate() {
        let want = if *guarded {
            format!("'{phone}")
        } else {
            (*phone).to_owned()
        };
        assert_eq!(row(format!("p{i}@example.com"))[3], want);
    }
}

#[tokio::test]
async fn e6_a_cell_longer_than_excel_holds_is_cut_and_named_and_csv_keeps_it_whole() {
    let w = world().await;
    let long = w.add("long@example.com", "Lena", "Long").await;
    let wide = w.add("wide@example.com", "Wanda", "Wide").await;
    w.add("ok@example.com", "Otto", "Okay").await;
    let long_last = "Ø".repeat(40_000);
    // 32,767 UTF-16 code units but fewer characters: "😀" counts twice, as in Excel.
    let wide_first = format!("{}x", "😀".repeat(16_383));
    let backdoor = w.roster.backdoor();
    let ws = &w.admin.workspace_id;
    backdoor
        .set_names(ws, &long.id, ["Lena", &long_last, ""])
        .await
        .expect("a name written by an older version");
    backdoor
        .set_names(ws, &wide.id, [&format!("{wide_first}y"), "Wide", ""])
        .await
        .expect("a name written by an older version");
    let dir = tempfile::tempdir().expect("dir");
    let (csv_path, xlsx_path) = (dir.path().join("u.csv"), dir.path().join("u.xlsx"));

    let outcome = export(&w, &w.admin, ExportFormat::Xlsx, &xlsx_path)
        .await
        .expect("the Excel download succeeds");
    assert_eq!(outcome.rows, 4);
    assert_eq!(outcome.cut_total, 2);
    let mut named: Vec<_> = outcome
        .cut
        .iter()
        .map(|c| (c.user.as_str(), c.column.as_str(), c.length))
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("long@example.com", "Last name", 40_000),
            ("wide@example.com", "First name", 16_385),
        ]
    );
    let rows = xlsx_rows(&xlsx_path);
    let find = |email: &str| {
        rows.iter()
            .find(|r| text(&r[2]) == email)
            .expect("row")
            .clone()
    };
    let long = text(&find("long@example.com")[1]);
    assert_eq!(
        long.encode_utf16().count(),
        roster_core::export::MAX_CELL_CHARS
    );
    assert!(
        long.ends_with(roster_core::export::CUT_MARKER),
        "a visible marker"
    );
    assert!(long_last.starts_with(long.trim_end_matches(roster_core::export::CUT_MARKER)));
    let wide = text(&find("wide@example.com")[0]);
    assert!(wide.encode_utf16().count() <= roster_core::export::MAX_CELL_CHARS);
    assert!(wide.ends_with(roster_core::export::CUT_MARKER));
    let ok = find("ok@example.com");
    assert_eq!((text(&ok[0]), text(&ok[1])), ("Otto".into(), "Okay".into()));

    let outcome = export(&w, &w.admin, ExportFormat::Csv, &csv_path)
        .await
        .expect("csv");
    assert_eq!((outcome.cut_total, outcome.cut.len()), (0, 0));
    let records = csv_records(&csv_path);
    let long = records
        .iter()
        .find(|r| r[2] == "long@example.com")
        .expect("row");
    assert_eq!(long[1], long_last, "CSV keeps the value whole");
}

#[tokio::test]
async fn e7_control_characters_are_removed_from_both_downloads_which_agree_cell_by_cell() {
    let w = world().await;
    let role = w.role("Ops Team", &[]).await;
    w.roster
        .backdoor()
        .set_role_name(&role, "Ops\u{7}Team")
        .await
        .expect("a role name written by an older version");
    let planted = [
        ("Ana\u{0B}Maria", "Lee", "(555) 0100"),
        ("\u{0}Nul", "Tab\tbed", "+44\u{0B}1632"),
        ("\u{0B}=1+1", "Line\nbreak\r\n", "07700900123"),
        ("Del\u{7F}C1\u{85}\u{9F}", "\u{1B}[31m", "-1234567"),
    ];
    // PostgreSQL's text cannot hold NUL at all: there the planted control is U+0001.
    for (i, (first, last, phone)) in planted.iter().enumerate() {
        let first = match crate::database::on_postgres() {
            true => first.replace('\u{0}', "\u{1}"),
            false => (*first).to_owned(),
        };
        let email = format!("c{i}@example.com");
        let user = w.add(&email, "Placeholder", "Name").await;
        let backdoor = w.roster.backdoor();
        backdoor
            .set_names(&w.admin.workspace_id, &user.id, [&first, last, phone])
            .await
            .expect("text written straight into the database");
        backdoor
            .add_role(&user.id, &role)
            .await
            .expect("a second role");
    }
    let (records, rows) = both_downloads(&w).await;
    assert_csv_agrees_with_xlsx(&records, &rows);

    let ana = records
        .iter()
        .find(|r| r[2] == "c0@example.com")
        .expect("row");
    assert_eq!(ana[0], "AnaMaria");
    let all: String = records.iter().flatten().map(String::as_str).collect();
    assert!(
        !all.chars().any(char::is_control),
        "no control character reaches the CSV"
    );
    let formula = records
        .iter()
        .find(|r| r[2] == "c2@example.com")
        .expect("row");
    assert_eq!(formula[0], "'=1+1", "guarded once the control is gone");
}

/// Every cell of the CSV is the XLSX cell, with the formula guard for text: the two downloads
/// of one Workspace show the same values.
pub fn assert_csv_agrees_with_xlsx(records: &[Vec<String>], rows: &[Vec<Data>]) {
    assert_eq!(records.len(), rows.len(), "same rows");
    for (record, row) in records[1..].iter().zip(&rows[1..]) {
        for col in 0..6 {
            let cell = text(&row[col]);
            let want = roster_core::export::guard_formula(&cell, col == 3);
            assert_eq!(record[col], want, "column {col} of {record:?}");
        }
        let date = |cell: Option<&Data>| {
            cell.and_then(DataType::as_datetime)
                .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default()
        };
        assert_eq!(record[6], date(row.get(6)));
        assert_eq!(record[7], date(row.get(7)));
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_saved_download_gets_the_mode_of_the_users_other_new_files() {
    use std::os::unix::fs::PermissionsExt;

    let w = world().await;
    let dir = tempfile::tempdir().expect("dir");
    // What the user's other files get: `File::create` asks for 0666 and the OS applies the
    // umask. Reading the umask itself would mean setting it, for every thread of the process.
    let other = dir.path().join("other.txt");
    std::fs::File::create(&other).expect("an ordinary file");
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    };
    let expected = mode(&other);
    for (format, name) in [(ExportFormat::Csv, "u.csv"), (ExportFormat::Xlsx, "u.xlsx")] {
        let path = dir.path().join(name);
        export(&w, &w.admin, format, &path).await.expect("export");
        assert_eq!(
            format!("{:o}", mode(&path)),
            format!("{expected:o}"),
            "{name}: 0666 less the umask, not the temporary file's 0600"
        );
    }
}

#[tokio::test]
async fn u10_search_text_that_is_not_a_word_answers_normally_in_the_list_and_the_download() {
    let w = world().await;
    w.add("abcd@example.com", "Abcd", "Lee").await;
    w.add("ab.cd@example.com", "Ab", "Cd").await;
    w.add("pct@example.com", "Percy", "Pct").await;
    let (globex, _) = w
        .roster
        .create_workspace(workspace_input(
            "Globex",
            "abcd@globex.example",
            ADMIN_PASSWORD,
        ))
        .await
        .expect("second Workspace");
    let mut stranger = w.new_user("near@globex.example", "Abcd", "Near");
    stranger.role_ids = Vec::new();
    stranger.is_super_user = true;
    w.roster
        .create_user(&globex, stranger)
        .await
        .expect("a user of Globex");
    let ours: Vec<String> = w
        .roster
        .list_users(&w.admin, &all_users())
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|u| u.email)
        .collect();
    let dir = tempfile::tempdir().expect("dir");
    for (i, search) in [
        "ab\u{0}cd",
        "\u{0}\u{0}\u{0}",
        "\"a\" OR \"b\"",
        "NEAR(",
        "*",
        "％",
        "\u{0}",
        "a\u{0}",
        "\"",
        "abcd\u{0}*",
    ]
    .iter()
    .enumerate()
    {
        let view = UserQuery {
            search: (*search).into(),
            filter: StatusFilter::All,
            ..all_users()
        };
        let page = w
            .roster
            .list_users(&w.admin, &view)
            .await
            .unwrap_or_else(|e| panic!("list {search:?}: {:?} {e}", e.code()));
        let listed: Vec<String> = page.items.into_iter().map(|u| u.email).collect();
        assert_eq!(page.matching, Some(listed.len() as i64), "{search:?}");
        assert!(
            listed.iter().all(|e| ours.contains(e)),
            "{search:?}: only Acme's users, got {listed:?}"
        );
        let path = dir.path().join(format!("view{i}.csv"));
        w.roster
            .export_users(
                &w.admin,
                ExportFormat::Csv,
                &view,
                &path,
                &mut |_| {},
                &AtomicBool::new(false),
            )
            .await
            .unwrap_or_else(|e| panic!("download {search:?}: {:?} {e}", e.code()));
        let exported: Vec<String> = csv_records(&path)[1..]
            .iter()
            .map(|r| r[2].clone())
            .collect();
        assert_eq!(exported, listed, "{search:?}: the download is the list");
        let xlsx = dir.path().join(format!("view{i}.xlsx"));
        w.roster
            .export_users(
                &w.admin,
                ExportFormat::Xlsx,
                &view,
                &xlsx,
                &mut |_| {},
                &AtomicBool::new(false),
            )
            .await
            .unwrap_or_else(|e| panic!("Excel download {search:?}: {:?} {e}", e.code()));
        assert_eq!(xlsx_rows(&xlsx).len(), listed.len() + 1, "{search:?}");
    }

    let found = |search: &str| {
        let view = UserQuery {
            search: search.into(),
            ..all_users()
        };
        let roster = &w.roster;
        let admin = &w.admin;
        async move {
            let mut emails: Vec<String> = roster
                .list_users(admin, &view)
                .await
                .expect("list")
                .items
                .into_iter()
                .map(|u| u.email)
                .collect();
            emails.sort();
            emails
        }
    };
    assert_eq!(
        found("ab\u{0}cd").await,
        ["abcd@example.com"],
        "a NUL is dropped like any control character"
    );
    assert_eq!(
        found("\u{0}\u{0}\u{0}").await.len(),
        ours.len(),
        "nothing but NULs is no search"
    );
    assert_eq!(found("NEAR(").await, Vec::<String>::new());
}
