//! Sharing and joining (feature `hub-client`): the flows behind Settings → Workspace →
//! "Share through a Roster hub" and the sign-in screen's "Join a Workspace on a hub", and the
//! pull that keeps a replica up to date. The hub session token lives in the secret store
//! (the OS keychain, or memory for this run when there is none), never in the database.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::client::HubClient;
use super::hub::HubSignIn;
use super::records::Record;
use super::replica::{HubLink, PageApplied};
use super::token_name;
use crate::Roster;
use crate::error::{Error, Result};
use crate::model::{SessionInfo, SignInInput, WorkspaceSummary};
use crate::passwords::Secret;
use crate::permissions::Session;

/// How far a copy has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CopyProgress {
    /// Rows copied so far.
    #[ts(type = "number")]
    pub rows: u64,
    /// Rows in all, when known (a publisher knows; a joiner learns as pages come).
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// What joining gave.
#[derive(Debug, Clone)]
pub enum Joined {
    /// The replica is here and the user is signed in to it.
    SignedIn(Box<(Session, SessionInfo)>),
    /// The email and password fit several Workspaces on the hub: join again naming one.
    ChooseWorkspace(Vec<WorkspaceSummary>),
}

/// A row a pull wrote, as the shell's `data-changed` event names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Changed {
    /// `workspaces`, `roles` or `users`.
    pub table: String,
    /// The row's id.
    pub id: String,
    /// The row's version after the change.
    #[ts(type = "number")]
    pub version: i64,
}

/// At most this many [`Changed`] rows are listed per pull; beyond it (a first copy, a
/// restarted feed) [`Pulled::everything`] says that screens should read everything again.
pub const CHANGES_LISTED: usize = 500;

/// What a pull brought.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pulled {
    /// Pages applied.
    pub pages: usize,
    /// Rows written.
    pub rows: usize,
    /// Users that left this computer (no longer the user's to see).
    pub users_dropped: u64,
    /// The rows written, up to [`CHANGES_LISTED`].
    pub changes: Vec<Changed>,
    /// More rows changed than are listed, or rows left this computer.
    pub everything: bool,
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pushed {
    /// Changes the hub answered (applied or refused).
    pub answered: usize,
    /// Changes it refused: they are in "Changes not applied".
    pub refused: usize,
}

impl Roster {
    /// Copies the signed-in super-user's Workspace up to `hub` with a one-time enrolment
    /// `code` (the Workspace first, then roles, then users in pages of
    /// [`super::PUBLISH_PAGE`]), signs in there with `password`, and makes this Workspace the
    /// hub's replica. A copy that failed half-way can be started again with the same code.
    /// Errors: [`Error::Forbidden`] for anyone but an active super-user or a Workspace that is
    /// a replica already; [`Error::InvalidCredentials`] for a wrong `password` (checked here
    /// before anything is copied); [`Error::EnrolmentInvalid`]; [`Error::HubUnreachable`];
    /// the hub's refusals as [`Error::Remote`].
    pub async fn share_through_hub(
        &self,
        session: &Session,
        hub: &HubClient,
        code: &str,
        password: &Secret,
        progress: &(dyn Fn(CopyProgress) + Send + Sync),
    ) -> Result<HubLink> {
        if self.hub_link(&session.workspace_id).await?.is_some() {
            return Err(Error::Forbidden(
                "This Workspace is shared through a hub already".into(),
            ));
        }
        let info = self.session_info(session).await?;
        // The password is checked here before anything is copied: the hub signs the publisher
        // in with it once the copy is up, and a typo found then would leave the Workspace on
        // the hub with this copy not linked to it.
        let confirm = SignInInput {
            workspace_id: Some(session.workspace_id.clone()),
            email: info.email.clone(),
            password: password.clone(),
        };
        self.sign_in(confirm).await?;
        let total = self.count_all_users(&session.workspace_id).await?;
        let mut page = self.publish_page(session, None).await?;
        let Some(Record::Workspace(workspace)) = page.first().cloned() else {
            return Err(Error::NotFound("Workspace"));
        };
        page.remove(0);
        hub.publish_start(code, &workspace).await?;
        let mut rows = 0_u64;
        loop {
            hub.publish_rows(code, &page).await?;
            let users: Vec<&str> = page
                .iter()
                .filter(|r| matches!(r, Record::User(_)))
                .map(Record::id)
                .collect();
            rows += users.len() as u64;
            progress(CopyProgress {
                rows,
                total: Some(total),
            });
            let Some(last) = users.last().map(|id| (*id).to_owned()) else {
                break;
            };
            page = self.publish_page(session, Some(&last)).await?;
            if page.is_empty() {
                break;
            }
        }
        hub.publish_finish(code, &session.user_id).await?;
        let input = SignInInput {
            workspace_id: Some(session.workspace_id.clone()),
            email: info.email,
            password: password.clone(),
        };
        let (token, user_id) = match hub.sign_in(&input).await? {
            HubSignIn::SignedIn { token, user_id, .. } => (token, user_id),
            HubSignIn::ChooseWorkspace { .. } => return Err(Error::InvalidCredentials),
        };
        self.secrets.set(
            &token_name(&session.workspace_id),
            &Secret::verbatim(&token),
        )?;
        self.pull_pages(&session.workspace_id, hub, &user_id, None, &|_| {})
            .await?;
        self.hub_link(&session.workspace_id)
            .await?
            .ok_or(Error::NotFound("Hub link"))
    }

    /// Joins a Workspace on `hub` with Roster credentials: signs in there, copies down what
    /// the user may see (page by page, each page its own transaction, so a broken copy
    /// resumes where it stopped), and signs in to the replica here — with the user's own
    /// password hash, which came down for offline sign-in. Errors: as
    /// [`Roster::sign_in`] (from the hub, as [`Error::Remote`]); [`Error::HubUnreachable`];
    /// [`Error::Forbidden`] when this computer holds the same Workspace unshared or for
    /// another user.
    pub async fn join_through_hub(
        &self,
        hub: &HubClient,
        input: SignInInput,
        progress: &(dyn Fn(CopyProgress) + Send + Sync),
    ) -> Result<Joined> {
        let (token, workspace_id, user_id) = match hub.sign_in(&input).await? {
            HubSignIn::SignedIn {
                token,
                workspace_id,
                user_id,
                ..
            } => (token, workspace_id, user_id),
            HubSignIn::ChooseWorkspace { workspaces } => {
                return Ok(Joined::ChooseWorkspace(workspaces));
            }
        };
        self.copy_down(hub, &token, &workspace_id, &user_id, progress)
            .await?;
        let local = SignInInput {
            workspace_id: Some(workspace_id),
            ..input
        };
        let (session, info) = self.sign_in(local).await?;
        Ok(Joined::SignedIn(Box::new((session, info))))
    }

    /// Makes this computer's replica of `workspace_id` on `hub` for `user_id`, signed in
    /// there with `token`: keeps the token and copies down what the user may see. Errors:
    /// [`Error::Forbidden`] when this computer holds the same Workspace unshared or for
    /// another user; as [`Roster::pull_from_hub`].
    pub(super) async fn copy_down(
        &self,
        hub: &HubClient,
        token: &str,
        workspace_id: &str,
        user_id: &str,
        progress: &(dyn Fn(CopyProgress) + Send + Sync),
    ) -> Result<()> {
        let here = self.workspaces().await?;
        let link = self.hub_link(workspace_id).await?;
        if here.iter().any(|w| w.id == workspace_id)
            && !link.is_some_and(|l| l.user_id == user_id && l.hub_address == hub.address())
        {
            return Err(Error::Forbidden(
                "This computer holds this Workspace already, not as your copy from this hub".into(),
            ));
        }
        self.secrets
            .set(&token_name(workspace_id), &Secret::verbatim(token))?;
        self.pull_pages(workspace_id, hub, user_id, None, progress)
            .await
            .map(drop)
    }

    /// Brings the replica `workspace_id` up to date from its hub: pages until caught up.
    /// With `wait`, an empty first answer is held at the hub until something changes (long
    /// poll). Errors: [`Error::Forbidden`] for a Workspace that is not a replica;
    /// [`Error::Unauthenticated`] when no hub session is kept here; the hub's refusals
    /// ([`Error::Remote`], e.g. an ended session) and [`Error::HubUnreachable`].
    pub async fn pull_from_hub(
        &self,
        workspace_id: &str,
        hub: &HubClient,
        wait: Option<Duration>,
    ) -> Result<Pulled> {
        let link = self.linked(workspace_id, hub).await?;
        self.pull_pages(workspace_id, hub, &link.user_id, wait, &|_| {})
            .await
    }

    /// Signs in at the replica's hub again after its session ended (a password change, a
    /// removal and restore, expiry, sign-out elsewhere), as the replica's user with
    /// `password`, and keeps the new token. Errors: as [`Roster::hub_sign_in`] from the hub.
    pub async fn sign_in_to_hub_again(
        &self,
        workspace_id: &str,
        hub: &HubClient,
        password: &Secret,
    ) -> Result<()> {
        let link = self.linked(workspace_id, hub).await?;
        let email = self
            .email_of(workspace_id, &link.user_id)
            .await?
            .ok_or(Error::NotFound("User"))?;
        let input = SignInInput {
            workspace_id: Some(workspace_id.to_owned()),
            email,
            password: password.clone(),
        };
        match hub.sign_in(&input).await? {
            HubSignIn::SignedIn { token, user_id, .. } if user_id == link.user_id => self
                .secrets
                .set(&token_name(workspace_id), &Secret::verbatim(&token)),
            _ => Err(Error::InvalidCredentials),
        }
    }

    /// "Leave the hub" ([`Roster::leave_hub`]), then ends the hub session at `hub` when it
    /// answers (when it does not, the session runs out on its own after its 30 days).
    /// Errors: as [`Roster::leave_hub`].
    pub async fn leave_hub_and_sign_out(
        &self,
        session: &Session,
        hub: &HubClient,
        discard_waiting: bool,
    ) -> Result<()> {
        let token = self.secrets.get(&token_name(&session.workspace_id))?;
        self.leave_hub(session, discard_waiting).await?;
        if let Some(token) = token
            && let Err(error) = hub.sign_out(&token).await
        {
            tracing::info!(%error, "the hub session was not ended at the hub");
        }
        Ok(())
    }

    /// Sends the replica's waiting changes to the hub, oldest first, in batches of
    /// [`super::PUSH_BATCH`], and records each answer. Stops at the first batch the hub could
    /// not take (nothing is lost: the changes wait and go next time). Returns how many
    /// changes the hub refused (they are in "Changes not applied").
    /// Errors: as [`Roster::pull_from_hub`].
    pub async fn push_to_hub(&self, workspace_id: &str, hub: &HubClient) -> Result<Pushed> {
        let link = self.linked(workspace_id, hub).await?;
        let token = self.kept_token(workspace_id)?;
        let mut pushed = Pushed::default();
        loop {
            let ops = self.pending_ops(workspace_id, super::PUSH_BATCH).await?;
            if ops.is_empty() {
                return Ok(pushed);
            }
            let outcomes = hub.push(&token, &link.client_id, &ops).await?;
            pushed.refused += self.record_answers(workspace_id, &outcomes).await?;
            let answered = outcomes
                .iter()
                .filter(|o| !matches!(o, super::OpOutcome::NotTried { .. }))
                .count();
            pushed.answered += answered;
            if answered < ops.len() {
                return Ok(pushed);
            }
        }
    }

    /// One sync: waiting changes up first, then what changed on the hub down (with `wait`,
    /// a long poll). Errors: as [`Roster::pull_from_hub`].
    pub async fn sync_with_hub(
        &self,
        workspace_id: &str,
        hub: &HubClient,
        wait: Option<Duration>,
    ) -> Result<(Pushed, Pulled)> {
        let pushed = self.push_to_hub(workspace_id, hub).await?;
        let pulled = self.pull_from_hub(workspace_id, hub, wait).await?;
        Ok((pushed, pulled))
    }

    /// The hub session token kept for the replica `workspace_id`; [`Error::Unauthenticated`]
    /// when none is (never signed in at the hub here, or the keychain lost it).
    pub(super) fn kept_token(&self, workspace_id: &str) -> Result<Secret> {
        self.secrets
            .get(&token_name(workspace_id))?
            .ok_or(Error::Unauthenticated)
    }

    pub(super) async fn linked(&self, workspace_id: &str, hub: &HubClient) -> Result<HubLink> {
        let link = self
            .hub_link(workspace_id)
            .await?
            .ok_or_else(|| Error::Forbidden("This Workspace is not shared through a hub".into()))?;
        if link.hub_address != hub.address() {
            return Err(Error::Forbidden(
                "This Workspace is shared through another hub".into(),
            ));
        }
        Ok(link)
    }

    async fn count_all_users(&self, workspace_id: &str) -> Result<u64> {
        let mut tx = self.read().await?;
        let counts = tx.status_counts(workspace_id).await?;
        Ok(counts
            .iter()
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .sum())
    }

    async fn pull_pages(
        &self,
        workspace_id: &str,
        hub: &HubClient,
        user_id: &str,
        wait: Option<Duration>,
        progress: &(dyn Fn(CopyProgress) + Send + Sync),
    ) -> Result<Pulled> {
        let token = self.kept_token(workspace_id)?;
        let mut pulled = Pulled::default();
        let mut wait = wait;
        loop {
            let cursor = self.hub_cursor(workspace_id).await?;
            let page = hub.pull(&token, cursor.as_deref(), wait.take()).await?;
            let PageApplied {
                rows,
                users_dropped,
            } = self
                .apply_feed_page(workspace_id, hub.address(), user_id, &page)
                .await?;
            pulled.pages += 1;
            pulled.rows += rows;
            pulled.users_dropped += users_dropped;
            pulled.everything |= page.reset
                || users_dropped > 0
                || pulled.changes.len() + page.records.len() > CHANGES_LISTED;
            if !pulled.everything {
                pulled
                    .changes
                    .extend(page.records.iter().map(|record| Changed {
                        table: record.table().to_owned(),
                        id: record.id().to_owned(),
                        version: record.version(),
                    }));
            } else {
                pulled.changes.clear();
            }
            progress(CopyProgress {
                rows: pulled.rows as u64,
                total: None,
            });
            if !page.more {
                return Ok(pulled);
            }
        }
    }
}
