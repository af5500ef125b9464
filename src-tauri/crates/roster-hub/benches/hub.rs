//! The hub under load, release build, on this machine: an initial copy of a 100,000-user
//! Workspace to a new machine, the push apply rate in batches of 100 and 1,000 operations,
//! the time a change takes to reach another online replica (p50/p95, long polls on loopback),
//! and the hub process's memory with 100 replicas connected (long polls waiting). Prints a
//! Markdown table for docs/benchmarks.md.
//! Run: `cargo bench -p roster-hub --bench hub` (PostgreSQL at `ROSTER_BENCH_PG_URL`, default
//! the test role on 127.0.0.1; the database `roster_hub_bench` is made afresh each run;
//! `ROSTER_BENCH_USERS` changes the 100,000).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use roster_core::demo::add_sample_users;
use roster_core::model::{CreateWorkspaceInput, SignInInput};
use roster_core::sync::{HubClient, HubSignIn, Joined, Op, PushedOp};
use roster_core::{Roster, Secret, Session, new_id};
use sqlx::{Connection, PgConnection};

const DEFAULT_PG_URL: &str = "postgres://roster:roster@127.0.0.1:5432/postgres";
const ADMIN: &str = "admin@bench.example";
const PASSWORD: &str = "Bench-Marking-Lantern-42";
const PUSHED: usize = 10_000;
const LATENCY_RUNS: usize = 50;
const CLIENTS: usize = 100;

/// Figures as they come (each also on standard error at once, so a failure later in the run
/// keeps the earlier ones).
#[derive(Default)]
struct Rows(Vec<(String, String)>);

impl Rows {
    fn push(&mut self, row: (String, String)) {
        eprintln!("{}: {}", row.0, row.1);
        self.0.push(row);
    }
}

struct Hub(Child);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Hub {
    fn rss_mib(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.0.id())).unwrap_or_default();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        kib / 1024.0
    }
}

async fn fresh_database() -> String {
    let server = std::env::var("ROSTER_BENCH_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
    let mut admin = PgConnection::connect(&server).await.expect("PostgreSQL");
    for statement in [
        "DROP DATABASE IF EXISTS roster_hub_bench WITH (FORCE)",
        "CREATE DATABASE roster_hub_bench",
    ] {
        sqlx::query(statement)
            .execute(&mut admin)
            .await
            .expect("database");
    }
    let (base, _) = server.rsplit_once('/').expect("a database in the URL");
    format!("{base}/roster_hub_bench")
}

async fn start_hub(database: &str) -> (Hub, HubClient) {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("address")
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_roster-hub"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("ROSTER_HUB_DATABASE_URL", database)
        .env("ROSTER_HUB_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("roster-hub");
    let client = HubClient::new(&format!("http://127.0.0.1:{port}"), None).expect("client");
    let hub = Hub(child);
    for _ in 0..400 {
        if client.health().await.is_ok() {
            return (hub, client);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub did not start");
}

fn enrol(database: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_roster-hub"))
        .arg("enrol")
        .env("ROSTER_HUB_DATABASE_URL", database)
        .output()
        .expect("enrol");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

async fn desk(dir: &tempfile::TempDir, name: &str) -> Roster {
    Roster::open(&dir.path().join(name)).await.expect("SQLite")
}

async fn token(hub: &HubClient) -> Secret {
    let input = SignInInput {
        workspace_id: None,
        email: ADMIN.into(),
        password: Secret::new(PASSWORD),
    };
    match hub.sign_in(&input).await.expect("sign in") {
        HubSignIn::SignedIn { token, .. } => Secret::verbatim(&token),
        HubSignIn::ChooseWorkspace { .. } => panic!("one Workspace"),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let users: usize = std::env::var("ROSTER_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let database = fresh_database().await;
    let (hub_process, hub) = start_hub(&database).await;
    let dir = tempfile::tempdir().expect("dir");
    let mut rows = Rows::default();

    let publisher = desk(&dir, "publisher.db").await;
    let password = Secret::new(PASSWORD);
    let (admin, _) = publisher
        .create_workspace(CreateWorkspaceInput {
            workspace_name: "Bench".into(),
            email: ADMIN.into(),
            first_name: "Bea".into(),
            last_name: "Bench".into(),
            password: password.clone(),
            confirm_password: password.clone(),
        })
        .await
        .expect("workspace");
    let ids = add_sample_users(&publisher, &admin, users, &password)
        .await
        .expect("seed");
    let started = Instant::now();
    publisher
        .share_through_hub(&admin, &hub, &enrol(&database), &password, &|_| {})
        .await
        .expect("share");
    let shared = started.elapsed();
    rows.push((
        format!(
            "Share a {users}-user Workspace (copy up, then the publisher's own fresh copy down)"
        ),
        format!("{:.1} s", shared.as_secs_f64()),
    ));

    let joiner = desk(&dir, "joiner.db").await;
    let started = Instant::now();
    let joined = joiner
        .join_through_hub(
            &hub,
            SignInInput {
                workspace_id: None,
                email: ADMIN.into(),
                password: password.clone(),
            },
            &|_| {},
        )
        .await
        .expect("join");
    let copy = started.elapsed();
    let Joined::SignedIn(signed_in) = joined else {
        panic!("one Workspace");
    };
    let joiner_session: Session = signed_in.0;
    rows.push((
        format!("Initial copy of {users} users to a new machine (join: sign-in, every page, sign-in here)"),
        format!(
            "{:.1} s ({:.0} users/s)",
            copy.as_secs_f64(),
            users as f64 / copy.as_secs_f64()
        ),
    ));

    let bench_token = token(&hub).await;
    let mut seq = 0_i64;
    for batch in [100_usize, 1_000] {
        let client_id = new_id();
        seq = 0;
        let mut elapsed = Duration::ZERO;
        for chunk in (0..PUSHED).collect::<Vec<_>>().chunks(batch) {
            let ops: Vec<PushedOp> = chunk
                .iter()
                .map(|i| {
                    seq += 1;
                    PushedOp {
                        seq,
                        op_id: new_id(),
                        op: Op::EditUser {
                            user_id: ids[i % ids.len()].clone(),
                            first_name: Some(format!("Pushed{}", i % 97)),
                            last_name: None,
                            phone: None,
                            access: None,
                            seen: roster_core::model::Status::Active,
                        },
                    }
                })
                .collect();
            let started = Instant::now();
            let answers = hub
                .push(&bench_token, &client_id, &ops)
                .await
                .expect("push");
            elapsed += started.elapsed();
            assert_eq!(answers.len(), ops.len());
        }
        rows.push((
            format!("Push apply rate, batches of {batch} ({PUSHED} name edits)"),
            format!("{:.0} ops/s", PUSHED as f64 / elapsed.as_secs_f64()),
        ));
    }
    let _ = seq;

    // Change-to-other-replica latency: the joiner long-polls; the publisher edits and pushes.
    joiner
        .pull_from_hub(&joiner_session.workspace_id, &hub, None)
        .await
        .expect("catch up");
    publisher
        .pull_from_hub(&admin.workspace_id, &hub, None)
        .await
        .expect("catch up");
    let mut latencies = Vec::with_capacity(LATENCY_RUNS);
    for (run, target) in ids.iter().enumerate().take(LATENCY_RUNS) {
        let waiting = {
            let joiner = joiner.clone();
            let hub = hub.clone();
            let workspace = joiner_session.workspace_id.clone();
            tokio::spawn(async move {
                joiner
                    .pull_from_hub(&workspace, &hub, Some(Duration::from_secs(20)))
                    .await
                    .expect("long poll");
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let user = publisher.user(&admin, target).await.expect("user");
        let started = Instant::now();
        publisher
            .update_user(
                &admin,
                target,
                roster_core::model::UserUpdate {
                    first_name: format!("Latency{run}"),
                    last_name: user.last_name,
                    phone: user.phone,
                    is_super_user: user.is_super_user,
                    role_ids: user.role_ids,
                    expected_version: user.version,
                },
            )
            .await
            .expect("edit");
        publisher
            .push_to_hub(&admin.workspace_id, &hub)
            .await
            .expect("push");
        let arrived = waiting.await.expect("poll");
        latencies.push(arrived.duration_since(started));
        publisher
            .pull_from_hub(&admin.workspace_id, &hub, None)
            .await
            .expect("catch up");
    }
    latencies.sort();
    rows.push((
        format!("Change on one machine to another online machine (edit, push, long poll wakes, page applied; {LATENCY_RUNS} runs)"),
        format!(
            "p50 {} · p95 {}",
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.95))
        ),
    ));

    // Memory with 100 replicas waiting on long polls.
    let idle = hub_process.rss_mib();
    let head = joiner
        .hub_cursor(&joiner_session.workspace_id)
        .await
        .expect("cursor");
    let mut polls = Vec::new();
    for _ in 0..CLIENTS {
        let token = token(&hub).await;
        let hub = hub.clone();
        let cursor = head.clone();
        polls.push(tokio::spawn(async move {
            hub.pull(&token, cursor.as_deref(), Some(Duration::from_secs(50)))
                .await
                .map(|p| p.records.len())
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let connected = hub_process.rss_mib();
    rows.push((
        format!("Hub memory (RSS), idle → {CLIENTS} replicas waiting on long polls"),
        format!("{idle:.0} MiB → {connected:.0} MiB"),
    ));
    for poll in polls {
        poll.abort();
    }

    println!("| measurement | result |\n|---|---|");
    for (what, result) in rows.0 {
        println!("| {what} | {result} |");
    }
}
