//! Signing in on a replica. The replica holds its user's own password hash, so sign-in works
//! offline; but what it holds may be out of date — the password was reset on another
//! computer, or the user was removed and restored meanwhile (the removal ended their hub
//! session, so the replica could not hear of the restore). When the replica refuses a
//! sign-in of its own user, the hub, which holds the truth, is asked. Renewing an ended hub
//! session can likewise bring a change that ends the session on this computer; the same
//! password then signs in here too.

use super::HubClient;
use crate::Roster;
use crate::error::{Error, Result};
use crate::model::{SessionInfo, SignInInput};
use crate::permissions::Session;
use crate::text::email_key;

impl Roster {
    /// [`Roster::sign_in`], and when it answers [`Error::InvalidCredentials`] for the
    /// replica's own user, a sign-in at the replica's hub (`hub_for` makes the client for an
    /// address): when the hub accepts, its session is kept, what changed is pulled (the
    /// user's status and current hash among it) and the sign-in is tried here again. Errors:
    /// as [`Roster::sign_in`]; the hub's own refusal ([`Error::InvalidCredentials`],
    /// [`Error::LockedOut`] …) when it answers; the replica's answer when the hub is away.
    pub async fn sign_in_here_or_at_hub(
        &self,
        input: SignInInput,
        hub_for: impl Fn(&str) -> Result<HubClient>,
    ) -> Result<(Session, SessionInfo)> {
        let here = self.sign_in(input.clone()).await;
        if !matches!(here, Err(Error::InvalidCredentials)) {
            return here;
        }
        let Ok(workspace_id) = self.workspace_for_sign_in(input.workspace_id.clone()).await else {
            return here;
        };
        let Some(link) = self.hub_link(&workspace_id).await? else {
            return here;
        };
        let own_email = self.email_of(&workspace_id, &link.user_id).await?;
        // Only the replica's own user's hash ever comes down: nobody else can sign in here.
        if own_email.is_none_or(|email| email_key(&email) != email_key(&input.email)) {
            return here;
        }
        let hub = hub_for(&link.hub_address)?;
        match self
            .sign_in_to_hub_again(&workspace_id, &hub, &input.password)
            .await
        {
            Ok(()) => {}
            Err(Error::HubUnreachable { .. }) => return here,
            Err(refused) => return Err(refused),
        }
        self.pull_from_hub(&workspace_id, &hub, None).await?;
        self.sign_in(SignInInput {
            workspace_id: Some(workspace_id),
            ..input
        })
        .await
    }

    /// "Sign in to the hub again" with `password` after `session`'s hub session ended, then
    /// what changed meanwhile is pulled. When that ends `session` here too (a removal and
    /// restore, a password reset: the credential version moved on), the same password signs
    /// in here again. Returns the session to use from now on. Errors: as
    /// [`Roster::sign_in_to_hub_again`] and [`Roster::pull_from_hub`]; [`Roster::sign_in`]'s.
    pub async fn renew_hub_session(
        &self,
        session: &Session,
        hub: &HubClient,
        password: &crate::Secret,
    ) -> Result<Session> {
        self.sign_in_to_hub_again(&session.workspace_id, hub, password)
            .await?;
        self.pull_from_hub(&session.workspace_id, hub, None).await?;
        match self.session_info(session).await {
            Ok(_) => Ok(session.clone()),
            Err(Error::Unauthenticated) => {
                let email = self
                    .email_of(&session.workspace_id, &session.user_id)
                    .await?
                    .ok_or(Error::Unauthenticated)?;
                let (renewed, _) = self
                    .sign_in(SignInInput {
                        workspace_id: Some(session.workspace_id.clone()),
                        email,
                        password: password.clone(),
                    })
                    .await?;
                Ok(renewed)
            }
            Err(other) => Err(other),
        }
    }

    /// The email of `user_id` as this computer holds it, if it holds the user.
    pub(super) async fn email_of(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<String>> {
        let mut tx = self.read().await?;
        Ok(tx.user(workspace_id, user_id).await?.map(|u| u.email))
    }
}
