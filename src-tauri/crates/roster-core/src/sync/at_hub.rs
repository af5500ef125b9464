//! Changes a replica makes at its hub directly, online (feature `hub-client`), because an
//! operation in the outbox cannot carry them: the outbox is a file on this computer, and a
//! new password or the SMTP password must not wait there in clear. Offline they are refused
//! with a message that says a connection to the hub is needed. Accepting an invitation on a
//! computer that holds no copy of the Workspace yet happens at the hub too, and then joins.

use super::apply;
use super::client::HubClient;
use super::hub::HubSignIn;
use super::link::CopyProgress;
use super::records::Record;
use super::token_name;
use crate::error::{Error, Result};
use crate::model::{
    EmailSettings, EmailSettingsInput, InvitationAcceptance, OwnPasswordChange, SessionInfo,
    SignInInput,
};
use crate::passwords::Secret;
use crate::permissions::{Permission, Session};
use crate::{Roster, actor};

/// A hub that cannot be reached, said as what the change needs.
fn online_only(error: Error) -> Error {
    match error {
        Error::HubUnreachable { reason } => Error::HubUnreachable {
            reason: format!("this change needs a connection to the hub ({reason})"),
        },
        other => other,
    }
}

impl Roster {
    /// "Accept invitation" of a link that names a hub (see [`crate::hub_in_link`]): the
    /// password is set at the hub, then this computer joins the Workspace as the new member
    /// (as [`Roster::join_through_hub`]) and signs in to its replica. Errors: as the hub's
    /// `Roster::accept_invitation` ([`Error::Remote`]); [`Error::HubUnreachable`]; as
    /// [`Roster::join_through_hub`].
    pub async fn accept_invitation_through_hub(
        &self,
        hub: &HubClient,
        input: InvitationAcceptance,
        progress: &(dyn Fn(CopyProgress) + Send + Sync),
    ) -> Result<(Session, SessionInfo)> {
        let HubSignIn::SignedIn {
            token,
            workspace_id,
            user_id,
            ..
        } = hub.accept_invitation(&input).await?
        else {
            return Err(Error::Unauthenticated);
        };
        self.copy_down(hub, &token, &workspace_id, &user_id, progress)
            .await?;
        let email = {
            let mut tx = self.read().await?;
            tx.user(&workspace_id, &user_id)
                .await?
                .ok_or(Error::NotFound("User"))?
                .email
        };
        self.sign_in(SignInInput {
            workspace_id: Some(workspace_id),
            email,
            password: input.password,
        })
        .await
    }

    /// "Change password" of one's own on a replica: made at the hub (which checks the current
    /// password and ends the user's other hub sessions); the new hub session is kept, the
    /// user's own row with the new hash is written here for offline sign-in, and the caller
    /// is signed in here again with the new password. Errors: [`Error::HubUnreachable`]
    /// saying a connection is needed; the hub's refusals as [`Error::Remote`] (a wrong
    /// current password, a weak new one); [`Error::Forbidden`] for a Workspace that is not a
    /// replica.
    pub async fn change_own_password_through_hub(
        &self,
        session: &Session,
        hub: &HubClient,
        input: OwnPasswordChange,
    ) -> Result<(Session, SessionInfo)> {
        actor::load(&mut *self.read().await?, session).await?;
        let workspace_id = &session.workspace_id;
        let link = self.linked(workspace_id, hub).await?;
        if link.user_id != session.user_id {
            return Err(Error::Forbidden(
                "This copy of the Workspace belongs to another user".into(),
            ));
        }
        let token = self.kept_token(workspace_id)?;
        let new_password = input.new_password.clone();
        let changed = hub
            .change_own_password(&token, &input)
            .await
            .map_err(online_only)?;
        self.secrets
            .set(&token_name(workspace_id), &Secret::verbatim(&changed.token))?;
        let email = changed.user.email.clone();
        let now = self.now();
        let mut tx = self.write().await?;
        apply::put(&mut *tx, workspace_id, &Record::User(changed.user), &now).await?;
        tx.commit().await?;
        self.sign_in(SignInInput {
            workspace_id: Some(workspace_id.clone()),
            email,
            password: new_password,
        })
        .await
    }

    /// Settings → Email "Save" on a replica: saved at the hub, which seals the SMTP password
    /// with its own key; this computer keeps the other settings (to show them and to offer
    /// "Send invitation") and never the password. Needs `settings.manage` (checked here and
    /// at the hub). Errors: [`Error::HubUnreachable`] saying a connection is needed; the
    /// hub's refusals as [`Error::Remote`] (validation, a stale form, a hub without a secret
    /// key).
    pub async fn save_email_settings_through_hub(
        &self,
        session: &Session,
        hub: &HubClient,
        input: EmailSettingsInput,
    ) -> Result<EmailSettings> {
        {
            let mut tx = self.read().await?;
            actor::load_ready(&mut *tx, session)
                .await?
                .require(Permission::SettingsManage)?;
        }
        self.linked(&session.workspace_id, hub).await?;
        let token = self.kept_token(&session.workspace_id)?;
        let saved = hub
            .save_email_settings(&token, input)
            .await
            .map_err(online_only)?;
        self.keep_hub_email_settings(&session.workspace_id, &saved)
            .await?;
        Ok(saved)
    }

    /// "Send test email" on a replica: sent by the hub, with the password only it holds.
    /// Errors: [`Error::HubUnreachable`] saying a connection is needed; the hub's refusals
    /// as [`Error::Remote`] (a mail server that refused, [`Error::EmailNotConfigured`]).
    pub async fn send_test_email_through_hub(
        &self,
        session: &Session,
        hub: &HubClient,
        to: &str,
    ) -> Result<()> {
        actor::load_ready(&mut *self.read().await?, session)
            .await?
            .require(Permission::SettingsManage)?;
        self.linked(&session.workspace_id, hub).await?;
        let token = self.kept_token(&session.workspace_id)?;
        hub.send_test_email(&token, to).await.map_err(online_only)
    }
}
