//! Sign in and sign out.

use roster_core::AppError;
use roster_core::model::{SessionInfo, SignInInput};
use tauri::State;

use crate::state::AppState;

/// Sign in with email and password.
#[tauri::command]
pub async fn session_sign_in(
    state: State<'_, AppState>,
    input: SignInInput,
) -> Result<SessionInfo, AppError> {
    let (session, info) = state
        .roster
        .sign_in_here_or_at_hub(input, |address| state.sync.client(address))
        .await
        .map_err(|e| state.fail(e))?;
    state.set_session(Some(session));
    Ok(info)
}

/// Sign out: forget the session.
#[tauri::command]
pub fn session_sign_out(state: State<'_, AppState>) {
    state.set_session(None);
}
