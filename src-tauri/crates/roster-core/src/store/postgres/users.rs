//! The `users` and `user_roles` tables on PostgreSQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PgTx, at, id, stamp};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::store::{Credentials, HeldRole, KnownUser, NewUserRow, UserPatch, UserRow, UserStore};

/// A row of the users-by-email-keys query.
type KnownRow = (
    Uuid,
    String,
    String,
    String,
    String,
    String,
    bool,
    bool,
    Vec<Uuid>,
);

/// The names of a user's live roles by name (users aliased `u`).
macro_rules! role_names {
    () => {
        "(SELECT string_agg(r.name, ', ' ORDER BY r.name) FROM user_roles ur
          JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
          WHERE ur.user_id = u.id)"
    };
}
pub(super) use role_names;

/// The columns [`Row`] reads (users aliased `u`), shared by the panel and the list.
macro_rules! user_columns {
    () => {
        concat!(
            "u.id, u.email, u.first_name, u.last_name, u.phone, u.is_super_user, u.status,
             u.created_at, (SELECT s.last_sign_in_at FROM sign_ins s WHERE s.user_id = u.id)
                 AS last_sign_in_at,
             u.removed_at, u.must_change_password, u.version, ",
            crate::store::postgres::users::role_names!(),
            " AS role_names"
        )
    };
}
pub(super) use user_columns;

/// A row of [`user_columns`].
#[derive(sqlx::FromRow)]
pub(super) struct Row {
    id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    phone: String,
    is_super_user: bool,
    status: String,
    created_at: DateTime<Utc>,
    last_sign_in_at: Option<DateTime<Utc>>,
    removed_at: Option<DateTime<Utc>>,
    must_change_password: bool,
    version: i64,
    role_names: Option<String>,
}

impl From<Row> for UserRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id.to_string(),
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            phone: r.phone,
            is_super_user: r.is_super_user,
            status: Status::parse(&r.status),
            created_at: stamp(r.created_at),
            last_sign_in_at: r.last_sign_in_at.map(stamp),
            removed_at: r.removed_at.map(stamp),
            must_change_password: r.must_change_password,
            version: r.version,
            role_names: r.role_names,
        }
    }
}

#[async_trait::async_trait]
impl UserStore for PgTx {
    async fn user(&mut self, workspace_id: &str, user_id: &str) -> Result<Option<UserRow>> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.workspace_id = $1 AND u.id = $2"
        ))
        .bind(id(workspace_id))
        .bind(id(user_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(UserRow::from))
    }

    async fn held_roles(&mut self, user_id: &str) -> Result<Vec<HeldRole>> {
        let held: Vec<(Uuid, Vec<String>)> = sqlx::query_as(
            "SELECT r.id, coalesce((SELECT array_agg(rp.permission) FROM role_permissions rp
                                    WHERE rp.role_id = r.id), '{}')
             FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
             WHERE ur.user_id = $1 ORDER BY r.name",
        )
        .bind(id(user_id))
        .fetch_all(self.conn())
        .await?;
        Ok(held
            .into_iter()
            .map(|(id, permissions)| HeldRole {
                id: id.to_string(),
                permissions,
            })
            .collect())
    }

    async fn existing_users(
        &mut self,
        workspace_id: &str,
        user_ids: &[String],
    ) -> Result<std::collections::BTreeSet<String>> {
        let ids: Vec<Uuid> = user_ids.iter().map(|u| id(u)).collect();
        let found: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM users WHERE workspace_id = $1 AND id = ANY($2)")
                .bind(id(workspace_id))
                .bind(ids)
                .fetch_all(self.conn())
                .await?;
        Ok(found.iter().map(Uuid::to_string).collect())
    }

    async fn credentials(
        &mut self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<Credentials>> {
        let row: Option<(String, bool, bool, i64, Option<String>)> = sqlx::query_as(
            "SELECT status, is_super_user, must_change_password, credential_version, password_hash
             FROM users WHERE id = $1 AND workspace_id = $2",
        )
        .bind(id(user_id))
        .bind(id(workspace_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(
            |(status, is_super_user, must_change_password, credential_version, password_hash)| {
                Credentials {
                    status: Status::parse(&status),
                    is_super_user,
                    must_change_password,
                    credential_version,
                    password_hash,
                }
            },
        ))
    }

    async fn users_by_email_keys(
        &mut self,
        workspace_id: &str,
        email_keys: &[String],
    ) -> Result<Vec<KnownUser>> {
        let rows: Vec<KnownRow> = sqlx::query_as(
            "SELECT u.id, u.email_key, u.first_name, u.last_name, u.phone, u.status,
                 u.is_super_user, u.password_hash IS NOT NULL,
                 coalesce((SELECT array_agg(ur.role_id) FROM user_roles ur
                           JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
                           WHERE ur.user_id = u.id), '{}')
             FROM unnest($1::text[]) AS k(email_key)
             JOIN users u ON u.workspace_id = $2 AND u.email_key = k.email_key",
        )
        .bind(email_keys)
        .bind(id(workspace_id))
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, email_key, first_name, last_name, phone, status, su, has_password, roles)| {
                    KnownUser {
                        id: id.to_string(),
                        email_key,
                        first_name,
                        last_name,
                        phone,
                        status: Status::parse(&status),
                        is_super_user: su,
                        has_password,
                        role_ids: roles.iter().map(Uuid::to_string).collect(),
                    }
                },
            )
            .collect())
    }

    async fn email_owner(
        &mut self,
        workspace_id: &str,
        email_key: &str,
    ) -> Result<Option<(String, Status)>> {
        let row: Option<(Uuid, String)> = sqlx::query_as(
            "SELECT id, status FROM users WHERE workspace_id = $1 AND email_key = $2",
        )
        .bind(id(workspace_id))
        .bind(email_key)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|(id, status)| (id.to_string(), Status::parse(&status))))
    }

    async fn active_super_users(
        &mut self,
        workspace_id: &str,
        except: Option<&str>,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM users
             WHERE workspace_id = $1 AND is_super_user AND status = 'active'
               AND id IS DISTINCT FROM $2",
        )
        .bind(id(workspace_id))
        .bind(except.map(id))
        .fetch_one(self.conn())
        .await?)
    }

    async fn status_counts(&mut self, workspace_id: &str) -> Result<Vec<(Status, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, users FROM user_status_counts WHERE workspace_id = $1")
                .bind(id(workspace_id))
                .fetch_all(self.conn())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(status, n)| (Status::parse(&status), n))
            .collect())
    }

    async fn unicode_email_keys(&mut self) -> Result<Vec<(String, String, String, String)>> {
        let rows: Vec<(Uuid, Uuid, String, String)> = sqlx::query_as(
            "SELECT id, workspace_id, email, email_key FROM users
             WHERE strpos(email_key, 'xn--') > 0 OR octet_length(email_key) <> char_length(email_key)",
        )
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, workspace_id, email, key)| {
                (id.to_string(), workspace_id.to_string(), email, key)
            })
            .collect())
    }

    async fn holders_of(&mut self, role_id: &str) -> Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(Uuid, Vec<Uuid>)> = sqlx::query_as(
            "SELECT h.user_id, coalesce((SELECT array_agg(ur.role_id) FROM user_roles ur
                                         JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
                                         WHERE ur.user_id = h.user_id), '{}')
             FROM user_roles h WHERE h.role_id = $1",
        )
        .bind(id(role_id))
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user, roles)| {
                (
                    user.to_string(),
                    roles.iter().map(Uuid::to_string).collect(),
                )
            })
            .collect())
    }

    /// The email conflict is found by the statement: the insert does nothing on a conflict
    /// of the `users_email_key_unique` constraint only, and any other constraint still fails.
    async fn insert_user(&mut self, row: &NewUserRow<'_>) -> Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO users (id, workspace_id, email, email_key, first_name, last_name,
                 name_key, search_text, phone, status, is_super_user, password_hash,
                 must_change_password, removed_at, created_at, updated_at, version,
                 credential_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15,
                 $16, $17)
             ON CONFLICT ON CONSTRAINT users_email_key_unique DO NOTHING",
        )
        .bind(id(row.id))
        .bind(id(row.workspace_id))
        .bind(row.email)
        .bind(&row.email_key)
        .bind(row.first_name)
        .bind(row.last_name)
        .bind(&row.name_key)
        .bind(&row.search_text)
        .bind(row.phone)
        .bind(row.status.as_str())
        .bind(row.is_super_user)
        .bind(row.password_hash)
        .bind(row.must_change_password)
        .bind(match row.kept {
            Some(kept) => kept.removed_at.map(at),
            None => (row.status == Status::Removed).then(|| at(row.at)),
        })
        .bind(at(row.at))
        .bind(row.kept.map_or(1, |k| k.version))
        .bind(row.kept.map_or(0, |k| k.credential_version))
        .execute(self.conn())
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(Error::EmailTaken);
        }
        write_roles(self, row.id, row.role_ids).await
    }

    async fn update_user(&mut self, user_id: &str, patch: &UserPatch, when: &str) -> Result<()> {
        let names = patch.names.as_ref();
        let (status, removed_at) = match &patch.status {
            Some((status, removed_at)) => (Some(status.as_str()), removed_at.as_deref().map(at)),
            None => (None, None),
        };
        let changed = sqlx::query(
            "UPDATE users SET
                 first_name = coalesce($1, first_name), last_name = coalesce($2, last_name),
                 phone = coalesce($3, phone), name_key = coalesce($4, name_key),
                 search_text = coalesce($5, search_text), email_key = coalesce($6, email_key),
                 is_super_user = coalesce($7, is_super_user),
                 status = coalesce($8, status),
                 removed_at = CASE WHEN $8::text IS NULL THEN removed_at ELSE $9 END,
                 password_hash = CASE WHEN $17 THEN NULL ELSE coalesce($10, password_hash) END,
                 must_change_password = coalesce($11, must_change_password),
                 credential_version = coalesce($15, credential_version + $12),
                 version = coalesce($16, version + 1), updated_at = $13
             WHERE id = $14",
        )
        .bind(names.map(|n| n.first_name.as_str()))
        .bind(names.map(|n| n.last_name.as_str()))
        .bind(names.map(|n| n.phone.as_str()))
        .bind(names.map(|n| n.name_key.as_str()))
        .bind(names.map(|n| n.search_text.as_str()))
        .bind(patch.email_key.as_deref())
        .bind(patch.is_super_user)
        .bind(status)
        .bind(removed_at)
        .bind(patch.password_hash.as_deref())
        .bind(patch.must_change_password)
        .bind(i64::from(patch.end_sessions))
        .bind(at(when))
        .bind(id(user_id))
        .bind(patch.kept.map(|(_, credential_version)| credential_version))
        .bind(patch.kept.map(|(version, _)| version))
        .bind(patch.forget_password)
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound("User"));
        }
        match &patch.role_ids {
            Some(role_ids) => write_roles(self, user_id, role_ids).await,
            None => Ok(()),
        }
    }
}

/// Replaces the roles `user_id` holds: part of the users writer, never called on its own.
async fn write_roles(tx: &mut PgTx, user_id: &str, role_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(id(user_id))
        .execute(tx.conn())
        .await?;
    let roles: Vec<Uuid> = role_ids.iter().map(|r| id(r)).collect();
    sqlx::query(
        "INSERT INTO user_roles (user_id, role_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT (user_id, role_id) DO NOTHING",
    )
    .bind(id(user_id))
    .bind(roles)
    .execute(tx.conn())
    .await?;
    Ok(())
}
