//! Reading one user, editing (by a super-user or in My profile), removing and restoring.

use std::collections::BTreeSet;

use super::roles::{check_shape, chosen, ensure_may_assign};
use super::{another_super_user_exists, fetch, set_roles};
use crate::audit::{self, Entry};
use crate::error::{Error, Field, Result};
use crate::model::{ProfileUpdate, Status, UserDetails, UserUpdate};
use crate::permissions::{Actor, Permission, Session};
use crate::text::{display_name, search_text, sort_key};
use crate::{Roster, actor, store, validation};

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
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        ensure_visible(&actor, user_id)?;
        self.details(&mut conn, &actor.workspace_id, user_id).await
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
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::UsersEdit)?;
        ensure_visible(&actor, user_id)?;
        let target = fetch(&mut tx, &actor.workspace_id, user_id).await?;
        if target.id != actor.user_id {
            ensure_may_manage(&actor, &target, "edit")?;
        }
        if input.is_super_user && !target.is_super_user {
            actor.require_super_user("make users super-users")?;
        }
        let wanted = chosen(&mut tx, &actor, &input.role_ids).await?;
        let wanted_ids: BTreeSet<&str> = wanted.iter().map(|r| r.id.as_str()).collect();
        let held_ids: BTreeSet<&str> = target.role_ids.iter().map(String::as_str).collect();
        let taken: Vec<String> = held_ids
            .difference(&wanted_ids)
            .map(|id| (*id).to_owned())
            .collect();
        let taken = chosen(&mut tx, &actor, &taken).await?;
        let given = wanted.iter().filter(|r| !held_ids.contains(r.id.as_str()));
        ensure_may_assign(&actor, given.chain(taken.iter()))?;
        if target.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let super_user_changes = input.is_super_user != target.is_super_user;
        let roles_change = wanted_ids != held_ids;
        if (super_user_changes || roles_change) && target.id == actor.user_id {
            if super_user_changes
                && !another_super_user_exists(&mut tx, &actor.workspace_id, &actor.user_id).await?
            {
                return Err(Error::LastSuperUser);
            }
            return Err(Error::Forbidden("You cannot change your own roles".into()));
        }
        if super_user_changes
            && target.is_super_user
            && target.status == Status::Active
            && !another_super_user_exists(&mut tx, &actor.workspace_id, &target.id).await?
        {
            return Err(Error::LastSuperUser);
        }
        let mut fields = profile_changes(&target, &profile);
        if super_user_changes || roles_change {
            fields.push("roles");
            let role_ids: Vec<String> = wanted.into_iter().map(|r| r.id).collect();
            set_roles(&mut tx, &target.id, &role_ids).await?;
        }
        let details = self
            .write_profile(
                &mut tx,
                &actor,
                &target,
                &profile,
                input.is_super_user,
                &fields,
            )
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
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        let target = fetch(&mut tx, &actor.workspace_id, &actor.user_id).await?;
        if target.version != input.expected_version {
            return Err(Error::Conflict);
        }
        let fields = profile_changes(&target, &profile);
        let details = self
            .write_profile(
                &mut tx,
                &actor,
                &target,
                &profile,
                target.is_super_user,
                &fields,
            )
            .await?;
        tx.commit().await?;
        Ok(details)
    }

    async fn write_profile(
        &self,
        tx: &mut sqlx::SqliteConnection,
        actor: &Actor,
        target: &UserDetails,
        profile: &Profile,
        is_super_user: bool,
        fields: &[&'static str],
    ) -> Result<UserDetails> {
        if fields.is_empty() {
            return Ok(target.clone());
        }
        let now = self.now();
        sqlx::query(
            "UPDATE users SET first_name = ?, last_name = ?, phone = ?, name_key = ?, search_text = ?,
                 is_super_user = ?, version = version + 1, updated_at = ?
             WHERE id = ?",
        )
        .bind(&profile.first_name)
        .bind(&profile.last_name)
        .bind(&profile.phone)
        .bind(sort_key(&display_name(&profile.first_name, &profile.last_name)))
        .bind(search_text(&profile.first_name, &profile.last_name, &target.email))
        .bind(is_super_user)
        .bind(&now)
        .bind(&target.id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            tx,
            Entry {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                action: "user.update",
                target_type: "user",
                target_id: &target.id,
                fields,
                at: &now,
                seats: 0,
            },
        )
        .await?;
        self.details(tx, &actor.workspace_id, &target.id).await
    }

    /// "Remove from Workspace": the user loses access at once — every session they have ends
    /// for good, also after a Restore — and no longer counts as a seat; the row is kept. Needs `users.remove`; removing a super-user needs a super-user. Nobody
    /// removes themselves, and the last active super-user stays ([`Error::LastSuperUser`]).
    pub async fn remove_user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::UsersRemove)?;
        ensure_visible(&actor, user_id)?;
        let target = fetch(&mut tx, &actor.workspace_id, user_id).await?;
        // Permission before the last-super-user rule, so the answer reveals nothing about
        // super-users to someone who may not manage them.
        if target.id != actor.user_id {
            ensure_may_manage(&actor, &target, "remove")?;
        }
        let last_super_user = target.is_super_user
            && target.status == Status::Active
            && !another_super_user_exists(&mut tx, &actor.workspace_id, &target.id).await?;
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
            crate::invitations::withdraw_pending(&mut tx, &target.id, &now).await?;
        }
        // The credential version moves on too, so a session from before the removal stays
        // ended after a Restore.
        sqlx::query(
            "UPDATE users SET status = 'removed', removed_at = ?,
                 credential_version = credential_version + 1, version = version + 1,
                 updated_at = ?
             WHERE id = ?",
        )
        .bind(&now)
        .bind(&now)
        .bind(&target.id)
        .execute(&mut *tx)
        .await?;
        let removed = self
            .finish_status_change(tx, &actor, &target, "user.remove", &now)
            .await?;
        if target.status == Status::Invited {
            crate::mail::outbox::scrub(&self.pool).await?;
        }
        Ok(removed)
    }

    /// "Restore": a removed user comes back as active (or invited, if they never set a
    /// password). Needs `users.remove`; restoring a super-user needs a super-user.
    pub async fn restore_user(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::UsersRemove)?;
        ensure_visible(&actor, user_id)?;
        let target = fetch(&mut tx, &actor.workspace_id, user_id).await?;
        ensure_may_manage(&actor, &target, "restore")?;
        if target.status != Status::Removed {
            return Ok(target);
        }
        let now = self.now();
        sqlx::query(
            "UPDATE users SET status = CASE WHEN password_hash IS NULL THEN 'invited' ELSE 'active' END,
                 removed_at = NULL, version = version + 1, updated_at = ?
             WHERE id = ?",
        )
        .bind(&now)
        .bind(&target.id)
        .execute(&mut *tx)
        .await?;
        self.finish_status_change(tx, &actor, &target, "user.restore", &now)
            .await
    }

    /// Records a status change of `before` (the user as read before it) with how it moved
    /// the seats, and returns the user as it is now.
    async fn finish_status_change(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
        actor: &Actor,
        before: &UserDetails,
        action: &'static str,
        now: &str,
    ) -> Result<UserDetails> {
        let details = self
            .details(&mut tx, &actor.workspace_id, &before.id)
            .await?;
        let seat = |status: Status| i64::from(status == Status::Active);
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                action,
                target_type: "user",
                target_id: &before.id,
                fields: &["status"],
                at: now,
                seats: seat(details.status) - seat(before.status),
            },
        )
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
