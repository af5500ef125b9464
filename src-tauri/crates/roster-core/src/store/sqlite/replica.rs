//! A replica's tables on SQLite, and the one place rows leave a replica: what its user may no
//! longer see is deleted, not kept hidden, so a lost laptop does not carry it.

use sqlx::Row;

use super::SqliteTx;
use crate::error::{Error, Result};
use crate::model::Status;
use crate::store::replica::{LinkRow, OutboxRow, ReplicaStore};
use crate::sync::{RoleRecord, UserRecord, WorkspaceRecord};

/// Splits a `group_concat` of ids or names (`,`-separated; ids and permission names hold no
/// comma).
fn split(joined: Option<String>) -> Vec<String> {
    joined
        .map(|j| j.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Users of the Workspace `?1` that copy `?2` did not bring, other than `?3`.
macro_rules! gone_users {
    () => {
        "SELECT id FROM users WHERE workspace_id = ?1 AND id <> ?3 AND id NOT IN
            (SELECT id FROM replica_rows
             WHERE workspace_id = ?1 AND kind = 'user' AND generation = ?2)"
    };
}

/// Roles of the Workspace `?1` that copy `?2` did not bring.
macro_rules! gone_roles {
    () => {
        "SELECT id FROM roles WHERE workspace_id = ?1 AND id NOT IN
            (SELECT id FROM replica_rows
             WHERE workspace_id = ?1 AND kind = 'role' AND generation = ?2)"
    };
}

#[async_trait::async_trait]
impl ReplicaStore for SqliteTx {
    async fn link(&mut self, workspace_id: &str) -> Result<Option<LinkRow>> {
        let row = sqlx::query(
            "SELECT workspace_id, hub_address, user_id, client_id, cursor, generation, copying,
                    head, last_synced_at
             FROM hub_links WHERE workspace_id = ?",
        )
        .bind(workspace_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|r| LinkRow {
            workspace_id: r.get(0),
            hub_address: r.get(1),
            user_id: r.get(2),
            client_id: r.get(3),
            cursor: r.get(4),
            generation: r.get(5),
            copying: r.get(6),
            head: r.get(7),
            last_synced_at: r.get(8),
        }))
    }

    async fn insert_link(&mut self, row: &LinkRow, at: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO hub_links (workspace_id, hub_address, user_id, client_id, cursor,
                 generation, copying, head, last_synced_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&row.workspace_id)
        .bind(&row.hub_address)
        .bind(&row.user_id)
        .bind(&row.client_id)
        .bind(&row.cursor)
        .bind(row.generation)
        .bind(row.copying)
        .bind(row.head)
        .bind(&row.last_synced_at)
        .bind(at)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn update_link(&mut self, row: &LinkRow, at: &str) -> Result<()> {
        sqlx::query(
            "UPDATE hub_links SET hub_address = ?, user_id = ?, client_id = ?, cursor = ?,
                 generation = ?, copying = ?, head = ?, last_synced_at = ?,
                 version = version + 1, updated_at = ?
             WHERE workspace_id = ?",
        )
        .bind(&row.hub_address)
        .bind(&row.user_id)
        .bind(&row.client_id)
        .bind(&row.cursor)
        .bind(row.generation)
        .bind(row.copying)
        .bind(row.head)
        .bind(&row.last_synced_at)
        .bind(at)
        .bind(&row.workspace_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn unlink(&mut self, workspace_id: &str) -> Result<()> {
        for statement in [
            "DELETE FROM replica_rows WHERE workspace_id = ?",
            "DELETE FROM hub_links WHERE workspace_id = ?",
        ] {
            sqlx::query(statement)
                .bind(workspace_id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    async fn mark_rows(
        &mut self,
        workspace_id: &str,
        kind: &str,
        ids: &[String],
        generation: i64,
    ) -> Result<()> {
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
        sqlx::query(
            "INSERT INTO replica_rows (workspace_id, kind, id, generation)
             SELECT ?, ?, value, ? FROM json_each(?) WHERE true
             ON CONFLICT (kind, id) DO UPDATE SET generation = excluded.generation",
        )
        .bind(workspace_id)
        .bind(kind)
        .bind(generation)
        .bind(ids)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn append_op(
        &mut self,
        workspace_id: &str,
        op_id: &str,
        subject: (&str, &str),
        op: &str,
        at: &str,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO sync_outbox (workspace_id, seq, op_id, op, subject_kind, subject_id,
                 created_at, updated_at)
             VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM sync_outbox
                          WHERE workspace_id = ?1), ?2, ?3, ?4, ?5, ?6, ?6)
             RETURNING seq",
        )
        .bind(workspace_id)
        .bind(op_id)
        .bind(op)
        .bind(subject.0)
        .bind(subject.1)
        .bind(at)
        .fetch_one(self.conn())
        .await?)
    }

    async fn outbox(
        &mut self,
        workspace_id: &str,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>> {
        let rows = sqlx::query(
            "SELECT seq, op_id, op, subject_kind, subject_id, state, error, current, created_at
             FROM sync_outbox WHERE workspace_id = ?1 AND (?2 IS NULL OR state = ?2)
             ORDER BY seq LIMIT ?3",
        )
        .bind(workspace_id)
        .bind(state)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| OutboxRow {
                seq: r.get(0),
                op_id: r.get(1),
                op: r.get(2),
                subject_kind: r.get(3),
                subject_id: r.get(4),
                state: r.get(5),
                error: r.get(6),
                current: r.get(7),
                created_at: r.get(8),
            })
            .collect())
    }

    async fn answer_op(
        &mut self,
        workspace_id: &str,
        seq: i64,
        state: &str,
        error: Option<&str>,
        current: Option<&str>,
        at: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE sync_outbox SET state = ?, error = ?, current = ?,
                 version = version + 1, updated_at = ?
             WHERE workspace_id = ? AND seq = ?",
        )
        .bind(state)
        .bind(error)
        .bind(current)
        .bind(at)
        .bind(workspace_id)
        .bind(seq)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn purge_user(&mut self, workspace_id: &str, user_id: &str) -> Result<()> {
        let statements: [&str; 8] = [
            "DELETE FROM mail_outbox WHERE invitation_id IN
                 (SELECT id FROM invitations WHERE user_id = ?2)",
            "DELETE FROM hub_invitations WHERE user_id = ?2",
            "DELETE FROM invitations WHERE user_id = ?2",
            "DELETE FROM sign_ins WHERE user_id = ?2",
            "DELETE FROM audit_log WHERE workspace_id = ?1 AND target_id = ?2",
            "DELETE FROM user_roles WHERE user_id = ?2",
            "DELETE FROM replica_rows WHERE kind = 'user' AND id = ?2",
            "DELETE FROM users WHERE workspace_id = ?1 AND id = ?2",
        ];
        for statement in statements {
            sqlx::query(statement)
                .bind(workspace_id)
                .bind(user_id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    async fn purge_role(&mut self, workspace_id: &str, role_id: &str) -> Result<()> {
        let statements: [&str; 4] = [
            "DELETE FROM user_roles WHERE role_id = ?2",
            "DELETE FROM role_permissions WHERE role_id = ?2",
            "DELETE FROM replica_rows WHERE kind = 'role' AND id = ?2",
            "DELETE FROM roles WHERE workspace_id = ?1 AND id = ?2",
        ];
        for statement in statements {
            sqlx::query(statement)
                .bind(workspace_id)
                .bind(role_id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    async fn local_workspace(&mut self, workspace_id: &str) -> Result<WorkspaceRecord> {
        let row = sqlx::query("SELECT id, name, version, created_at FROM workspaces WHERE id = ?")
            .bind(workspace_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(Error::NotFound("Workspace"))?;
        Ok(WorkspaceRecord {
            id: row.get(0),
            name: row.get(1),
            version: row.get(2),
            feed_version: 0,
            created_at: row.get(3),
        })
    }

    async fn local_roles(&mut self, workspace_id: &str) -> Result<Vec<RoleRecord>> {
        let rows = sqlx::query(
            "SELECT r.id, r.name, r.description, r.is_builtin, r.deleted_at, r.version,
                    r.created_at,
                    (SELECT group_concat(permission, ',') FROM
                        (SELECT permission FROM role_permissions
                         WHERE role_id = r.id ORDER BY permission))
             FROM roles r WHERE r.workspace_id = ? ORDER BY r.id",
        )
        .bind(workspace_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| RoleRecord {
                id: r.get(0),
                name: r.get(1),
                description: r.get(2),
                is_builtin: r.get(3),
                deleted_at: r.get(4),
                version: r.get(5),
                feed_version: 0,
                created_at: r.get(6),
                permissions: split(r.get(7)),
            })
            .collect())
    }

    async fn local_users(
        &mut self,
        workspace_id: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.status,
                    u.is_super_user, u.must_change_password, u.password_hash,
                    u.credential_version, u.removed_at, u.version, u.created_at,
                    (SELECT group_concat(ur.role_id, ',') FROM user_roles ur
                     JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
                     WHERE ur.user_id = u.id)
             FROM users u WHERE u.workspace_id = ? AND u.id > ? ORDER BY u.id LIMIT ?",
        )
        .bind(workspace_id)
        .bind(after)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| UserRecord {
                id: r.get(0),
                email: r.get(1),
                first_name: r.get(2),
                last_name: r.get(3),
                phone: r.get(4),
                status: Status::parse(r.get(5)),
                is_super_user: r.get(6),
                must_change_password: r.get(7),
                password_hash: r.get(8),
                credential_version: r.get(9),
                removed_at: r.get(10),
                version: r.get(11),
                feed_version: 0,
                created_at: r.get(12),
                role_ids: split(r.get(13)),
                invitation: None,
            })
            .collect())
    }

    async fn keep_invitation(
        &mut self,
        workspace_id: &str,
        user_id: &str,
        info: Option<&str>,
        at: &str,
    ) -> Result<()> {
        let Some(info) = info else {
            sqlx::query("DELETE FROM hub_invitations WHERE user_id = ?")
                .bind(user_id)
                .execute(self.conn())
                .await?;
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO hub_invitations (user_id, workspace_id, info, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET info = excluded.info,
                 version = version + 1, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(workspace_id)
        .bind(info)
        .bind(at)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn kept_invitation(&mut self, user_id: &str) -> Result<Option<String>> {
        let info: Option<Option<String>> =
            sqlx::query_scalar("SELECT info FROM hub_invitations WHERE user_id = ?")
                .bind(user_id)
                .fetch_optional(self.conn())
                .await?;
        Ok(info.flatten())
    }

    async fn purge_unmarked(
        &mut self,
        workspace_id: &str,
        generation: i64,
        own_id: &str,
    ) -> Result<u64> {
        let statements: [&str; 7] = [
            concat!(
                "DELETE FROM hub_invitations WHERE user_id IN (",
                gone_users!(),
                ")"
            ),
            concat!(
                "DELETE FROM mail_outbox WHERE invitation_id IN (SELECT id FROM invitations
                 WHERE user_id IN (",
                gone_users!(),
                ") OR invited_by IN (",
                gone_users!(),
                "))"
            ),
            concat!(
                "DELETE FROM invitations WHERE user_id IN (",
                gone_users!(),
                ") OR invited_by IN (",
                gone_users!(),
                ")"
            ),
            concat!(
                "DELETE FROM sign_ins WHERE user_id IN (",
                gone_users!(),
                ")"
            ),
            concat!(
                "DELETE FROM audit_log WHERE actor_id IN (",
                gone_users!(),
                ") OR target_id IN (",
                gone_users!(),
                ")"
            ),
            concat!(
                "DELETE FROM user_roles WHERE user_id IN (",
                gone_users!(),
                ") OR role_id IN (",
                gone_roles!(),
                ")"
            ),
            concat!(
                "DELETE FROM role_permissions WHERE role_id IN (",
                gone_roles!(),
                ")"
            ),
        ];
        for statement in statements {
            sqlx::query(statement)
                .bind(workspace_id)
                .bind(generation)
                .bind(own_id)
                .execute(self.conn())
                .await?;
        }
        let users = sqlx::query(concat!(
            "DELETE FROM users WHERE id IN (",
            gone_users!(),
            ")"
        ))
        .bind(workspace_id)
        .bind(generation)
        .bind(own_id)
        .execute(self.conn())
        .await?
        .rows_affected();
        sqlx::query(concat!(
            "DELETE FROM audit_log WHERE target_id IN (",
            gone_roles!(),
            ")"
        ))
        .bind(workspace_id)
        .bind(generation)
        .execute(self.conn())
        .await?;
        sqlx::query(concat!(
            "DELETE FROM roles WHERE id IN (",
            gone_roles!(),
            ")"
        ))
        .bind(workspace_id)
        .bind(generation)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM replica_rows WHERE workspace_id = ? AND generation <> ?")
            .bind(workspace_id)
            .bind(generation)
            .execute(self.conn())
            .await?;
        Ok(users)
    }
}
