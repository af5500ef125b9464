//! "Download": the native save dialog, then the core writes the file while progress streams
//! back through a channel.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use roster_core::model::{ExportFormat, ExportOutcome, ExportProgress, UserQuery};
use roster_core::{AppError, Error};
use tauri::ipc::Channel;
use tauri::{Runtime, State, WebviewWindow};

use crate::save_dialog::ask_where_to_save;
use crate::state::AppState;

/// Asks where to save (suggesting `<workspace>-users-<date>.<ext>`), then writes the users
/// matching `query`. `None` when the user cancels the dialog. Needs `users.export` (the core
/// refuses before the dialog opens).
#[tauri::command]
pub async fn users_export<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    format: ExportFormat,
    query: UserQuery,
    on_progress: Channel<ExportProgress>,
) -> Result<Option<ExportOutcome>, AppError> {
    let session = state.session()?;
    let today = chrono::Local::now().date_naive();
    let file_name = state
        .roster
        .export_file_name(&session, format, today)
        .await
        .map_err(|e| state.fail(e))?;
    let Some(path) = ask_where_to_save(&window, "Download users", file_name, format).await else {
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
            &path,
            &mut report,
            &state.export_cancel,
        )
        .await
        .map_err(|e| state.fail(e))?;
    state.remember_export(&session, path);
    Ok(Some(outcome))
}

/// "Cancel" on a running download: it stops at the next batch and leaves no file.
#[tauri::command]
pub fn users_export_cancel(state: State<'_, AppState>) {
    state.export_cancel.store(true, Ordering::Relaxed);
}

/// "Show in folder" for the last file this session downloaded. Needs a session the core still
/// accepts (`UNAUTHENTICATED` otherwise); `NOT_FOUND` when this session saved nothing.
#[tauri::command]
pub async fn export_reveal(state: State<'_, AppState>) -> Result<(), AppError> {
    let path = revealable(&state).await?;
    tauri_plugin_opener::reveal_item_in_dir(&path)
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())).into())
}

/// The file "Show in folder" may reveal: the current session's last download, once the core
/// has confirmed the session (a removed user or an ended session is signed out here).
async fn revealable(state: &AppState) -> Result<PathBuf, AppError> {
    let info = state.signed_in().await?;
    if info.must_change_password {
        return Err(Error::PasswordChangeRequired.into());
    }
    state
        .last_export()
        .ok_or_else(|| Error::NotFound("Download").into())
}

#[cfg(test)]
mod tests {
    use roster_core::model::CreateWorkspaceInput;
    use roster_core::{ErrorCode, Secret};

    use super::*;

    const EMAIL: &str = "ana.silva@example.com";
    const PASSWORD: &str = "Lantern-Orchid-Fjord-77";

    async fn signed_in() -> (tempfile::TempDir, AppState, roster_core::Session) {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = AppState::open(dir.path(), false).await.expect("open");
        let (session, _) = state
            .roster
            .create_first_workspace(CreateWorkspaceInput {
                workspace_name: "Acme".into(),
                email: EMAIL.into(),
                first_name: "Ana".into(),
                last_name: "Silva".into(),
                password: Secret::new(PASSWORD),
                confirm_password: Secret::new(PASSWORD),
            })
            .await
            .expect("first Workspace");
        state.set_session(Some(session.clone()));
        (dir, state, session)
    }

    async fn reveal_code(state: &AppState) -> Option<ErrorCode> {
        revealable(state).await.err().map(|e| e.code)
    }

    #[tokio::test]
    async fn show_in_folder_needs_a_session_and_forgets_the_download_when_it_ends() {
        let (dir, state, session) = signed_in().await;
        let file = dir.path().join("users.csv");
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::NotFound));
        state.remember_export(&session, file.clone());
        assert_eq!(revealable(&state).await.ok(), Some(file.clone()));

        // Sign-out: no session, and the same user signing in again finds nothing to reveal.
        state.set_session(None);
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::Unauthenticated));
        state.set_session(Some(session.clone()));
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::NotFound));

        // A session the core ends (UNAUTHENTICATED) forgets it too.
        state.remember_export(&session, file.clone());
        let _ = state.fail(Error::Unauthenticated);
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::Unauthenticated));
        state.set_session(Some(session.clone()));
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::NotFound));
    }

    #[tokio::test]
    async fn a_download_that_ends_after_sign_out_is_not_kept_for_the_next_session() {
        let (dir, state, session) = signed_in().await;
        state.set_session(None);
        state.remember_export(&session, dir.path().join("users.xlsx"));
        state.set_session(Some(session));
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::NotFound));
    }

    #[tokio::test]
    async fn a_session_of_a_user_who_is_gone_cannot_reveal_and_is_signed_out() {
        let (dir, state, session) = signed_in().await;
        state.remember_export(&session, dir.path().join("users.csv"));
        let stranger = roster_core::Session {
            user_id: "no-such-user".into(),
            ..session
        };
        state.set_session(Some(stranger.clone()));
        state.remember_export(&stranger, dir.path().join("users.csv"));
        assert_eq!(reveal_code(&state).await, Some(ErrorCode::Unauthenticated));
        assert!(state.current().is_none(), "signed out");
    }
}
