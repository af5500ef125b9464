//! Applying [`Op`]s: the one place a change of a user or a role runs, whether it was made
//! here (a service builds the operation from its form) or on a replica (the hub applies what
//! a replica pushed, as the user who made it).

use super::{create, edit, passwords};
use crate::Roster;
use crate::actor::Actor;
use crate::error::Result;
use crate::model::UserDetails;
use crate::store::Tx;
use crate::sync::ops::{Op, Subject};

/// What applying an operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Applied {
    /// Something was written (an edit that changes nothing writes nothing).
    pub changed: bool,
    /// Erased invitation bytes wait in the database's files: scrub after the commit.
    pub scrub: bool,
}

impl Roster {
    /// Applies `op` as `actor` in `tx`: every permission and rule checked, the rows written
    /// through their writers, the change recorded.
    pub(crate) async fn apply_op(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        op: &Op,
        now: &str,
    ) -> Result<Applied> {
        let changed = |changed| Applied {
            changed,
            scrub: false,
        };
        match op {
            Op::CreateUser { .. } => {
                create::apply_create(tx, actor, &self.hashing, op, now).await?;
                Ok(changed(true))
            }
            Op::EditUser { .. } => Ok(changed(edit::apply_edit(tx, actor, op, now).await?)),
            Op::EditProfile { .. } => Ok(changed(edit::apply_profile(tx, actor, op, now).await?)),
            Op::RemoveUser { .. } | Op::RestoreUser { .. } => {
                let (changed, scrub) = edit::apply_status(tx, actor, op, now).await?;
                Ok(Applied { changed, scrub })
            }
            Op::ResetPassword { .. } => {
                passwords::apply_reset(tx, actor, &self.hashing, op, now).await?;
                Ok(changed(true))
            }
            Op::InviteUser { .. } => {
                crate::invitations::apply_invite(self, tx, actor, op, now).await?;
                Ok(changed(true))
            }
            Op::ResendInvitation { .. } | Op::RevokeInvitation { .. } => {
                crate::invitations::apply_resend_or_revoke(self, tx, actor, op, now).await?;
                // The ended code's email is erased: its bytes wait in the files until a scrub.
                Ok(Applied {
                    changed: true,
                    scrub: true,
                })
            }
            Op::CreateRole { .. } | Op::EditRole { .. } | Op::DeleteRole { .. } => {
                Ok(changed(crate::roles::apply(tx, actor, op, now).await?))
            }
        }
    }

    /// Applies `op`, made here by `actor`, in `tx`, and on a replica appends it to the outbox
    /// in the same transaction (so a change never exists without its operation, nor the
    /// other way round). The caller reads what it shows and commits.
    pub(crate) async fn apply_here(
        &self,
        tx: &mut dyn Tx,
        actor: &Actor,
        op: &Op,
        now: &str,
    ) -> Result<Applied> {
        let applied = self.apply_op(tx, actor, op, now).await?;
        if applied.changed {
            crate::sync::enqueue(tx, actor, op, now).await?;
        }
        Ok(applied)
    }

    /// [`Roster::apply_here`] for an operation about a user; commits; returns the user as
    /// they are now.
    pub(crate) async fn commit_op(
        &self,
        mut tx: Box<dyn Tx>,
        actor: &Actor,
        op: Op,
    ) -> Result<UserDetails> {
        let now = self.now();
        let applied = self.apply_here(&mut *tx, actor, &op, &now).await?;
        let Subject::User(user_id) = op.subject(&actor.user_id) else {
            return Err(crate::Error::NotFound("User"));
        };
        let details = self.details(&mut *tx, &actor.workspace_id, user_id).await?;
        tx.commit().await?;
        if applied.scrub {
            self.db.scrub().await?;
        }
        Ok(details)
    }
}
