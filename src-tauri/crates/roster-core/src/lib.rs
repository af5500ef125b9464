//! Roster's domain: Workspaces, users, passwords, permissions, and the store they live in.
//!
//! Every rule lives here, whatever the UI does. Services are methods on [`Roster`]; each one
//! names its actor through a [`Session`], reads the [`Actor`] fresh inside its transaction,
//! checks the permission, validates, writes the row(s) through the table's one writer (which
//! bumps `version`) and records the [`changes::Change`] — all in one write transaction. The
//! SQL lives behind the store seam ([`store`]), never in a service.

pub mod clock;
#[cfg(feature = "demo")]
pub mod demo;
pub mod error;
pub mod export;
pub mod import;
pub mod model;
pub mod passwords;
pub mod permissions;
pub mod secrets;
pub mod store;
pub mod sync;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;
pub mod validation;

mod actor;
pub mod attempts;
mod changes;
mod email_keys;
mod invitations;
mod mail;
mod reports;
mod roles;
mod sessions;
mod token;
pub(crate) mod users;
mod workspaces;

use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;

use store::{Database, Tx};

pub use actor::Actor;
pub use clock::{Clock, SystemClock};
pub use error::{AppError, Error, ErrorCode, Field, Result};
pub use invitations::{ACCEPT_LINK, hub_in_link};
pub use mail::Delivery;
pub use passwords::{Hashing, Secret};
pub use permissions::{Permission, Session};

/// The core's handle: the database, the clock and the password hashing parameters.
/// Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct Roster {
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
    hashing: Hashing,
    secrets: Arc<dyn secrets::SecretStore>,
    /// The address Rosters reach this hub at, for invitation links; only a hub has one.
    public_address: Option<Arc<str>>,
}

impl Roster {
    /// Opens the database file `db_file` (created and migrated if needed, email keys brought
    /// up to date, roles named like the super-user mark renamed) with the system clock and
    /// the default hashing parameters.
    /// Errors: `Database` when the file cannot be opened, `Migration` when its schema is
    /// newer or broken.
    pub async fn open(db_file: &Path) -> Result<Self> {
        Self::open_with(db_file, Arc::new(SystemClock), Hashing::default()).await
    }

    /// Opens the database with an explicit clock and hashing parameters (tests move the clock
    /// and change parameters).
    pub async fn open_with(
        db_file: &Path,
        clock: Arc<dyn Clock>,
        hashing: Hashing,
    ) -> Result<Self> {
        let db = Arc::new(store::sqlite::SqliteDatabase::open(db_file).await?);
        Self::start(db, clock, hashing).await
    }

    /// Opens the database at `url`: `sqlite:PATH` (a file, created and migrated if needed) or,
    /// with the `postgres` feature, `postgres://user@host:port/database` (migrated under a
    /// lock, so several processes may start at once), with the system clock and the default
    /// hashing parameters. Errors: `Database` when it cannot be reached, `Migration` when
    /// its schema is newer or broken, [`Error::Forbidden`] for another kind of address.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, Arc::new(SystemClock), Hashing::default()).await
    }

    /// [`Roster::connect`] with an explicit clock and hashing parameters.
    pub async fn connect_with(url: &str, clock: Arc<dyn Clock>, hashing: Hashing) -> Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            return Self::open_with(Path::new(path.trim_start_matches("//")), clock, hashing).await;
        }
        #[cfg(feature = "postgres")]
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let db = Arc::new(store::postgres::PgDatabase::open(url).await?);
            return Self::start(db, clock, hashing).await;
        }
        Err(Error::Forbidden(format!(
            "Roster opens sqlite: and postgres:// addresses, not {}",
            url.split(':').next().unwrap_or_default()
        )))
    }

    async fn start(db: Arc<dyn Database>, clock: Arc<dyn Clock>, hashing: Hashing) -> Result<Self> {
        let now = clock::timestamp(clock.now());
        email_keys::rekey(&*db, &now).await?;
        roles::rename_reserved(&*db, &now).await?;
        Ok(Self {
            db,
            clock,
            hashing,
            secrets: Arc::new(secrets::SessionSecrets::default()),
            public_address: None,
        })
    }

    /// The same database and clock with other hashing parameters.
    pub fn with_hashing(&self, hashing: Hashing) -> Self {
        Self {
            hashing,
            ..self.clone()
        }
    }

    /// The same database and clock keeping secrets in `secrets` (the app passes
    /// [`secrets::keychain_or_session`], which probes the OS keychain on the first secret
    /// access; by default they live in memory).
    pub fn with_secrets(&self, secrets: Arc<dyn secrets::SecretStore>) -> Self {
        Self {
            secrets,
            ..self.clone()
        }
    }

    /// The same Roster as a hub reached at `address` (e.g. `https://hub.example`): the
    /// invitations it sends carry the address in their link, so a computer without the
    /// Workspace knows where to accept and join.
    pub fn with_public_address(&self, address: &str) -> Self {
        Self {
            public_address: Some(Arc::from(address)),
            ..self.clone()
        }
    }

    /// The SQLite connection pool, for read-only inspection in tests and benchmarks.
    /// Panics on another database.
    pub fn pool(&self) -> &SqlitePool {
        self.db
            .sqlite_pool()
            .expect("the database is a SQLite file")
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.db.close().await;
    }

    async fn read(&self) -> Result<Box<dyn Tx>> {
        self.db.read().await
    }

    async fn write(&self) -> Result<Box<dyn Tx>> {
        self.db.write().await
    }

    /// Ok when the database answers (a hub's health check).
    pub async fn check_database(&self) -> Result<()> {
        let tx = self.read().await?;
        tx.commit().await
    }

    /// The current time by the core's clock (UTC).
    pub fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    fn now(&self) -> String {
        clock::timestamp(self.clock.now())
    }

    /// Hashes off the async runtime: Argon2id takes tens of milliseconds and 19 MiB.
    async fn hash(&self, password: &Secret) -> Result<String> {
        let hashing = self.hashing.clone();
        let password = password.clone();
        tokio::task::spawn_blocking(move || hashing.hash(&password))
            .await
            .map_err(|e| Error::Hashing(e.to_string()))?
    }

    async fn verify(
        &self,
        password: &Secret,
        stored: Option<String>,
    ) -> Result<passwords::Verification> {
        let hashing = self.hashing.clone();
        let password = password.clone();
        tokio::task::spawn_blocking(move || match stored {
            Some(stored) => hashing.verify(&password, &stored),
            None => {
                hashing.verify_dummy(&password);
                Ok(passwords::Verification::Mismatch)
            }
        })
        .await
        .map_err(|e| Error::Hashing(e.to_string()))?
    }
}

/// A new row id: UUIDv7 (time-ordered, made on the client so rows made offline never collide).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
