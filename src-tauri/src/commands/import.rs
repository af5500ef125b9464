//! Users → Import: the open dialog, the preview, Apply with progress and Cancel, the report.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use roster_core::AppError;
use roster_core::import;
use roster_core::model::{
    ExportFormat, ImportAction, ImportFile, ImportJoin, ImportOptions, ImportOutcome,
    ImportPreview, ImportProgress, ImportRowsPage,
};
use tauri::ipc::Channel;
use tauri::{Runtime, State, WebviewWindow};

use crate::save_dialog::{ask_where_to_save, ask_which_file};
use crate::state::AppState;

/// Most rows one page of the preview table holds.
const MAX_PAGE: u64 = 500;

/// Asks which file to import and reads it; `None` when the user cancels. Needs `users.import`
/// and `users.view` (refused before the dialog opens). Errors: `IMPORT_FILE` when the file
/// cannot be read as a whole.
#[tauri::command]
pub async fn users_import_open<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Option<ImportFile>, AppError> {
    let session = state.session()?;
    state
        .roster
        .check_import(&session)
        .await
        .map_err(|e| state.fail(e))?;
    let Some(path) = ask_which_file(&window).await else {
        return Ok(None);
    };
    let read = path.clone();
    let sheet = tauri::async_runtime::spawn_blocking(move || import::read_file(&read))
        .await
        .map_err(|e| AppError::from(roster_core::Error::Stored(e.to_string())))?
        .map_err(|e| state.fail(e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let described = import::describe(&sheet, &file_name);
    state.import.open(session, sheet);
    Ok(Some(described))
}

/// What each row would do under `options`; nothing is written.
#[tauri::command]
pub async fn users_import_preview(
    state: State<'_, AppState>,
    options: ImportOptions,
) -> Result<ImportPreview, AppError> {
    let session = state.session()?;
    let mut stage = state.import.of(&session)?;
    let plan = state
        .roster
        .import_preview(&session, &stage.sheet, &options)
        .await
        .map_err(|e| state.fail(e))?;
    let preview = plan.preview().clone();
    stage.plan = Some(Arc::new(plan));
    stage.result = None;
    state.import.update(stage);
    Ok(preview)
}

/// A page of the preview's rows of kind `action` (all when null) — or, after Apply, of what
/// happened to them.
#[tauri::command]
pub fn users_import_rows(
    state: State<'_, AppState>,
    action: Option<ImportAction>,
    offset: u64,
    limit: u64,
) -> Result<ImportRowsPage, AppError> {
    let session = state.session()?;
    let stage = state.import.of(&session)?;
    let limit = limit.min(MAX_PAGE);
    if let Some(result) = &stage.result {
        return Ok(result.rows(action, offset, limit));
    }
    let plan = stage.plan.ok_or(roster_core::Error::NotFound("Preview"))?;
    Ok(plan.rows(action, offset, limit))
}

/// Applies the latest preview in batches, progress streaming through `on_progress`. With
/// generated passwords, first asks where to save them: `None` when that dialog is cancelled
/// (nothing applied).
#[tauri::command]
pub async fn users_import_apply<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    on_progress: Channel<ImportProgress>,
) -> Result<Option<ImportOutcome>, AppError> {
    let session = state.session()?;
    let mut stage = state.import.of(&session)?;
    let plan = stage
        .plan
        .clone()
        .ok_or(roster_core::Error::NotFound("Preview"))?;
    let passwords_file =
        if plan.options().join == ImportJoin::GeneratedPassword && plan.preview().totals.add > 0 {
            let suggested = format!("passwords-{}.csv", chrono::Local::now().format("%Y-%m-%d"));
            let title = "Save the new users' passwords";
            match ask_where_to_save(&window, title, suggested, ExportFormat::Csv).await {
                Some(path) => Some(path),
                None => return Ok(None),
            }
        } else {
            None
        };
    state.import.cancel.store(false, Ordering::Relaxed);
    let mut report = |p: ImportProgress| {
        // Each batch is committed: the hub hears of it and invitations go out while the
        // rest is applied. A closed page cannot receive progress; Apply goes on regardless.
        state.sync.wake();
        state.mail_waiting();
        let _ = on_progress.send(p);
    };
    let result = state
        .roster
        .import_apply(
            &session,
            &plan,
            passwords_file.as_deref(),
            &mut report,
            &state.import.cancel,
        )
        .await;
    let result = state.wrote(result)?;
    let outcome = result.outcome().clone();
    stage.result = Some(Arc::new(result));
    state.import.update(stage);
    Ok(Some(outcome))
}

/// "Cancel" while Apply runs: it stops after the batch in hand; batches applied stay.
#[tauri::command]
pub fn users_import_cancel(state: State<'_, AppState>) {
    state.import.cancel.store(true, Ordering::Relaxed);
}

/// Asks where to save the report of the last Apply and writes it; `None` when cancelled.
#[tauri::command]
pub async fn users_import_report<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let session = state.session()?;
    let stage = state.import.of(&session)?;
    let result = stage
        .result
        .ok_or(roster_core::Error::NotFound("Import result"))?;
    let suggested = format!(
        "import-report-{}.csv",
        chrono::Local::now().format("%Y-%m-%d")
    );
    let title = "Save the import report";
    let Some(path) = ask_where_to_save(&window, title, suggested, ExportFormat::Csv).await else {
        return Ok(None);
    };
    let saved = import::write_report(&result, &path).map_err(|e| state.fail(e))?;
    Ok(Some(saved.to_string_lossy().into_owned()))
}

/// The dialog closed: the file, preview and result are forgotten.
#[tauri::command]
pub fn users_import_close(state: State<'_, AppState>) {
    state.import.close();
}
