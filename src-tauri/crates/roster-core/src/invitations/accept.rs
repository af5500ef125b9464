//! Accepting an invitation: whoever holds the code sees the Workspace and email, chooses a
//! password under the usual policy, and is signed in as an active member. Works in any Roster
//! that opens the same database; with a shared hub the same lookup runs there.

use super::expired;
use crate::changes::{By, StatusChange};
use crate::error::{Error, Field, Result};
use crate::model::{InvitationAcceptance, InvitationPreview, SessionInfo, Status};
use crate::passwords;
use crate::permissions::{Permission, Session};
use crate::store::{FoundInvitation as Found, Tx, UserPatch};
use crate::text::display_name;
use crate::token;
use crate::{Roster, actor, attempts, users};

/// The invitation behind a pasted code or link, refused with the reason it cannot be used.
async fn usable(tx: &mut dyn Tx, pasted: &str, now: &str) -> Result<Found> {
    let found = tx.invitation_by_token(&token::hash(pasted)).await?;
    let found = found.ok_or(Error::InvitationNotFound)?;
    match (found.state.as_str(), found.status) {
        ("accepted", _) | (_, Status::Active) => Err(Error::InvitationUsed),
        ("replaced", _) => Err(Error::InvitationReplaced),
        ("revoked", _) | (_, Status::Removed) => Err(Error::InvitationRevoked),
        _ if expired(&found.expires_at, now) => Err(Error::InvitationExpired),
        _ => Ok(found),
    }
}

impl Roster {
    /// What the "Accept invitation" screen shows for a code (or a whole link), or why it
    /// cannot be used: [`Error::InvitationNotFound`], [`Error::InvitationExpired`],
    /// [`Error::InvitationUsed`], [`Error::InvitationReplaced`], [`Error::InvitationRevoked`].
    /// Needs no session: the code is the credential.
    pub async fn invitation_preview(&self, pasted: &str) -> Result<InvitationPreview> {
        let mut tx = self.read().await?;
        let found = usable(&mut *tx, pasted, &self.now()).await?;
        let user = users::fetch(&mut *tx, &found.workspace_id, &found.user_id).await?;
        Ok(InvitationPreview {
            workspace_name: found.workspace_name,
            email: found.email,
            first_name: found.first_name,
            invited_by: match found.inviter_first {
                Some(first) => display_name(&first, &found.inviter_last.unwrap_or_default()),
                None => "Roster".to_owned(),
            },
            expires_at: found.expires_at,
            permissions: if user.is_super_user {
                Permission::ALL.to_vec()
            } else {
                user.permissions
            },
        })
    }

    /// "Accept invitation": sets the invited user's password (policy as everywhere, checked
    /// against their email and names), makes them active — a seat from now — ends the
    /// invitation so the code works once, and signs them in. The refusals of
    /// [`Roster::invitation_preview`] apply, checked again inside the write so two windows
    /// accepting at once make one account and one password.
    pub async fn accept_invitation(
        &self,
        input: InvitationAcceptance,
    ) -> Result<(Session, SessionInfo)> {
        let found = {
            let mut tx = self.read().await?;
            usable(&mut *tx, &input.token, &self.now()).await?
        };
        let inputs = [
            found.email.as_str(),
            found.first_name.as_str(),
            found.last_name.as_str(),
        ];
        passwords::check_policy(Field::Password, &input.password, &inputs)?;
        passwords::check_confirmation(&input.password, &input.confirm_password)?;
        let hash = self.hash(&input.password).await?;

        let mut tx = self.write().await?;
        let now = self.now();
        let found = usable(&mut *tx, &input.token, &now).await?;
        let by = By {
            workspace_id: &found.workspace_id,
            actor_id: Some(&found.user_id),
            at: &now,
        };
        let patch = UserPatch {
            password_hash: Some(hash),
            must_change_password: Some(false),
            ..UserPatch::default()
        };
        let accepted = StatusChange::Accepted;
        let user_id = &found.user_id;
        users::write::change_status(
            &mut *tx,
            by,
            user_id,
            Status::Invited,
            accepted,
            true,
            patch,
        )
        .await?;
        attempts::clear_in(&mut *tx, user_id, Some(&now), &now).await?;
        tx.set_invitation_state(&found.id, "accepted", &now).await?;
        let session = actor::session_for(&mut *tx, &found.workspace_id, &found.user_id).await?;
        tx.commit().await?;
        let info = self.session_info(&session).await?;
        Ok((session, info))
    }
}
