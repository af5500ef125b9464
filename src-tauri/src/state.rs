//! What the running app holds: the core handle and the one signed-in session.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use roster_core::{AppError, Error, Roster, Session, demo, store};

/// Managed Tauri state.
pub struct AppState {
    /// The core.
    pub roster: Roster,
    /// The signed-in session, if any. It carries no power: the core re-reads the user on
    /// every command.
    session: Mutex<Option<Session>>,
    /// Running on the demo Workspace.
    pub demo: bool,
    /// Set by "Cancel" while a download runs.
    pub export_cancel: AtomicBool,
    /// The last file a download saved, for "Show in folder" (the only path the UI can reveal).
    pub last_export: Mutex<Option<PathBuf>>,
}

impl AppState {
    /// Opens (creating) `data_dir/roster.db`; with `demo`, seeds the demo Workspace when empty.
    pub async fn open(data_dir: &Path, demo: bool) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir)?;
        let roster = Roster::open(&data_dir.join(store::DATABASE_FILE)).await?;
        if demo {
            demo::seed(&roster).await?;
        }
        Ok(Self {
            roster,
            session: Mutex::new(None),
            demo,
            export_cancel: AtomicBool::new(false),
            last_export: Mutex::new(None),
        })
    }

    /// The current session, or `UNAUTHENTICATED`.
    pub fn session(&self) -> Result<Session, AppError> {
        self.current().ok_or_else(|| Error::Unauthenticated.into())
    }

    /// The current session, if any.
    pub fn current(&self) -> Option<Session> {
        self.session.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Replaces the session (sign-in, sign-out).
    pub fn set_session(&self, session: Option<Session>) {
        if let Ok(mut slot) = self.session.lock() {
            *slot = session;
        }
    }

    /// Turns a core error into the UI's shape; an `UNAUTHENTICATED` answer also ends the
    /// session, so a removed user is signed out everywhere at once.
    pub fn fail(&self, error: Error) -> AppError {
        if matches!(error, Error::Unauthenticated) {
            self.set_session(None);
        }
        error.into()
    }
}
