//! Which roles a user holds: the choice in "Add user" step 5 and in Edit, and the rules for
//! giving and taking roles.

use crate::actor::Actor;
use crate::error::{Error, Field, Result};
use crate::roles::{self, Role};
use crate::store::Tx;

/// Checks the shape of a role choice: a super-user holds no role, anyone else at least one.
pub(crate) fn check_shape(is_super_user: bool, role_ids: &[String]) -> Result<()> {
    match (is_super_user, role_ids.is_empty()) {
        (true, false) => Err(Error::invalid(
            Field::Roles,
            "A super-user holds every permission and no role",
        )),
        (false, true) => Err(Error::invalid(
            Field::Roles,
            "Choose Super-user or at least one role",
        )),
        _ => Ok(()),
    }
}

/// Reads the chosen roles in the actor's Workspace, each once; an id that is not a role of
/// the Workspace (deleted meanwhile, or of another Workspace) is a `roles` validation error.
pub(crate) async fn chosen(
    tx: &mut dyn Tx,
    actor: &Actor,
    role_ids: &[String],
) -> Result<Vec<Role>> {
    let mut roles: Vec<Role> = Vec::with_capacity(role_ids.len());
    for id in role_ids {
        if roles.iter().any(|r| &r.id == id) {
            continue;
        }
        let role = roles::load(tx, &actor.workspace_id, id)
            .await
            .map_err(|error| match error {
                Error::NotFound(_) => Error::invalid(
                    Field::Roles,
                    "One of the chosen roles no longer exists; reload and choose again",
                ),
                other => other,
            })?;
        roles.push(role);
    }
    Ok(roles)
}

/// Refuses to give or take a role whose permissions the actor does not all hold.
pub(crate) fn ensure_may_assign<'a>(
    actor: &Actor,
    roles: impl IntoIterator<Item = &'a Role>,
) -> Result<()> {
    for role in roles {
        actor.require_all(
            &role.permissions,
            &format!("give or take the role \u{201c}{}\u{201d}", role.name),
        )?;
    }
    Ok(())
}
