//! Roles: named sets of permissions that users hold (DESIGN.md §1). Every Workspace has one
//! built-in role ("Member", own profile only) that can be renamed but not deleted and never
//! grants a permission. Roles are never deleted from the table: `deleted_at` marks them, so
//! sync and the audit log keep their history.

use std::collections::BTreeSet;

use sqlx::{SqliteConnection, SqlitePool};

use crate::audit::{self, Entry};
use crate::error::{Error, Field, Result};
use crate::model::{RoleDeletion, RoleInput, RoleSummary};
use crate::permissions::{Actor, Permission, Session};
use unicode_normalization::UnicodeNormalization;

use crate::text::trim_input;
use crate::users::SUPER_USER_ROLE;
use crate::{Roster, actor, new_id, store, validation};

/// Longest accepted role description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 200;

/// A role of the actor's Workspace with the permissions it grants.
pub(crate) struct Role {
    pub id: String,
    pub name: String,
    pub is_builtin: bool,
    pub version: i64,
    pub permissions: BTreeSet<Permission>,
}

/// Reads a role of the Workspace; [`Error::NotFound`] for a deleted role or an id of another
/// Workspace.
pub(crate) async fn load(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    role_id: &str,
) -> Result<Role> {
    let row: Option<(String, String, bool, i64)> = sqlx::query_as(
        "SELECT id, name, is_builtin, version FROM roles
         WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL",
    )
    .bind(role_id)
    .bind(workspace_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, name, is_builtin, version) = row.ok_or(Error::NotFound("Role"))?;
    let names: Vec<String> =
        sqlx::query_scalar("SELECT permission FROM role_permissions WHERE role_id = ?")
            .bind(&id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(Role {
        id,
        name,
        is_builtin,
        version,
        permissions: names.iter().filter_map(|n| Permission::parse(n)).collect(),
    })
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: String,
    name: String,
    description: String,
    is_builtin: bool,
    version: i64,
    users: i64,
    permissions: Option<String>,
}

/// Every role of the Workspace with its permissions and the number of users (not removed)
/// holding it, by name.
pub(crate) async fn list(
    conn: &mut SqliteConnection,
    workspace_id: &str,
) -> Result<Vec<RoleSummary>> {
    let rows: Vec<RoleRow> = sqlx::query_as(
        "SELECT r.id, r.name, r.description, r.is_builtin, r.version,
                (SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id
                 WHERE ur.role_id = r.id AND u.status <> 'removed') AS users,
                (SELECT group_concat(rp.permission) FROM role_permissions rp WHERE rp.role_id = r.id)
                    AS permissions
         FROM roles r WHERE r.workspace_id = ? AND r.deleted_at IS NULL",
    )
    .bind(workspace_id)
    .fetch_all(conn)
    .await?;
    let mut roles: Vec<RoleSummary> = rows
        .into_iter()
        .map(|row| {
            let held: BTreeSet<Permission> = row
                .permissions
                .unwrap_or_default()
                .split(',')
                .filter_map(Permission::parse)
                .collect();
            RoleSummary {
                id: row.id,
                name: row.name,
                description: row.description,
                is_builtin: row.is_builtin,
                permissions: held.into_iter().collect(),
                users: u32::try_from(row.users).unwrap_or(u32::MAX),
                version: row.version,
            }
        })
        .collect();
    roles.sort_by_cached_key(|r| (crate::text::sort_key(&r.name), r.id.clone()));
    Ok(roles)
}

/// A validated [`RoleInput`].
struct ValidRole {
    name: String,
    description: String,
    permissions: BTreeSet<Permission>,
}

fn validate(input: &RoleInput) -> Result<ValidRole> {
    let name = validation::required_name(Field::RoleName, &input.name)?;
    if name_key(&name) == name_key(SUPER_USER_ROLE) {
        return Err(Error::invalid(
            Field::RoleName,
            format!(
                "\"{SUPER_USER_ROLE}\" is how Roster marks users with every permission: \
                 choose another role name"
            ),
        ));
    }
    let description = description(&input.description)?;
    Ok(ValidRole {
        name,
        description,
        permissions: input.permissions.iter().copied().collect(),
    })
}

fn description(value: &str) -> Result<String> {
    let trimmed = trim_input(value);
    if trimmed.chars().any(char::is_control) {
        return Err(Error::invalid(
            Field::RoleDescription,
            "Write the description on a single line, without tabs or other control characters",
        ));
    }
    if trimmed.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(Error::invalid(
            Field::RoleDescription,
            format!("Use at most {MAX_DESCRIPTION_CHARS} characters in the description"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// The key two role names are compared by: what a reader sees, not the code points. NFKC
/// (full-width and other compatibility forms become their plain letters), lower-case, the
/// UTS #39 confusable skeleton (Cyrillic "е" reads as Latin "e"), and only letters and digits
/// (so "Super user", " super-user " and "SUPER‐USER" are one name).
fn name_key(name: &str) -> String {
    let plain = name.nfkc().collect::<String>().to_lowercase();
    unicode_security::skeleton(&plain)
        .collect::<String>()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Renames the roles named like the super-user mark before that name was reserved (issue 9),
/// when the database opens: their holders must not keep looking like super-users in the
/// list, the panel and the downloads. Each becomes "Super-user role" (numbered when taken),
/// with its version bumped and a `role.update` audit entry made by no one. Roles are few, so
/// every live one is read; a database with none to rename is not written.
pub(crate) async fn rename_reserved(pool: &SqlitePool, now: &str) -> Result<()> {
    let roles: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, workspace_id, name FROM roles WHERE deleted_at IS NULL")
            .fetch_all(pool)
            .await?;
    let reserved = name_key(SUPER_USER_ROLE);
    for (id, workspace_id, name) in roles {
        if name_key(&name) != reserved {
            continue;
        }
        let mut tx = store::begin_write(pool).await?;
        let mut n = 1;
        let renamed = loop {
            let candidate = match n {
                1 => format!("{SUPER_USER_ROLE} role"),
                _ => format!("{SUPER_USER_ROLE} role {n}"),
            };
            if ensure_name_free(&mut tx, &workspace_id, &candidate, Some(&id))
                .await
                .is_ok()
            {
                break candidate;
            }
            n += 1;
        };
        sqlx::query(
            "UPDATE roles SET name = ?, version = version + 1, updated_at = ? WHERE id = ?",
        )
        .bind(&renamed)
        .bind(now)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &workspace_id,
                actor_id: None,
                action: "role.update",
                target_type: "role",
                target_id: &id,
                fields: &["name"],
                at: now,
                seats: 0,
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Refuses a name another role of the Workspace has, compared by [`name_key`]: two roles a
/// reader cannot tell apart would be as misleading as a role posing as super-user.
async fn ensure_name_free(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    let names: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM roles WHERE workspace_id = ? AND deleted_at IS NULL")
            .bind(workspace_id)
            .fetch_all(conn)
            .await?;
    let key = name_key(name);
    if names
        .iter()
        .any(|(id, other)| Some(id.as_str()) != except && name_key(other) == key)
    {
        return Err(Error::invalid(
            Field::RoleName,
            "Another role already has this name",
        ));
    }
    Ok(())
}

async fn write_permissions(
    conn: &mut SqliteConnection,
    role_id: &str,
    permissions: &BTreeSet<Permission>,
) -> Result<()> {
    sqlx::query("DELETE FROM role_permissions WHERE role_id = ?")
        .bind(role_id)
        .execute(&mut *conn)
        .await?;
    for permission in permissions {
        sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)")
            .bind(role_id)
            .bind(permission.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn summary(conn: &mut SqliteConnection, actor: &Actor, role_id: &str) -> Result<RoleSummary> {
    list(conn, &actor.workspace_id)
        .await?
        .into_iter()
        .find(|r| r.id == role_id)
        .ok_or(Error::NotFound("Role"))
}

/// Who may read the list of roles: those who manage roles and those who give roles to users.
const READERS: [Permission; 4] = [
    Permission::RolesManage,
    Permission::UsersCreate,
    Permission::UsersEdit,
    Permission::UsersInvite,
];

impl Roster {
    /// Every role of the Workspace, by name, with permissions and user counts. Needs one of
    /// `roles.manage`, `users.create`, `users.edit`, `users.invite`.
    pub async fn roles(&self, session: &Session) -> Result<Vec<RoleSummary>> {
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        if !READERS.iter().any(|p| actor.can(*p)) {
            actor.require(Permission::RolesManage)?;
        }
        list(&mut conn, &actor.workspace_id).await
    }

    /// "Add role". Needs `roles.manage` and every permission the role grants (nobody grants
    /// a permission they do not hold). Errors: field validation (`roleName` also when another
    /// role has the name), [`Error::Forbidden`].
    pub async fn create_role(&self, session: &Session, input: RoleInput) -> Result<RoleSummary> {
        let valid = validate(&input)?;
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::RolesManage)?;
        actor.require_all(&valid.permissions, "grant this role")?;
        ensure_name_free(&mut tx, &actor.workspace_id, &valid.name, None).await?;
        let now = self.now();
        let role_id = new_id();
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, description, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&role_id)
        .bind(&actor.workspace_id)
        .bind(&valid.name)
        .bind(&valid.description)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        write_permissions(&mut tx, &role_id, &valid.permissions).await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                action: "role.create",
                target_type: "role",
                target_id: &role_id,
                fields: &["name", "description", "permissions"],
                at: &now,
                seats: 0,
            },
        )
        .await?;
        let created = summary(&mut tx, &actor, &role_id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// "Edit role": name, description, permissions. Needs `roles.manage` and every permission
    /// the role grants before and after the change, so nobody widens a role (their own
    /// included) beyond what they hold, nor edits a role more powerful than themselves. The
    /// built-in role keeps no permission. [`Error::Conflict`] when `expected_version` is stale.
    pub async fn update_role(
        &self,
        session: &Session,
        role_id: &str,
        input: RoleInput,
    ) -> Result<RoleSummary> {
        let valid = validate(&input)?;
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::RolesManage)?;
        let role = load(&mut tx, &actor.workspace_id, role_id).await?;
        actor.require_all(&role.permissions, "edit this role")?;
        actor.require_all(&valid.permissions, "grant this role")?;
        if role.is_builtin && !valid.permissions.is_empty() {
            return Err(Error::invalid(
                Field::Permissions,
                "The permissions of the built-in role stay as they are (the own profile only): \
                 create another role instead",
            ));
        }
        if role.version != input.expected_version {
            return Err(Error::Conflict);
        }
        ensure_name_free(&mut tx, &actor.workspace_id, &valid.name, Some(role_id)).await?;
        let now = self.now();
        let (old_description,): (String,) =
            sqlx::query_as("SELECT description FROM roles WHERE id = ?")
                .bind(role_id)
                .fetch_one(&mut *tx)
                .await?;
        let fields: Vec<&'static str> = [
            ("name", role.name != valid.name),
            ("description", old_description != valid.description),
            ("permissions", role.permissions != valid.permissions),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        if !fields.is_empty() {
            sqlx::query(
                "UPDATE roles SET name = ?, description = ?, version = version + 1, updated_at = ?
                 WHERE id = ?",
            )
            .bind(&valid.name)
            .bind(&valid.description)
            .bind(&now)
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
            write_permissions(&mut tx, role_id, &valid.permissions).await?;
            audit::record(
                &mut tx,
                Entry {
                    workspace_id: &actor.workspace_id,
                    actor_id: Some(&actor.user_id),
                    action: "role.update",
                    target_type: "role",
                    target_id: role_id,
                    fields: &fields,
                    at: &now,
                    seats: 0,
                },
            )
            .await?;
        }
        let updated = summary(&mut tx, &actor, role_id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// "Delete role". Needs `roles.manage` and every permission of the role and of the role
    /// that takes over its users. The built-in role cannot be deleted. When users who are not
    /// removed hold the role, `move_users_to` must name another role: they get it (if they do
    /// not hold it already) in the same transaction, so nobody is left without a role; removed
    /// holders go to the built-in role when none is named.
    /// [`Error::Conflict`] when `expected_version` is stale.
    pub async fn delete_role(
        &self,
        session: &Session,
        role_id: &str,
        input: RoleDeletion,
    ) -> Result<()> {
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::RolesManage)?;
        let role = load(&mut tx, &actor.workspace_id, role_id).await?;
        if role.is_builtin {
            return Err(Error::Forbidden(
                "The built-in role cannot be deleted; rename it instead".into(),
            ));
        }
        actor.require_all(&role.permissions, "delete this role")?;
        if role.version != input.expected_version {
            return Err(Error::Conflict);
        }
        // Removed users do not count (the Roles screen does not show them), but they keep a
        // role: without a chosen one they move to the built-in role, so Restore finds them
        // holding one.
        let holders: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id
             WHERE ur.role_id = ? AND u.status <> 'removed'",
        )
        .bind(role_id)
        .fetch_one(&mut *tx)
        .await?;
        let target = match input.move_users_to.as_deref() {
            Some(id) if id == role_id => {
                return Err(Error::invalid(
                    Field::MoveUsersTo,
                    "Choose another role to move the users to",
                ));
            }
            Some(id) => load(&mut tx, &actor.workspace_id, id).await.map_err(|_| {
                Error::invalid(
                    Field::MoveUsersTo,
                    "The role to move the users to no longer exists; reload",
                )
            })?,
            None if holders > 0 => {
                return Err(Error::invalid(
                    Field::MoveUsersTo,
                    format!(
                        "{holders} {} this role: choose a role to move the users to",
                        if holders == 1 {
                            "user holds"
                        } else {
                            "users hold"
                        }
                    ),
                ));
            }
            None => {
                let member =
                    crate::workspaces::member_role_id(&mut tx, &actor.workspace_id).await?;
                load(&mut tx, &actor.workspace_id, &member).await?
            }
        };
        let now = self.now();
        actor.require_all(&target.permissions, "move users to that role")?;
        sqlx::query(
            "INSERT OR IGNORE INTO user_roles (user_id, role_id)
             SELECT user_id, ? FROM user_roles WHERE role_id = ?",
        )
        .bind(&target.id)
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM user_roles WHERE role_id = ?")
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE roles SET deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
        )
        .bind(&now)
        .bind(&now)
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
        audit::record_with_details(
            &mut tx,
            Entry {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                action: "role.delete",
                target_type: "role",
                target_id: role_id,
                fields: &[],
                at: &now,
                seats: 0,
            },
            &serde_json::json!({
                "movedUsers": holders,
                "movedTo": target.id,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
