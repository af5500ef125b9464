//! The `users` table and the roles each user holds (`user_roles`, written only with its user).

use crate::error::Result;
use crate::model::Status;

/// A user as the list, the panel and the downloads read them. `role_names` are the names of
/// the live roles held, by name, joined with ", " (none for a user holding none).
#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub is_super_user: bool,
    pub status: Status,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    pub removed_at: Option<String>,
    pub must_change_password: bool,
    pub version: i64,
    pub role_names: Option<String>,
}

/// A live role a user holds, with the permission names it grants (unparsed).
#[derive(Debug, Clone)]
pub(crate) struct HeldRole {
    pub id: String,
    pub permissions: Vec<String>,
}

/// A user as Import compares a row of its file with them.
#[derive(Debug, Clone)]
pub(crate) struct KnownUser {
    pub id: String,
    pub email_key: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub status: Status,
    pub is_super_user: bool,
    /// Whether a password is stored (a Restore brings back an active user then).
    pub has_password: bool,
    /// The live roles held, in no particular order.
    pub role_ids: Vec<String>,
}

/// What signing in and loading the actor need of a user.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub status: Status,
    pub is_super_user: bool,
    pub must_change_password: bool,
    /// Moves on whenever every session of the user must end.
    pub credential_version: i64,
    /// The stored PHC string; none for a user who never set a password.
    pub password_hash: Option<String>,
}

/// Values of a user row copied from another copy of the Workspace (the hub to a replica, a
/// publisher to the hub), stored as they are instead of being started or moved on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kept<'a> {
    pub version: i64,
    pub credential_version: i64,
    pub removed_at: Option<&'a str>,
}

/// A new user row with its keys already derived (see `users::write`).
pub(crate) struct NewUserRow<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub email: &'a str,
    pub email_key: String,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub name_key: String,
    pub search_text: String,
    pub phone: &'a str,
    pub status: Status,
    pub is_super_user: bool,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
    /// Empty for a super-user.
    pub role_ids: &'a [String],
    pub at: &'a str,
    /// Versions and removal time of a copied row; `None` for a new user.
    pub kept: Option<Kept<'a>>,
}

/// The columns one change of a user sets; `None` leaves a column as it is. Built only by
/// `users::write`, which derives the keys.
#[derive(Debug, Default, Clone)]
pub(crate) struct UserPatch {
    /// First name, last name, phone, and the name key and search text made from them.
    pub names: Option<Names>,
    pub email_key: Option<String>,
    pub is_super_user: Option<bool>,
    /// The new status with its `removed_at` (set when removed, cleared otherwise).
    pub status: Option<(Status, Option<String>)>,
    pub password_hash: Option<String>,
    pub must_change_password: Option<bool>,
    /// Ends every session of the user: the credential version moves on.
    pub end_sessions: bool,
    /// The roles the user holds from now on (every one replaced).
    pub role_ids: Option<Vec<String>>,
    /// Clears the stored password hash: a replica holds no other user's hash.
    pub forget_password: bool,
    /// `(version, credential_version)` of a copied row, set as they are instead of moved on.
    pub kept: Option<(i64, i64)>,
}

/// Names and phone with the keys derived from them and the email.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub name_key: String,
    pub search_text: String,
}

/// The `users` table.
#[async_trait::async_trait]
pub(crate) trait UserStore {
    /// The user `user_id` of `workspace_id` with the names of the roles they hold.
    async fn user(&mut self, workspace_id: &str, user_id: &str) -> Result<Option<UserRow>>;

    /// The live roles `user_id` holds, by name.
    async fn held_roles(&mut self, user_id: &str) -> Result<Vec<HeldRole>>;

    /// Which of `user_ids` are users of `workspace_id` (whatever their status).
    async fn existing_users(
        &mut self,
        workspace_id: &str,
        user_ids: &[String],
    ) -> Result<std::collections::BTreeSet<String>>;

    /// Sign-in facts of `user_id` in `workspace_id`.
    async fn credentials(
        &mut self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<Credentials>>;

    /// The user of the Workspace with this email key, and their status.
    async fn email_owner(
        &mut self,
        workspace_id: &str,
        email_key: &str,
    ) -> Result<Option<(String, Status)>>;

    /// The users of the Workspace whose email keys are among `email_keys` (each key is one
    /// look-up in the Workspace's unique email index).
    async fn users_by_email_keys(
        &mut self,
        workspace_id: &str,
        email_keys: &[String],
    ) -> Result<Vec<KnownUser>>;

    /// Active super-users of the Workspace other than `except`.
    async fn active_super_users(&mut self, workspace_id: &str, except: Option<&str>)
    -> Result<i64>;

    /// Users of the Workspace per status, from the counts the database keeps.
    async fn status_counts(&mut self, workspace_id: &str) -> Result<Vec<(Status, i64)>>;

    /// `(id, workspace_id, email, email_key)` of every user whose stored key holds a
    /// non-ASCII character or an `xn--` label: the only keys a change of the key rules can
    /// make stale.
    async fn unicode_email_keys(&mut self) -> Result<Vec<(String, String, String, String)>>;

    /// Every holder of `role_id` (removed users too) with every live role they hold.
    async fn holders_of(&mut self, role_id: &str) -> Result<Vec<(String, Vec<String>)>>;

    /// Inserts a user and their roles. Errors: [`crate::Error::EmailTaken`] when the
    /// Workspace has a user with the same email key.
    async fn insert_user(&mut self, row: &NewUserRow<'_>) -> Result<()>;

    /// The one change of a user row: sets what `patch` names, bumps `version`, sets
    /// `updated_at` to `at`. Errors: [`crate::Error::NotFound`] for an unknown id.
    async fn update_user(&mut self, user_id: &str, patch: &UserPatch, at: &str) -> Result<()>;
}
