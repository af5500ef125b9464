//! User-list latency with 10,000 and 100,000 users: first and next pages in each order, and
//! searches (rare, common, two-letter, everyone- and nobody-matching terms), p50/p95 over
//! repeated runs, release build; when a page leaves the number of matches to a second call,
//! that call is timed too. Prints a Markdown table. Runs on SQLite and on PostgreSQL.
//! Run: `cargo bench -p roster-core --bench user_list`. With `ROSTER_BENCH_DIR=DIR` the seeded
//! SQLite files are kept in DIR and reused by the next run (seeding 100,000 users takes most of
//! a minute), e.g. to read query plans with the `sqlite3` shell. PostgreSQL databases
//! `roster_bench_10000` and `roster_bench_100000` are made on the server at
//! `ROSTER_BENCH_PG_URL` (default `postgres://roster:roster@127.0.0.1:5432/postgres`, the test
//! role) and kept for the next run; `ROSTER_BENCH_DATABASES=sqlite` (or `postgres`) runs one.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

use roster_core::demo::add_sample_users;
use roster_core::model::{
    CreateWorkspaceInput, SignInInput, SortDirection, StatusFilter, UserQuery, UserSort,
};
use roster_core::{Roster, Secret, Session};

const RUNS: usize = 200;
const DEFAULT_PG_URL: &str = "postgres://roster:roster@127.0.0.1:5432/postgres";
const ADMIN_EMAIL: &str = "admin@bench.example";
const PASSWORD: &str = "Bench-Marking-Lantern-42";

/// A Workspace with `count` sample users; returns its admin's session.
async fn seed(roster: &Roster, count: usize) -> Session {
    let password = Secret::new(PASSWORD);
    let (session, _) = roster
        .create_workspace(CreateWorkspaceInput {
            workspace_name: "Bench".into(),
            email: ADMIN_EMAIL.into(),
            first_name: "Bea".into(),
            last_name: "Bench".into(),
            password: password.clone(),
            confirm_password: password.clone(),
        })
        .await
        .expect("workspace");
    let seeding = Instant::now();
    add_sample_users(roster, &session, count, &password)
        .await
        .expect("seed");
    eprintln!(
        "seeded {count} users in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    session
}

async fn sign_in(roster: &Roster) -> Session {
    let (session, _) = roster
        .sign_in(SignInInput {
            workspace_id: None,
            email: ADMIN_EMAIL.into(),
            password: Secret::new(PASSWORD),
        })
        .await
        .expect("sign in to the kept database");
    session
}

fn query(search: &str, sort: UserSort, direction: SortDirection) -> UserQuery {
    UserQuery {
        search: search.into(),
        filter: StatusFilter::Current,
        sort,
        direction,
        after: None,
        limit: 100,
    }
}

/// p50 and p95 of `RUNS` calls of `call`.
async fn percentiles<T, F: AsyncFnMut() -> T>(mut call: F) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        last = Some(call().await);
        times.push(start.elapsed());
    }
    times.sort();
    let last = last.expect("at least one run");
    (times[RUNS / 2], times[RUNS * 95 / 100], last)
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

/// One table row: the page call, then the count call when the page left the count out.
async fn measure(
    roster: &Roster,
    session: &Session,
    (database, count): (&str, usize),
    label: &str,
    q: &UserQuery,
) {
    let (p50, p95, page) =
        percentiles(async || roster.list_users(session, q).await.expect("page")).await;
    let (matching, counted) = match page.matching {
        Some(n) => (n, "in the page".to_owned()),
        None => {
            let (c50, c95, n) =
                percentiles(async || roster.count_users(session, q).await.expect("count")).await;
            (n, format!("{} / {}", ms(c50), ms(c95)))
        }
    };
    println!(
        "| {database} | {count} | {label} | {matching} | {} | {} | {counted} |",
        ms(p50),
        ms(p95)
    );
}

/// The kept PostgreSQL database for `count` users: its address, made empty if missing.
async fn postgres_database(count: usize) -> Option<String> {
    let server = std::env::var("ROSTER_BENCH_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
    let mut admin = match PgConnection::connect(&server).await {
        Ok(admin) => admin,
        Err(error) => {
            eprintln!("PostgreSQL skipped: {error}");
            return None;
        }
    };
    let name = format!("roster_bench_{count}");
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .expect("list databases");
    if exists.is_none() {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the bench database");
    }
    let (base, _) = server.rsplit_once('/').expect("a database in the URL");
    Some(format!("{base}/{name}"))
}

/// Fresh planner statistics after seeding, as autovacuum would gather them on a live server.
async fn analyze(url: &str) {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .expect("analyze");
}

#[tokio::main]
async fn main() {
    println!(
        "| database | users | request | matches | page p50 ms | page p95 ms | count call p50 / p95 ms |"
    );
    println!("|---|---:|---|---:|---:|---:|---|");
    let databases =
        std::env::var("ROSTER_BENCH_DATABASES").unwrap_or_else(|_| "sqlite,postgres".into());
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var_os("ROSTER_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| temp.path().to_owned());
    for database in databases.split(',') {
        for count in [10_000, 100_000] {
            let url = match database {
                "postgres" => match postgres_database(count).await {
                    Some(url) => url,
                    None => continue,
                },
                _ => format!("sqlite:{}", dir.join(format!("bench-{count}.db")).display()),
            };
            let roster = Roster::connect(&url).await.expect("open");
            let session = if roster.workspaces().await.expect("workspaces").is_empty() {
                let session = seed(&roster, count).await;
                if database == "postgres" {
                    analyze(&url).await;
                }
                session
            } else {
                sign_in(&roster).await
            };
            run(&roster, &session, (database, count)).await;
            roster.close().await;
        }
    }
}

/// Every case on one seeded database.
async fn run(roster: &Roster, session: &Session, at: (&str, usize)) {
    let (_, count) = at;
    {
        let rare = format!("user{:06}@", count / 2 + 1);
        let by_name = query("", UserSort::Name, SortDirection::Asc);
        let second_page = UserQuery {
            after: roster
                .list_users(session, &by_name)
                .await
                .expect("first page")
                .next_cursor,
            ..by_name.clone()
        };
        let cases = [
            ("first page, by name", by_name),
            ("next page, by name", second_page),
            (
                "first page, by email, Z to A",
                query("", UserSort::Email, SortDirection::Desc),
            ),
            (
                "first page, newest first",
                query("", UserSort::AddedOn, SortDirection::Desc),
            ),
            (
                "first page, by status",
                query("", UserSort::Status, SortDirection::Asc),
            ),
            (
                "search common term \"mar\"",
                query("mar", UserSort::Name, SortDirection::Asc),
            ),
            (
                "search common term \"mar\", newest first",
                query("mar", UserSort::AddedOn, SortDirection::Desc),
            ),
            (
                "search everyone-matching \"demo.ex\"",
                query("demo.ex", UserSort::Name, SortDirection::Asc),
            ),
            (
                "search rare term (one email)",
                query(&rare, UserSort::Name, SortDirection::Asc),
            ),
            (
                "search matching nobody \"zqxw\"",
                query("zqxw", UserSort::Name, SortDirection::Asc),
            ),
            (
                "search two letters \"ma\"",
                query("ma", UserSort::Name, SortDirection::Asc),
            ),
            (
                "search two letters \"us\" (every email), by status",
                query("us", UserSort::Status, SortDirection::Asc),
            ),
        ];
        for (label, q) in &cases {
            measure(roster, session, at, label, q).await;
        }
    }
}
