//! My profile → Language: the signed-in user's choice on this computer (see `preferences.rs`).

use roster_core::AppError;
use tauri::State;

use crate::state::AppState;

/// The language (`"en"`, `"es"`) the signed-in user chose on this computer; `null` when they
/// follow the OS.
#[tauri::command]
pub async fn preferences_language_get(
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let me = state.signed_in().await?;
    Ok(state.preferences.language(&me.user_id))
}

/// Chooses the signed-in user's language on this computer; `null` follows the OS again.
/// `VALIDATION` for a language Roster is not written in.
#[tauri::command]
pub async fn preferences_language_set(
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<(), AppError> {
    let me = state.signed_in().await?;
    state
        .preferences
        .set_language(&me.user_id, language.as_deref())
}
