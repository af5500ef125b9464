//! "Add user": step checks and creation.

use crate::actor::Actor;
use crate::changes::{self, By, Change};
use crate::error::{Error, Field, Result};
use crate::model::{NewInvitation, NewUser, NewUserStep, Status, UserDetails};
use crate::permissions::{Permission, Session};
use crate::store::Tx;
use crate::sync::ops::{Access, Op};
use crate::text::email_key;
use crate::{Roster, actor, new_id, passwords, validation};

/// A [`NewUser`] or [`NewInvitation`] after validation: trimmed values ready to store.
pub(crate) struct ValidNewUser {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
}

fn check_step(input: &NewUser, step: NewUserStep) -> Result<()> {
    match step {
        NewUserStep::Email => validation::email(&input.email).map(drop),
        NewUserStep::Names => check_names(input).map(drop),
        NewUserStep::Password => check_password(input),
        NewUserStep::Role => super::roles::check_shape(input.is_super_user, &input.role_ids),
        NewUserStep::Confirm => validate(input).map(drop),
    }
}

fn check_names(input: &NewUser) -> Result<(String, String, String)> {
    names(&input.first_name, &input.last_name, &input.phone)
}

fn names(first_name: &str, last_name: &str, phone: &str) -> Result<(String, String, String)> {
    Ok((
        validation::required_name(Field::FirstName, first_name)?,
        validation::name(Field::LastName, last_name)?,
        validation::phone(phone)?,
    ))
}

/// Applies [`Op::CreateUser`]: `users.create`, the roles the actor may give, every value
/// through the same validators as the form, a stored Argon2id hash with today's parameters or
/// stronger, and a free email. Errors: as [`Roster::create_user`]; [`Error::Conflict`] when
/// the id is taken.
pub(crate) async fn apply_create(
    tx: &mut dyn Tx,
    actor: &Actor,
    hashing: &passwords::Hashing,
    op: &Op,
    now: &str,
) -> Result<()> {
    let Op::CreateUser {
        user_id,
        email,
        first_name,
        last_name,
        phone,
        access,
        password_hash,
        must_change_password,
    } = op
    else {
        return Ok(());
    };
    actor.require(Permission::UsersCreate)?;
    let role_ids = authorize_roles(tx, actor, access.is_super_user, &access.role_ids).await?;
    let email = validation::email(email)?;
    let (first_name, last_name, phone) = names(first_name, last_name, phone)?;
    super::roles::check_shape(access.is_super_user, &role_ids)?;
    hashing.check_stored(password_hash)?;
    if tx.user(&actor.workspace_id, user_id).await?.is_some() {
        return Err(Error::Conflict);
    }
    ensure_email_free(tx, actor, &email).await?;
    let row = super::write::NewRow {
        id: user_id,
        workspace_id: &actor.workspace_id,
        email: &email,
        first_name: &first_name,
        last_name: &last_name,
        phone: &phone,
        status: Status::Active,
        is_super_user: access.is_super_user,
        password_hash: Some(password_hash),
        must_change_password: *must_change_password,
        role_ids: &role_ids,
        at: now,
        kept: None,
    };
    super::write::insert(tx, &row).await?;
    let by = By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    };
    let added = Change::UserAdded {
        user_id,
        invited: false,
    };
    changes::record(tx, by, added).await
}

/// Validates "Send invitation" input: email, names, phone, super-user or roles.
pub(crate) fn check_invitation(input: &NewInvitation) -> Result<ValidNewUser> {
    let email = validation::email(&input.email)?;
    let (first_name, last_name, phone) = names(&input.first_name, &input.last_name, &input.phone)?;
    super::roles::check_shape(input.is_super_user, &input.role_ids)?;
    Ok(ValidNewUser {
        email,
        first_name,
        last_name,
        phone,
    })
}

fn check_password(input: &NewUser) -> Result<()> {
    let email = validation::email(&input.email).unwrap_or_default();
    let inputs = [
        email.as_str(),
        input.first_name.trim(),
        input.last_name.trim(),
    ];
    passwords::check_policy(Field::Password, &input.password, &inputs)?;
    passwords::check_confirmation(&input.password, &input.confirm_password)
}

fn validate(input: &NewUser) -> Result<ValidNewUser> {
    let email = validation::email(&input.email)?;
    let (first_name, last_name, phone) = check_names(input)?;
    check_password(input)?;
    super::roles::check_shape(input.is_super_user, &input.role_ids)?;
    Ok(ValidNewUser {
        email,
        first_name,
        last_name,
        phone,
    })
}

/// Needs `users.create`; see [`authorize_roles`]. Returns the chosen roles' ids.
async fn authorize(tx: &mut dyn Tx, actor: &Actor, input: &NewUser) -> Result<Vec<String>> {
    actor.require(Permission::UsersCreate)?;
    authorize_roles(tx, actor, input.is_super_user, &input.role_ids).await
}

/// A new super-user needs a super-user, and every chosen role must grant only permissions the
/// actor holds. Returns the chosen roles' ids.
pub(crate) async fn authorize_roles(
    tx: &mut dyn Tx,
    actor: &Actor,
    is_super_user: bool,
    role_ids: &[String],
) -> Result<Vec<String>> {
    if is_super_user {
        actor.require_super_user("add super-users")?;
    }
    let roles = super::roles::chosen(tx, actor, role_ids).await?;
    super::roles::ensure_may_assign(actor, &roles)?;
    Ok(roles.into_iter().map(|r| r.id).collect())
}

/// Refuses an email already used in the actor's Workspace: [`Error::EmailTaken`], or
/// [`Error::EmailOfRemovedUser`] naming the removed user so they can be restored instead —
/// only to an actor with `users.view`, who may see that user anyway. Without it the answer
/// is [`Error::EmailTaken`] whoever holds the address, so adding users never tells which
/// accounts exist or were removed.
pub(crate) async fn ensure_email_free(tx: &mut dyn Tx, actor: &Actor, email: &str) -> Result<()> {
    match tx
        .email_owner(&actor.workspace_id, &email_key(email))
        .await?
    {
        None => Ok(()),
        Some((user_id, status))
            if status == Status::Removed && actor.can(Permission::UsersView) =>
        {
            Err(Error::EmailOfRemovedUser { user_id })
        }
        Some(_) => Err(Error::EmailTaken),
    }
}

impl Roster {
    /// Validates one step of "Add user" (the email step also checks the email is free), so the
    /// stepper shows field errors on the step that owns them. Needs `users.create` or
    /// `users.invite` (the steps are the same without the password).
    pub async fn check_new_user(
        &self,
        session: &Session,
        input: &NewUser,
        step: NewUserStep,
    ) -> Result<()> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        if !actor.can(Permission::UsersCreate) {
            actor.require(Permission::UsersInvite)?;
        }
        authorize_roles(&mut *tx, &actor, input.is_super_user, &input.role_ids).await?;
        check_step(input, step)?;
        if matches!(step, NewUserStep::Email | NewUserStep::Confirm) {
            let email = validation::email(&input.email)?;
            ensure_email_free(&mut *tx, &actor, &email).await?;
        }
        Ok(())
    }

    /// Adds an active user with a password, as a super-user or holding the chosen roles.
    /// Needs `users.create`; adding a super-user needs a super-user; every role given must
    /// grant only permissions the actor holds. Errors: field validation,
    /// [`Error::WeakPassword`], [`Error::EmailTaken`], [`Error::EmailOfRemovedUser`].
    pub async fn create_user(&self, session: &Session, input: NewUser) -> Result<UserDetails> {
        {
            let mut tx = self.read().await?;
            let actor = actor::load_ready(&mut *tx, session).await?;
            authorize(&mut *tx, &actor, &input).await?;
        }
        let valid = validate(&input)?;
        let hash = self.hash(&input.password).await?;
        let op = Op::CreateUser {
            user_id: new_id(),
            email: valid.email,
            first_name: valid.first_name,
            last_name: valid.last_name,
            phone: valid.phone,
            access: Access::new(input.is_super_user, &input.role_ids),
            password_hash: hash,
            must_change_password: input.must_change_password,
        };
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        self.commit_op(tx, &actor, op).await
    }
}
