//! The one way users are written: keys are derived here from the values they index (so no
//! caller can store them inconsistently), and every status change goes through
//! [`change_status`], which also records it.

use crate::changes::{self, By, Change, StatusChange};
use crate::error::Result;
use crate::model::Status;
use crate::store::{Kept, Names, NewUserRow, Tx, UserPatch};
use crate::text::{display_name, email_key, search_text, sort_key};

/// A new user as every path that adds users writes it (first run, Add user, invitations).
pub(crate) struct NewRow<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: &'a str,
    pub status: Status,
    pub is_super_user: bool,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
    /// Empty for a super-user.
    pub role_ids: &'a [String],
    pub at: &'a str,
    /// Versions of a row copied from another copy of the Workspace; `None` for a new user.
    pub kept: Option<Kept<'a>>,
}

/// Inserts the user and their roles. Errors: [`crate::Error::EmailTaken`].
pub(crate) async fn insert(tx: &mut dyn Tx, row: &NewRow<'_>) -> Result<()> {
    tx.insert_user(&NewUserRow {
        id: row.id,
        workspace_id: row.workspace_id,
        email: row.email,
        email_key: email_key(row.email),
        first_name: row.first_name,
        last_name: row.last_name,
        name_key: sort_key(&display_name(row.first_name, row.last_name)),
        search_text: search_text(row.first_name, row.last_name, row.email),
        phone: row.phone,
        status: row.status,
        is_super_user: row.is_super_user,
        password_hash: row.password_hash,
        must_change_password: row.must_change_password,
        role_ids: row.role_ids,
        at: row.at,
        kept: row.kept,
    })
    .await
}

/// New names and phone of a user whose address is `email`, with the keys made from them.
pub(crate) fn names(first_name: &str, last_name: &str, phone: &str, email: &str) -> Names {
    Names {
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        phone: phone.to_owned(),
        name_key: sort_key(&display_name(first_name, last_name)),
        search_text: search_text(first_name, last_name, email),
    }
}

/// Moves the user `user_id` (now `from`) to the status `how` leads to, with the other columns
/// of `patch`, and records the change. Removing ends every session for good (the credential
/// version moves on, so a session from before the removal stays ended after a Restore);
/// restoring brings back an active user, or an invited one if they never set a password
/// (`has_password`).
pub(crate) async fn change_status(
    tx: &mut dyn Tx,
    by: By<'_>,
    user_id: &str,
    from: Status,
    how: StatusChange,
    has_password: bool,
    patch: UserPatch,
) -> Result<()> {
    let to = match how {
        StatusChange::Removed | StatusChange::Revoked => Status::Removed,
        StatusChange::Restored if !has_password => Status::Invited,
        StatusChange::Restored | StatusChange::Accepted => Status::Active,
    };
    let patch = UserPatch {
        status: Some((to, (to == Status::Removed).then(|| by.at.to_owned()))),
        end_sessions: patch.end_sessions || how == StatusChange::Removed,
        ..patch
    };
    tx.update_user(user_id, &patch, by.at).await?;
    changes::record(
        tx,
        by,
        Change::StatusChanged {
            user_id,
            how,
            from,
            to,
        },
    )
    .await
}
