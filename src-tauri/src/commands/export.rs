//! "Download": the native save dialog, then the core writes the file while progress streams
//! back through a channel.

use std::sync::atomic::Ordering;

use roster_core::export::suggested_file_name;
use roster_core::model::{ExportFormat, ExportOutcome, ExportProgress, UserQuery};
use roster_core::{AppError, Error, Permission};
use tauri::ipc::Channel;
use tauri::{Manager, Runtime, State, WebviewWindow};

use crate::state::AppState;

/// Asks where to save (suggesting `<workspace>-users-<date>.<ext>`), then writes the users
/// matching `query`. `None` when the user cancels the dialog. The dialog is awaited, so the
/// window stays responsive while it is open.
#[tauri::command]
pub async fn users_export<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    format: ExportFormat,
    query: UserQuery,
    on_progress: Channel<ExportProgress>,
) -> Result<Option<ExportOutcome>, AppError> {
    let session = state.session()?;
    let info = state
        .roster
        .session_info(&session)
        .await
        .map_err(|e| state.fail(e))?;
    if !info.permissions.contains(&Permission::UsersExport) {
        return Err(Error::Forbidden("You do not have the permission users.export".into()).into());
    }
    let today = chrono::Local::now().date_naive();
    let (filter_name, extension) = match format {
        ExportFormat::Xlsx => ("Excel workbook", "xlsx"),
        ExportFormat::Csv => ("CSV (comma-separated values)", "csv"),
    };
    let folder = window
        .path()
        .download_dir()
        .or_else(|_| window.path().home_dir());
    let mut dialog = rfd::AsyncFileDialog::new();
    if let Ok(folder) = folder {
        dialog = dialog.set_directory(folder);
    }
    let chosen = dialog
        .set_title("Download users")
        .set_file_name(suggested_file_name(&info.workspace_name, today, format))
        .add_filter(filter_name, &[extension])
        .set_parent(&window)
        .save_file()
        .await;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    state.export_cancel.store(false, Ordering::Relaxed);
    let mut report = |p: ExportProgress| {
        // A closed page cannot receive progress; the download goes on regardless.
        let _ = on_progress.send(p);
    };
    let outcome = state
        .roster
        .export_users(
            &session,
            format,
            &query,
            chosen.path(),
            &mut report,
            &state.export_cancel,
        )
        .await
        .map_err(|e| state.fail(e))?;
    if let Ok(mut last) = state.last_export.lock() {
        *last = Some(chosen.path().to_owned());
    }
    Ok(Some(outcome))
}

/// "Cancel" on a running download: it stops at the next batch and leaves no file.
#[tauri::command]
pub fn users_export_cancel(state: State<'_, AppState>) {
    state.export_cancel.store(true, Ordering::Relaxed);
}

/// "Show in folder" for the last saved download.
#[tauri::command]
pub fn export_reveal(state: State<'_, AppState>) -> Result<(), AppError> {
    let path = state.last_export.lock().ok().and_then(|p| p.clone());
    let path = path.ok_or(Error::NotFound("Download"))?;
    tauri_plugin_opener::reveal_item_in_dir(&path)
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())).into())
}
