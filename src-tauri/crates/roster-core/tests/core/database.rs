//! A fresh database per test, on the backend the run asks for: a SQLite file in a temporary
//! folder (the default), or with `ROSTER_TEST_DATABASE=postgres` a PostgreSQL database created
//! for the test on the server at `ROSTER_TEST_PG_URL` (default
//! `postgres://roster:roster@127.0.0.1:5432/postgres`, the role `scripts/setup --test` makes)
//! and dropped when it ends.

use std::sync::Arc;

use roster_core::{Clock, Hashing, Roster};
use tempfile::TempDir;

/// The server the PostgreSQL runs create their databases on.
const DEFAULT_PG_URL: &str = "postgres://roster:roster@127.0.0.1:5432/postgres";

/// Whether this run is on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("ROSTER_TEST_DATABASE").is_ok_and(|b| b == "postgres")
}

fn server_url() -> String {
    std::env::var("ROSTER_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// A test's own database, removed when dropped. Its folder also holds the test's files.
pub struct TestDatabase {
    pub dir: TempDir,
    url: String,
    /// The PostgreSQL database to drop, if the run is on PostgreSQL.
    postgres: Option<String>,
}

impl TestDatabase {
    pub async fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        if !on_postgres() {
            let url = format!("sqlite:{}", dir.path().join("roster.db").display());
            return Self {
                dir,
                url,
                postgres: None,
            };
        }
        let name = format!("roster_test_{}", uuid::Uuid::now_v7().simple());
        let server = server_url();
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("the PostgreSQL server (scripts/setup --test starts one)");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        let (base, _) = server
            .rsplit_once('/')
            .expect("a database in the server URL");
        Self {
            dir,
            url: format!("{base}/{name}"),
            postgres: Some(name),
        }
    }

    /// The address [`Roster::connect`] opens.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens the database (again, as after a restart) with `clock` and `hashing`.
    pub async fn open(&self, clock: Arc<dyn Clock>, hashing: Hashing) -> Roster {
        Roster::connect_with(&self.url, clock, hashing)
            .await
            .expect("open the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on a future: the database
        // is dropped from a thread of its own.
        let server = server_url();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server).await.ok()?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .ok()
            })
        });
        let _ = dropped.join();
    }
}

use sqlx::Connection;
