//! The Reports screen and a user's Activity tab.

use roster_core::AppError;
use roster_core::model::{ActivityEntry, SeatReport};
use tauri::State;

use crate::state::AppState;

/// Seats now, per role and per day over the last 90 days.
#[tauri::command]
pub async fn reports_seats(state: State<'_, AppState>) -> Result<SeatReport, AppError> {
    let session = state.session()?;
    state
        .roster
        .seat_report(&session)
        .await
        .map_err(|e| state.fail(e))
}

/// The latest changes to one user, newest first.
#[tauri::command]
pub async fn users_activity(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<ActivityEntry>, AppError> {
    let session = state.session()?;
    state
        .roster
        .user_activity(&session, &id)
        .await
        .map_err(|e| state.fail(e))
}
