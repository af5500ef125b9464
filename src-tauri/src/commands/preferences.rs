//! My profile → Language: the signed-in user's choice on this computer (see `preferences.rs`).

use roster_core::AppError;
use roster_core::model::SessionInfo;
use tauri::State;

use crate::state::AppState;

/// The user of a session the core still accepts (`UNAUTHENTICATED` otherwise).
async fn signed_in(state: &AppState) -> Result<SessionInfo, AppError> {
    let session = state.session()?;
    state
        .roster
        .session_info(&session)
        .await
        .map_err(|e| state.fail(e))
}

/// The language (`"en"`, `"es"`) the signed-in user chose on this computer; `null` when they
/// follow the OS.
#[tauri::command]
pub async fn preferences_language_get(
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let me = signed_in(&state).await?;
    Ok(state.preferences.language(&me.user_id))
}

/// Chooses the signed-in user's language on this computer; `null` follows the OS again.
/// `VALIDATION` for a language Roster is not written in.
#[tauri::command]
pub async fn preferences_language_set(
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<(), AppError> {
    let me = signed_in(&state).await?;
    state
        .preferences
        .set_language(&me.user_id, language.as_deref())
}
