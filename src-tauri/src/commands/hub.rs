//! Sharing a Workspace through a Roster hub: Settings → Workspace "Share through a Roster hub"
//! and "Leave the hub", the sign-in screen's "Join a Workspace on a hub", and the password
//! that renews an ended hub session. Copies report progress through a channel.

use std::path::{Path, PathBuf};

use roster_core::model::{SessionInfo, SignInInput, WorkspaceSummary};
use roster_core::sync::{CopyProgress, Joined};
use roster_core::{AppError, Error, Field, Secret};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::state::AppState;
use crate::sync::SyncStatus;

/// "Share through a Roster hub".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ShareInput {
    /// The hub's address, `https://…` (`http://` for this computer only).
    pub hub_address: String,
    /// The one-time enrolment code the hub's operator made (`roster-hub enrol`).
    pub code: String,
    /// The signed-in super-user's password: the hub signs them in with it.
    #[ts(type = "string")]
    pub password: Secret,
    /// A PEM file of the office's own certificate authority, if the hub's certificate is
    /// not signed by one the operating system trusts.
    pub office_ca: Option<String>,
}

/// "Join a Workspace on a hub".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JoinInput {
    /// The hub's address.
    pub hub_address: String,
    /// The Workspace chosen when the email and password fit several; null at first.
    pub workspace_id: Option<String>,
    /// Email as typed.
    pub email: String,
    /// Password as typed.
    #[ts(type = "string")]
    pub password: Secret,
    /// As in [`ShareInput::office_ca`].
    pub office_ca: Option<String>,
}

/// What joining gave.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum JoinOutcome {
    /// The copy is here and the user is signed in to it.
    SignedIn {
        /// The new session.
        session: SessionInfo,
    },
    /// The email and password fit several Workspaces on the hub: join again naming one.
    ChooseWorkspace {
        /// The Workspaces to choose from.
        workspaces: Vec<WorkspaceSummary>,
    },
}

/// A client for `address`, with `office_ca` (as typed) trusted besides the office CA file
/// already kept, and the file to keep once the hub has answered.
fn client_for(
    state: &AppState,
    address: &str,
    office_ca: Option<&str>,
) -> Result<(roster_core::sync::HubClient, Option<PathBuf>), AppError> {
    let chosen = office_ca
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    match chosen {
        None => Ok((state.sync.client(address)?, None)),
        Some(path) => {
            let client = roster_core::sync::HubClient::new(address, Some(&path))?;
            Ok((client, Some(path)))
        }
    }
}

/// Keeps a copy of the office CA file in the data directory (temp file + rename, so a
/// half-written copy never replaces a good one).
fn keep_office_ca(state: &AppState, chosen: &Path) -> Result<(), AppError> {
    let kept = state.sync.office_ca();
    let temporary = kept.with_extension("pem.partial");
    std::fs::copy(chosen, &temporary)
        .and_then(|_| std::fs::rename(&temporary, kept))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            Error::invalid(
                Field::HubAddress,
                format!("The CA file {} cannot be kept: {e}", chosen.display()),
            )
        })?;
    state.sync.forget_client();
    Ok(())
}

/// Copies the signed-in super-user's Workspace up to a hub; it becomes the hub's replica.
#[tauri::command]
pub async fn hub_share(
    state: State<'_, AppState>,
    input: ShareInput,
    on_progress: Channel<CopyProgress>,
) -> Result<SyncStatus, AppError> {
    let session = state.session()?;
    let (hub, office_ca) = client_for(&state, &input.hub_address, input.office_ca.as_deref())?;
    let report = |p: CopyProgress| {
        // A closed page cannot receive progress; the copy goes on regardless.
        let _ = on_progress.send(p);
    };
    state
        .roster
        .share_through_hub(&session, &hub, &input.code, &input.password, &report)
        .await
        .map_err(|e| state.fail(e))?;
    if let Some(path) = office_ca {
        keep_office_ca(&state, &path)?;
    }
    state.sync.wake();
    crate::sync::status(&state.roster, &state.sync, &session)
        .await
        .map_err(|e| state.fail(e))
}

/// Copies down what the user may see of a Workspace on a hub and signs in to it.
#[tauri::command]
pub async fn hub_join(
    state: State<'_, AppState>,
    input: JoinInput,
    on_progress: Channel<CopyProgress>,
) -> Result<JoinOutcome, AppError> {
    let (hub, office_ca) = client_for(&state, &input.hub_address, input.office_ca.as_deref())?;
    let report = |p: CopyProgress| {
        let _ = on_progress.send(p);
    };
    let sign_in = SignInInput {
        workspace_id: input.workspace_id,
        email: input.email,
        password: input.password,
    };
    let joined = state
        .roster
        .join_through_hub(&hub, sign_in, &report)
        .await
        .map_err(|e| state.fail(e))?;
    if let Some(path) = office_ca {
        keep_office_ca(&state, &path)?;
    }
    Ok(match joined {
        Joined::SignedIn(signed_in) => {
            let (session, info) = *signed_in;
            state.set_session(Some(session));
            JoinOutcome::SignedIn { session: info }
        }
        Joined::ChooseWorkspace(workspaces) => JoinOutcome::ChooseWorkspace { workspaces },
    })
}

/// "Leave the hub": the Workspace lives on this computer only again. With
/// `discard_waiting`, changes that have not reached the hub are dropped (refused otherwise).
#[tauri::command]
pub async fn hub_leave(
    state: State<'_, AppState>,
    discard_waiting: bool,
) -> Result<SyncStatus, AppError> {
    let session = state.session()?;
    let link = state
        .roster
        .hub_link(&session.workspace_id)
        .await
        .map_err(|e| state.fail(e))?
        .ok_or_else(|| Error::Forbidden("This Workspace is not shared through a hub".into()))?;
    let hub = state.sync.client(&link.hub_address)?;
    state
        .roster
        .leave_hub_and_sign_out(&session, &hub, discard_waiting)
        .await
        .map_err(|e| state.fail(e))?;
    state.sync.wake();
    crate::sync::status(&state.roster, &state.sync, &session)
        .await
        .map_err(|e| state.fail(e))
}

/// Signs in at the hub again with the user's password after the hub session ended, and here
/// too when what the hub brings ended the session on this computer.
#[tauri::command]
pub async fn hub_sign_in_again<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    password: Secret,
) -> Result<(), AppError> {
    let session = state.session()?;
    let link = state
        .roster
        .hub_link(&session.workspace_id)
        .await
        .map_err(|e| state.fail(e))?
        .ok_or_else(|| Error::Forbidden("This Workspace is not shared through a hub".into()))?;
    let hub = state.sync.client(&link.hub_address)?;
    let renewed = state
        .roster
        .renew_hub_session(&session, &hub, &password)
        .await
        .map_err(|e| state.fail(e))?;
    state.set_session(Some(renewed));
    // The renewal pulled what changed meanwhile, outside the sync loop that announces pulls.
    crate::sync::announce_everything(&app);
    Ok(())
}
