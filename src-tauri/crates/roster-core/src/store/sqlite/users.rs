//! The `users` and `user_roles` tables on SQLite.

use super::SqliteTx;
use crate::error::{Error, Result};
use crate::model::Status;
use crate::store::{Credentials, HeldRole, KnownUser, NewUserRow, UserPatch, UserRow, UserStore};

/// The names of a user's live roles by name (users aliased `u`), one correlated subquery; a
/// macro so queries stay `&'static str`.
macro_rules! role_names {
    () => {
        "(SELECT group_concat(r.name, ', ' ORDER BY r.name) FROM user_roles ur
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
            crate::store::sqlite::users::role_names!(),
            " AS role_names"
        )
    };
}
pub(super) use user_columns;

/// A row of [`user_columns`].
#[derive(sqlx::FromRow)]
pub(super) struct Row {
    id: String,
    email: String,
    first_name: String,
    last_name: String,
    phone: String,
    is_super_user: bool,
    status: String,
    created_at: String,
    last_sign_in_at: Option<String>,
    removed_at: Option<String>,
    must_change_password: bool,
    version: i64,
    role_names: Option<String>,
}

impl From<Row> for UserRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            phone: r.phone,
            is_super_user: r.is_super_user,
            status: Status::parse(&r.status),
            created_at: r.created_at,
            last_sign_in_at: r.last_sign_in_at,
            removed_at: r.removed_at,
            must_change_password: r.must_change_password,
            version: r.version,
            role_names: r.role_names,
        }
    }
}

fn permissions(joined: Option<String>) -> Vec<String> {
    joined
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The ids of a page that are users of a Workspace: the page's ids drive the join (`CROSS
/// JOIN` keeps that order), so each is one primary-key look-up. With the Workspace's index
/// first, SQLite read every user of the Workspace for each page — 30 ms a page at 100,000
/// users.
const EXISTING_USERS: &str = "SELECT u.id FROM json_each(?1) AS j CROSS JOIN users AS u
     ON u.id = j.value WHERE u.workspace_id = ?2";

/// Users by email key: the keys drive the join, so each is one look-up in the unique
/// `(workspace_id, email_key)` index.
const BY_EMAIL_KEYS: &str = "SELECT u.id, u.email_key, u.first_name, u.last_name, u.phone,
         u.status, u.is_super_user, u.password_hash IS NOT NULL,
         (SELECT group_concat(ur.role_id) FROM user_roles ur
          JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL WHERE ur.user_id = u.id)
     FROM json_each(?1) AS j CROSS JOIN users AS u
     ON u.workspace_id = ?2 AND u.email_key = j.value";

/// A row of [`BY_EMAIL_KEYS`].
type KnownRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    bool,
    Option<String>,
);

#[async_trait::async_trait]
impl UserStore for SqliteTx {
    async fn users_by_email_keys(
        &mut self,
        workspace_id: &str,
        email_keys: &[String],
    ) -> Result<Vec<KnownUser>> {
        let keys = serde_json::to_string(email_keys).unwrap_or_else(|_| "[]".to_owned());
        let rows: Vec<KnownRow> = sqlx::query_as(BY_EMAIL_KEYS)
            .bind(keys)
            .bind(workspace_id)
            .fetch_all(self.conn())
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, email_key, first_name, last_name, phone, status, su, has_password, roles)| {
                    KnownUser {
                        id,
                        email_key,
                        first_name,
                        last_name,
                        phone,
                        status: Status::parse(&status),
                        is_super_user: su,
                        has_password,
                        role_ids: permissions(roles),
                    }
                },
            )
            .collect())
    }

    async fn user(&mut self, workspace_id: &str, user_id: &str) -> Result<Option<UserRow>> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.workspace_id = ? AND u.id = ?"
        ))
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(UserRow::from))
    }

    async fn held_roles(&mut self, user_id: &str) -> Result<Vec<HeldRole>> {
        let held: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT r.id, (SELECT group_concat(rp.permission) FROM role_permissions rp
                           WHERE rp.role_id = r.id)
             FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
             WHERE ur.user_id = ? ORDER BY r.name",
        )
        .bind(user_id)
        .fetch_all(self.conn())
        .await?;
        Ok(held
            .into_iter()
            .map(|(id, joined)| HeldRole {
                id,
                permissions: permissions(joined),
            })
            .collect())
    }

    async fn existing_users(
        &mut self,
        workspace_id: &str,
        user_ids: &[String],
    ) -> Result<std::collections::BTreeSet<String>> {
        let ids = serde_json::to_string(user_ids).unwrap_or_else(|_| "[]".to_owned());
        let found: Vec<String> = sqlx::query_scalar(EXISTING_USERS)
            .bind(ids)
            .bind(workspace_id)
            .fetch_all(self.conn())
            .await?;
        Ok(found.into_iter().collect())
    }

    async fn credentials(
        &mut self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<Credentials>> {
        let row: Option<(String, bool, bool, i64, Option<String>)> = sqlx::query_as(
            "SELECT status, is_super_user, must_change_password, credential_version, password_hash
             FROM users WHERE id = ? AND workspace_id = ?",
        )
        .bind(user_id)
        .bind(workspace_id)
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

    async fn email_owner(
        &mut self,
        workspace_id: &str,
        email_key: &str,
    ) -> Result<Option<(String, Status)>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id, status FROM users WHERE workspace_id = ? AND email_key = ?")
                .bind(workspace_id)
                .bind(email_key)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.map(|(id, status)| (id, Status::parse(&status))))
    }

    async fn active_super_users(
        &mut self,
        workspace_id: &str,
        except: Option<&str>,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM users
             WHERE workspace_id = ? AND is_super_user = 1 AND status = 'active'
               AND id IS NOT ?",
        )
        .bind(workspace_id)
        .bind(except)
        .fetch_one(self.conn())
        .await?)
    }

    async fn status_counts(&mut self, workspace_id: &str) -> Result<Vec<(Status, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, users FROM user_status_counts WHERE workspace_id = ?")
                .bind(workspace_id)
                .fetch_all(self.conn())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(status, n)| (Status::parse(&status), n))
            .collect())
    }

    async fn unicode_email_keys(&mut self) -> Result<Vec<(String, String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, workspace_id, email, email_key FROM users
             WHERE instr(email_key, 'xn--') > 0
                OR length(CAST(email_key AS BLOB)) <> length(email_key)",
        )
        .fetch_all(self.conn())
        .await?)
    }

    async fn holders_of(&mut self, role_id: &str) -> Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT h.user_id, (SELECT group_concat(ur.role_id) FROM user_roles ur
                                JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
                                WHERE ur.user_id = h.user_id)
             FROM user_roles h WHERE h.role_id = ?",
        )
        .bind(role_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, roles)| (user_id, permissions(roles)))
            .collect())
    }

    /// The email conflict is found by the statement, not by reading SQLite's message: the
    /// insert does nothing on a conflict of `(workspace_id, email_key)` only, and any other
    /// constraint still fails.
    async fn insert_user(&mut self, row: &NewUserRow<'_>) -> Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO users (id, workspace_id, email, email_key, first_name, last_name,
                 name_key, search_text, phone, status, is_super_user, password_hash,
                 must_change_password, removed_at, created_at, updated_at, version,
                 credential_version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (workspace_id, email_key) DO NOTHING",
        )
        .bind(row.id)
        .bind(row.workspace_id)
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
            Some(kept) => kept.removed_at,
            None => (row.status == Status::Removed).then_some(row.at),
        })
        .bind(row.at)
        .bind(row.at)
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

    async fn update_user(&mut self, user_id: &str, patch: &UserPatch, at: &str) -> Result<()> {
        let names = patch.names.as_ref();
        let (status, removed_at) = match &patch.status {
            Some((status, removed_at)) => (Some(status.as_str()), removed_at.as_deref()),
            None => (None, None),
        };
        let changed = sqlx::query(
            "UPDATE users SET
                 first_name = coalesce(?1, first_name), last_name = coalesce(?2, last_name),
                 phone = coalesce(?3, phone), name_key = coalesce(?4, name_key),
                 search_text = coalesce(?5, search_text), email_key = coalesce(?6, email_key),
                 is_super_user = coalesce(?7, is_super_user),
                 status = coalesce(?8, status),
                 removed_at = CASE WHEN ?8 IS NULL THEN removed_at ELSE ?9 END,
                 password_hash = CASE WHEN ?17 THEN NULL ELSE coalesce(?10, password_hash) END,
                 must_change_password = coalesce(?11, must_change_password),
                 credential_version = coalesce(?15, credential_version + ?12),
                 version = coalesce(?16, version + 1), updated_at = ?13
             WHERE id = ?14",
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
        .bind(at)
        .bind(user_id)
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
async fn write_roles(tx: &mut SqliteTx, user_id: &str, role_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = ?")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    for role_id in role_ids {
        sqlx::query(
            "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)
             ON CONFLICT (user_id, role_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(role_id)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Database;
    use crate::store::sqlite::SqliteDatabase;

    fn row<'a>(id: &'a str, email: &'a str) -> NewUserRow<'a> {
        NewUserRow {
            id,
            workspace_id: "w",
            email,
            email_key: email.to_owned(),
            first_name: "A",
            last_name: "",
            name_key: "a".into(),
            search_text: "a".into(),
            phone: "",
            status: Status::Active,
            is_super_user: false,
            password_hash: None,
            must_change_password: false,
            role_ids: &[],
            at: "2026-12-02T00:00:00.000Z",
            kept: None,
        }
    }

    #[tokio::test]
    async fn the_users_of_a_page_are_found_by_primary_key_not_by_a_scan() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = SqliteDatabase::open(&dir.path().join("t.db"))
            .await
            .expect("open");
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {EXISTING_USERS}"
        )))
        .bind("[\"a\"]")
        .bind("w")
        .fetch_all(db.sqlite_pool().expect("pool"))
        .await
        .expect("plan");
        let steps: Vec<&str> = plan
            .iter()
            .map(|(_, _, _, detail)| detail.as_str())
            .collect();
        assert!(
            steps
                .iter()
                .any(|s| s.starts_with("SEARCH u USING INDEX sqlite_autoindex_users_1")),
            "{steps:?}"
        );
        assert!(!steps.iter().any(|s| s.starts_with("SCAN u")), "{steps:?}");
    }

    #[tokio::test]
    async fn only_the_email_key_reads_as_email_taken() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = SqliteDatabase::open(&dir.path().join("t.db"))
            .await
            .expect("open");
        let mut tx = db.write().await.expect("write");
        tx.insert_workspace("w", "W", 1, "2026-12-02T00:00:00.000Z")
            .await
            .expect("workspace");
        tx.insert_user(&row("u1", "a@example.com"))
            .await
            .expect("first");
        let same_email = tx.insert_user(&row("u2", "a@example.com")).await;
        assert!(
            matches!(same_email, Err(Error::EmailTaken)),
            "{same_email:?}"
        );
        let same_id = tx.insert_user(&row("u1", "b@example.com")).await;
        assert!(matches!(same_id, Err(Error::Database(_))), "{same_id:?}");
    }
}
