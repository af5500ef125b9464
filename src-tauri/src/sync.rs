//! The sync loop of a replica (a Workspace shared through a Roster hub): sends the changes
//! made here, then waits at the hub for the next change (a long poll) and brings it down.
//! A change made here, "Sync now" or a sign-in cuts the wait short. When the hub cannot be
//! reached the loop backs off (1 s doubling to 30 s) and the top bar says "Offline"; nothing
//! is lost meanwhile, the changes wait in the outbox. Screens hear of pulled rows through the
//! `data-changed` event and of the loop's state through `sync-status`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use roster_core::sync::{Changed, HubClient, LONG_POLL_SECONDS, Pulled, SyncSummary};
use roster_core::{Error, ErrorCode, Result, Roster, Session};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::Notify;
use ts_rs::TS;

use crate::state::AppState;

/// The office CA file Roster keeps, in the data directory: PEM certificates trusted for hubs
/// besides the operating system's (a copy, so moving the original breaks nothing).
pub const OFFICE_CA_FILE: &str = "office-ca.pem";

/// The longest wait between two tries while the hub cannot be reached.
const MOST_BACK_OFF: Duration = Duration::from_secs(30);

/// What the loop is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SyncState {
    /// Nobody is signed in, or the Workspace lives on this computer only.
    Local,
    /// Up to date with the hub, waiting for the next change.
    Synced,
    /// Sending or bringing down changes.
    Syncing,
    /// The hub cannot be reached; changes wait here.
    Offline,
    /// The hub session ended (a password change, a removal, expiry): the password is needed
    /// to sign in at the hub again.
    SignInNeeded,
}

/// What the top bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncStatus {
    /// What the loop is doing.
    pub state: SyncState,
    /// Why it is offline or needs a sign-in, in words.
    pub problem: Option<String>,
    /// The replica's standing; `None` for a Workspace of this computer only.
    pub summary: Option<SyncSummary>,
}

/// The `data-changed` event: rows a pull wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataChanged {
    /// The rows, when few.
    pub changes: Vec<Changed>,
    /// Too many to list, or rows left this computer: read everything again.
    pub everything: bool,
}

/// Shared between the loop and the commands.
pub struct Sync {
    wake: Notify,
    phase: Mutex<(SyncState, Option<String>)>,
    client: Mutex<Option<HubClient>>,
    office_ca: PathBuf,
}

impl Sync {
    /// Nothing running yet; `data_dir` holds the office CA file.
    pub fn new(data_dir: &std::path::Path) -> Self {
        Self {
            wake: Notify::new(),
            phase: Mutex::new((SyncState::Local, None)),
            client: Mutex::new(None),
            office_ca: data_dir.join(OFFICE_CA_FILE),
        }
    }

    /// Cuts the loop's wait short: a change was made here, "Sync now", a sign-in or out.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Where the office CA file is kept.
    pub fn office_ca(&self) -> &std::path::Path {
        &self.office_ca
    }

    /// A client for `address`, trusting the office CA file when there is one. Errors: as
    /// [`HubClient::new`].
    pub fn client(&self, address: &str) -> Result<HubClient> {
        // A poisoned lock only means another thread panicked mid-swap of a cache entry.
        let mut slot = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = slot.as_ref().filter(|c| c.address() == address) {
            return Ok(client.clone());
        }
        let ca = self.office_ca.is_file().then_some(self.office_ca.as_path());
        let client = HubClient::new(address, ca)?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Forgets the cached client, after the office CA file changed.
    pub fn forget_client(&self) {
        if let Ok(mut slot) = self.client.lock() {
            *slot = None;
        }
    }

    fn set(&self, state: SyncState, problem: Option<String>) {
        if let Ok(mut phase) = self.phase.lock() {
            *phase = (state, problem);
        }
    }

    fn phase(&self) -> (SyncState, Option<String>) {
        self.phase
            .lock()
            .map(|p| p.clone())
            .unwrap_or((SyncState::Local, None))
    }
}

/// A client for the hub of the replica `workspace_id`; `None` for a Workspace of this
/// computer only. Errors: as [`Roster::hub_link`] and [`HubClient::new`].
pub async fn hub_of(roster: &Roster, sync: &Sync, workspace_id: &str) -> Result<Option<HubClient>> {
    match roster.hub_link(workspace_id).await? {
        Some(link) => sync.client(&link.hub_address).map(Some),
        None => Ok(None),
    }
}

/// The status for `session` now. Errors: as [`Roster::sync_summary`].
pub async fn status(roster: &Roster, sync: &Sync, session: &Session) -> Result<SyncStatus> {
    let summary = roster.sync_summary(session).await?;
    let (state, problem) = match &summary {
        None => (SyncState::Local, None),
        // Before the loop's first look at a replica it is on its way to the hub.
        Some(_) => match sync.phase() {
            (SyncState::Local, _) => (SyncState::Syncing, None),
            phase => phase,
        },
    };
    Ok(SyncStatus {
        state,
        problem,
        summary,
    })
}

async fn announce(app: &AppHandle, state: SyncState, problem: Option<String>) {
    let shared = app.state::<AppState>();
    shared.sync.set(state, problem);
    let Some(session) = shared.current() else {
        return;
    };
    match status(&shared.roster, &shared.sync, &session).await {
        Ok(status) => {
            let _ = app.emit("sync-status", status);
        }
        Err(error) => tracing::warn!(%error, "sync status"),
    }
}

/// Tells the screens to read what they show again (after answers from the hub changed rows
/// here, or the mail loop sent invitations).
pub fn announce_everything<R: tauri::Runtime>(app: &AppHandle<R>) {
    let _ = app.emit(
        "data-changed",
        DataChanged {
            changes: Vec::new(),
            everything: true,
        },
    );
}

fn announce_rows(app: &AppHandle, pulled: &Pulled) {
    if pulled.rows == 0 && !pulled.everything {
        return;
    }
    let _ = app.emit(
        "data-changed",
        DataChanged {
            changes: pulled.changes.clone(),
            everything: pulled.everything,
        },
    );
}

/// What one round ended with.
enum Round {
    /// Nothing to sync: wait for a wake.
    Idle,
    /// Caught up (or cut short by a wake): go again at once.
    Again,
    /// The hub could not be reached or refused: wait before trying again.
    Failed(Error),
}

async fn round(app: &AppHandle) -> Round {
    let shared = app.state::<AppState>();
    let Some(session) = shared.current() else {
        return Round::Idle;
    };
    let link = match shared.roster.hub_link(&session.workspace_id).await {
        Ok(Some(link)) => link,
        Ok(None) => return Round::Idle,
        Err(error) => return Round::Failed(error),
    };
    let hub = match shared.sync.client(&link.hub_address) {
        Ok(hub) => hub,
        Err(error) => return Round::Failed(error),
    };
    let roster = &shared.roster;
    let workspace = &session.workspace_id;
    if roster.changes_waiting(workspace).await.unwrap_or(0) > 0 {
        announce(app, SyncState::Syncing, None).await;
    }
    match roster.push_to_hub(workspace, &hub).await {
        Ok(pushed) if pushed.answered > 0 => announce_everything(app),
        Ok(_) => {}
        Err(error) => return Round::Failed(error),
    }
    // Caught up once without waiting, so the status says Synced only when it is.
    match roster.pull_from_hub(workspace, &hub, None).await {
        Ok(pulled) => announce_rows(app, &pulled),
        Err(error) => return Round::Failed(error),
    }
    announce(app, SyncState::Synced, None).await;
    let wait = Some(Duration::from_secs(LONG_POLL_SECONDS));
    tokio::select! {
        pulled = roster.pull_from_hub(workspace, &hub, wait) => match pulled {
            Ok(pulled) => announce_rows(app, &pulled),
            Err(error) => return Round::Failed(error),
        },
        () = shared.sync.wake.notified() => {}
    }
    Round::Again
}

/// `1 s · 2^failures`, at most [`MOST_BACK_OFF`], less up to a quarter at random so the
/// machines of an office do not all come back to a restarted hub in the same instant.
fn back_off(failures: u32) -> Duration {
    let full = Duration::from_secs(1)
        .saturating_mul(1 << failures.min(5))
        .min(MOST_BACK_OFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    full - full.mul_f64(f64::from(nanos % 250) / 1000.0)
}

/// What the status says after `error`.
fn failed_state(error: &Error) -> (SyncState, String) {
    let ended = error.code() == ErrorCode::Unauthenticated
        || matches!(error, Error::Remote(remote) if remote.code == ErrorCode::Unauthenticated);
    if ended {
        (
            SyncState::SignInNeeded,
            "Your sign-in at the hub ended. Enter your password to sync again.".to_owned(),
        )
    } else {
        let reason = match error {
            Error::HubUnreachable { reason } => format!("The hub cannot be reached: {reason}."),
            Error::Remote(remote) => remote.message.clone(),
            other => other.to_string(),
        };
        (SyncState::Offline, reason)
    }
}

/// Runs forever on the Tauri async runtime.
pub async fn run(app: AppHandle) {
    let mut failures = 0_u32;
    loop {
        match round(&app).await {
            Round::Again => failures = 0,
            Round::Idle => {
                failures = 0;
                app.state::<AppState>().sync.set(SyncState::Local, None);
                app.state::<AppState>().sync.wake.notified().await;
            }
            Round::Failed(error) => {
                let (state, problem) = failed_state(&error);
                tracing::info!(%error, "sync with the hub failed");
                announce(&app, state, Some(problem)).await;
                let sync = &app.state::<AppState>().sync;
                if state == SyncState::SignInNeeded {
                    sync.wake.notified().await;
                } else {
                    let pause = back_off(failures);
                    failures = failures.saturating_add(1);
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        () = sync.wake.notified() => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_to_its_ceiling_with_at_most_a_quarter_off() {
        for failures in 0..12 {
            let full = Duration::from_secs(1 << failures.min(5)).min(MOST_BACK_OFF);
            let pause = back_off(failures);
            assert!(
                pause <= full && pause >= full.mul_f64(0.75),
                "{failures}: {pause:?}"
            );
        }
    }

    #[test]
    fn an_ended_hub_session_asks_for_the_password_and_a_lost_network_says_offline() {
        let ended = Error::Remote(Error::Unauthenticated.into());
        assert_eq!(failed_state(&ended).0, SyncState::SignInNeeded);
        assert_eq!(
            failed_state(&Error::Unauthenticated).0,
            SyncState::SignInNeeded
        );
        let (state, problem) = failed_state(&Error::HubUnreachable {
            reason: "no connection".into(),
        });
        assert_eq!(state, SyncState::Offline);
        assert_eq!(problem, "The hub cannot be reached: no connection.");
    }
}
