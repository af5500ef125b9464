//! Reading one user, editing (by a super-user or in My profile), removing and restoring.
//! Each change is an [`Op`] applied by `users::ops`, on the desktop as on the hub: the rules
//! live in the `apply_*` functions here, once.

use std::collections::BTreeSet;

use super::roles::{check_shape, chosen, ensure_may_assign};
use super::write::{change_status, names};
use super::{another_super_user_exists, fetch};
use crate::actor::Actor;
use crate::changes::{self, By, Change, StatusChange};
use crate::error::{Error, Field, Result};
use crate::model::{ProfileUpdate, Status, UserDetails, UserUpdate};
use crate::permissions::{Permission, Session};
use crate::store::{Tx, UserPatch};
use crate::sync::ops::{Access, AccessChange, Op};
use crate::{Roster, actor, validation};

/// Validated names and phone of an edit form.
struct Profile {
    first_name: String,
    last_name: String,
    phone: String,
}

fn validate_profile(first_name: &str, last_name: &str, phone: &str) -> Result<Profile> {
    Ok(Profile {
        first_name: validation::required_name(Field::FirstName, first_name)?,
        last_name: validation::name(Field::LastName, last_name)?,
        phone: validation::phone(phone)?,
    })
}

/// Refuses a change to a user the actor may not see; every id outside the actor's reach is
/// NOT_FOUND, so ids of other Workspaces reveal nothing.
fn ensure_visible(actor: &Actor, user_id: &str) -> Result<()> {
    if actor.user_id == user_id || actor.can(Permission::UsersView) {
        Ok(())
    } else {
        Err(Error::NotFound("User"))
    }
}

/// Only super-users manage super-users, and nobody manages a user holding a permission they
/// do not hold (see [`Actor::require_may_manage`]).
fn ensure_may_manage(actor: &Actor, target: &UserDetails, action: &str) -> Result<()> {
    actor.require_may_manage(target.is_super_user, &target.permissions, action)
}

/// What `user` holds now, as an operation compares it.
pub(crate) fn access_of(user: &UserDetails) -> Access {
    Access::new(user.is_super_user, &user.role_ids)
}

/// `new` when it differs from `old`: an operation carries only the fields that changed.
fn changed(old: &str, new: String) -> Option<String> {
    (old != new).then_some(new)
}

/// The permission rules of "Edit" of `user_id`, read inside the write transaction: `users.edit`,
/// a user the actor may see and manage, and — when the power changes to `wanted` — the right
/// to make super-users and to give and take each role. Returns the user as they are.
async fn check_edit(
    tx: &mut dyn Tx,
    actor: &Actor,
    user_id: &str,
    wanted: Option<&Access>,
) -> Result<UserDetails> {
    actor.require(Permission::UsersEdit)?;
    ensure_visible(actor, user_id)?;
    let target = fetch(tx, &actor.workspace_id, user_id).await?;
    if target.id != actor.user_id {
        ensure_may_manage(actor, &target, "edit")?;
    }
    let Some(wanted) = wanted else {
        return Ok(target);
    };
    check_shape(wanted.is_super_user, &wanted.role_ids)?;
    if wanted.is_super_user && !target.is_super_user {
        actor.require_super_user("make users super-users")?;
    }
    let given_ids: BTreeSet<&str> = wanted.role_ids.iter().map(String::as_str).collect();
    let held_ids: BTreeSet<&str> = target.role_ids.iter().map(String::as_str).collect();
    let given = chosen(tx, actor, &wanted.role_ids).await?;
    let taken: Vec<String> = held_ids
        .difference(&given_ids)
        .map(|id| (*id).to_owned())
        .collect();
    let taken = chosen(tx, actor, &taken).await?;
    let new = given.iter().filter(|r| !held_ids.contains(r.id.as_str()));
    ensure_may_assign(actor, new.chain(taken.iter()))?;
    Ok(target)
}

/// Applies [`Op::EditUser`]: the fields it carries over what the user holds now; its power
/// change only if the user still holds what it was based on, and no edit of a user who was
/// removed meanwhile ([`Error::Conflict`]). Returns whether anything changed.
pub(crate) async fn apply_edit(tx: &mut dyn Tx, actor: &Actor, op: &Op, now: &str) -> Result<bool> {
    let Op::EditUser {
        user_id,
        first_name,
        last_name,
        phone,
        access,
        seen,
    } = op
    else {
        return Ok(false);
    };
    let wanted = access.as_ref().map(|a| &a.to);
    let target = check_edit(tx, actor, user_id, wanted).await?;
    if target.status == Status::Removed && *seen != Status::Removed {
        return Err(Error::Conflict);
    }
    if let Some(AccessChange { from, .. }) = access
        && access_of(&target) != *from
    {
        return Err(Error::Conflict);
    }
    let profile = merged(&target, first_name, last_name, phone)?;
    write_edit(tx, actor, &target, &profile, wanted, now).await
}

/// Applies [`Op::EditProfile`]: the signed-in user's own names and phone.
pub(crate) async fn apply_profile(
    tx: &mut dyn Tx,
    actor: &Actor,
    op: &Op,
    now: &str,
) -> Result<bool> {
    let Op::EditProfile {
        first_name,
        last_name,
        phone,
    } = op
    else {
        return Ok(false);
    };
    let target = fetch(tx, &actor.workspace_id, &actor.user_id).await?;
    let profile = merged(&target, first_name, last_name, phone)?;
    write_edit(tx, actor, &target, &profile, None, now).await
}

/// The user's names and phone with the changed ones replaced, validated.
fn merged(
    target: &UserDetails,
    first_name: &Option<String>,
    last_name: &Option<String>,
    phone: &Option<String>,
) -> Result<Profile> {
    validate_profile(
        first_name.as_deref().unwrap_or(&target.first_name),
        last_name.as_deref().unwrap_or(&target.last_name),
        phone.as_deref().unwrap_or(&target.phone),
    )
}

/// Writes an edit of `target` (names and phone of `profile`, power `to`) and records it, after
/// the guards: nobody changes their own roles, and no change leaves the Workspace without an
/// active super-user. Returns whether anything changed.
async fn write_edit(
    tx: &mut dyn Tx,
    actor: &Actor,
    target: &UserDetails,
    profile: &Profile,
    to: Option<&Access>,
    now: &str,
) -> Result<bool> {
    let (super_user_changes, roles_change) = match to {
        Some(to) => (
            to.is_super_user != target.is_super_user,
            *to != access_of(target) && !to.is_super_user,
        ),
        None => (false, false),
    };
    if (super_user_changes || roles_change) && target.id == actor.user_id {
        if super_user_changes
            && !another_super_user_exists(tx, &actor.workspace_id, &actor.user_id).await?
        {
            return Err(Error::LastSuperUser);
        }
        return Err(Error::Forbidden("You cannot change your own roles".into()));
    }
    if super_user_changes
        && target.is_super_user
        && target.status == Status::Active
        && !another_super_user_exists(tx, &actor.workspace_id, &target.id).await?
    {
        return Err(Error::LastSuperUser);
    }
    let mut fields = profile_changes(target, profile);
    let mut patch = UserPatch::default();
    if let Some(to) = to.filter(|_| super_user_changes || roles_change) {
        fields.push("roles");
        patch.is_super_user = Some(to.is_super_user);
        patch.role_ids = Some(to.role_ids.clone());
    }
    if fields.is_empty() {
        return Ok(false);
    }
    patch.names = Some(names(
        &profile.first_name,
        &profile.last_name,
        &profile.phone,
        &target.email,
    ));
    tx.update_user(&target.id, &patch, now).await?;
    let by = By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    };
    let edited = Change::UserEdited {
        user_id: &target.id,
        fields: &fields,
    };
    changes::record(tx, by, edited).await?;
    Ok(true)
}

/// Applies [`Op::RemoveUser`] or [`Op::RestoreUser`]. Removing needs `users.remove` and the
/// right to manage the user; nobody removes themselves or the last active super-user. A user
/// already in the status the operation leads to is left as they are. Returns whether anything
/// changed and whether erased invitation bytes need scrubbing.
pub(crate) async fn apply_status(
    tx: &mut dyn Tx,
    actor: &Actor,
    op: &Op,
    now: &str,
) -> Result<(bool, bool)> {
    let (user_id, how) = match op {
        Op::RemoveUser { user_id } => (user_id, StatusChange::Removed),
        Op::RestoreUser { user_id } => (user_id, StatusChange::Restored),
        _ => return Ok((false, false)),
    };
    actor.require(Permission::UsersRemove)?;
    ensure_visible(actor, user_id)?;
    let target = fetch(tx, &actor.workspace_id, user_id).await?;
    if how == StatusChange::Restored {
        ensure_may_manage(actor, &target, "restore")?;
        if target.status != Status::Removed {
            return Ok((false, false));
        }
    } else {
        // Permission before the last-super-user rule, so the answer reveals nothing about
        // super-users to someone who may not manage them.
        if target.id != actor.user_id {
            ensure_may_manage(actor, &target, "remove")?;
        }
        let last_super_user = target.is_super_user
            && target.status == Status::Active
            && !another_super_user_exists(tx, &actor.workspace_id, &target.id).await?;
        if last_super_user {
            return Err(Error::LastSuperUser);
        }
        if target.id == actor.user_id {
            return Err(Error::Forbidden(
                "You cannot remove yourself from the Workspace".into(),
            ));
        }
        if target.status == Status::Removed {
            return Ok((false, false));
        }
        if target.status == Status::Invited {
            crate::invitations::withdraw_pending(tx, &target.id, now).await?;
        }
    }
    let has_password = tx
        .credentials(&actor.workspace_id, &target.id)
        .await?
        .is_some_and(|c| c.password_hash.is_some());
    let by = By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    };
    let patch = UserPatch::default();
    change_status(tx, by, &target.id, target.status, how, has_password, patch).await?;
    Ok((true, target.status == Status::Invited))
}

impl Roster {
    /// One user of the actor's Workspace, for the panel. Without `users.view` only yourself.
    pub async fn user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        ensure_visible(&actor, user_id)?;
        self.details(&mut *tx, &actor.workspace_id, user_id).await
    }

    /// "Edit" of another user: names, phone, and super-user or roles. Needs `users.edit` and
    /// every permission the user holds (super-users only by super-users); making someone a
    /// super-user needs a super-user; each role given or taken must grant only permissions the
    /// actor holds. Your own roles cannot be changed ([`Error::LastSuperUser`] when you are
    /// the only super-user, [`Error::Forbidden`] otherwise). [`Error::Conflict`] when
    /// `expected_version` is stale.
    pub async fn update_user(
        &self,
        session: &Session,
        user_id: &str,
        input: UserUpdate,
    ) -> Result<UserDetails> {
        let profile = validate_profile(&input.first_name, &input.last_name, &input.phone)?;
        check_shape(input.is_super_user, &input.role_ids)?;
        let wanted = Access::new(input.is_super_user, &input.role_ids);
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let target = check_edit(&mut *tx, &actor, user_id, Some(&wanted)).await?;
        if target.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let held = access_of(&target);
        let op = Op::EditUser {
            user_id: user_id.to_owned(),
            first_name: changed(&target.first_name, profile.first_name),
            last_name: changed(&target.last_name, profile.last_name),
            phone: changed(&target.phone, profile.phone),
            access: (held != wanted).then_some(AccessChange {
                from: held,
                to: wanted,
            }),
            seen: target.status,
        };
        self.commit_op(tx, &actor, op).await
    }

    /// "My profile": the signed-in user edits their own names and phone.
    /// [`Error::Conflict`] when `expected_version` is stale.
    pub async fn update_profile(
        &self,
        session: &Session,
        input: ProfileUpdate,
    ) -> Result<UserDetails> {
        let profile = validate_profile(&input.first_name, &input.last_name, &input.phone)?;
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let target = fetch(&mut *tx, &actor.workspace_id, &actor.user_id).await?;
        if target.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let op = Op::EditProfile {
            first_name: changed(&target.first_name, profile.first_name),
            last_name: changed(&target.last_name, profile.last_name),
            phone: changed(&target.phone, profile.phone),
        };
        self.commit_op(tx, &actor, op).await
    }

    /// "Remove from Workspace": the user loses access at once — every session they have ends
    /// for good, also after a Restore — and no longer counts as a seat; the row is kept.
    /// Needs `users.remove`; removing a super-user needs a super-user. Nobody removes
    /// themselves, and the last active super-user stays ([`Error::LastSuperUser`]).
    pub async fn remove_user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let op = Op::RemoveUser {
            user_id: user_id.to_owned(),
        };
        self.commit_op(tx, &actor, op).await
    }

    /// "Restore": a removed user comes back as active (or invited, if they never set a
    /// password). Needs `users.remove`; restoring a super-user needs a super-user.
    pub async fn restore_user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let op = Op::RestoreUser {
            user_id: user_id.to_owned(),
        };
        self.commit_op(tx, &actor, op).await
    }
}

fn profile_changes(target: &UserDetails, profile: &Profile) -> Vec<&'static str> {
    [
        ("firstName", target.first_name != profile.first_name),
        ("lastName", target.last_name != profile.last_name),
        ("phone", target.phone != profile.phone),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}
