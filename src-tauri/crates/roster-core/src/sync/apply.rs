//! Writing whole rows from another copy of the Workspace — the hub's rows on a replica, a
//! publisher's rows on the hub — through each table's one writer, with the copy's versions
//! kept as they are. Keys (email key, name key, search text) are derived here as on every
//! other write, never taken from the sender.

use std::collections::BTreeSet;

use super::records::{Record, RoleRecord, UserRecord, WorkspaceRecord};
use crate::error::{Error, Field, Result};
use crate::model::Status;
use crate::permissions::Permission;
use crate::store::{Kept, RolePatch, RoleRow, Tx, UserPatch};
use crate::users::write::{self, NewRow, names};
use crate::validation;

/// Rows of the Workspace that exist already, looked up once for a page.
struct Known {
    users: BTreeSet<String>,
    roles: BTreeSet<String>,
}

/// Writes `record` into the Workspace `workspace_id`: inserts the row if it is new, else
/// replaces every column a copy carries. Rows of another Workspace are refused
/// ([`Error::Forbidden`]); values that fail the core's validators are refused with the
/// field they belong to.
pub(crate) async fn put(
    tx: &mut dyn Tx,
    workspace_id: &str,
    record: &Record,
    at: &str,
) -> Result<()> {
    put_all(tx, workspace_id, std::slice::from_ref(record), at).await
}

/// [`put`] for every row of a page, in its order (roles before the users who hold them),
/// with one look-up of the rows that exist.
pub(crate) async fn put_all(
    tx: &mut dyn Tx,
    workspace_id: &str,
    records: &[Record],
    at: &str,
) -> Result<()> {
    let ids = |rank: u8| -> Vec<String> {
        records
            .iter()
            .filter(|r| r.rank() == rank)
            .map(|r| r.id().to_owned())
            .collect()
    };
    let mut role_ids = ids(1);
    role_ids.extend(
        records
            .iter()
            .filter_map(|r| match r {
                Record::User(u) => Some(u.role_ids.iter().cloned()),
                _ => None,
            })
            .flatten(),
    );
    role_ids.sort();
    role_ids.dedup();
    let mut known = Known {
        users: tx.existing_users(workspace_id, &ids(2)).await?,
        roles: tx.existing_roles(workspace_id, &role_ids).await?,
    };
    for record in records {
        match record {
            Record::Workspace(w) => put_workspace(tx, workspace_id, w, at).await?,
            Record::Role(r) => put_role(tx, workspace_id, r, &mut known, at).await?,
            Record::User(u) => put_user(tx, workspace_id, u, &known, at).await?,
        }
    }
    Ok(())
}

async fn put_workspace(
    tx: &mut dyn Tx,
    workspace_id: &str,
    w: &WorkspaceRecord,
    at: &str,
) -> Result<()> {
    if w.id != workspace_id {
        return Err(Error::Forbidden("A row of another Workspace".into()));
    }
    let name = validation::required_name(Field::WorkspaceName, &w.name)?;
    match tx.workspace_name(&w.id).await {
        Ok(_) => tx.update_workspace(&w.id, &name, Some(w.version), at).await,
        Err(Error::NotFound(_)) => {
            tx.insert_workspace(&w.id, &name, w.version, &w.created_at)
                .await
        }
        Err(other) => Err(other),
    }
}

async fn put_role(
    tx: &mut dyn Tx,
    workspace_id: &str,
    r: &RoleRecord,
    known: &mut Known,
    at: &str,
) -> Result<()> {
    let permissions: BTreeSet<Permission> = r
        .permissions
        .iter()
        .map(|p| {
            Permission::parse(p).ok_or_else(|| {
                Error::invalid(Field::Permissions, format!("Unknown permission {p}"))
            })
        })
        .collect::<Result<_>>()?;
    let name = validation::required_name(Field::RoleName, &r.name)?;
    if !known.roles.insert(r.id.clone()) {
        let patch = RolePatch {
            name: Some(name),
            description: Some(r.description.clone()),
            permissions: Some(permissions),
            deleted_at: r.deleted_at.clone(),
            kept_version: Some(r.version),
        };
        return tx.update_role(&r.id, &patch, at).await;
    }
    let row = RoleRow {
        id: r.id.clone(),
        workspace_id: workspace_id.to_owned(),
        name,
        description: r.description.clone(),
        is_builtin: r.is_builtin,
        version: r.version,
        permissions,
    };
    tx.insert_role(&row, &r.created_at).await?;
    if r.deleted_at.is_some() {
        let patch = RolePatch {
            deleted_at: r.deleted_at.clone(),
            kept_version: Some(r.version),
            ..RolePatch::default()
        };
        tx.update_role(&r.id, &patch, at).await?;
    }
    Ok(())
}

async fn put_user(
    tx: &mut dyn Tx,
    workspace_id: &str,
    u: &UserRecord,
    known: &Known,
    at: &str,
) -> Result<()> {
    let email = validation::email(&u.email)?;
    let first_name = validation::required_name(Field::FirstName, &u.first_name)?;
    let last_name = validation::name(Field::LastName, &u.last_name)?;
    let phone = validation::phone(&u.phone)?;
    let role_ids = match u.is_super_user {
        true => Vec::new(),
        false => u.role_ids.clone(),
    };
    if role_ids.iter().any(|id| !known.roles.contains(id)) {
        return Err(Error::invalid(
            Field::Roles,
            "A role the copy does not hold",
        ));
    }
    // A user new here has no invitation kept: writing "none" for each would be one more
    // write per row of a full copy (100,000 on a large Workspace).
    let known_here = known.users.contains(&u.id);
    if let Some(replica) = tx.replica()
        && (known_here || u.invitation.is_some())
    {
        let info = u
            .invitation
            .as_ref()
            .and_then(|i| serde_json::to_string(i).ok());
        replica
            .keep_invitation(workspace_id, &u.id, info.as_deref(), at)
            .await?;
    }
    if !known_here {
        return write::insert(
            tx,
            &NewRow {
                id: &u.id,
                workspace_id,
                email: &email,
                first_name: &first_name,
                last_name: &last_name,
                phone: &phone,
                status: u.status,
                is_super_user: u.is_super_user,
                password_hash: u.password_hash.as_deref(),
                must_change_password: u.must_change_password,
                role_ids: &role_ids,
                at: &u.created_at,
                kept: Some(Kept {
                    version: u.version,
                    credential_version: u.credential_version,
                    removed_at: u.removed_at.as_deref(),
                }),
            },
        )
        .await;
    }
    let removed_at = match u.status {
        Status::Removed => Some(u.removed_at.clone().unwrap_or_else(|| at.to_owned())),
        _ => None,
    };
    let patch = UserPatch {
        names: Some(names(&first_name, &last_name, &phone, &email)),
        // Roster never changes an address once added, so the key stays as it was made.
        email_key: None,
        is_super_user: Some(u.is_super_user),
        status: Some((u.status, removed_at)),
        password_hash: u.password_hash.clone(),
        must_change_password: Some(u.must_change_password),
        end_sessions: false,
        forget_password: u.password_hash.is_none(),
        role_ids: Some(role_ids),
        kept: Some((u.version, u.credential_version)),
    };
    tx.update_user(&u.id, &patch, at).await
}
