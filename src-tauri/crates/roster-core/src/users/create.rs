//! "Add user": step checks and creation.

use sqlx::SqliteConnection;

use crate::audit::{self, Entry};
use crate::error::{Error, Field, Result};
use crate::model::{NewInvitation, NewUser, NewUserStep, Status, UserDetails};
use crate::permissions::{Actor, Permission, Session};
use crate::text::email_key;
use crate::{Roster, actor, new_id, passwords, store, validation};

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
async fn authorize(
    conn: &mut SqliteConnection,
    actor: &Actor,
    input: &NewUser,
) -> Result<Vec<String>> {
    actor.require(Permission::UsersCreate)?;
    authorize_roles(conn, actor, input.is_super_user, &input.role_ids).await
}

/// A new super-user needs a super-user, and every chosen role must grant only permissions the
/// actor holds. Returns the chosen roles' ids.
pub(crate) async fn authorize_roles(
    conn: &mut SqliteConnection,
    actor: &Actor,
    is_super_user: bool,
    role_ids: &[String],
) -> Result<Vec<String>> {
    if is_super_user {
        actor.require_super_user("add super-users")?;
    }
    let roles = super::roles::chosen(conn, actor, role_ids).await?;
    super::roles::ensure_may_assign(actor, &roles)?;
    Ok(roles.into_iter().map(|r| r.id).collect())
}

/// Maps a failed insert: the email constraint is [`Error::EmailTaken`], anything else stays a
/// database error.
pub(crate) fn email_conflict_or(error: sqlx::Error) -> Error {
    if is_email_conflict(&error) {
        Error::EmailTaken
    } else {
        error.into()
    }
}

/// Refuses an email already used in the actor's Workspace: [`Error::EmailTaken`], or
/// [`Error::EmailOfRemovedUser`] naming the removed user so they can be restored instead —
/// only to an actor with `users.view`, who may see that user anyway. Without it the answer
/// is [`Error::EmailTaken`] whoever holds the address, so adding users never tells which
/// accounts exist or were removed.
pub(crate) async fn ensure_email_free(
    conn: &mut SqliteConnection,
    actor: &Actor,
    email: &str,
) -> Result<()> {
    let existing: Option<(String, String)> =
        sqlx::query_as("SELECT id, status FROM users WHERE workspace_id = ? AND email_key = ?")
            .bind(&actor.workspace_id)
            .bind(email_key(email))
            .fetch_optional(conn)
            .await?;
    match existing {
        None => Ok(()),
        Some((user_id, status))
            if Status::parse(&status) == Status::Removed && actor.can(Permission::UsersView) =>
        {
            Err(Error::EmailOfRemovedUser { user_id })
        }
        Some(_) => Err(Error::EmailTaken),
    }
}

/// True when `error` is SQLite refusing a second `(workspace_id, email_key)`; only that
/// constraint means "email taken" — any other constraint failure stays an internal error.
fn is_email_conflict(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation() && e.message().contains("users.email_key"))
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
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        if !actor.can(Permission::UsersCreate) {
            actor.require(Permission::UsersInvite)?;
        }
        authorize_roles(&mut conn, &actor, input.is_super_user, &input.role_ids).await?;
        check_step(input, step)?;
        if matches!(step, NewUserStep::Email | NewUserStep::Confirm) {
            let email = validation::email(&input.email)?;
            ensure_email_free(&mut conn, &actor, &email).await?;
        }
        Ok(())
    }

    /// Adds an active user with a password, as a super-user or holding the chosen roles.
    /// Needs `users.create`; adding a super-user needs a super-user; every role given must
    /// grant only permissions the actor holds. Errors: field validation, [`Error::WeakPassword`], [`Error::EmailTaken`],
    /// [`Error::EmailOfRemovedUser`].
    pub async fn create_user(&self, session: &Session, input: NewUser) -> Result<UserDetails> {
        {
            let mut conn = self.pool.acquire().await?;
            let actor = actor::load_ready(&mut conn, session).await?;
            authorize(&mut conn, &actor, &input).await?;
        }
        let valid = validate(&input)?;
        let hash = self.hash(&input.password).await?;
        let now = self.now();
        let user_id = new_id();

        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        let role_ids = authorize(&mut tx, &actor, &input).await?;
        ensure_email_free(&mut tx, &actor, &valid.email).await?;
        let row = super::NewRow {
            id: &user_id,
            workspace_id: &actor.workspace_id,
            email: &valid.email,
            first_name: &valid.first_name,
            last_name: &valid.last_name,
            phone: &valid.phone,
            status: Status::Active,
            is_super_user: input.is_super_user,
            password_hash: Some(&hash),
            must_change_password: input.must_change_password,
            role_ids: &role_ids,
            at: &now,
        };
        super::insert(&mut tx, &row)
            .await
            .map_err(email_conflict_or)?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                action: "user.create",
                target_type: "user",
                target_id: &user_id,
                fields: &[
                    "email",
                    "firstName",
                    "lastName",
                    "phone",
                    "roles",
                    "password",
                    "mustChangePassword",
                ],
                at: &now,
                seats: 1,
            },
        )
        .await?;
        let details = self.details(&mut tx, &actor.workspace_id, &user_id).await?;
        tx.commit().await?;
        Ok(details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_the_email_constraint_reads_as_email_taken() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pool = store::open(&dir.path().join("t.db")).await.expect("open");
        let insert = |email_key: Option<&'static str>| {
            sqlx::query(
                "INSERT INTO users (id, workspace_id, email, email_key, first_name, name_key, search_text, status, created_at, updated_at)
                 VALUES (?, 'w', 'a@example.com', ?, 'A', 'a', 'a', 'active', 't', 't')",
            )
            .bind(new_id())
            .bind(email_key)
        };
        let mut conn = pool.acquire().await.expect("conn");
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await
            .expect("pragma");
        insert(Some("a@example.com"))
            .execute(&mut *conn)
            .await
            .expect("first");
        let duplicate = insert(Some("a@example.com"))
            .execute(&mut *conn)
            .await
            .expect_err("unique");
        assert!(is_email_conflict(&duplicate));
        let missing = insert(None)
            .execute(&mut *conn)
            .await
            .expect_err("not null");
        assert!(!is_email_conflict(&missing));
    }
}
