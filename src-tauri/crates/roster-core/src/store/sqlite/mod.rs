//! The embedded SQLite database: file, connection settings, migrations, transactions.

mod attempts;
mod audit;
#[cfg(feature = "testing")]
mod inspect;
mod invitations;
mod list;
mod mail;
pub(crate) mod plan;
mod replica;
mod roles;
mod settings;
mod users;
mod workspaces;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use super::{Database, Tx};
use crate::error::Result;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "roster.db";

/// How long a connection waits for another writer before giving up (SQLite `busy_timeout`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A SQLite database file.
#[derive(Debug, Clone)]
pub(crate) struct SqliteDatabase {
    pool: SqlitePool,
}

impl SqliteDatabase {
    /// Opens (creating if missing) the database file and brings its schema up to date.
    /// WAL journal, `synchronous=NORMAL`, foreign keys on, `secure_delete` on; `busy_timeout`
    /// is set on each connection before the journal mode pragma runs, so opening never fails
    /// on a briefly locked file.
    /// Errors: `Database` when the file cannot be opened, `Migration` when the schema is newer
    /// or broken.
    pub(crate) async fn open(db_file: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(db_file)
            .create_if_missing(true)
            .busy_timeout(BUSY_TIMEOUT)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Freed bytes are zeroed in every page SQLite writes, so an erased invitation code
            // is not left behind in the file (case I6; see mail/outbox.rs and
            // docs/threat-model.md).
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// A transaction on the SQLite file.
pub(crate) struct SqliteTx(Transaction<'static, Sqlite>);

impl SqliteTx {
    fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.0
    }
}

#[async_trait::async_trait]
impl Database for SqliteDatabase {
    async fn read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx(self.pool.begin().await?)))
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front, so two writers never deadlock
    /// upgrading read locks.
    async fn write(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx(
            self.pool.begin_with("BEGIN IMMEDIATE").await?,
        )))
    }

    /// A `wal_checkpoint(TRUNCATE)` copies the pages that `secure_delete` zeroed over the old
    /// ones in the database file and truncates the WAL to zero bytes. A reader still on an old
    /// snapshot (another window) is waited for up to the busy timeout; if it outlasts that,
    /// the next pass of the outbox finishes the job (every pass ends with a scrub).
    async fn scrub(&self) -> Result<()> {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        if busy != 0 {
            tracing::warn!("the WAL could not be truncated yet: another connection is reading");
        }
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    #[cfg(feature = "testing")]
    fn inspect(&self) -> &dyn crate::store::inspect::Inspect {
        self
    }

    fn sqlite_pool(&self) -> Option<&SqlitePool> {
        Some(&self.pool)
    }
}

#[async_trait::async_trait]
impl Tx for SqliteTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        Ok(self.0.commit().await?)
    }

    async fn savepoint(&mut self) -> Result<()> {
        sqlx::query("SAVEPOINT op").execute(self.conn()).await?;
        Ok(())
    }

    async fn release_savepoint(&mut self) -> Result<()> {
        sqlx::query("RELEASE SAVEPOINT op")
            .execute(self.conn())
            .await?;
        Ok(())
    }

    async fn rollback_to_savepoint(&mut self) -> Result<()> {
        sqlx::query("ROLLBACK TO SAVEPOINT op")
            .execute(self.conn())
            .await?;
        Ok(())
    }

    fn replica(&mut self) -> Option<&mut dyn crate::store::replica::ReplicaStore> {
        Some(self)
    }
}
