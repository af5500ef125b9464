//! Settings → Email.

use roster_core::AppError;
use roster_core::model::{EmailSettings, EmailSettingsInput};
use tauri::State;

use crate::state::AppState;

/// The saved email settings (no password).
#[tauri::command]
pub async fn settings_email_get(state: State<'_, AppState>) -> Result<EmailSettings, AppError> {
    let session = state.session()?;
    state
        .roster
        .email_settings(&session)
        .await
        .map_err(|e| state.fail(e))
}

/// "Save" in Settings → Email.
#[tauri::command]
pub async fn settings_email_save(
    state: State<'_, AppState>,
    input: EmailSettingsInput,
) -> Result<EmailSettings, AppError> {
    let session = state.session()?;
    let hub = crate::sync::hub_of(&state.roster, &state.sync, &session.workspace_id)
        .await
        .map_err(|e| state.fail(e))?;
    let saved = match hub {
        Some(hub) => {
            state
                .roster
                .save_email_settings_through_hub(&session, &hub, input)
                .await
        }
        None => state.roster.save_email_settings(&session, input).await,
    }
    .map_err(|e| state.fail(e))?;
    state.mail_waiting();
    Ok(saved)
}

/// "Send test email" to `to`.
#[tauri::command]
pub async fn settings_email_test(state: State<'_, AppState>, to: String) -> Result<(), AppError> {
    let session = state.session()?;
    let hub = crate::sync::hub_of(&state.roster, &state.sync, &session.workspace_id)
        .await
        .map_err(|e| state.fail(e))?;
    match hub {
        Some(hub) => {
            state
                .roster
                .send_test_email_through_hub(&session, &hub, &to)
                .await
        }
        None => state.roster.send_test_email(&session, &to).await,
    }
    .map_err(|e| state.fail(e))
}
