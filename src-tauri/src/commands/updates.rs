//! "Check for updates" and "Install and restart". Neither needs a session: an update can be
//! offered on the sign-in screen, and what it installs is checked against Roster's signing key.

use roster_core::{AppError, ErrorCode};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::updates::{self, Pending, UpdateCheck, UpdateProgress};

/// Asks the update server whether a newer signed release exists (see [`updates::check`]).
/// `UPDATE_UNREACHABLE` also when this copy has no update server (built from source).
#[tauri::command]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, Pending>,
) -> Result<UpdateCheck, AppError> {
    let Some(updater) = updates::updater(&app)? else {
        return Err(AppError {
            code: ErrorCode::UpdateUnreachable,
            message: "This copy of Roster was built without an update server.".to_owned(),
            field: None,
            target_id: None,
        });
    };
    updates::check(&updater, &pending).await
}

/// Downloads, verifies and installs the release the last check offered, reporting progress,
/// then restarts Roster into it (Windows' installer restarts it itself).
#[tauri::command]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    pending: State<'_, Pending>,
    on_progress: Channel<UpdateProgress>,
) -> Result<(), AppError> {
    updates::install(&pending, |progress| {
        // A closed page cannot receive progress; the install goes on regardless.
        let _ = on_progress.send(progress);
    })
    .await?;
    tracing::info!("update installed, restarting");
    app.restart()
}
