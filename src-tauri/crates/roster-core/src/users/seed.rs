//! Adding many users who share one password, for the demo and the benchmarks (cargo feature
//! `demo`): the same validation, permission checks and writers as "Add user" and "Remove from
//! Workspace", so sample data can never hold what the product would refuse — only hashed once,
//! and with the dates each sample gives.

use super::{authorize_roles, check_invitation, ensure_email_free, write};
use crate::changes::{self, By, Change, StatusChange};
use crate::error::{Error, Field, Result};
use crate::model::{NewInvitation, Status};
use crate::passwords::{self, Secret};
use crate::permissions::{Permission, Session};
use crate::store::UserPatch;
use crate::{Roster, actor, new_id};

/// One user to add: as "Add user" takes them, with when they were added and, if they were
/// removed later, when.
pub(crate) struct SampleUser {
    pub user: NewInvitation,
    /// RFC 3339 UTC.
    pub added_at: String,
    /// RFC 3339 UTC, after `added_at`.
    pub removed_at: Option<String>,
}

/// Users added per transaction. PostgreSQL keeps every version of a row changed inside one
/// transaction, and each added user moves the Workspace's status counts: a single transaction
/// for 100,000 users walked ever longer version chains (it had not finished after ten
/// minutes), while batches of a thousand take seconds.
const BATCH: usize = 1_000;

impl Roster {
    /// Adds every user of `users` as active with `password`, in transactions of [`BATCH`]
    /// users (a failure keeps the batches before it), and removes those with a removal date.
    /// Needs `users.create` (and `users.remove` for removals); super-users and roles as in
    /// "Add user". The password passes the policy once, without
    /// each user's names as known inputs. Returns the new users' ids, in order.
    /// Errors: as [`Roster::create_user`] and [`Roster::remove_user`].
    pub(crate) async fn add_users_sharing_password(
        &self,
        session: &Session,
        users: &[SampleUser],
        password: &Secret,
    ) -> Result<Vec<String>> {
        passwords::check_policy(Field::Password, password, &[])?;
        let hash = self.hash(password).await?;
        let mut ids = Vec::with_capacity(users.len());
        for batch in users.chunks(BATCH) {
            ids.extend(self.add_batch(session, batch, &hash).await?);
        }
        Ok(ids)
    }

    /// One transaction of [`Roster::add_users_sharing_password`].
    async fn add_batch(
        &self,
        session: &Session,
        users: &[SampleUser],
        hash: &str,
    ) -> Result<Vec<String>> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::UsersCreate)?;
        let mut ids = Vec::with_capacity(users.len());
        for sample in users {
            let valid = check_invitation(&sample.user)?;
            let role_ids = authorize_roles(
                &mut *tx,
                &actor,
                sample.user.is_super_user,
                &sample.user.role_ids,
            )
            .await?;
            ensure_email_free(&mut *tx, &actor, &valid.email).await?;
            let id = new_id();
            let row = write::NewRow {
                id: &id,
                workspace_id: &actor.workspace_id,
                email: &valid.email,
                first_name: &valid.first_name,
                last_name: &valid.last_name,
                phone: &valid.phone,
                status: Status::Active,
                is_super_user: sample.user.is_super_user,
                password_hash: Some(hash),
                must_change_password: false,
                role_ids: &role_ids,
                at: &sample.added_at,
                kept: None,
            };
            write::insert(&mut *tx, &row).await?;
            let by = By {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                at: &sample.added_at,
            };
            let added = Change::UserAdded {
                user_id: &id,
                invited: false,
            };
            changes::record(&mut *tx, by, added).await?;
            if let Some(removed_at) = &sample.removed_at {
                actor.require(Permission::UsersRemove)?;
                if sample.user.is_super_user {
                    actor.require_super_user("remove super-users")?;
                }
                if removed_at < &sample.added_at {
                    return Err(Error::Forbidden(
                        "A user is removed after being added".into(),
                    ));
                }
                let by = By {
                    at: removed_at,
                    ..by
                };
                let how = StatusChange::Removed;
                let patch = UserPatch::default();
                write::change_status(&mut *tx, by, &id, Status::Active, how, true, patch).await?;
            }
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }
}
