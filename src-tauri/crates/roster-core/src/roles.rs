//! Roles: named sets of permissions that users hold (DESIGN.md §1). Every Workspace has one
//! built-in role ("Member", own profile only) that can be renamed but not deleted and never
//! grants a permission. Roles are never deleted from the table: `deleted_at` marks them, so
//! sync and the audit log keep their history.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use crate::actor::Actor;
use crate::changes::{self, By, Change};
use crate::error::{Error, Field, Result};
use crate::model::{RoleDeletion, RoleInput, RoleSummary};
use crate::permissions::{Permission, Session};
pub(crate) use crate::store::RoleRow as Role;
use crate::store::{Database, RolePatch, Tx, UserPatch};
use crate::sync::ops::{Op, PermissionsChange};
use crate::text::trim_input;
use crate::users::SUPER_USER_ROLE;
use crate::{Roster, actor, new_id, validation};

/// Longest accepted role description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 200;

/// Reads a role of the Workspace; [`Error::NotFound`] for a deleted role or an id of another
/// Workspace.
pub(crate) async fn load(tx: &mut dyn Tx, workspace_id: &str, role_id: &str) -> Result<Role> {
    tx.role(workspace_id, role_id)
        .await?
        .ok_or(Error::NotFound("Role"))
}

/// Every role of the Workspace with its permissions and the number of users (not removed)
/// holding it, by name.
pub(crate) async fn list(tx: &mut dyn Tx, workspace_id: &str) -> Result<Vec<RoleSummary>> {
    let mut roles = Vec::new();
    for role in tx.roles(Some(workspace_id)).await? {
        let users = tx.holders(&role.id).await?;
        roles.push(RoleSummary {
            users: u32::try_from(users).unwrap_or(u32::MAX),
            id: role.id,
            name: role.name,
            description: role.description,
            is_builtin: role.is_builtin,
            permissions: role.permissions.into_iter().collect(),
            version: role.version,
        });
    }
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
pub(crate) fn name_key(name: &str) -> String {
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
pub(crate) async fn rename_reserved(db: &dyn Database, now: &str) -> Result<()> {
    let roles = db.read().await?.roles(None).await?;
    let reserved = name_key(SUPER_USER_ROLE);
    for role in roles {
        let (id, workspace_id) = (&role.id, &role.workspace_id);
        if name_key(&role.name) != reserved {
            continue;
        }
        let mut tx = db.write().await?;
        let mut n = 1;
        let renamed = loop {
            let candidate = match n {
                1 => format!("{SUPER_USER_ROLE} role"),
                _ => format!("{SUPER_USER_ROLE} role {n}"),
            };
            if ensure_name_free(&mut *tx, workspace_id, &candidate, Some(id))
                .await
                .is_ok()
            {
                break candidate;
            }
            n += 1;
        };
        let patch = RolePatch {
            name: Some(renamed),
            ..RolePatch::default()
        };
        tx.update_role(id, &patch, now).await?;
        let by = By {
            workspace_id,
            actor_id: None,
            at: now,
        };
        let edited = Change::RoleEdited {
            role_id: id,
            fields: &["name"],
        };
        changes::record(&mut *tx, by, edited).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Refuses a name another role of the Workspace has, compared by [`name_key`]: two roles a
/// reader cannot tell apart would be as misleading as a role posing as super-user.
async fn ensure_name_free(
    tx: &mut dyn Tx,
    workspace_id: &str,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    let roles = tx.roles(Some(workspace_id)).await?;
    let key = name_key(name);
    if roles
        .iter()
        .any(|r| Some(r.id.as_str()) != except && name_key(&r.name) == key)
    {
        return Err(Error::invalid(
            Field::RoleName,
            "Another role already has this name",
        ));
    }
    Ok(())
}

async fn summary(tx: &mut dyn Tx, actor: &Actor, role_id: &str) -> Result<RoleSummary> {
    list(tx, &actor.workspace_id)
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
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        if !READERS.iter().any(|p| actor.can(*p)) {
            actor.require(Permission::RolesManage)?;
        }
        list(&mut *tx, &actor.workspace_id).await
    }

    /// "Add role". Needs `roles.manage` and every permission the role grants (nobody grants
    /// a permission they do not hold). Errors: field validation (`roleName` also when another
    /// role has the name), [`Error::Forbidden`].
    pub async fn create_role(&self, session: &Session, input: RoleInput) -> Result<RoleSummary> {
        let valid = validate(&input)?;
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let role_id = new_id();
        let op = Op::CreateRole {
            role_id: role_id.clone(),
            name: valid.name,
            description: valid.description,
            permissions: valid.permissions.into_iter().collect(),
        };
        self.commit_role_op(tx, &actor, &op, &role_id).await
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
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let role = check_edit(&mut *tx, &actor, role_id, &valid.permissions).await?;
        if role.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let op = Op::EditRole {
            role_id: role_id.to_owned(),
            name: (role.name != valid.name).then_some(valid.name),
            description: (role.description != valid.description).then_some(valid.description),
            permissions: (role.permissions != valid.permissions).then(|| PermissionsChange {
                from: role.permissions.iter().copied().collect(),
                to: valid.permissions.into_iter().collect(),
            }),
        };
        self.commit_role_op(tx, &actor, &op, role_id).await
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
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let role = check_delete(&mut *tx, &actor, role_id).await?;
        if role.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let op = Op::DeleteRole {
            role_id: role_id.to_owned(),
            move_to: input.move_users_to,
        };
        let now = self.now();
        self.apply_here(&mut *tx, &actor, &op, &now).await?;
        tx.commit().await
    }

    /// Applies a role operation made here and returns the role as it is now.
    async fn commit_role_op(
        &self,
        mut tx: Box<dyn Tx>,
        actor: &Actor,
        op: &Op,
        role_id: &str,
    ) -> Result<RoleSummary> {
        let now = self.now();
        self.apply_here(&mut *tx, actor, op, &now).await?;
        let role = summary(&mut *tx, actor, role_id).await?;
        tx.commit().await?;
        Ok(role)
    }
}

/// The rules of "Edit role" giving `role_id` the permissions `wanted`: `roles.manage`, every
/// permission the role grants now and will grant, none for the built-in role.
async fn check_edit(
    tx: &mut dyn Tx,
    actor: &Actor,
    role_id: &str,
    wanted: &BTreeSet<Permission>,
) -> Result<Role> {
    actor.require(Permission::RolesManage)?;
    let role = load(tx, &actor.workspace_id, role_id).await?;
    actor.require_all(&role.permissions, "edit this role")?;
    actor.require_all(wanted, "grant this role")?;
    if role.is_builtin && !wanted.is_empty() {
        return Err(Error::invalid(
            Field::Permissions,
            "The permissions of the built-in role stay as they are (the own profile only): \
             create another role instead",
        ));
    }
    Ok(role)
}

/// The rules of "Delete role" before its users are looked at: `roles.manage`, not the
/// built-in role, every permission it grants.
async fn check_delete(tx: &mut dyn Tx, actor: &Actor, role_id: &str) -> Result<Role> {
    actor.require(Permission::RolesManage)?;
    let role = load(tx, &actor.workspace_id, role_id).await?;
    if role.is_builtin {
        return Err(Error::Forbidden(
            "The built-in role cannot be deleted; rename it instead".into(),
        ));
    }
    actor.require_all(&role.permissions, "delete this role")?;
    Ok(role)
}

/// Applies a role operation as `actor`: [`Op::CreateRole`], [`Op::EditRole`] (name and
/// description over what the role holds now; its permissions only if it still grants what
/// the change was based on, else [`Error::Conflict`]), [`Op::DeleteRole`]. Returns whether
/// anything changed.
pub(crate) async fn apply(tx: &mut dyn Tx, actor: &Actor, op: &Op, now: &str) -> Result<bool> {
    match op {
        Op::CreateRole {
            role_id,
            name,
            description,
            permissions,
        } => {
            let valid = validate(&RoleInput {
                name: name.clone(),
                description: description.clone(),
                permissions: permissions.clone(),
                expected_version: 0,
            })?;
            actor.require(Permission::RolesManage)?;
            actor.require_all(&valid.permissions, "grant this role")?;
            if tx.role_exists(&actor.workspace_id, role_id).await? {
                return Err(Error::Conflict);
            }
            ensure_name_free(tx, &actor.workspace_id, &valid.name, None).await?;
            let role = Role {
                id: role_id.clone(),
                workspace_id: actor.workspace_id.clone(),
                name: valid.name,
                description: valid.description,
                is_builtin: false,
                version: 1,
                permissions: valid.permissions,
            };
            tx.insert_role(&role, now).await?;
            let by = by(actor, now);
            changes::record(tx, by, Change::RoleCreated { role_id }).await?;
            Ok(true)
        }
        Op::EditRole {
            role_id,
            name,
            description,
            permissions,
        } => {
            actor.require(Permission::RolesManage)?;
            let role = load(tx, &actor.workspace_id, role_id).await?;
            if let Some(change) = permissions {
                let from: BTreeSet<Permission> = change.from.iter().copied().collect();
                if from != role.permissions {
                    return Err(Error::Conflict);
                }
            }
            let valid = validate(&RoleInput {
                name: name.clone().unwrap_or_else(|| role.name.clone()),
                description: description
                    .clone()
                    .unwrap_or_else(|| role.description.clone()),
                permissions: match permissions {
                    Some(change) => change.to.clone(),
                    None => role.permissions.iter().copied().collect(),
                },
                expected_version: 0,
            })?;
            check_edit(tx, actor, role_id, &valid.permissions).await?;
            ensure_name_free(tx, &actor.workspace_id, &valid.name, Some(role_id)).await?;
            let fields: Vec<&'static str> = [
                ("name", role.name != valid.name),
                ("description", role.description != valid.description),
                ("permissions", role.permissions != valid.permissions),
            ]
            .into_iter()
            .filter_map(|(field, changed)| changed.then_some(field))
            .collect();
            if fields.is_empty() {
                return Ok(false);
            }
            let patch = RolePatch {
                name: Some(valid.name),
                description: Some(valid.description),
                permissions: Some(valid.permissions),
                ..RolePatch::default()
            };
            tx.update_role(role_id, &patch, now).await?;
            let edited = Change::RoleEdited {
                role_id,
                fields: &fields,
            };
            changes::record(tx, by(actor, now), edited).await?;
            Ok(true)
        }
        Op::DeleteRole { role_id, move_to } => {
            delete(tx, actor, role_id, move_to.as_deref(), now).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn by<'a>(actor: &'a Actor, now: &'a str) -> By<'a> {
    By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    }
}

/// Deletes `role_id`, moving its holders to `move_to` (see [`Roster::delete_role`]).
async fn delete(
    tx: &mut dyn Tx,
    actor: &Actor,
    role_id: &str,
    move_to: Option<&str>,
    now: &str,
) -> Result<()> {
    check_delete(tx, actor, role_id).await?;
    // Removed users do not count (the Roles screen does not show them), but they keep a
    // role: without a chosen one they move to the built-in role, so Restore finds them
    // holding one.
    let holders = tx.holders(role_id).await?;
    let target = match move_to {
        Some(id) if id == role_id => {
            return Err(Error::invalid(
                Field::MoveUsersTo,
                "Choose another role to move the users to",
            ));
        }
        Some(id) => load(tx, &actor.workspace_id, id).await.map_err(|_| {
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
            let member = crate::workspaces::member_role_id(tx, &actor.workspace_id).await?;
            load(tx, &actor.workspace_id, &member).await?
        }
    };
    actor.require_all(&target.permissions, "move users to that role")?;
    // Each holder's roles change through the users writer, so every holder's version
    // moves on and a later sync sees the move.
    for (user_id, mut held) in tx.holders_of(role_id).await? {
        held.retain(|id| id != role_id);
        if !held.contains(&target.id) {
            held.push(target.id.clone());
        }
        let patch = UserPatch {
            role_ids: Some(held),
            ..UserPatch::default()
        };
        tx.update_user(&user_id, &patch, now).await?;
    }
    let patch = RolePatch {
        deleted_at: Some(now.to_owned()),
        ..RolePatch::default()
    };
    tx.update_role(role_id, &patch, now).await?;
    let deleted = Change::RoleDeleted {
        role_id,
        moved_users: holders,
        moved_to: &target.id,
    };
    changes::record(tx, by(actor, now), deleted).await
}
