//! Users → Import against a real database: the round trip of Roster's own downloads,
//! hand-written files in the documented layouts of Google Workspace, Bitwarden and Keycloak,
//! the preview that writes nothing, Apply in batches with Cancel, and the rules each row
//! obeys.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use roster_core::import::{self, ImportResult, Plan, Sheet};
use roster_core::model::{
    ExportFormat, ImportAction, ImportColumn, ImportFile, ImportJoin, ImportOptions,
    ImportProgress, ImportRow, ImportSource, SmtpSecurity, SortDirection, StatusFilter, UserQuery,
    UserSort,
};
use roster_core::{ErrorCode, Permission, Session};

use crate::mailserver::{closed_port, settings_for};
use crate::support::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/core/fixtures/import")
        .join(name)
}

fn everyone() -> UserQuery {
    UserQuery {
        search: String::new(),
        filter: StatusFilter::All,
        sort: UserSort::Email,
        direction: SortDirection::Asc,
        after: None,
        limit: 500,
    }
}

type Seen = (String, String, String, String, String, String);

/// Every user of the Workspace as the list shows them: names, email, phone, role, status.
async fn users(w: &World) -> Vec<Seen> {
    let page = w
        .roster
        .list_users(&w.admin, &everyone())
        .await
        .expect("list");
    let mut out = Vec::new();
    for summary in page.items {
        let user = w.roster.user(&w.admin, &summary.id).await.expect("user");
        out.push((
            user.first_name,
            user.last_name,
            user.email.to_lowercase(),
            user.phone,
            user.role,
            format!("{:?}", user.status),
        ));
    }
    out
}

/// Email set up (for a server that is not there: nothing is sent in these tests).
async fn email_set_up(w: &World) {
    w.roster
        .save_email_settings(
            &w.admin,
            settings_for(closed_port(), "localhost", SmtpSecurity::None),
        )
        .await
        .expect("email settings");
}

/// The options the dialog starts with: the guessed mapping, new users as Members.
fn options(w: &World, file: &ImportFile, join: ImportJoin) -> ImportOptions {
    ImportOptions {
        mapping: file.columns.iter().map(|c| c.guess).collect(),
        join,
        is_super_user: false,
        role_ids: vec![w.member_role.clone()],
        update_existing: true,
        must_change_password: true,
    }
}

async fn preview(w: &World, sheet: &Sheet, options: &ImportOptions) -> Plan {
    preview_as(w, &w.admin, sheet, options).await
}

async fn preview_as(w: &World, session: &Session, sheet: &Sheet, options: &ImportOptions) -> Plan {
    w.roster
        .import_preview(session, sheet, options)
        .await
        .expect("preview")
}

fn rows(plan: &Plan) -> Vec<ImportRow> {
    plan.rows(None, 0, u64::MAX).rows
}

/// The row about `email` (as the file has it, any case).
fn row<'a>(rows: &'a [ImportRow], email: &str) -> &'a ImportRow {
    rows.iter()
        .find(|r| r.email.eq_ignore_ascii_case(email))
        .unwrap_or_else(|| panic!("no row for {email}"))
}

fn error_of(rows: &[ImportRow], line: u64) -> (Option<String>, String) {
    let row = rows.iter().find(|r| r.row == line).expect("row");
    assert_eq!(row.action, ImportAction::Error, "row {line}: {row:?}");
    let error = row.error.clone().expect("error");
    (error.column, error.message)
}

async fn apply(w: &World, plan: &Plan, passwords: Option<&Path>) -> ImportResult {
    let cancel = AtomicBool::new(false);
    w.roster
        .import_apply(&w.admin, plan, passwords, &mut |_| {}, &cancel)
        .await
        .expect("apply")
}

/// A Workspace with one user of each kind: roles, a super-user, an invited and a removed
/// user, accents and other scripts, phones as typed, text that looks like a formula.
async fn varied_workspace() -> World {
    let w = world().await;
    email_set_up(&w).await;
    let sales = w.role("Sales", &[Permission::UsersView]).await;
    let emea = w.role("Sales, EMEA", &[Permission::UsersView]).await;
    let mut zoe = w.new_user("zoe@acme.example", "Zoë", "Ødegård");
    zoe.phone = "+47 22 33 44 55".into();
    w.roster.create_user(&w.admin, zoe).await.expect("zoe");
    let mut chen = w.new_user("chen@acme.example", "陈", "静");
    chen.role_ids.push(sales.clone());
    chen.role_ids.push(emea);
    chen.phone = "07700900123".into();
    w.roster.create_user(&w.admin, chen).await.expect("chen");
    let formula = w.new_user("lu@acme.example", "Ana-Lu", "@SUM(1,1)");
    w.roster.create_user(&w.admin, formula).await.expect("lu");
    w.super_user().await;
    let carla = roster_core::model::NewInvitation {
        email: "carla@acme.example".into(),
        first_name: "Carla".into(),
        last_name: "Reyes, Jr.".into(),
        phone: String::new(),
        is_super_user: false,
        role_ids: vec![sales],
    };
    w.roster.invite_user(&w.admin, carla).await.expect("invite");
    let remi = w.add("remi@acme.example", "Rémi", "Girard").await;
    w.roster
        .remove_user(&w.admin, &remi.id)
        .await
        .expect("remove");
    w
}

async fn download(w: &World, format: ExportFormat) -> PathBuf {
    let path =
        w.db.dir
            .path()
            .join(format!("acme-users.{}", format.extension()));
    w.roster
        .export_users(
            &w.admin,
            format,
            &everyone(),
            &path,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .await
        .expect("download");
    path
}

#[tokio::test]
async fn a_download_imported_into_an_empty_workspace_gives_the_same_users() {
    let source = varied_workspace().await;
    let expected = users(&source).await;
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let file = download(&source, format).await;
        let target = world().await;
        email_set_up(&target).await;
        target.role("Sales", &[Permission::UsersView]).await;
        target.role("Sales, EMEA", &[Permission::UsersView]).await;

        let sheet = import::read_file(&file).expect("read");
        let described = import::describe(&sheet, "acme-users");
        assert_eq!(described.source, ImportSource::Roster, "{format:?}");
        let opts = options(&target, &described, ImportJoin::GeneratedPassword);
        let plan = preview(&target, &sheet, &opts).await;
        let preview_rows = rows(&plan);
        assert_eq!(plan.preview().blocker, None);
        assert_eq!(
            plan.preview().totals.error,
            0,
            "{format:?}: {preview_rows:?}"
        );
        assert_eq!(
            row(&preview_rows, ADMIN_EMAIL).action,
            ImportAction::NoChange
        );
        assert_eq!(
            plan.preview().ignored,
            vec!["Added on".to_owned(), "Last sign-in".to_owned()]
        );
        // Zoë, 陈, Ana-Lu and Sara become active; Carla invited; Rémi removed.
        assert_eq!(plan.preview().seats, 4);

        let passwords = target.db.dir.path().join("passwords.csv");
        let result = apply(&target, &plan, Some(&passwords)).await;
        assert_eq!(result.outcome().totals.add, 6, "{:?}", result.outcome());
        assert_eq!(users(&target).await, expected, "{format:?}");

        // The passwords file names each user made with a password, and each one signs in.
        let records = crate::export::csv_records(&passwords);
        assert_eq!(records[0], import::PASSWORD_COLUMNS);
        assert_eq!(records.len(), 1 + 5, "Zoë, 陈, Ana-Lu, Sara and Rémi");
        let zoe = records
            .iter()
            .find(|r| r[0] == "zoe@acme.example")
            .expect("zoe");
        let (_, info) = target
            .roster
            .sign_in(sign_in_input("zoe@acme.example", &zoe[3]))
            .await
            .expect("sign in with the generated password");
        assert!(info.must_change_password);
    }
}

#[tokio::test]
async fn a_google_workspace_user_file_is_previewed_row_by_row_and_applied() {
    let w = world().await;
    let sheet = import::read_file(&fixture("google-workspace-users.csv")).expect("read");
    let file = import::describe(&sheet, "users.csv");
    assert_eq!(file.source, ImportSource::GoogleWorkspace);
    assert_eq!(file.encoding.as_deref(), Some("UTF-8 with BOM"));
    let opts = options(&w, &file, ImportJoin::FilePassword);
    let before = (users(&w).await, w.audit().await.len());
    let plan = preview(&w, &sheet, &opts).await;
    let after = (users(&w).await, w.audit().await.len());
    assert_eq!(
        after, before,
        "the preview writes nothing, not even an audit entry"
    );
    let all = rows(&plan);
    assert!(
        plan.preview()
            .ignored
            .contains(&"Org Unit Path [Required]".to_owned())
    );

    let zoe = row(&all, "zoe.odegard@acme.example");
    assert_eq!(
        (zoe.action, zoe.name.as_str()),
        (ImportAction::Add, "Zoë Ødegård")
    );
    assert_eq!(row(&all, "chen.jing@acme.example").name, "静 陈");
    assert_eq!(
        row(&all, "a.smirnov@acme.example").action,
        ImportAction::Add
    );
    assert_eq!(row(&all, "m.alali@acme.example").action, ImportAction::Add);
    assert_eq!(row(&all, "bea@acme.example").action, ImportAction::Add);
    let (column, message) = error_of(&all, 7);
    assert_eq!(column.as_deref(), Some("Email Address [Required]"));
    assert!(message.contains("email address"), "{message}");
    let (column, _) = error_of(&all, 8);
    assert_eq!(column.as_deref(), Some("Password [Required]"));
    let (column, message) = error_of(&all, 9);
    assert_eq!(column.as_deref(), Some("Email Address [Required]"));
    assert!(message.contains("row 2"), "{message}");
    let (column, message) = error_of(&all, 10);
    assert_eq!(column.as_deref(), Some("First Name [Required]"));
    assert!(message.contains("first name"), "{message}");
    let totals = plan.preview().totals;
    assert_eq!((totals.add, totals.error), (5, 4));
    assert_eq!(plan.preview().seats, 5);

    let result = apply(&w, &plan, None).await;
    assert_eq!(result.outcome().totals.add, 5);
    let after = users(&w).await;
    let zoe = after
        .iter()
        .find(|u| u.2 == "zoe.odegard@acme.example")
        .expect("zoe");
    assert_eq!(zoe.3, "+47 22 33 44 55", "the Work Phone column");
    w.sign_in_with("a.smirnov@acme.example", "Tundra-Velvet-Oracle-27")
        .await;
    let audit = w.audited("users.import", None).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        w.audited("user.create", None).await.len(),
        1 + 5,
        "the first super-user and five imported users"
    );
}

#[tokio::test]
async fn a_bitwarden_member_export_invites_its_members_and_keeps_revoked_ones_removed() {
    let w = world().await;
    email_set_up(&w).await;
    let sheet = import::read_file(&fixture("bitwarden-members.csv")).expect("read");
    let file = import::describe(&sheet, "members.csv");
    assert_eq!(file.source, ImportSource::Bitwarden);
    let role = file
        .columns
        .iter()
        .find(|c| c.header == "Role")
        .expect("Role");
    assert_eq!(role.guess, None, "Bitwarden's roles are not Roster's");
    let plan = preview(&w, &sheet, &options(&w, &file, ImportJoin::Invitation)).await;
    let all = rows(&plan);
    let lucia = row(&all, "lucia.fernandez@acme.example");
    assert_eq!(lucia.name, "Lucía Fernández");
    assert_eq!(lucia.status, Some(roster_core::model::Status::Invited));
    let gone = row(&all, "gone@acme.example");
    assert_eq!(gone.status, Some(roster_core::model::Status::Removed));
    let (column, _) = error_of(&all, 5);
    assert_eq!(column.as_deref(), Some("Name"));
    let (column, _) = error_of(&all, 7);
    assert_eq!(column.as_deref(), Some("Email"));
    let (_, message) = error_of(&all, 8);
    assert!(message.contains("row 3"), "{message}");
    let (column, message) = error_of(&all, 9);
    assert_eq!(column.as_deref(), Some("Status"));
    assert!(message.contains("Frozen"), "{message}");
    assert_eq!(plan.preview().seats, 0, "invited users take no seat");

    apply(&w, &plan, None).await;
    let after = users(&w).await;
    let status_of = |email: &str| {
        after
            .iter()
            .find(|u| u.2 == email)
            .map(|u| u.5.clone())
            .expect("user")
    };
    assert_eq!(status_of("olga@acme.example"), "Invited");
    assert_eq!(status_of("gone@acme.example"), "Removed");
    assert_eq!(w.audited("user.invite", None).await.len(), 4);
}

#[tokio::test]
async fn a_keycloak_realm_export_brings_its_users_with_roles_phones_and_disabled_ones() {
    let w = world().await;
    let sales = w.role("Sales", &[Permission::UsersView]).await;
    let sheet = import::read_file(&fixture("keycloak-realm-export.json")).expect("read");
    let file = import::describe(&sheet, "acme-realm.json");
    assert_eq!(file.source, ImportSource::Keycloak);
    let guess = |header: &str| {
        file.columns
            .iter()
            .find(|c| c.header == header)
            .and_then(|c| c.guess)
    };
    assert_eq!(guess("username"), None);
    assert_eq!(guess("realmRoles"), Some(ImportColumn::Role));
    let passwords = w.db.dir.path().join("passwords.csv");
    let plan = preview(
        &w,
        &sheet,
        &options(&w, &file, ImportJoin::GeneratedPassword),
    )
    .await;
    let all = rows(&plan);
    assert_eq!(row(&all, "ines.nunez@acme.example").name, "Inés Núñez");
    assert_eq!(row(&all, "hiro.sato@acme.example").name, "裕 佐藤");
    assert_eq!(
        row(&all, "dan@acme.example").status,
        Some(roster_core::model::Status::Removed)
    );
    let (column, _) = error_of(&all, 4);
    assert_eq!(
        column.as_deref(),
        Some("email"),
        "a service account has no email"
    );
    let (column, message) = error_of(&all, 5);
    assert_eq!(column.as_deref(), Some("realmRoles"));
    assert!(message.contains("Auditors"), "{message}");
    let (_, message) = error_of(&all, 6);
    assert!(message.contains("row 1"), "{message}");

    apply(&w, &plan, Some(&passwords)).await;
    let ines = w
        .roster
        .list_users(&w.admin, &everyone())
        .await
        .expect("list")
        .items
        .into_iter()
        .find(|u| u.email == "ines.nunez@acme.example")
        .expect("ines");
    let ines = w.roster.user(&w.admin, &ines.id).await.expect("ines");
    assert_eq!(
        ines.role_ids,
        vec![sales],
        "Sales, not Keycloak's default roles"
    );
    assert_eq!(ines.phone, "+34 600 123 456");
    let hiro = row(&all, "hiro.sato@acme.example");
    assert_eq!(
        hiro.action,
        ImportAction::Add,
        "only default roles: the chosen role"
    );
}

#[tokio::test]
async fn existing_users_are_updated_with_old_and_new_values_restored_or_left_alone() {
    let w = world().await;
    w.role("Sales", &[Permission::UsersView]).await;
    let mut bo = w.new_user("bo@acme.example", "Bo", "Silva");
    bo.phone = "0700 111 222".into();
    w.roster.create_user(&w.admin, bo).await.expect("bo");
    let remi = w.add("remi@acme.example", "Rémi", "Girard").await;
    w.roster
        .remove_user(&w.admin, &remi.id)
        .await
        .expect("remove");
    w.add("same@acme.example", "Sam", "Same").await;
    let csv = "Email,First name,Last name,Phone,Role\r\n\
               BO@acme.example,Bo,,0711 333 444,Sales\r\n\
               remi@acme.example,,,,\r\n\
               same@acme.example,Sam,Same,,Member\r\n";
    let sheet = import::read_bytes(csv.as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "changes.csv");
    let mut opts = options(&w, &file, ImportJoin::GeneratedPassword);
    let plan = preview(&w, &sheet, &opts).await;
    let all = rows(&plan);
    let bo = row(&all, "bo@acme.example");
    assert_eq!(bo.action, ImportAction::Update);
    let changes: Vec<(&str, &str, &str)> = bo
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.from.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("Phone", "0700 111 222", "0711 333 444"),
            ("Role", "Member", "Sales")
        ],
        "an empty last name leaves it as it is"
    );
    assert_eq!(row(&all, "remi@acme.example").action, ImportAction::Restore);
    assert_eq!(
        row(&all, "same@acme.example").action,
        ImportAction::NoChange
    );
    assert_eq!(plan.preview().seats, 1);

    opts.update_existing = false;
    let refused = rows(&preview(&w, &sheet, &opts).await);
    assert_eq!(row(&refused, "bo@acme.example").action, ImportAction::Error);
    assert_eq!(
        row(&refused, "same@acme.example").action,
        ImportAction::NoChange
    );

    apply(&w, &plan, None).await;
    let after = users(&w).await;
    assert!(after.contains(&(
        "Bo".into(),
        "Silva".into(),
        "bo@acme.example".into(),
        "0711 333 444".into(),
        "Sales".into(),
        "Active".into()
    )));
    let remi = after
        .iter()
        .find(|u| u.2 == "remi@acme.example")
        .expect("remi");
    assert_eq!(remi.5, "Active");
    assert_eq!(w.audited("user.update", None).await.len(), 1);
    assert_eq!(w.audited("user.restore", None).await.len(), 1);
}

#[tokio::test]
async fn nobody_imports_more_than_they_may_do_or_give() {
    let w = world().await;
    let importer_role = w
        .role(
            "Importers",
            &[
                Permission::UsersImport,
                Permission::UsersView,
                Permission::UsersCreate,
            ],
        )
        .await;
    w.role(
        "Managers",
        &[Permission::UsersView, Permission::SettingsManage],
    )
    .await;
    let mut input = w.new_user("imp@acme.example", "Ida", "Importer");
    input.role_ids = vec![importer_role.clone()];
    w.roster
        .create_user(&w.admin, input)
        .await
        .expect("importer");
    let importer = w.sign_in("imp@acme.example").await;
    w.add("bo@acme.example", "Bo", "Silva").await;
    let csv = "Email,First name,Role\n\
               new@acme.example,Nia,Managers\n\
               boss@acme.example,Bea,Super-user\n\
               ok@acme.example,Oli,Importers\n\
               bo@acme.example,Bob,\n";
    let sheet = import::read_bytes(csv.as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "people.csv");
    let mut opts = options(&w, &file, ImportJoin::GeneratedPassword);
    opts.role_ids = vec![importer_role];
    let all = rows(&preview_as(&w, &importer, &sheet, &opts).await);
    let (column, message) = error_of(&all, 2);
    assert_eq!(column.as_deref(), Some("Role"));
    assert!(message.contains("settings.manage"), "{message}");
    let (_, message) = error_of(&all, 3);
    assert!(message.contains("super-users"), "{message}");
    assert_eq!(row(&all, "ok@acme.example").action, ImportAction::Add);
    let (_, message) = error_of(&all, 5);
    assert!(message.contains("users.edit"), "{message}");

    opts.join = ImportJoin::Invitation;
    let invite = rows(&preview_as(&w, &importer, &sheet, &opts).await);
    let (_, message) = error_of(&invite, 4);
    assert!(message.contains("users.invite"), "{message}");

    let (_, member) = w.member("mia@acme.example").await;
    assert_eq!(
        code(w.roster.import_preview(&member, &sheet, &opts).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(w.roster.check_import(&member).await),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn the_mapping_can_be_fixed_and_its_problems_stop_the_import() {
    let w = world().await;
    let csv = "Correo,Nombre completo,Teléfono,Notes\n\
               lucia@acme.example,Lucía Fernández López,+34 600 000 001,VIP\n";
    let sheet = import::read_bytes(csv.as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "gente.csv");
    let mut opts = options(&w, &file, ImportJoin::GeneratedPassword);
    let plan = preview(&w, &sheet, &opts).await;
    assert_eq!(plan.preview().ignored, vec!["Notes".to_owned()]);
    assert_eq!(rows(&plan)[0].name, "Lucía Fernández López");

    opts.mapping = vec![None, Some(ImportColumn::FullName), None, None];
    let blocked = preview(&w, &sheet, &opts).await;
    assert!(
        blocked
            .preview()
            .blocker
            .as_deref()
            .unwrap_or_default()
            .contains("Email")
    );
    opts.mapping = vec![
        Some(ImportColumn::Email),
        Some(ImportColumn::FullName),
        Some(ImportColumn::Phone),
        Some(ImportColumn::Phone),
    ];
    let twice = preview(&w, &sheet, &opts).await;
    let blocker = twice.preview().blocker.clone().unwrap_or_default();
    assert!(
        blocker.contains("Teléfono") && blocker.contains("Notes"),
        "{blocker}"
    );
    assert_eq!(
        code(
            w.roster
                .import_apply(&w.admin, &twice, None, &mut |_| {}, &AtomicBool::new(false))
                .await
        ),
        ErrorCode::Forbidden
    );
    opts.mapping = vec![
        Some(ImportColumn::Email),
        Some(ImportColumn::FullName),
        None,
        None,
    ];
    opts.join = ImportJoin::FilePassword;
    let no_passwords = preview(&w, &sheet, &opts).await;
    assert!(no_passwords.preview().blocker.is_some());
    opts.join = ImportJoin::Invitation;
    let no_email = preview(&w, &sheet, &opts).await;
    assert!(
        no_email
            .preview()
            .blocker
            .as_deref()
            .unwrap_or_default()
            .contains("Settings → Email")
    );
}

/// `n` new users, one per row.
fn many(n: usize) -> String {
    let mut csv = String::from("Email,First name,Last name\n");
    for i in 0..n {
        csv.push_str(&format!("user{i:05}@acme.example,User,Number {i}\n"));
    }
    csv
}

#[tokio::test]
async fn apply_goes_in_batches_with_progress_and_a_cancel_keeps_exactly_the_batches_applied() {
    let w = world().await;
    email_set_up(&w).await;
    let rows_in_file = import::BATCH_ROWS * 2 + 10;
    let sheet = import::read_bytes(many(rows_in_file).as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "many.csv");
    let plan = preview(&w, &sheet, &options(&w, &file, ImportJoin::Invitation)).await;
    let cancel = AtomicBool::new(false);
    let mut seen: Vec<ImportProgress> = Vec::new();
    let result = w
        .roster
        .import_apply(
            &w.admin,
            &plan,
            None,
            &mut |p| {
                seen.push(p);
                if p.done > 0 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .await
        .expect("apply");
    let outcome = result.outcome();
    assert!(outcome.cancelled);
    assert_eq!(outcome.totals.add, import::BATCH_ROWS as u64);
    assert_eq!(
        outcome.not_reached,
        (rows_in_file - import::BATCH_ROWS) as u64
    );
    assert_eq!(
        seen.iter().map(|p| p.done).collect::<Vec<_>>(),
        vec![0, import::BATCH_ROWS as u64]
    );
    assert!(seen.iter().all(|p| p.total == rows_in_file as u64));
    // Exactly the first batch is in the Workspace, each user whole: no half-written batch.
    let counts = w
        .roster
        .list_users(&w.admin, &everyone())
        .await
        .expect("list")
        .counts;
    assert_eq!(
        counts.users - counts.seats,
        import::BATCH_ROWS as i64,
        "invited"
    );
    let last = result.rows(Some(ImportAction::Error), 0, 1).rows;
    assert!(
        last[0]
            .error
            .as_ref()
            .expect("why")
            .message
            .contains("cancelled"),
        "{last:?}"
    );

    let report = w.db.dir.path().join("report.csv");
    import::write_report(&result, &report).expect("report");
    let records = crate::export::csv_records(&report);
    assert_eq!(records[0], import::REPORT_COLUMNS);
    assert_eq!(records.len(), 1 + rows_in_file);
    assert_eq!(records[1][3], "Added");
    assert_eq!(records[rows_in_file][3], "Not imported");
    let audit = w.audited("users.import", None).await;
    assert_eq!(audit.len(), 1);
}

#[tokio::test]
async fn a_row_the_workspace_refuses_at_apply_is_reported_and_the_batch_goes_on() {
    let w = world().await;
    let csv =
        "Email,First name\nfirst@acme.example,Fay\nlate@acme.example,Lee\nthird@acme.example,Tia\n";
    let sheet = import::read_bytes(csv.as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "three.csv");
    let passwords = w.db.dir.path().join("passwords.csv");
    let plan = preview(
        &w,
        &sheet,
        &options(&w, &file, ImportJoin::GeneratedPassword),
    )
    .await;
    // Someone adds late@ between the preview and Apply.
    w.add("late@acme.example", "Lee", "Early").await;
    let result = apply(&w, &plan, Some(&passwords)).await;
    assert_eq!(result.outcome().totals.add, 2);
    assert_eq!(result.outcome().totals.error, 1);
    let refused = result.rows(Some(ImportAction::Error), 0, 10).rows;
    assert_eq!(refused[0].email, "late@acme.example");
    assert_eq!(crate::export::csv_records(&passwords).len(), 1 + 2);
}

#[tokio::test]
async fn a_passwords_file_that_cannot_be_written_stops_the_import_before_anything_changes() {
    let w = world().await;
    let sheet = import::read_bytes(many(3).as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "three.csv");
    let plan = preview(
        &w,
        &sheet,
        &options(&w, &file, ImportJoin::GeneratedPassword),
    )
    .await;
    let nowhere = w.db.dir.path().join("no-such-folder").join("passwords.csv");
    let applied = w
        .roster
        .import_apply(
            &w.admin,
            &plan,
            Some(&nowhere),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .await;
    assert_eq!(code(applied), ErrorCode::Io);
    assert_eq!(users(&w).await.len(), 1, "nobody was added");
}

#[tokio::test]
async fn a_cancelled_import_still_saves_the_passwords_of_the_users_it_added() {
    let w = world().await;
    let sheet = import::read_bytes(many(import::BATCH_ROWS + 1).as_bytes(), "csv").expect("read");
    let file = import::describe(&sheet, "many.csv");
    let plan = preview(
        &w,
        &sheet,
        &options(&w, &file, ImportJoin::GeneratedPassword),
    )
    .await;
    let passwords = w.db.dir.path().join("passwords.csv");
    let cancel = AtomicBool::new(false);
    let result = w
        .roster
        .import_apply(
            &w.admin,
            &plan,
            Some(&passwords),
            &mut |p| cancel.store(p.done > 0, Ordering::Relaxed),
            &cancel,
        )
        .await
        .expect("apply");
    assert!(result.outcome().cancelled);
    assert_eq!(result.outcome().totals.add, import::BATCH_ROWS as u64);
    let records = crate::export::csv_records(&passwords);
    assert_eq!(
        records.len(),
        1 + import::BATCH_ROWS,
        "every user added, no other"
    );
    let last = &records[import::BATCH_ROWS];
    w.sign_in_with(&last[0], &last[3]).await;
}
