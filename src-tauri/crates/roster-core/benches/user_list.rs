//! User-list latency with 10,000 and 100,000 users: first page and search (common, rare and
//! two-letter terms), p50/p95 over repeated runs, release build. Prints a Markdown table.
//! Run: `cargo bench -p roster-core --bench user_list`.

use std::time::{Duration, Instant};

use roster_core::demo::add_sample_users;
use roster_core::model::{CreateWorkspaceInput, SortDirection, StatusFilter, UserQuery, UserSort};
use roster_core::{Roster, Secret, Session};

const RUNS: usize = 200;

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

async fn measure(roster: &Roster, session: &Session, q: &UserQuery) -> (Duration, Duration, i64) {
    let mut times = Vec::with_capacity(RUNS);
    let mut matching = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let page = roster.list_users(session, q).await.expect("page");
        times.push(start.elapsed());
        matching = page.matching;
    }
    times.sort();
    (times[RUNS / 2], times[RUNS * 95 / 100], matching)
}

#[tokio::main]
async fn main() {
    println!("| users | request | matches | p50 ms | p95 ms |");
    println!("|---:|---|---:|---:|---:|");
    for count in [10_000, 100_000] {
        let dir = tempfile::tempdir().expect("temp dir");
        let roster = Roster::open(&dir.path().join("bench.db"))
            .await
            .expect("open");
        let password = Secret::new("Bench-Marking-Lantern-42");
        let (session, _) = roster
            .create_workspace(CreateWorkspaceInput {
                workspace_name: "Bench".into(),
                email: "admin@bench.example".into(),
                first_name: "Bea".into(),
                last_name: "Bench".into(),
                password: password.clone(),
                confirm_password: password.clone(),
            })
            .await
            .expect("workspace");
        let seeding = Instant::now();
        add_sample_users(&roster, &session, count, &password)
            .await
            .expect("seed");
        eprintln!(
            "seeded {count} users in {:.1} s",
            seeding.elapsed().as_secs_f64()
        );
        let rare = format!("user{:06}@", count / 2 + 1);
        let cases = [
            (
                "first page, by name",
                query("", UserSort::Name, SortDirection::Asc),
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
                "search very common \"demo.ex\"",
                query("demo.ex", UserSort::Name, SortDirection::Asc),
            ),
            (
                "search rare term (one email)",
                query(&rare, UserSort::Name, SortDirection::Asc),
            ),
            (
                "search two letters \"ma\"",
                query("ma", UserSort::Name, SortDirection::Asc),
            ),
        ];
        for (label, q) in &cases {
            let (p50, p95, matching) = measure(&roster, &session, q).await;
            println!(
                "| {count} | {label} | {matching} | {:.2} | {:.2} |",
                p50.as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3
            );
        }
        roster.close().await;
    }
}
