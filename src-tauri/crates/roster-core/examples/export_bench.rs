//! Export benchmark driver (see scripts/bench-export and docs/benchmarks.md).
//!   export_bench seed DB COUNT         a Workspace of COUNT invented users in DB
//!   export_bench xlsx|csv DB OUT       download every user of DB to OUT

use std::path::Path;
use std::sync::atomic::AtomicBool;

use roster_core::demo::add_sample_users;
use roster_core::model::{
    CreateWorkspaceInput, ExportFormat, SortDirection, StatusFilter, UserQuery, UserSort,
};
use roster_core::{Roster, Secret, Session};

const EMAIL: &str = "admin@bench.example";
const PASSWORD: &str = "Bench-Marking-Lantern-42";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, db, rest] = args.as_slice() else {
        return Err("usage: export_bench seed DB COUNT | export_bench xlsx|csv DB OUT".into());
    };
    let roster = Roster::open(Path::new(db)).await?;
    if mode == "seed" {
        let password = Secret::new(PASSWORD);
        let (session, _) = roster
            .create_workspace(CreateWorkspaceInput {
                workspace_name: "Bench".into(),
                email: EMAIL.into(),
                first_name: "Bea".into(),
                last_name: "Bench".into(),
                password: password.clone(),
                confirm_password: password.clone(),
            })
            .await?;
        add_sample_users(&roster, &session, rest.parse()?, &password).await?;
        roster.close().await;
        return Ok(());
    }
    let format = if mode == "xlsx" {
        ExportFormat::Xlsx
    } else {
        ExportFormat::Csv
    };
    // The app is signed in already when a user downloads: take the admin's session without
    // spending an Argon2 hash on a sign-in, so the figure is the download alone.
    let (user_id, workspace_id): (String, String) =
        sqlx::query_as("SELECT id, workspace_id FROM users WHERE email = ?")
            .bind(EMAIL)
            .fetch_one(roster.pool())
            .await?;
    let session = Session {
        user_id,
        workspace_id,
        credential_version: 0,
    };
    let query = UserQuery {
        search: String::new(),
        filter: StatusFilter::All,
        sort: UserSort::Name,
        direction: SortDirection::Asc,
        after: None,
        limit: 500,
    };
    let outcome = roster
        .export_users(
            &session,
            format,
            &query,
            Path::new(rest),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .await?;
    println!("{} rows", outcome.rows);
    roster.close().await;
    Ok(())
}
