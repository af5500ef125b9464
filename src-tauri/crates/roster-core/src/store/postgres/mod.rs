//! The PostgreSQL store (PostgreSQL 15+): the same tables in PostgreSQL's own types — ids are
//! `uuid`, times `timestamptz`, flags `boolean`, audit fields `jsonb` — converted here to the
//! domain's strings, so services never see the difference. Sort keys are `COLLATE "C"`, which
//! orders like SQLite's `BINARY`: pages and cursors are the same on both databases.

mod attempts;
mod audit;
mod hub;
#[cfg(feature = "testing")]
mod inspect;
mod invitations;
mod list;
mod mail;
mod roles;
mod settings;
mod users;
mod workspaces;

use chrono::{DateTime, Utc};
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

use super::{Database, Tx};
use crate::clock::{parse_timestamp, timestamp};
use crate::error::Result;

/// The advisory lock every write transaction takes first: writers are serialised as on
/// SQLite, so a rule checked inside a write (the last super-user, a free email, the first
/// Workspace) still holds at commit. Any number of readers run beside it.
const WRITE_LOCK: i64 = 0x526f_7374_6572; // "Roster"

/// A PostgreSQL database.
#[derive(Debug, Clone)]
pub(crate) struct PgDatabase {
    pool: PgPool,
}

impl PgDatabase {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings the schema up to date
    /// (sqlx takes an advisory lock while it migrates, so several processes may start at
    /// once). Errors: `Database` when the server cannot be reached or refuses the login,
    /// `Migration` when the schema is newer or broken.
    pub(crate) async fn open(url: &str) -> Result<Self> {
        // Every statement is planned with its values: a plan cached while a Workspace was
        // small (a sequential scan of a few pages) would otherwise stay in use as it grows —
        // seeding 100,000 users slowed to 70 a second on the email lookup — and a generic
        // plan cannot see that a term is rare (docs/research/list-plans.md).
        let options =
            PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// A transaction on the PostgreSQL database.
pub(crate) struct PgTx(Transaction<'static, Postgres>);

impl PgTx {
    fn conn(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}

#[async_trait::async_trait]
impl Database for PgDatabase {
    async fn read(&self) -> Result<Box<dyn Tx>> {
        let tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        Ok(Box::new(PgTx(tx)))
    }

    async fn write(&self) -> Result<Box<dyn Tx>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(Box::new(PgTx(tx)))
    }

    /// `VACUUM` removes the erased message bodies' old row versions from the outbox's pages.
    /// Their bytes may outlive it in free space and in the write-ahead log until both are
    /// reused: a hub's disks are to be encrypted (docs/threat-model.md).
    async fn scrub(&self) -> Result<()> {
        sqlx::query("VACUUM mail_outbox")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    #[cfg(feature = "testing")]
    fn inspect(&self) -> &dyn crate::store::inspect::Inspect {
        self
    }

    fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        None
    }
}

#[async_trait::async_trait]
impl Tx for PgTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        Ok(self.0.commit().await?)
    }

    /// `auto`: the first executions of a statement are planned with their values, later ones
    /// may use the generic plan — right for the id lookups of a batch, for this transaction
    /// only.
    async fn reuse_plans(&mut self) -> Result<()> {
        sqlx::query("SET LOCAL plan_cache_mode = auto")
            .execute(self.conn())
            .await?;
        Ok(())
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

    fn hub(&mut self) -> Option<&mut dyn crate::store::hub::HubStore> {
        Some(self)
    }
}

/// A domain id as a `uuid`; text that is no UUID becomes the nil UUID, which no row has
/// (ids are UUIDv7), so a lookup by it finds nothing, as on SQLite.
fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or(Uuid::nil())
}

/// A domain timestamp (RFC 3339, UTC) as a `timestamptz`.
fn at(text: &str) -> DateTime<Utc> {
    parse_timestamp(text).unwrap_or_default()
}

/// A `timestamptz` as the domain writes times.
fn stamp(time: DateTime<Utc>) -> String {
    timestamp(time)
}
