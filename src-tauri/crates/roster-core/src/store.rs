//! The embedded SQLite database: file, connection settings, migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::Result;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "roster.db";

/// How long a connection waits for another writer before giving up (SQLite `busy_timeout`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if missing) the database file and brings its schema up to date.
/// WAL journal, `synchronous=NORMAL`, foreign keys on, `secure_delete` on; `busy_timeout` is
/// set on each connection before the journal mode pragma runs, so opening never fails on a
/// briefly locked file.
/// Errors: `Database` when the file cannot be opened, `Migration` when the schema is newer or
/// broken.
pub async fn open(db_file: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(db_file)
        .create_if_missing(true)
        .busy_timeout(BUSY_TIMEOUT)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // Freed bytes are zeroed in every page SQLite writes, so an erased invitation code is
        // not left behind in the file (case I6; see mail/outbox.rs and docs/threat-model.md).
        .pragma("secure_delete", "ON");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Starts a write transaction with `BEGIN IMMEDIATE`, taking the write lock up front so two
/// writers never deadlock upgrading read locks.
pub(crate) async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}
