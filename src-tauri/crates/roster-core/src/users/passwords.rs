//! Setting passwords: a super-user resets another's, a user changes their own.

use super::fetch;
use crate::actor::Actor;
use crate::attempts::{self, Check};
use crate::changes::{self, By, Change};
use crate::error::{Error, Field, Result};
use crate::model::{OwnPasswordChange, PasswordReset, SessionInfo, UserDetails};
use crate::passwords::{self as policy, Secret, Verification};
use crate::permissions::{Permission, Session};
use crate::store::{Tx, UserPatch};
use crate::sync::ops::Op;
use crate::{Roster, actor};

/// The patch that sets a new password: it clears any back-off (see
/// [`attempts::clear_in`]) and ends every session of the user.
fn new_password(hash: String, must_change_password: bool) -> UserPatch {
    UserPatch {
        password_hash: Some(hash),
        must_change_password: Some(must_change_password),
        end_sessions: true,
        ..UserPatch::default()
    }
}

/// The user whose password `actor` may set: another user of the Workspace, visible to the
/// actor and no more powerful than them.
async fn target_of_reset(tx: &mut dyn Tx, actor: &Actor, user_id: &str) -> Result<UserDetails> {
    if actor.user_id == user_id {
        return Err(Error::Forbidden(
            "Change your own password from My profile, with your current password".into(),
        ));
    }
    if !actor.can(Permission::UsersView) {
        return Err(Error::NotFound("User"));
    }
    let target = fetch(tx, &actor.workspace_id, user_id).await?;
    actor.require_may_manage(
        target.is_super_user,
        &target.permissions,
        "set the password of",
    )?;
    if target.status == crate::model::Status::Invited {
        return Err(Error::Forbidden(
            "This user has not accepted their invitation yet: they choose their own password. \
             Resend the invitation instead."
                .into(),
        ));
    }
    Ok(target)
}

/// The credential version of `user_id`: moves on with each new password.
async fn credential_version(tx: &mut dyn Tx, actor: &Actor, user_id: &str) -> Result<i64> {
    tx.credentials(&actor.workspace_id, user_id)
        .await?
        .map(|c| c.credential_version)
        .ok_or(Error::NotFound("User"))
}

/// Applies [`Op::ResetPassword`]: `users.reset_password` on a user the actor may manage, only
/// if their password is still the one the reset was based on (their credential version);
/// ends every session of theirs and clears their sign-in back-off.
pub(crate) async fn apply_reset(
    tx: &mut dyn Tx,
    actor: &Actor,
    hashing: &policy::Hashing,
    op: &Op,
    now: &str,
) -> Result<()> {
    let Op::ResetPassword {
        user_id,
        password_hash,
        must_change_password,
        based_on,
    } = op
    else {
        return Ok(());
    };
    actor.require(Permission::UsersResetPassword)?;
    // Read inside the write: the user may have gained power since the form was filled in.
    target_of_reset(tx, actor, user_id).await?;
    if credential_version(tx, actor, user_id).await? != *based_on {
        return Err(Error::Conflict);
    }
    hashing.check_stored(password_hash)?;
    let patch = new_password(password_hash.clone(), *must_change_password);
    tx.update_user(user_id, &patch, now).await?;
    attempts::clear_in(tx, user_id, None, now).await?;
    let by = By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    };
    changes::record(tx, by, Change::PasswordReset { user_id }).await
}

impl Roster {
    /// "Change password" on another user. Needs `users.reset_password`, `users.view` (others
    /// are NOT_FOUND without it) and every permission the user holds — setting someone's
    /// password borrows their power; a super-user's password only by a super-user; your own
    /// goes through [`Roster::change_own_password`]. The
    /// confirmation must match (checked here, not only in the form). Clears any sign-in
    /// back-off and ends every session of that user (their credential version moves on).
    pub async fn reset_password(
        &self,
        session: &Session,
        user_id: &str,
        input: PasswordReset,
    ) -> Result<()> {
        let (target, based_on) = {
            let mut tx = self.read().await?;
            let actor = actor::load_ready(&mut *tx, session).await?;
            actor.require(Permission::UsersResetPassword)?;
            let target = target_of_reset(&mut *tx, &actor, user_id).await?;
            let based_on = credential_version(&mut *tx, &actor, user_id).await?;
            (target, based_on)
        };
        let inputs = [target.email.as_str(), &target.first_name, &target.last_name];
        policy::check_policy(Field::NewPassword, &input.new_password, &inputs)?;
        policy::check_confirmation(&input.new_password, &input.confirm_password)?;
        let hash = self.hash(&input.new_password).await?;

        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let op = Op::ResetPassword {
            user_id: user_id.to_owned(),
            password_hash: hash,
            must_change_password: input.must_change_password,
            based_on,
        };
        self.commit_op(tx, &actor, op).await.map(drop)
    }

    /// The signed-in user changes their own password. The current password is required,
    /// except right after signing in with a required change (then the new one must differ
    /// from it). A wrong current password counts like a failed sign-in (the same counter and
    /// back-off, [`Error::LockedOut`] while it runs); the failure that reaches
    /// [`crate::attempts::FREE_ATTEMPTS`] ends every session of the user
    /// ([`Error::SignedOutAfterFailures`], code `UNAUTHENTICATED`). The change ends every other session of the user and
    /// returns the caller's renewed one.
    pub async fn change_own_password(
        &self,
        session: &Session,
        input: OwnPasswordChange,
    ) -> Result<(Session, SessionInfo)> {
        let (actor, email, first, last, stored): (_, String, String, String, Option<String>) = {
            let mut tx = self.read().await?;
            let actor = actor::load(&mut *tx, session).await?;
            let me = fetch(&mut *tx, &actor.workspace_id, &actor.user_id).await?;
            let stored = tx
                .credentials(&actor.workspace_id, &actor.user_id)
                .await?
                .and_then(|c| c.password_hash);
            (actor, me.email, me.first_name, me.last_name, stored)
        };
        if !actor.must_change_password {
            if input.current_password.expose().is_empty() {
                return Err(Error::invalid(
                    Field::CurrentPassword,
                    "Enter your current password",
                ));
            }
            self.check_current_password(session, &input.current_password)
                .await?;
        }
        policy::check_policy(
            Field::NewPassword,
            &input.new_password,
            &[&email, &first, &last],
        )?;
        policy::check_confirmation(&input.new_password, &input.confirm_password)?;
        if self.verify(&input.new_password, stored).await? != Verification::Mismatch {
            return Err(Error::invalid(
                Field::NewPassword,
                "Choose a password different from the current one",
            ));
        }
        let hash = self.hash(&input.new_password).await?;

        let mut tx = self.write().await?;
        let actor = actor::load(&mut *tx, session).await?;
        crate::sync::ensure_not_replica(&mut *tx, &actor.workspace_id).await?;
        let now = self.now();
        tx.update_user(&actor.user_id, &new_password(hash, false), &now)
            .await?;
        attempts::clear_in(&mut *tx, &actor.user_id, None, &now).await?;
        let by = By {
            workspace_id: &actor.workspace_id,
            actor_id: Some(&actor.user_id),
            at: &now,
        };
        let user_id = &actor.user_id;
        changes::record(&mut *tx, by, Change::OwnPasswordChanged { user_id }).await?;
        let renewed = actor::session_for(&mut *tx, &actor.workspace_id, &actor.user_id).await?;
        tx.commit().await?;
        let info = self.session_info(&renewed).await?;
        Ok((renewed, info))
    }

    /// Verifies the signed-in user's current password as a counted attempt
    /// ([`attempts::reserve`]): a match clears the failure counter.
    async fn check_current_password(&self, session: &Session, current: &Secret) -> Result<()> {
        let now = self.clock.now();
        let attempt = attempts::reserve(&*self.db, &session.workspace_id, &session.user_id, now)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if attempt.credential_version != session.credential_version {
            return Err(Error::Unauthenticated);
        }
        if self.verify(current, attempt.password_hash).await? == Verification::Mismatch {
            let end_sessions = attempt.failures >= attempts::FREE_ATTEMPTS;
            attempts::record_failure(
                &*self.db,
                &session.workspace_id,
                &session.user_id,
                Check::CurrentPassword,
                end_sessions,
                now,
            )
            .await?;
            return Err(if end_sessions {
                Error::SignedOutAfterFailures
            } else {
                Error::invalid(Field::CurrentPassword, "The current password is not right")
            });
        }
        attempts::clear(&*self.db, &session.user_id, now).await
    }

    /// A new password for the "Generate" button (see [`policy::generate`]). Needs
    /// `users.create` or `users.reset_password`. Never logged or stored in clear.
    pub async fn generate_password(&self, session: &Session) -> Result<Secret> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        if !actor.can(Permission::UsersCreate) {
            actor.require(Permission::UsersResetPassword)?;
        }
        policy::generate()
    }
}
