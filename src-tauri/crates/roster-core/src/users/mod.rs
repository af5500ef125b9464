//! Users of a Workspace: list, add, edit, remove, restore, passwords.

mod create;
mod edit;
pub(crate) mod list;
mod ops;
mod passwords;
mod roles;
#[cfg(feature = "demo")]
pub(crate) mod seed;
pub(crate) mod write;

pub(crate) use create::{authorize_roles, check_invitation, ensure_email_free};
pub(crate) use edit::access_of;
pub(crate) use roles::{check_shape, ensure_may_assign};

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::model::{UserDetails, UserSummary};
use crate::permissions::Permission;
use crate::store::{Tx, UserRow};
use crate::text::display_name;

/// What the role column shows for a super-user.
pub const SUPER_USER_ROLE: &str = "Super-user";

/// The role column: "Super-user" for a super-user, else the names of the roles held.
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
            status: row.status,
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

/// Reads one user of the Workspace with their role ids and permissions (every permission for
/// a super-user); [`Error::NotFound`] for ids of other Workspaces too.
pub(crate) async fn fetch(
    tx: &mut dyn Tx,
    workspace_id: &str,
    user_id: &str,
) -> Result<UserDetails> {
    let row = tx.user(workspace_id, user_id).await?;
    let mut details = row.map(UserDetails::from).ok_or(Error::NotFound("User"))?;
    let held = tx.held_roles(user_id).await?;
    let permissions: BTreeSet<Permission> = if details.is_super_user {
        Permission::ALL.into_iter().collect()
    } else {
        held.iter()
            .flat_map(|role| role.permissions.iter())
            .filter_map(|p| Permission::parse(p))
            .collect()
    };
    details.role_ids = held.into_iter().map(|role| role.id).collect();
    details.permissions = permissions.into_iter().collect();
    Ok(details)
}

/// Whether some active super-user other than `user_id` exists. Called inside the write
/// transaction, so no concurrent change can slip between the check and the write.
async fn another_super_user_exists(
    tx: &mut dyn Tx,
    workspace_id: &str,
    user_id: &str,
) -> Result<bool> {
    Ok(tx.active_super_users(workspace_id, Some(user_id)).await? > 0)
}
