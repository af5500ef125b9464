//! Shared Workspaces (DESIGN.md §6): a Roster hub runs this core on PostgreSQL; desktop
//! Rosters keep local replicas in SQLite of what their user may see.
//!
//! - [`records`]: rows as they travel, whole.
//! - `feed`: the hub's per-Workspace change feed, gap-free in commit order (the triggers of
//!   the PostgreSQL migration `20261205000000_hub.sql`), read in pages after a cursor, with
//!   what a user may see decided on every pull.
//! - `hub`: the hub's services — enrolment codes, publishing a Workspace, hub sessions.
//! - `replica`: the desktop side — the link to a hub, pulled pages applied in one
//!   transaction each with their cursor, what a publisher sends.

mod apply;
#[cfg(feature = "hub-client")]
mod at_hub;
#[cfg(feature = "hub-client")]
mod client;
mod feed;
mod hub;
#[cfg(feature = "hub-client")]
mod link;
mod not_applied;
pub mod ops;
mod outbox;
mod push;
pub mod records;
mod replica;
#[cfg(feature = "hub-client")]
mod sign_in;
mod summary;

#[cfg(feature = "hub-client")]
pub use client::{HubClient, LONG_POLL_SECONDS, hub_address};
pub use feed::{FeedPage, PAGE_LIMIT};
pub use hub::{Enrolment, HubSignIn, PasswordChanged, PublishedWorkspace};
#[cfg(feature = "hub-client")]
pub use link::{CHANGES_LISTED, Changed, CopyProgress, Joined, Pulled, Pushed};
pub use not_applied::{ChangeAction, ChangeField, ChangeNotApplied, ChangeValue};
pub use ops::{Access, AccessChange, Op, PermissionsChange, Subject};
pub use outbox::{NotApplied, PUSH_BATCH};
pub(crate) use outbox::{enqueue, ensure_not_replica, is_replica};
pub use push::{OpOutcome, PUSH_LIMIT, PushedOp};
pub use records::{Record, RoleRecord, UserRecord, WorkspaceRecord};
pub use replica::{HubLink, PUBLISH_PAGE, PageApplied};
pub use summary::SyncSummary;

/// The secret store's name for the hub session of a Workspace.
pub(crate) fn token_name(workspace_id: &str) -> String {
    format!("hub-session:{workspace_id}")
}
