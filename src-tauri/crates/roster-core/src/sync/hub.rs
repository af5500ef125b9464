//! The hub's services: enrolment codes, publishing a Workspace, and hub sessions.
//!
//! Nobody creates or overwrites a Workspace on a hub without a one-time enrolment code from
//! its operator (`roster-hub enrol`). A hub session is a 256-bit random token (only its
//! SHA-256 is stored) that expires after [`HUB_SESSION_DAYS`], ends on sign-out, and — like a
//! desktop session — ends when the user's credential version moves on (password reset or
//! change, removal), checked on every request through [`crate::actor::load`].

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::apply;
use super::records::{Record, UserRecord, WorkspaceRecord};
use crate::changes::{self, By, Change};
use crate::clock::{parse_timestamp, timestamp};
use crate::error::{Error, Result};
use crate::model::{
    InvitationAcceptance, OwnPasswordChange, SignInInput, Status, WorkspaceSummary,
};
use crate::permissions::Session;
use crate::store::Tx;
use crate::store::hub::{EnrolmentRow, EnrolmentState, HubSessionRow, HubStore};
use crate::text::email_key;
use crate::{Roster, token};

/// How long an enrolment code stays valid: one working day to start the copy.
pub const ENROLMENT_HOURS: i64 = 24;

/// How long a hub session lasts without signing in again. A remembered device, not a browser
/// tab: a replica works offline for weeks, and a password change, a removal or sign-out ends
/// the session at once whatever its age (OWASP Session Management Cheat Sheet, 2025:
/// absolute timeouts by risk; credential changes end sessions).
pub const HUB_SESSION_DAYS: i64 = 30;

/// A new enrolment code: shown once, stored only as its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolment {
    /// 43 URL-safe characters.
    pub code: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// What a hub answers to a sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum HubSignIn {
    /// Signed in: keep `token` (in the OS keychain) and send it with every request.
    #[serde(rename_all = "camelCase")]
    SignedIn {
        /// The hub session's bearer token.
        token: String,
        /// The Workspace signed in to.
        workspace_id: String,
        /// Its name.
        workspace_name: String,
        /// The signed-in user.
        user_id: String,
        /// When the session ends at the latest (RFC 3339 UTC).
        expires_at: String,
    },
    /// The email and password are right in several Workspaces on this hub: sign in again
    /// naming one.
    #[serde(rename_all = "camelCase")]
    ChooseWorkspace {
        /// The Workspaces, by name.
        workspaces: Vec<WorkspaceSummary>,
    },
}

/// A Workspace published completely.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedWorkspace {
    /// The Workspace's id, as it was on the publisher's machine.
    pub workspace_id: String,
    /// The feed version after the copy: the publisher's replica starts its cursor here.
    pub head: i64,
}

/// What a hub answers to a change of one's own password: the caller's new hub session (every
/// other one ended with the old password) and their own row, with the new hash for offline
/// sign-in on the replica.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChanged {
    /// The new hub session's bearer token.
    pub token: String,
    /// When it ends at the latest (RFC 3339 UTC).
    pub expires_at: String,
    /// The caller's own row as the hub holds it now.
    pub user: UserRecord,
}

fn hub_of(tx: &mut dyn Tx) -> Result<&mut dyn HubStore> {
    tx.hub()
        .ok_or_else(|| Error::Forbidden("This database is not a hub's".into()))
}

/// The enrolment that `code` names, while it may still be used for a copy: open and not
/// expired, or copying. Anything else is [`Error::EnrolmentInvalid`].
async fn usable_enrolment(hub: &mut dyn HubStore, code: &str, now: &str) -> Result<EnrolmentRow> {
    let row = hub
        .enrolment(&token::digest(code))
        .await?
        .ok_or(Error::EnrolmentInvalid)?;
    let expired = parse_timestamp(&row.expires_at) <= parse_timestamp(now);
    match row.state {
        EnrolmentState::Open if !expired => Ok(row),
        EnrolmentState::Copying => Ok(row),
        _ => Err(Error::EnrolmentInvalid),
    }
}

impl Roster {
    /// A new one-time enrolment code, valid for [`ENROLMENT_HOURS`]: what `roster-hub enrol`
    /// prints. Errors: [`Error::Forbidden`] on a database that is not a hub's.
    pub async fn create_enrolment(&self) -> Result<Enrolment> {
        let now = self.clock.now();
        let code = token::random()?;
        let expires_at = timestamp(now + Duration::hours(ENROLMENT_HOURS));
        let mut tx = self.write().await?;
        hub_of(&mut *tx)?
            .insert_enrolment(&token::digest(&code), &expires_at, &timestamp(now))
            .await?;
        tx.commit().await?;
        Ok(Enrolment { code, expires_at })
    }

    /// Starts (or resumes) publishing the Workspace `workspace` with `code`: the Workspace
    /// is made on the hub with its own id, name and version, and stays closed to sign-in until
    /// [`Roster::publish_finish`]. Errors: [`Error::EnrolmentInvalid`]; [`Error::Forbidden`]
    /// when the code is already copying another Workspace or the id is taken on the hub.
    pub async fn publish_start(&self, code: &str, workspace: &WorkspaceRecord) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let hub = hub_of(&mut *tx)?;
        let enrolment = usable_enrolment(hub, code, &now).await?;
        match enrolment.workspace_id.as_deref() {
            Some(id) if id == workspace.id => return Ok(()),
            Some(_) => {
                return Err(Error::Forbidden(
                    "This enrolment code is copying another Workspace".into(),
                ));
            }
            None => {}
        }
        if tx.workspace_name(&workspace.id).await.is_ok() {
            return Err(Error::Forbidden(
                "This Workspace is on the hub already".into(),
            ));
        }
        apply::put(
            &mut *tx,
            &workspace.id,
            &Record::Workspace(workspace.clone()),
            &now,
        )
        .await?;
        let copying = EnrolmentRow {
            state: EnrolmentState::Copying,
            workspace_id: Some(workspace.id.clone()),
            ..enrolment
        };
        hub_of(&mut *tx)?
            .update_enrolment(&token::digest(code), &copying, &now)
            .await?;
        tx.commit().await
    }

    /// One page of a Workspace being published (roles before the users who hold them), in
    /// one transaction. Pages may be sent again (a lost answer): rows are written whole, by
    /// id. Errors: [`Error::EnrolmentInvalid`]; the validators' errors for a bad row (with the
    /// field), and nothing of the page is kept.
    pub async fn publish_rows(&self, code: &str, records: &[Record]) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let enrolment = usable_enrolment(hub_of(&mut *tx)?, code, &now).await?;
        let Some(workspace_id) = enrolment.workspace_id else {
            return Err(Error::EnrolmentInvalid);
        };
        apply::put_all(&mut *tx, &workspace_id, records, &now).await?;
        tx.commit().await
    }

    /// Ends publishing: `publisher_id` must be an active super-user of the copy (the one who
    /// shared it); the code is spent and the Workspace opens for sign-in. Errors:
    /// [`Error::EnrolmentInvalid`]; [`Error::Forbidden`] when the publisher is not an active
    /// super-user of the copy.
    pub async fn publish_finish(
        &self,
        code: &str,
        publisher_id: &str,
    ) -> Result<PublishedWorkspace> {
        let now = self.now();
        let mut tx = self.write().await?;
        let enrolment = usable_enrolment(hub_of(&mut *tx)?, code, &now).await?;
        let Some(workspace_id) = enrolment.workspace_id.clone() else {
            return Err(Error::EnrolmentInvalid);
        };
        let publisher = tx.credentials(&workspace_id, publisher_id).await?;
        if !publisher.is_some_and(|p| p.is_super_user && p.status == Status::Active) {
            return Err(Error::Forbidden(
                "Only an active super-user of the Workspace can share it".into(),
            ));
        }
        let by = By {
            workspace_id: &workspace_id,
            actor_id: Some(publisher_id),
            at: &now,
        };
        changes::record(&mut *tx, by, Change::WorkspacePublished).await?;
        let published = EnrolmentRow {
            state: EnrolmentState::Published,
            publisher_id: Some(publisher_id.to_owned()),
            ..enrolment
        };
        let hub = hub_of(&mut *tx)?;
        hub.update_enrolment(&token::digest(code), &published, &now)
            .await?;
        let head = hub.feed_head(&workspace_id).await?;
        tx.commit().await?;
        Ok(PublishedWorkspace { workspace_id, head })
    }

    /// Signs in at the hub with Roster credentials: the same checks and back-off per account
    /// as [`Roster::sign_in`], in Workspaces that were published completely. Without a
    /// Workspace id, every published Workspace where the email is an active user is tried;
    /// when the password is right in several, the answer names them (after the password was
    /// verified, so it reveals nothing to someone without it).
    /// Errors: as [`Roster::sign_in`].
    pub async fn hub_sign_in(&self, input: SignInInput) -> Result<HubSignIn> {
        let key = email_key(&input.email);
        let candidates: Vec<(String, String)> = {
            let mut tx = self.read().await?;
            hub_of(&mut *tx)?.workspaces_of(&key).await?
        };
        let chosen: Vec<(String, String)> = match &input.workspace_id {
            Some(id) => candidates.into_iter().filter(|(w, _)| w == id).collect(),
            None => candidates,
        };
        if chosen.is_empty() {
            self.verify(&input.password, None).await?;
            return Err(Error::InvalidCredentials);
        }
        let mut signed_in = Vec::new();
        let mut first_error = None;
        for (workspace_id, name) in &chosen {
            let attempt = SignInInput {
                workspace_id: Some(workspace_id.clone()),
                email: input.email.clone(),
                password: input.password.clone(),
            };
            match self.sign_in(attempt).await {
                Ok((session, _)) => signed_in.push((session, name.clone())),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        match signed_in.len() {
            0 => Err(first_error.unwrap_or(Error::InvalidCredentials)),
            1 => {
                let (session, workspace_name) = signed_in.remove(0);
                self.open_hub_session(session, workspace_name).await
            }
            _ => Ok(HubSignIn::ChooseWorkspace {
                workspaces: signed_in
                    .into_iter()
                    .map(|(s, name)| WorkspaceSummary {
                        id: s.workspace_id,
                        name,
                    })
                    .collect(),
            }),
        }
    }

    async fn open_hub_session(
        &self,
        session: Session,
        workspace_name: String,
    ) -> Result<HubSignIn> {
        let now = self.clock.now();
        let token = token::random()?;
        let expires_at = timestamp(now + Duration::days(HUB_SESSION_DAYS));
        let row = HubSessionRow {
            workspace_id: session.workspace_id.clone(),
            user_id: session.user_id.clone(),
            credential_version: session.credential_version,
            expires_at: expires_at.clone(),
            ended_at: None,
        };
        let mut tx = self.write().await?;
        hub_of(&mut *tx)?
            .insert_hub_session(&token::digest(&token), &row, &timestamp(now))
            .await?;
        tx.commit().await?;
        Ok(HubSignIn::SignedIn {
            token,
            workspace_id: session.workspace_id,
            workspace_name,
            user_id: session.user_id,
            expires_at,
        })
    }

    /// "Accept invitation" at the hub, for a computer that holds no copy of the Workspace
    /// yet: [`Roster::accept_invitation`] on the hub's database, then a hub session for the
    /// new member, who joins with it. Errors: as [`Roster::accept_invitation`].
    pub async fn hub_accept_invitation(&self, input: InvitationAcceptance) -> Result<HubSignIn> {
        let (session, info) = self.accept_invitation(input).await?;
        self.open_hub_session(session, info.workspace_name).await
    }

    /// "Change password" of one's own at the hub: [`Roster::change_own_password`] on the
    /// hub's database (the current password checked there with Argon2id, counted like a
    /// sign-in). The user's credential version moves on, which ends every hub session of
    /// theirs, this one too; the answer carries the new one. Errors: as
    /// [`Roster::change_own_password`].
    pub async fn hub_change_own_password(
        &self,
        session: &Session,
        input: OwnPasswordChange,
    ) -> Result<PasswordChanged> {
        let (renewed, info) = self.change_own_password(session, input).await?;
        let user = {
            let mut tx = self.read().await?;
            let own = std::slice::from_ref(&renewed.user_id);
            hub_of(&mut *tx)?
                .users_by_id(&renewed.workspace_id, own, &renewed.user_id)
                .await?
                .pop()
                .ok_or(Error::NotFound("User"))?
        };
        match self.open_hub_session(renewed, info.workspace_name).await? {
            HubSignIn::SignedIn {
                token, expires_at, ..
            } => Ok(PasswordChanged {
                token,
                expires_at,
                user,
            }),
            HubSignIn::ChooseWorkspace { .. } => Err(Error::Unauthenticated),
        }
    }

    /// The session a hub token stands for. It carries no power by itself: every service still
    /// reads the actor fresh and refuses a user whose credentials moved on.
    /// Errors: [`Error::Unauthenticated`] for an unknown, ended or expired token.
    pub async fn hub_session(&self, token: &str) -> Result<Session> {
        let now = self.clock.now();
        let mut tx = self.read().await?;
        let row = hub_of(&mut *tx)?
            .hub_session(&token::digest(token))
            .await?
            .filter(|s| s.ended_at.is_none())
            .filter(|s| parse_timestamp(&s.expires_at).is_some_and(|end| end > now))
            .ok_or(Error::Unauthenticated)?;
        Ok(Session {
            user_id: row.user_id,
            workspace_id: row.workspace_id,
            credential_version: row.credential_version,
        })
    }

    /// Ends the hub session of `token` (sign-out). Errors: [`Error::Unauthenticated`] for an
    /// unknown token.
    pub async fn hub_sign_out(&self, token: &str) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        hub_of(&mut *tx)?
            .end_hub_session(&token::digest(token), &now)
            .await?;
        tx.commit().await
    }
}
