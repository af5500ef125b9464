//! The hub's own tables (PostgreSQL only): the change feed replicas pull, hub sessions and
//! enrolment codes. A SQLite file has none of them ([`super::Tx::hub`] is `None` there).

use crate::error::Result;
use crate::sync::{RoleRecord, UserRecord, WorkspaceRecord};

/// A place in the feed: rows sort by `(feed_version, rank, id)` (see
/// [`crate::sync::Record::rank`]); a page holds the rows after it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct FeedPosition {
    pub feed_version: i64,
    pub rank: u8,
    pub id: String,
}

// Read only by the PostgreSQL store: a build without it (the desktop app) has no hub tables.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
/// What a replica of one user may receive.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reach<'a> {
    /// Every user and role (`users.view`).
    Everyone,
    /// Only this user and the roles they hold.
    Only(&'a str),
}

/// A hub session as stored: the token itself is never stored, only its SHA-256.
#[derive(Debug, Clone)]
pub(crate) struct HubSessionRow {
    pub workspace_id: String,
    pub user_id: String,
    pub credential_version: i64,
    pub expires_at: String,
    pub ended_at: Option<String>,
}

// Read only by the PostgreSQL store: a build without it (the desktop app) has no hub tables.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
/// Where an enrolment code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnrolmentState {
    /// Printed, not used yet.
    Open,
    /// A Workspace is being copied up with it.
    Copying,
    /// Spent: the Workspace is on the hub.
    Published,
}

// Read only by the PostgreSQL store: a build without it (the desktop app) has no hub tables.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
impl EnrolmentState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Copying => "copying",
            Self::Published => "published",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "open" => Self::Open,
            "copying" => Self::Copying,
            _ => Self::Published,
        }
    }
}

// Read only by the PostgreSQL store: a build without it (the desktop app) has no hub tables.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
/// An enrolment code's row.
#[derive(Debug, Clone)]
pub(crate) struct EnrolmentRow {
    pub state: EnrolmentState,
    pub expires_at: String,
    pub workspace_id: Option<String>,
    pub publisher_id: Option<String>,
}

/// A replica as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientRow {
    pub workspace_id: String,
    pub user_id: String,
    /// The last sequence number answered.
    pub last_seq: i64,
}

/// The stored answer to one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpResultRow {
    /// `applied` or `rejected`.
    pub outcome: String,
    /// A rejection's error as JSON.
    pub error: Option<String>,
}

/// The hub's tables.
#[async_trait::async_trait]
pub(crate) trait HubStore: Send {
    /// The Workspace's row as replicas receive it, if it is after `after`.
    async fn feed_workspace(
        &mut self,
        workspace_id: &str,
        after: &FeedPosition,
    ) -> Result<Option<WorkspaceRecord>>;

    /// Up to `limit` roles after `after` in feed order that `reach` may see (deleted ones
    /// too).
    async fn feed_roles(
        &mut self,
        workspace_id: &str,
        after: &FeedPosition,
        reach: Reach<'_>,
        limit: i64,
    ) -> Result<Vec<RoleRecord>>;

    /// The roles `role_ids` of the Workspace, wherever they are in the feed.
    async fn roles_by_id(
        &mut self,
        workspace_id: &str,
        role_ids: &[String],
    ) -> Result<Vec<RoleRecord>>;

    /// The users `user_ids` of the Workspace, each without a password hash except `own_id`'s.
    async fn users_by_id(
        &mut self,
        workspace_id: &str,
        user_ids: &[String],
        own_id: &str,
    ) -> Result<Vec<UserRecord>>;

    /// Up to `limit` users after `after` in feed order that `reach` may see, each without a
    /// password hash except `reach`'s own.
    async fn feed_users(
        &mut self,
        workspace_id: &str,
        after: &FeedPosition,
        reach: Reach<'_>,
        own_id: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>>;

    /// The Workspace's latest feed version (0 before its first write).
    async fn feed_head(&mut self, workspace_id: &str) -> Result<i64>;

    /// The replica `client_id`, if it pushed before.
    async fn client(&mut self, client_id: &str) -> Result<Option<ClientRow>>;

    /// The one write of a client: made on its first push, its last sequence number moved on
    /// by each.
    async fn save_client(&mut self, client_id: &str, row: &ClientRow, at: &str) -> Result<()>;

    /// The answer given to operation `seq` of `client_id`.
    async fn op_result(&mut self, client_id: &str, seq: i64) -> Result<Option<OpResultRow>>;

    /// Stores the answers `(seq, op id, answer)` to operations of `client_id`.
    async fn insert_op_results(
        &mut self,
        client_id: &str,
        results: &[(i64, String, OpResultRow)],
        at: &str,
    ) -> Result<()>;

    /// Stores a new enrolment code's hash.
    async fn insert_enrolment(
        &mut self,
        code_hash: &[u8],
        expires_at: &str,
        at: &str,
    ) -> Result<()>;

    /// The enrolment with this code hash.
    async fn enrolment(&mut self, code_hash: &[u8]) -> Result<Option<EnrolmentRow>>;

    /// The one change of an enrolment: its state, and the Workspace and publisher it
    /// brought.
    async fn update_enrolment(
        &mut self,
        code_hash: &[u8],
        row: &EnrolmentRow,
        at: &str,
    ) -> Result<()>;

    /// Published Workspaces with an active user holding this email key, by name.
    async fn workspaces_of(&mut self, email_key: &str) -> Result<Vec<(String, String)>>;

    /// Stores a new hub session.
    async fn insert_hub_session(
        &mut self,
        token_hash: &[u8],
        row: &HubSessionRow,
        at: &str,
    ) -> Result<()>;

    /// The hub session with this token hash.
    async fn hub_session(&mut self, token_hash: &[u8]) -> Result<Option<HubSessionRow>>;

    /// The one change of a hub session: it ends (sign-out).
    async fn end_hub_session(&mut self, token_hash: &[u8], at: &str) -> Result<()>;
}
