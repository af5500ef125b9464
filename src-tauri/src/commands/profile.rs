//! My profile.

use roster_core::AppError;
use roster_core::model::{OwnPasswordChange, ProfileUpdate, SessionInfo, UserDetails};
use tauri::State;

use crate::state::AppState;

/// Save own names and phone.
#[tauri::command]
pub async fn profile_update(
    state: State<'_, AppState>,
    input: ProfileUpdate,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.update_profile(&session, input).await;
    state.wrote(result)
}

/// Change own password (also the required change after sign-in). The core ends every other
/// session of the user; this one continues on the renewed session it returns. On a replica
/// the change is made at the hub, online only.
#[tauri::command]
pub async fn profile_change_password(
    state: State<'_, AppState>,
    input: OwnPasswordChange,
) -> Result<SessionInfo, AppError> {
    let session = state.session()?;
    let hub = crate::sync::hub_of(&state.roster, &state.sync, &session.workspace_id)
        .await
        .map_err(|e| state.fail(e))?;
    let changed = match hub {
        Some(hub) => {
            state
                .roster
                .change_own_password_through_hub(&session, &hub, input)
                .await
        }
        None => state.roster.change_own_password(&session, input).await,
    };
    let (renewed, info) = changed.map_err(|e| state.fail(e))?;
    state.set_session(Some(renewed));
    state.sync.wake();
    Ok(info)
}
