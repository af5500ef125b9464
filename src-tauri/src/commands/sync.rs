//! The top bar's sync status and "Changes not applied" with Retry and Discard.

use roster_core::AppError;
use roster_core::sync::ChangeNotApplied;
use tauri::State;

use crate::state::AppState;
use crate::sync::{self, SyncStatus};

/// Where the signed-in user's Workspace stands with its hub.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, AppError> {
    let session = state.session()?;
    sync::status(&state.roster, &state.sync, &session)
        .await
        .map_err(|e| state.fail(e))
}

/// "Sync now": the loop tries the hub at once, also while it waits after a failure.
#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), AppError> {
    state.session()?;
    state.sync.wake();
    Ok(())
}

/// "Changes not applied": the changes the hub refused, newest first.
#[tauri::command]
pub async fn sync_changes_not_applied(
    state: State<'_, AppState>,
) -> Result<Vec<ChangeNotApplied>, AppError> {
    let session = state.session()?;
    state
        .roster
        .changes_not_applied_list(&session)
        .await
        .map_err(|e| state.fail(e))
}

/// "Retry": the change is made again on what the Workspace holds now and sent.
#[tauri::command]
pub async fn sync_change_retry(state: State<'_, AppState>, seq: i64) -> Result<(), AppError> {
    let session = state.session()?;
    let result = state.roster.retry_change(&session, seq).await;
    state.wrote(result)
}

/// "Discard": the change leaves the list; nothing else changes.
#[tauri::command]
pub async fn sync_change_discard(state: State<'_, AppState>, seq: i64) -> Result<(), AppError> {
    let session = state.session()?;
    let result = state.roster.discard_change(&session, seq).await;
    state.wrote(result)
}
