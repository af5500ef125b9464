//! The hub's tables on PostgreSQL: the change feed (rows stamped with `feed_version` by the
//! triggers of migration `20261205000000_hub.sql`), hub sessions and enrolment codes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PgTx, at, id, stamp};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::store::hub::{
    ClientRow, EnrolmentRow, EnrolmentState, FeedPosition, HubSessionRow, HubStore, OpResultRow,
    Reach,
};
use crate::sync::{RoleRecord, UserRecord, WorkspaceRecord};

/// The lowest `(feed_version, id)` of a table of `rank` that still comes after `after`: the
/// feed orders rows by `(feed_version, rank, id)`, and each table holds one rank.
fn lower_bound(after: &FeedPosition, rank: u8) -> (i64, Uuid) {
    use std::cmp::Ordering;
    match rank.cmp(&after.rank) {
        Ordering::Less => (after.feed_version, Uuid::max()),
        Ordering::Equal => (after.feed_version, id(&after.id)),
        Ordering::Greater => (after.feed_version - 1, Uuid::max()),
    }
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: Uuid,
    name: String,
    description: String,
    is_builtin: bool,
    permissions: Vec<String>,
    deleted_at: Option<DateTime<Utc>>,
    version: i64,
    feed_version: i64,
    created_at: DateTime<Utc>,
}

/// The columns of [`RoleRow`] (roles aliased `r`).
macro_rules! role_record_columns {
    () => {
        "r.id, r.name, r.description, r.is_builtin, r.deleted_at, r.version, r.feed_version,
         r.created_at,
         coalesce((SELECT array_agg(rp.permission ORDER BY rp.permission)
                   FROM role_permissions rp WHERE rp.role_id = r.id), '{}') AS permissions"
    };
}

impl From<RoleRow> for RoleRecord {
    fn from(r: RoleRow) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name,
            description: r.description,
            is_builtin: r.is_builtin,
            permissions: r.permissions,
            deleted_at: r.deleted_at.map(stamp),
            version: r.version,
            feed_version: r.feed_version,
            created_at: stamp(r.created_at),
        }
    }
}

/// The columns of [`UserRow`] (users aliased `u`); the hash only of the user bound at `own`.
macro_rules! user_record_columns {
    ($own:literal) => {
        concat!(
            "u.id, u.email, u.first_name, u.last_name, u.phone, u.status, u.is_super_user,
             u.must_change_password, u.credential_version,
             CASE WHEN u.id = ",
            $own,
            " THEN u.password_hash END AS password_hash,
             u.removed_at, u.version, u.feed_version, u.created_at,
             coalesce((SELECT array_agg(ur.role_id ORDER BY ur.role_id)
                       FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                       WHERE ur.user_id = u.id AND r.deleted_at IS NULL), '{}') AS role_ids"
        )
    };
}

impl From<UserRow> for UserRecord {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            phone: u.phone,
            status: Status::parse(&u.status),
            is_super_user: u.is_super_user,
            must_change_password: u.must_change_password,
            role_ids: u.role_ids.iter().map(Uuid::to_string).collect(),
            password_hash: u.password_hash,
            credential_version: u.credential_version,
            removed_at: u.removed_at.map(stamp),
            version: u.version,
            feed_version: u.feed_version,
            created_at: stamp(u.created_at),
            invitation: None,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    phone: String,
    status: String,
    is_super_user: bool,
    must_change_password: bool,
    role_ids: Vec<Uuid>,
    password_hash: Option<String>,
    credential_version: i64,
    removed_at: Option<DateTime<Utc>>,
    version: i64,
    feed_version: i64,
    created_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl HubStore for PgTx {
    async fn feed_workspace(
        &mut self,
        workspace_id: &str,
        after: &FeedPosition,
    ) -> Result<Option<WorkspaceRecord>> {
        let (version, last) = lower_bound(after, 0);
        let row: Option<(Uuid, String, i64, i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, name, version, feed_version, created_at FROM workspaces
             WHERE id = $1 AND (feed_version, id) > ($2, $3)",
        )
        .bind(id(workspace_id))
        .bind(version)
        .bind(last)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(
            |(id, name, version, feed_version, created_at)| WorkspaceRecord {
                id: id.to_string(),
                name,
                version,
                feed_version,
                created_at: stamp(created_at),
            },
        ))
    }

    async fn feed_roles(
        &mut self,
        workspace_id: &str,
        after: &FeedPosition,
        reach: Reach<'_>,
        limit: i64,
    ) -> Result<Vec<RoleRecord>> {
        let (version, last) = lower_bound(after, 1);
        let holder = match reach {
            Reach::Everyone => None,
            Reach::Only(user_id) => Some(id(user_id)),
        };
        let rows: Vec<RoleRow> = sqlx::query_as(concat!(
            "SELECT ",
            role_record_columns!(),
            " FROM roles r
             WHERE r.workspace_id = $1 AND (r.feed_version, r.id) > ($2, $3)
               AND ($4::uuid IS NULL
                    OR r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = $4))
             ORDER BY r.feed_version, r.id
             LIMIT $5"
        ))
        .bind(id(workspace_id))
        .bind(version)
        .bind(last)
        .bind(holder)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(RoleRecord::from).collect())
    }

    async fn roles_by_id(
        &mut self,
        workspace_id: &str,
        role_ids: &[String],
    ) -> Result<Vec<RoleRecord>> {
        let ids: Vec<Uuid> = role_ids.iter().map(|r| id(r)).collect();
        let rows: Vec<RoleRow> = sqlx::query_as(concat!(
            "SELECT ",
            role_record_columns!(),
            " FROM roles r WHERE r.workspace_id = $1 AND r.id = ANY($2)"
        ))
        .bind(id(workspace_id))
        .bind(ids)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(RoleRecord::from).collect())
    }

    async fn feed_users(
        &mut self,
        workspace_id: &str,
        after: &FeedPosition,
        reach: Reach<'_>,
        own_id: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>> {
        let (version, last) = lower_bound(after, 2);
        let only = match reach {
            Reach::Everyone => None,
            Reach::Only(user_id) => Some(id(user_id)),
        };
        let rows: Vec<UserRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_record_columns!("$5"),
            " FROM users u
             WHERE u.workspace_id = $1 AND (u.feed_version, u.id) > ($2, $3)
               AND ($4::uuid IS NULL OR u.id = $4)
             ORDER BY u.feed_version, u.id
             LIMIT $6"
        ))
        .bind(id(workspace_id))
        .bind(version)
        .bind(last)
        .bind(only)
        .bind(id(own_id))
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(UserRecord::from).collect())
    }

    async fn users_by_id(
        &mut self,
        workspace_id: &str,
        user_ids: &[String],
        own_id: &str,
    ) -> Result<Vec<UserRecord>> {
        let ids: Vec<Uuid> = user_ids.iter().map(|u| id(u)).collect();
        let rows: Vec<UserRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_record_columns!("$3"),
            " FROM users u WHERE u.workspace_id = $1 AND u.id = ANY($2)"
        ))
        .bind(id(workspace_id))
        .bind(ids)
        .bind(id(own_id))
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(UserRecord::from).collect())
    }

    async fn feed_head(&mut self, workspace_id: &str) -> Result<i64> {
        let head: Option<i64> =
            sqlx::query_scalar("SELECT version FROM workspace_feeds WHERE workspace_id = $1")
                .bind(id(workspace_id))
                .fetch_optional(self.conn())
                .await?;
        Ok(head.unwrap_or(0))
    }

    async fn client(&mut self, client_id: &str) -> Result<Option<ClientRow>> {
        let row: Option<(Uuid, Uuid, i64)> = sqlx::query_as(
            "SELECT workspace_id, user_id, last_seq FROM hub_clients WHERE client_id = $1",
        )
        .bind(id(client_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|(workspace_id, user_id, last_seq)| ClientRow {
            workspace_id: workspace_id.to_string(),
            user_id: user_id.to_string(),
            last_seq,
        }))
    }

    async fn save_client(&mut self, client_id: &str, row: &ClientRow, when: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO hub_clients (client_id, workspace_id, user_id, last_seq,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (client_id) DO UPDATE SET last_seq = excluded.last_seq,
                 version = hub_clients.version + 1, updated_at = excluded.updated_at",
        )
        .bind(id(client_id))
        .bind(id(&row.workspace_id))
        .bind(id(&row.user_id))
        .bind(row.last_seq)
        .bind(at(when))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn op_result(&mut self, client_id: &str, seq: i64) -> Result<Option<OpResultRow>> {
        let row: Option<(String, Option<serde_json::Value>)> = sqlx::query_as(
            "SELECT outcome, error FROM hub_op_results WHERE client_id = $1 AND seq = $2",
        )
        .bind(id(client_id))
        .bind(seq)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|(outcome, error)| OpResultRow {
            outcome,
            error: error.map(|e| e.to_string()),
        }))
    }

    async fn insert_op_results(
        &mut self,
        client_id: &str,
        results: &[(i64, String, OpResultRow)],
        when: &str,
    ) -> Result<()> {
        if results.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i64> = results.iter().map(|(seq, _, _)| *seq).collect();
        let op_ids: Vec<Uuid> = results.iter().map(|(_, op, _)| id(op)).collect();
        let outcomes: Vec<String> = results.iter().map(|(_, _, r)| r.outcome.clone()).collect();
        let errors: Vec<Option<serde_json::Value>> = results
            .iter()
            .map(|(_, _, r)| {
                r.error
                    .as_deref()
                    .and_then(|e| serde_json::from_str(e).ok())
            })
            .collect();
        sqlx::query(
            "INSERT INTO hub_op_results (client_id, seq, op_id, outcome, error, created_at)
             SELECT $1, seq, op_id, outcome, error, $6
             FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::jsonb[])
                 AS r(seq, op_id, outcome, error)",
        )
        .bind(id(client_id))
        .bind(seqs)
        .bind(op_ids)
        .bind(outcomes)
        .bind(errors)
        .bind(at(when))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn insert_enrolment(
        &mut self,
        code_hash: &[u8],
        expires_at: &str,
        when: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO hub_enrolments (code_hash, expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, $3)",
        )
        .bind(code_hash)
        .bind(at(expires_at))
        .bind(at(when))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn enrolment(&mut self, code_hash: &[u8]) -> Result<Option<EnrolmentRow>> {
        let row: Option<(String, DateTime<Utc>, Option<Uuid>, Option<Uuid>)> = sqlx::query_as(
            "SELECT state, expires_at, workspace_id, publisher_id FROM hub_enrolments
             WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(
            |(state, expires_at, workspace_id, publisher_id)| EnrolmentRow {
                state: EnrolmentState::parse(&state),
                expires_at: stamp(expires_at),
                workspace_id: workspace_id.map(|w| w.to_string()),
                publisher_id: publisher_id.map(|p| p.to_string()),
            },
        ))
    }

    async fn update_enrolment(
        &mut self,
        code_hash: &[u8],
        row: &EnrolmentRow,
        when: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE hub_enrolments SET state = $1, workspace_id = $2, publisher_id = $3,
                 version = version + 1, updated_at = $4
             WHERE code_hash = $5",
        )
        .bind(row.state.as_str())
        .bind(row.workspace_id.as_deref().map(id))
        .bind(row.publisher_id.as_deref().map(id))
        .bind(at(when))
        .bind(code_hash)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn workspaces_of(&mut self, email_key: &str) -> Result<Vec<(String, String)>> {
        let rows: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT w.id, w.name FROM users u
             JOIN workspaces w ON w.id = u.workspace_id
             JOIN hub_enrolments e ON e.workspace_id = w.id AND e.state = 'published'
             WHERE u.email_key = $1 AND u.status = 'active'
             ORDER BY w.name, w.id",
        )
        .bind(email_key)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect())
    }

    async fn insert_hub_session(
        &mut self,
        token_hash: &[u8],
        row: &HubSessionRow,
        when: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO hub_sessions (token_hash, workspace_id, user_id, credential_version,
                 expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(token_hash)
        .bind(id(&row.workspace_id))
        .bind(id(&row.user_id))
        .bind(row.credential_version)
        .bind(at(&row.expires_at))
        .bind(at(when))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn hub_session(&mut self, token_hash: &[u8]) -> Result<Option<HubSessionRow>> {
        let row: Option<(Uuid, Uuid, i64, DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT workspace_id, user_id, credential_version, expires_at, ended_at
                 FROM hub_sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(
            |(workspace_id, user_id, credential_version, expires_at, ended_at)| HubSessionRow {
                workspace_id: workspace_id.to_string(),
                user_id: user_id.to_string(),
                credential_version,
                expires_at: stamp(expires_at),
                ended_at: ended_at.map(stamp),
            },
        ))
    }

    async fn end_hub_session(&mut self, token_hash: &[u8], when: &str) -> Result<()> {
        let ended = sqlx::query(
            "UPDATE hub_sessions SET ended_at = coalesce(ended_at, $1),
                 version = version + 1, updated_at = $1
             WHERE token_hash = $2",
        )
        .bind(at(when))
        .bind(token_hash)
        .execute(self.conn())
        .await?
        .rows_affected();
        if ended == 0 {
            return Err(Error::Unauthenticated);
        }
        Ok(())
    }
}
