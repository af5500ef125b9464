//! The Users screen.

use roster_core::AppError;
use roster_core::model::{
    NewUser, NewUserStep, PasswordReset, UserDetails, UserPage, UserQuery, UserUpdate,
};
use tauri::State;

use crate::state::AppState;

/// One page of the user list.
#[tauri::command]
pub async fn users_list(
    state: State<'_, AppState>,
    query: UserQuery,
) -> Result<UserPage, AppError> {
    let session = state.session()?;
    state
        .roster
        .list_users(&session, &query)
        .await
        .map_err(|e| state.fail(e))
}

/// How many users match a search, when the page left it out (`matching` null).
#[tauri::command]
pub async fn users_count(state: State<'_, AppState>, query: UserQuery) -> Result<i64, AppError> {
    let session = state.session()?;
    state
        .roster
        .count_users(&session, &query)
        .await
        .map_err(|e| state.fail(e))
}

/// One user, for the panel.
#[tauri::command]
pub async fn users_get(state: State<'_, AppState>, id: String) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    state
        .roster
        .user(&session, &id)
        .await
        .map_err(|e| state.fail(e))
}

/// Validate one step of "Add user".
#[tauri::command]
pub async fn users_check_new(
    state: State<'_, AppState>,
    input: NewUser,
    step: NewUserStep,
) -> Result<(), AppError> {
    let session = state.session()?;
    state
        .roster
        .check_new_user(&session, &input, step)
        .await
        .map_err(|e| state.fail(e))
}

/// "Create user".
#[tauri::command]
pub async fn users_create(
    state: State<'_, AppState>,
    input: NewUser,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.create_user(&session, input).await;
    state.wrote(result)
}

/// "Save" in Edit.
#[tauri::command]
pub async fn users_update(
    state: State<'_, AppState>,
    id: String,
    input: UserUpdate,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.update_user(&session, &id, input).await;
    state.wrote(result)
}

/// "Remove from Workspace".
#[tauri::command]
pub async fn users_remove(state: State<'_, AppState>, id: String) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.remove_user(&session, &id).await;
    state.wrote(result)
}

/// "Restore".
#[tauri::command]
pub async fn users_restore(
    state: State<'_, AppState>,
    id: String,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.restore_user(&session, &id).await;
    state.wrote(result)
}

/// "Change password" on another user.
#[tauri::command]
pub async fn users_reset_password(
    state: State<'_, AppState>,
    id: String,
    input: PasswordReset,
) -> Result<(), AppError> {
    let session = state.session()?;
    let result = state.roster.reset_password(&session, &id, input).await;
    state.wrote(result)
}

/// "Generate": a new password, shown once by the UI.
#[tauri::command]
pub async fn password_generate(state: State<'_, AppState>) -> Result<String, AppError> {
    let session = state.session()?;
    let secret = state
        .roster
        .generate_password(&session)
        .await
        .map_err(|e| state.fail(e))?;
    Ok(secret.expose().to_owned())
}
