//! Start-up state and first run.

use roster_core::AppError;
use roster_core::model::{CreateWorkspaceInput, SessionInfo, WorkspaceSummary};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::state::AppState;
use crate::updates;

/// What the UI needs to pick its first screen: no Workspace → first run; no session → sign in.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LaunchState {
    /// Every Workspace in the database (for the sign-in picker).
    pub workspaces: Vec<WorkspaceSummary>,
    /// The signed-in user, if a session is still valid.
    pub session: Option<SessionInfo>,
    /// Running on the demo Workspace (`--demo`).
    pub demo: bool,
    /// This copy knows an update server (a released build): the UI checks at start and offers
    /// "Check for updates". Builds from source have none.
    pub updates: bool,
    /// The OS's preferred languages, most preferred first, as BCP 47 tags (`es-MX`; from
    /// `LANGUAGE`, `LC_ALL`, `LC_MESSAGES` and `LANG` on Linux, the system settings on macOS
    /// and Windows): the UI speaks the first it has. WebKitGTK's `navigator.languages` ignores
    /// the OS, so the shell asks.
    pub system_languages: Vec<String>,
}

/// The launch state; a session whose user was removed meanwhile is dropped.
#[tauri::command]
pub async fn app_launch_state<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LaunchState, AppError> {
    let workspaces = state.roster.workspaces().await.map_err(|e| state.fail(e))?;
    let session = match state.current() {
        Some(session) => state.roster.session_info(&session).await.ok(),
        None => None,
    };
    if session.is_none() {
        state.set_session(None);
    }
    Ok(LaunchState {
        workspaces,
        session,
        demo: state.demo,
        updates: matches!(updates::updater(&app), Ok(Some(_))),
        system_languages: sys_locale::get_locales().collect(),
    })
}

/// First run: create the Workspace and sign in as its first super-user.
#[tauri::command]
pub async fn workspace_create(
    state: State<'_, AppState>,
    input: CreateWorkspaceInput,
) -> Result<SessionInfo, AppError> {
    let (session, info) = state
        .roster
        .create_first_workspace(input)
        .await
        .map_err(|e| state.fail(e))?;
    state.set_session(Some(session));
    Ok(info)
}
