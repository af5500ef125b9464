//! Reading one user, editing (by a super-user or in My profile), removing and restoring.

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
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::UsersEdit)?;
        ensure_visible(&actor, user_id)?;
        let target = fetch(&mut *tx, &actor.workspace_id, user_id).await?;
        if target.id != actor.user_id {
            ensure_may_manage(&actor, &target, "edit")?;
        }
        if input.is_super_user && !target.is_super_user {
            actor.require_super_user("make users super-users")?;
        }
        let wanted = chosen(&mut *tx, &actor, &input.role_ids).await?;
        let wanted_ids: BTreeSet<&str> = wanted.iter().map(|r| r.id.as_str()).collect();
        let held_ids: BTreeSet<&str> = target.role_ids.iter().map(String::as_str).collect();
        let taken: Vec<String> = held_ids
            .difference(&wanted_ids)
            .map(|id| (*id).to_owned())
            .collect();
        let taken = chosen(&mut *tx, &actor, &taken).await?;
        let given = wanted.iter().filter(|r| !held_ids.contains(r.id.as_str()));
        ensure_may_assign(&actor, given.chain(taken.iter()))?;
        if target.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let super_user_changes = input.is_super_user != target.is_super_user;
        let roles_change = wanted_ids != held_ids;
        if (super_user_changes || roles_change) && target.id == actor.user_id {
            if super_user_changes
                && !another_super_user_exists(&mut *tx, &actor.workspace_id, &actor.user_id).await?
            {
                return Err(Error::LastSuperUser);
            }
            return Err(Error::Forbidden("You cannot change your own roles".into()));
        }
        if super_user_changes
            && target.is_super_user
            && target.status == Status::Active
            && !another_super_user_exists(&mut *tx, &actor.workspace_id, &target.id).await?
        {
            return Err(Error::LastSuperUser);
        }
        let mut fields = profile_changes(&target, &profile);
        let mut patch = UserPatch::default();
        if super_user_changes || roles_change {
            fields.push("roles");
            patch.is_super_user = Some(input.is_super_user);
            patch.role_ids = Some(wanted.into_iter().map(|r| r.id).collect());
        }
        let details = self
            .write_profile(&mut *tx, &actor, &target, &profile, patch, &fields)
            .await?;
        tx.commit().await?;
        Ok(details)
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
        let fields = profile_changes(&target, &profile);
        let details = self
            .write_profile(
                &mut *tx,
                &actor,
                &target,
                &profile,
                UserPatch::default(),
                &fields,
            )
            .await?;
        tx.commit().await?;
        Ok(details)
    }

    /// Writes an edit (`patch` plus the names and phone of `profile`) and records it, unless
    /// nothing changed.
    async fn write_profile(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        target: &UserDetails,
        profile: &Profile,
        patch: UserPatch,
        fields: &[&'static str],
    ) -> Result<UserDetails> {
        if fields.is_empty() {
            return Ok(target.clone());
        }
        let now = self.now();
        let patch = UserPatch {
            names: Some(names(
                &profile.first_name,
                &profile.last_name,
                &profile.phone,
                &target.email,
            )),
            ..patch
        };
        tx.update_user(&target.id, &patch, &now).await?;
        changes::record(
            tx,
            By {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                at: &now,
            },
            Change::UserEdited {
                user_id: &target.id,
                fields,
            },
        )
        .await?;
        self.details(tx, &actor.workspace_id, &target.id).await
    }

    /// "Remove from Workspace": the user loses access at once — every session they have ends
    /// for good, also after a Restore — and no longer counts as a seat; the row is kept. Needs `users.remove`; removing a super-user needs a super-user. Nobody
    /// removes themselves, and the last active super-user stays ([`Error::LastSuperUser`]).
    pub async fn remove_user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::UsersRemove)?;
        ensure_visible(&actor, user_id)?;
        let target = fetch(&mut *tx, &actor.workspace_id, user_id).await?;
        // Permission before the last-super-user rule, so the answer reveals nothing about
        // super-users to someone who may not manage them.
        if target.id != actor.user_id {
            ensure_may_manage(&actor, &target, "remove")?;
        }
        let last_super_user = target.is_super_user
            && target.status == Status::Active
            && !another_super_user_exists(&mut *tx, &actor.workspace_id, &target.id).await?;
        if last_super_user {
            return Err(Error::LastSuperUser);
        }
        if target.id == actor.user_id {
            return Err(Error::Forbidden(
                "You cannot remove yourself from the Workspace".into(),
            ));
        }
        if target.status == Status::Removed {
            return Ok(target);
        }
        let now = self.now();
        if target.status == Status::Invited {
            crate::invitations::withdraw_pending(&mut *tx, &target.id, &now).await?;
        }
        let removed = self
            .finish_status_change(tx, &actor, &target, StatusChange::Removed, &now)
            .await?;
        if target.status == Status::Invited {
            self.db.scrub().await?;
        }
        Ok(removed)
    }

    /// "Restore": a removed user comes back as active (or invited, if they never set a
    /// password). Needs `users.remove`; restoring a super-user needs a super-user.
    pub async fn restore_user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::UsersRemove)?;
        ensure_visible(&actor, user_id)?;
        let target = fetch(&mut *tx, &actor.workspace_id, user_id).await?;
        ensure_may_manage(&actor, &target, "restore")?;
        if target.status != Status::Removed {
            return Ok(target);
        }
        let now = self.now();
        self.finish_status_change(tx, &actor, &target, StatusChange::Restored, &now)
            .await
    }

    /// Changes the status of `before` (the user as read in `tx`) the way `how` says, commits,
    /// and returns the user as they are now.
    async fn finish_status_change(
        &self,
        mut tx: Box<dyn Tx>,
        actor: &Actor,
        before: &UserDetails,
        how: StatusChange,
        now: &str,
    ) -> Result<UserDetails> {
        let has_password = tx
            .credentials(&actor.workspace_id, &before.id)
            .await?
            .is_some_and(|c| c.password_hash.is_some());
        let by = By {
            workspace_id: &actor.workspace_id,
            actor_id: Some(&actor.user_id),
            at: now,
        };
        change_status(
            &mut *tx,
            by,
            &before.id,
            before.status,
            how,
            has_password,
            UserPatch::default(),
        )
        .await?;
        let details = self
            .details(&mut *tx, &actor.workspace_id, &before.id)
            .await?;
        tx.commit().await?;
        Ok(details)
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
