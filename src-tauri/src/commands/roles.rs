//! The Roles screen.

use roster_core::AppError;
use roster_core::model::{RoleDeletion, RoleInput, RoleSummary};
use tauri::State;

use crate::state::AppState;

/// Every role of the Workspace, by name.
#[tauri::command]
pub async fn roles_list(state: State<'_, AppState>) -> Result<Vec<RoleSummary>, AppError> {
    let session = state.session()?;
    state
        .roster
        .roles(&session)
        .await
        .map_err(|e| state.fail(e))
}

/// "Add role".
#[tauri::command]
pub async fn roles_create(
    state: State<'_, AppState>,
    input: RoleInput,
) -> Result<RoleSummary, AppError> {
    let session = state.session()?;
    let result = state.roster.create_role(&session, input).await;
    state.wrote(result)
}

/// "Save" in Edit role.
#[tauri::command]
pub async fn roles_update(
    state: State<'_, AppState>,
    id: String,
    input: RoleInput,
) -> Result<RoleSummary, AppError> {
    let session = state.session()?;
    let result = state.roster.update_role(&session, &id, input).await;
    state.wrote(result)
}

/// "Delete role", optionally moving its users to another role.
#[tauri::command]
pub async fn roles_delete(
    state: State<'_, AppState>,
    id: String,
    input: RoleDeletion,
) -> Result<(), AppError> {
    let session = state.session()?;
    let result = state.roster.delete_role(&session, &id, input).await;
    state.wrote(result)
}
