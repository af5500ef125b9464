//! Users → Import of a 100,000-row CSV (Google Workspace's layout, UTF-8 with BOM) into a
//! Workspace on SQLite, release build: reading the file, the preview, Apply with an
//! invitation each, and — since Argon2id at OWASP's parameters is the floor there — the rate
//! of Apply with generated passwords on a sample, from which 100,000 rows' time follows.
//! Peak memory is the process's high-water mark (VmHWM). Prints a Markdown table.
//! Run: `cargo bench -p roster-core --bench import` (`ROSTER_BENCH_ROWS` to change 100,000).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use roster_core::import;
use roster_core::model::{
    CreateWorkspaceInput, EmailSettingsInput, ImportJoin, ImportOptions, SmtpSecurity,
};
use roster_core::{Roster, Secret, Session};

const PASSWORD: &str = "Bench-Marking-Lantern-42";
/// Rows of the password sample: enough batches for a steady rate.
const PASSWORD_SAMPLE: usize = 1_000;

/// A Google Workspace user file of `rows` invented users with mixed scripts.
fn write_file(path: &Path, rows: usize) {
    let mut text = String::from(
        "\u{FEFF}First Name [Required],Last Name [Required],Email Address [Required],\
         Password [Required],Org Unit Path [Required],Work Phone,Employee ID,Department\r\n",
    );
    let firsts = [
        "Ana",
        "Zoë",
        "陈",
        "Алексей",
        "Inés",
        "Kenji",
        "محمد",
        "Bea",
    ];
    let lasts = [
        "Silva",
        "Ødegård",
        "静",
        "Смирнов",
        "Núñez",
        "Watanabe",
        "العلي",
        "Okafor",
    ];
    for i in 0..rows {
        let _ = write!(
            text,
            "{},{},user{i:06}@bench.example,,/,+44 20 7946 {:04},E-{i},Sales\r\n",
            firsts[i % firsts.len()],
            lasts[(i / 8) % lasts.len()],
            i % 10_000,
        );
    }
    std::fs::write(path, text).expect("write the file");
}

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn workspace(dir: &Path, name: &str) -> (Roster, Session, String) {
    let roster = Roster::open(&dir.join(format!("{name}.db")))
        .await
        .expect("open");
    let password = Secret::new(PASSWORD);
    let (session, _) = roster
        .create_first_workspace(CreateWorkspaceInput {
            workspace_name: "Bench".into(),
            email: "admin@bench.example".into(),
            first_name: "Bea".into(),
            last_name: "Bench".into(),
            password: password.clone(),
            confirm_password: password,
        })
        .await
        .expect("workspace");
    let settings = roster.email_settings(&session).await.expect("settings");
    roster
        .save_email_settings(
            &session,
            EmailSettingsInput {
                host: "localhost".into(),
                port: 2525,
                security: SmtpSecurity::None,
                username: String::new(),
                password: None,
                sender_name: "Bench".into(),
                sender_address: "people@bench.example".into(),
                invitation_days: 7,
                timeout_seconds: 2,
                expected_version: settings.version,
            },
        )
        .await
        .expect("email settings");
    let member = roster
        .roles(&session)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.is_builtin)
        .expect("Member")
        .id;
    (roster, session, member)
}

fn options(sheet: &import::Sheet, join: ImportJoin, member: &str) -> ImportOptions {
    let file = import::describe(sheet, "bench.csv");
    ImportOptions {
        mapping: file.columns.iter().map(|c| c.guess).collect(),
        join,
        is_super_user: false,
        role_ids: vec![member.to_owned()],
        update_existing: true,
        must_change_password: true,
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let rows: usize = std::env::var("ROSTER_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("users.csv");
    write_file(&file, rows);
    let size = std::fs::metadata(&file).expect("size").len();
    let (roster, session, member) = workspace(dir.path(), "invitations").await;

    let started = Instant::now();
    let sheet = import::read_file(&file).expect("read");
    let read = started.elapsed();
    let opts = options(&sheet, ImportJoin::Invitation, &member);
    let started = Instant::now();
    let plan = roster
        .import_preview(&session, &sheet, &opts)
        .await
        .expect("preview");
    let preview = started.elapsed();
    assert_eq!(
        plan.preview().totals.add as usize,
        rows,
        "{:?}",
        plan.preview()
    );
    let started = Instant::now();
    let result = roster
        .import_apply(&session, &plan, None, &mut |_| {}, &AtomicBool::new(false))
        .await
        .expect("apply");
    let apply = started.elapsed();
    assert_eq!(result.outcome().totals.add as usize, rows);
    let peak = peak_mib();

    // Generated passwords: the rate on a sample, in a Workspace of its own.
    let (roster, session, member) = workspace(dir.path(), "passwords").await;
    let sample = dir.path().join("sample.csv");
    write_file(&sample, PASSWORD_SAMPLE);
    let sheet = import::read_file(&sample).expect("read");
    let plan = roster
        .import_preview(
            &session,
            &sheet,
            &options(&sheet, ImportJoin::GeneratedPassword, &member),
        )
        .await
        .expect("preview");
    let passwords = dir.path().join("passwords.csv");
    let started = Instant::now();
    roster
        .import_apply(
            &session,
            &plan,
            Some(&passwords),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .await
        .expect("apply");
    let rate = PASSWORD_SAMPLE as f64 / started.elapsed().as_secs_f64();

    println!("| measurement | result |");
    println!("|---|---|");
    println!(
        "| Read the file ({rows} rows, {:.1} MB) | {:.2} s |",
        size as f64 / 1e6,
        read.as_secs_f64()
    );
    println!(
        "| Preview ready (read + preview) | {:.2} s |",
        (read + preview).as_secs_f64()
    );
    println!(
        "| Apply with an invitation each | {:.1} s |",
        apply.as_secs_f64()
    );
    println!("| Peak memory (VmHWM) through Apply | {peak:.0} MiB |");
    println!(
        "| Apply with generated passwords ({} cores) | {rate:.1} rows/s → {:.0} min for {rows} |",
        std::thread::available_parallelism().map_or(1, usize::from),
        rows as f64 / rate / 60.0
    );
}
