//! The store seam: every statement Roster sends to a database lives behind these traits, one
//! per table, and nowhere else. Services keep every rule and call small per-table operations
//! in domain types (ids and RFC 3339 UTC timestamps as strings, [`Status`] values); each
//! database has one implementation with its own migrations: [`sqlite`] (the desktop app's
//! embedded default) and `postgres` (cargo feature `postgres`, the shared hub's database).
//!
//! **One writer per table.** Each table has exactly one operation that inserts its rows and
//! one that changes them; the changing one always bumps `version` and sets `updated_at`.
//! Membership rows live inside a versioned parent: `user_roles` is written only by the users
//! writer and `role_permissions` only by the roles writer, so a later sync sees every change
//! of a membership as a new version of its user or role. `tests/core/writers.rs` keeps it so.
//!
//! A [`Tx`] is one transaction: [`Database::write`] serialises writers (SQLite takes the
//! write lock up front with `BEGIN IMMEDIATE`), [`Database::read`] is a consistent snapshot.
//! Dropping a transaction without [`Tx::commit`] rolls it back.

mod attempts;
mod audit;
pub(crate) mod hub;
#[cfg(feature = "testing")]
pub(crate) mod inspect;
mod invitations;
mod list;
mod mail;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
pub(crate) mod replica;
mod roles;
mod settings;
pub(crate) mod sqlite;
mod users;
mod workspaces;

pub(crate) use attempts::{AttemptStore, SignIns};
pub(crate) use audit::{ActivityRow, AuditRecord, AuditStore};
pub(crate) use invitations::{FoundInvitation, InvitationRow, InvitationStore, LatestInvitation};
pub(crate) use list::{ExportUser, ListStore, ListedPage, ListedUser};
pub(crate) use mail::{DueMail, MailPatch, MailStore, QueuedMail};
pub(crate) use roles::{RolePatch, RoleRow, RoleStore};
pub(crate) use settings::{SettingsRow, SettingsStore};
pub use sqlite::DATABASE_FILE;
pub(crate) use users::{
    Credentials, HeldRole, Kept, KnownUser, Names, NewUserRow, UserPatch, UserRow, UserStore,
};
pub(crate) use workspaces::WorkspaceStore;

use crate::error::Result;

/// A database Roster runs on: hands out transactions.
#[async_trait::async_trait]
pub(crate) trait Database: Send + Sync + std::fmt::Debug {
    /// A read-only snapshot: every read through it sees the same committed state.
    async fn read(&self) -> Result<Box<dyn Tx>>;

    /// A write transaction, serialised with every other writer of the database, so a rule
    /// checked inside it (the last super-user, a free email) still holds at commit.
    async fn write(&self) -> Result<Box<dyn Tx>>;

    /// Makes bytes erased by committed transactions unreadable in the database's files
    /// (SQLite: the WAL still holds older page images until a `TRUNCATE` checkpoint).
    async fn scrub(&self) -> Result<()>;

    /// Closes every connection.
    async fn close(&self);

    /// The SQLite pool underneath, for tests that inspect the file.
    fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool>;

    /// Reads of stored state for tests.
    #[cfg(feature = "testing")]
    fn inspect(&self) -> &dyn inspect::Inspect;
}

/// One transaction over every table.
#[async_trait::async_trait]
pub(crate) trait Tx:
    WorkspaceStore
    + UserStore
    + RoleStore
    + InvitationStore
    + MailStore
    + SettingsStore
    + AuditStore
    + AttemptStore
    + ListStore
    + Send
{
    /// Commits every change made through this transaction, or none.
    async fn commit(self: Box<Self>) -> Result<()>;

    /// Lets the database reuse its plans for statements repeated through this transaction
    /// (a pushed batch runs the same few id lookups thousands of times). PostgreSQL plans
    /// every statement with its values otherwise (see `store/postgres/mod.rs`); SQLite
    /// always reuses its prepared statements.
    async fn reuse_plans(&mut self) -> Result<()> {
        Ok(())
    }

    /// Marks a point to return to: a pushed operation that is refused leaves nothing behind
    /// while the batch around it goes on.
    async fn savepoint(&mut self) -> Result<()>;

    /// Keeps what was written since [`Tx::savepoint`].
    async fn release_savepoint(&mut self) -> Result<()>;

    /// Undoes what was written since [`Tx::savepoint`].
    async fn rollback_to_savepoint(&mut self) -> Result<()>;

    /// The hub's own tables, on a database that has them (PostgreSQL).
    fn hub(&mut self) -> Option<&mut dyn hub::HubStore> {
        None
    }

    /// A replica's own tables, on a database that has them (SQLite).
    fn replica(&mut self) -> Option<&mut dyn replica::ReplicaStore> {
        None
    }
}
