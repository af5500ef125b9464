//! The import in progress: the file read, its latest preview and, after Apply, the result —
//! held between the dialog's commands for the session that opened the file, and forgotten
//! when the dialog closes or the session changes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use roster_core::import::{ImportResult, Plan, Sheet};
use roster_core::{Error, Session};

/// One import's state.
#[derive(Clone)]
pub struct Stage {
    /// Whose file it is: another session finds nothing.
    pub session: Session,
    /// Which opening of a file this is, so a slow preview of a file closed meanwhile never
    /// lands on the next one.
    opened: u64,
    /// The file as read.
    pub sheet: Arc<Sheet>,
    /// The latest preview.
    pub plan: Option<Arc<Plan>>,
    /// What Apply did, once it ran.
    pub result: Option<Arc<ImportResult>>,
}

/// Managed by [`crate::state::AppState`].
#[derive(Default)]
pub struct Imports {
    stage: Mutex<Option<Stage>>,
    /// Files opened so far.
    opened: AtomicU64,
    /// Set by Cancel while Apply runs.
    pub cancel: AtomicBool,
}

impl Imports {
    /// Starts over with `sheet`, opened by `session`.
    pub fn open(&self, session: Session, sheet: Sheet) {
        self.set(Some(Stage {
            session,
            opened: self.opened.fetch_add(1, Ordering::Relaxed) + 1,
            sheet: Arc::new(sheet),
            plan: None,
            result: None,
        }));
    }

    /// The import of `session`; `NOT_FOUND` when there is none (closed, or another
    /// session's).
    pub fn of(&self, session: &Session) -> Result<Stage, Error> {
        self.stage
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .filter(|s| &s.session == session)
            .ok_or(Error::NotFound("Import"))
    }

    /// Replaces the state of the import `stage` was read from, unless that import was
    /// closed (or another file opened) meanwhile.
    pub fn update(&self, stage: Stage) {
        if let Ok(mut slot) = self.stage.lock()
            && slot
                .as_ref()
                .is_some_and(|s| s.session == stage.session && s.opened == stage.opened)
        {
            *slot = Some(stage);
        }
    }

    /// Forgets the import.
    pub fn close(&self) {
        self.set(None);
    }

    fn set(&self, stage: Option<Stage>) {
        if let Ok(mut slot) = self.stage.lock() {
            *slot = stage;
        }
    }
}
