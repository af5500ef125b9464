//! A replica's own tables (SQLite only): the link to its hub and which copy brought each
//! row. A PostgreSQL database has none ([`super::Tx::replica`] is `None` there).

use crate::error::Result;
use crate::sync::{RoleRecord, UserRecord, WorkspaceRecord};

/// A Workspace's link to its hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkRow {
    pub workspace_id: String,
    pub hub_address: String,
    pub user_id: String,
    pub client_id: String,
    pub cursor: Option<String>,
    pub generation: i64,
    pub copying: bool,
    pub head: i64,
    pub last_synced_at: Option<String>,
}

/// An operation in a replica's outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutboxRow {
    pub seq: i64,
    pub op_id: String,
    /// The operation as JSON.
    pub op: String,
    /// `user` or `role`.
    pub subject_kind: String,
    pub subject_id: String,
    pub state: String,
    /// A rejection's error as JSON.
    pub error: Option<String>,
    /// After a rejection, the row as the Workspace holds it (JSON).
    pub current: Option<String>,
    pub created_at: String,
}

/// A replica's tables.
#[async_trait::async_trait]
pub(crate) trait ReplicaStore: Send {
    /// The hub link of `workspace_id`, if it is a replica.
    async fn link(&mut self, workspace_id: &str) -> Result<Option<LinkRow>>;

    /// Makes `workspace_id` a replica.
    async fn insert_link(&mut self, row: &LinkRow, at: &str) -> Result<()>;

    /// The one change of a link: every column from `row`.
    async fn update_link(&mut self, row: &LinkRow, at: &str) -> Result<()>;

    /// Ends the link of `workspace_id`: it is a Workspace of this computer again, with what
    /// it holds (the outbox's history stays).
    async fn unlink(&mut self, workspace_id: &str) -> Result<()>;

    /// Notes that copy `generation` brought the rows `ids` of `kind` (`role` or `user`).
    async fn mark_rows(
        &mut self,
        workspace_id: &str,
        kind: &str,
        ids: &[String],
        generation: i64,
    ) -> Result<()>;

    /// Appends an operation about the row `subject` (`(kind, id)`, kind `user` or `role`) to
    /// the outbox of `workspace_id`; returns its sequence number (one more than the last).
    async fn append_op(
        &mut self,
        workspace_id: &str,
        op_id: &str,
        subject: (&str, &str),
        op: &str,
        at: &str,
    ) -> Result<i64>;

    /// Up to `limit` operations of the Workspace in `state`, oldest first (all when `state`
    /// is `None`).
    async fn outbox(
        &mut self,
        workspace_id: &str,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>>;

    /// The one change of an operation: its state, with a rejection's error and the row as
    /// the Workspace holds it.
    async fn answer_op(
        &mut self,
        workspace_id: &str,
        seq: i64,
        state: &str,
        error: Option<&str>,
        current: Option<&str>,
        at: &str,
    ) -> Result<()>;

    /// Drops one user this replica made whose creation the hub refused, with what hangs off
    /// them here (as [`ReplicaStore::purge_unmarked`]).
    async fn purge_user(&mut self, workspace_id: &str, user_id: &str) -> Result<()>;

    /// Drops one role this replica made whose creation the hub refused, and its holders'
    /// hold of it (their own refused changes bring them back as the Workspace holds them).
    async fn purge_role(&mut self, workspace_id: &str, role_id: &str) -> Result<()>;

    /// The Workspace as a publisher sends it.
    async fn local_workspace(&mut self, workspace_id: &str) -> Result<WorkspaceRecord>;

    /// Every role of the Workspace (deleted ones too), as a publisher sends them.
    async fn local_roles(&mut self, workspace_id: &str) -> Result<Vec<RoleRecord>>;

    /// Up to `limit` users of the Workspace with ids after `after`, by id, each with their
    /// password hash (the hub signs everybody in), as a publisher sends them.
    async fn local_users(
        &mut self,
        workspace_id: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>>;

    /// Keeps how the latest invitation of `user_id` stands at the hub (`info`: an
    /// [`crate::model::InvitationInfo`] as JSON; `None` when there is none, which forgets
    /// the one kept before).
    async fn keep_invitation(
        &mut self,
        workspace_id: &str,
        user_id: &str,
        info: Option<&str>,
        at: &str,
    ) -> Result<()>;

    /// What [`ReplicaStore::keep_invitation`] kept for `user_id`.
    async fn kept_invitation(&mut self, user_id: &str) -> Result<Option<String>>;

    /// Drops every role and user of the Workspace that copy `generation` did not bring
    /// (except `own_id`), with what hangs off them on this computer (memberships, sign-in
    /// counters, invitations and their queued mail, audit entries by or about them — the hub
    /// keeps the Workspace's record). Returns how many users left.
    async fn purge_unmarked(
        &mut self,
        workspace_id: &str,
        generation: i64,
        own_id: &str,
    ) -> Result<u64>;
}
