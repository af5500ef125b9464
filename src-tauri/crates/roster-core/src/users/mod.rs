//! Users of a Workspace: list, add, edit, remove, restore, passwords.

mod create;
mod edit;
pub(crate) mod list;
mod passwords;
pub(crate) mod plan;
mod roles;

pub(crate) use create::{authorize_roles, check_invitation, email_conflict_or, ensure_email_free};

use std::collections::BTreeSet;

use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::model::{Status, UserDetails, UserSummary};
use crate::permissions::Permission;
use crate::text::{display_name, email_key, search_text, sort_key};

/// What the role column shows for a super-user.
pub const SUPER_USER_ROLE: &str = "Super-user";

/// The names of a user's roles by name (users aliased `u`), one correlated subquery; a macro
/// so queries stay `&'static str`.
macro_rules! role_names {
    () => {
        "(SELECT group_concat(r.name, ', ' ORDER BY r.name) FROM user_roles ur
          JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
          WHERE ur.user_id = u.id)"
    };
}
use role_names;

/// The columns of a user row as [`UserRow`] reads them (users aliased `u`), shared by the list
/// and the panel.
macro_rules! user_columns {
    () => {
        concat!(
            "u.id, u.email, u.first_name, u.last_name, u.phone, u.is_super_user, u.status,
             u.created_at, u.last_sign_in_at, u.removed_at, u.must_change_password, u.version, ",
            role_names!(),
            " AS role_names"
        )
    };
}
use user_columns;

#[derive(sqlx::FromRow)]
struct UserRow {
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

pub(crate) fn role_label(is_super_user: bool, role_names: Option<String>) -> String {
    if is_super_user {
        SUPER_USER_ROLE.to_owned()
    } else {
        role_names.unwrap_or_default()
    }
}

impl From<UserRow> for UserDetails {
    fn from(row: UserRow) -> Self {
        Self {
            display_name: display_name(&row.first_name, &row.last_name),
            role: role_label(row.is_super_user, row.role_names),
            status: Status::parse(&row.status),
            id: row.id,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            phone: row.phone,
            is_super_user: row.is_super_user,
            role_ids: Vec::new(),
            permissions: Vec::new(),
            invitation: None,
            added_on: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
            removed_at: row.removed_at,
            must_change_password: row.must_change_password,
            version: row.version,
        }
    }
}

impl From<UserDetails> for UserSummary {
    fn from(d: UserDetails) -> Self {
        Self {
            id: d.id,
            email: d.email,
            first_name: d.first_name,
            last_name: d.last_name,
            display_name: d.display_name,
            role: d.role,
            is_super_user: d.is_super_user,
            status: d.status,
            added_on: d.added_on,
            last_sign_in_at: d.last_sign_in_at,
        }
    }
}

/// Reads one user of the Workspace with their role ids and permissions; [`Error::NotFound`]
/// for ids of other Workspaces too.
pub(crate) async fn fetch(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    user_id: &str,
) -> Result<UserDetails> {
    let row: Option<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users u WHERE u.workspace_id = ? AND u.id = ?"
    ))
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let mut details = row.map(UserDetails::from).ok_or(Error::NotFound("User"))?;
    let held: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT r.id, (SELECT group_concat(rp.permission) FROM role_permissions rp
                       WHERE rp.role_id = r.id)
         FROM user_roles ur JOIN roles r ON r.id = ur.role_id AND r.deleted_at IS NULL
         WHERE ur.user_id = ? ORDER BY r.name",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let permissions: BTreeSet<Permission> = if details.is_super_user {
        Permission::ALL.into_iter().collect()
    } else {
        held.iter()
            .flat_map(|(_, names)| names.as_deref().unwrap_or_default().split(','))
            .filter_map(Permission::parse)
            .collect()
    };
    details.role_ids = held.into_iter().map(|(id, _)| id).collect();
    details.permissions = permissions.into_iter().collect();
    Ok(details)
}

/// Whether some active super-user other than `user_id` exists. Called inside the write
/// transaction, so no concurrent change can slip between the check and the write.
async fn another_super_user_exists(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    user_id: &str,
) -> Result<bool> {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM users
         WHERE workspace_id = ? AND is_super_user = 1 AND status = 'active' AND id <> ?",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

/// A new user row as every path that adds users writes it (first run, Add user, demo).
pub(crate) struct NewRow<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: &'a str,
    pub status: Status,
    pub is_super_user: bool,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
    /// Empty for a super-user.
    pub role_ids: &'a [String],
    pub at: &'a str,
}

/// Inserts the user and their role; derives the keys (email key, sort key, search text) so
/// no caller can store them inconsistently. Returns the raw database error so the caller can
/// tell an email conflict from other failures.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    row: &NewRow<'_>,
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, workspace_id, email, email_key, first_name, last_name, name_key,
             search_text, phone, status, is_super_user, password_hash, must_change_password,
             removed_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id)
    .bind(row.workspace_id)
    .bind(row.email)
    .bind(email_key(row.email))
    .bind(row.first_name)
    .bind(row.last_name)
    .bind(sort_key(&display_name(row.first_name, row.last_name)))
    .bind(search_text(row.first_name, row.last_name, row.email))
    .bind(row.phone)
    .bind(row.status.as_str())
    .bind(row.is_super_user)
    .bind(row.password_hash)
    .bind(row.must_change_password)
    .bind((row.status == Status::Removed).then_some(row.at))
    .bind(row.at)
    .bind(row.at)
    .execute(&mut *conn)
    .await?;
    set_roles(conn, row.id, row.role_ids).await
}

/// Replaces the roles `user_id` holds with `role_ids`.
pub(crate) async fn set_roles(
    conn: &mut SqliteConnection,
    user_id: &str,
    role_ids: &[String],
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for role_id in role_ids {
        sqlx::query("INSERT OR IGNORE INTO user_roles (user_id, role_id) VALUES (?, ?)")
            .bind(user_id)
            .bind(role_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
