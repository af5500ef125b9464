//! What the running app holds: the core handle and the one signed-in session.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use roster_core::model::SessionInfo;
use roster_core::{AppError, Error, ErrorCode, Roster, Session, demo, secrets, store};
use tokio::sync::Notify;

use crate::import::Imports;
use crate::preferences::Preferences;
use crate::sync::Sync;

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
    /// The last file this session's download saved, for "Show in folder" (the only path the
    /// UI can reveal). Forgotten whenever the session changes, so it never outlives its user.
    last_export: Mutex<Option<PathBuf>>,
    /// Wakes the mail loop when a message was queued or the settings changed.
    pub mail: Arc<Notify>,
    /// The code of the last invitation link that reached the app, until the UI takes it.
    invitation_link: Mutex<Option<String>>,
    /// The sync loop's shared half (replicas of a hub Workspace).
    pub sync: Sync,
    /// The file being imported, its preview and result.
    pub import: Imports,
    /// What each user chose on this computer (the UI's language).
    pub preferences: Preferences,
}

impl AppState {
    /// Opens (creating) `data_dir/roster.db`; with `demo`, seeds the demo Workspace when empty.
    pub async fn open(data_dir: &Path, demo: bool) -> Result<Self, Error> {
        std::fs::create_dir_all(data_dir)?;
        let roster = Roster::open(&data_dir.join(store::DATABASE_FILE))
            .await?
            // Chosen on the first secret access, off the async runtime: nothing here touches
            // the keychain, so a locked keyring never asks to unlock before the window shows.
            .with_secrets(secrets::keychain_or_session(secrets::KEYCHAIN_SERVICE));
        if demo {
            demo::seed(&roster).await?;
        }
        Ok(Self {
            roster,
            session: Mutex::new(None),
            demo,
            export_cancel: AtomicBool::new(false),
            last_export: Mutex::new(None),
            mail: Arc::new(Notify::new()),
            invitation_link: Mutex::new(None),
            sync: Sync::new(data_dir),
            import: Imports::default(),
            preferences: Preferences::new(data_dir),
        })
    }

    /// The answer of a command that changed something: on success the sync loop sends the
    /// change to the hub now (a replica's) and the mail loop looks at its outbox; an error
    /// as [`AppState::fail`].
    pub fn wrote<T>(&self, result: Result<T, Error>) -> Result<T, AppError> {
        let value = result.map_err(|e| self.fail(e))?;
        self.sync.wake();
        self.mail_waiting();
        Ok(value)
    }

    /// Tells the mail loop to look at the outbox now.
    pub fn mail_waiting(&self) {
        self.mail.notify_one();
    }

    /// Keeps the code of an invitation link for the UI.
    pub fn set_invitation_link(&self, token: String) {
        if let Ok(mut slot) = self.invitation_link.lock() {
            *slot = Some(token);
        }
    }

    /// The code of the last invitation link, once.
    pub fn take_invitation_link(&self) -> Option<String> {
        self.invitation_link
            .lock()
            .ok()
            .and_then(|mut slot| slot.take())
    }

    /// The current session, or `UNAUTHENTICATED`.
    pub fn session(&self) -> Result<Session, AppError> {
        self.current().ok_or_else(|| Error::Unauthenticated.into())
    }

    /// The user of the session, once the core has confirmed it (`UNAUTHENTICATED`, and signed
    /// out here, when it ended or the user was removed).
    pub async fn signed_in(&self) -> Result<SessionInfo, AppError> {
        let session = self.session()?;
        self.roster
            .session_info(&session)
            .await
            .map_err(|e| self.fail(e))
    }

    /// The current session, if any.
    pub fn current(&self) -> Option<Session> {
        self.session.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Replaces the session (sign-in, sign-out, a session the core ended) and forgets the
    /// last download, which belonged to the session before.
    pub fn set_session(&self, session: Option<Session>) {
        if let Ok(mut slot) = self.session.lock() {
            *slot = session;
            if let Ok(mut last) = self.last_export.lock() {
                *last = None;
            }
        }
        self.import.close();
        self.sync.wake();
    }

    /// Remembers `path` as the last download of `session` — unless that session has ended
    /// meanwhile (a sign-out while the file was written), so a later user cannot reveal it.
    pub fn remember_export(&self, session: &Session, path: PathBuf) {
        // The session lock is held while the path is stored, so a sign-out cannot slip in
        // between the check and the store (set_session takes the locks in the same order).
        if let Ok(slot) = self.session.lock()
            && slot.as_ref() == Some(session)
            && let Ok(mut last) = self.last_export.lock()
        {
            *last = Some(path);
        }
    }

    /// The last download of the current session, if any.
    pub fn last_export(&self) -> Option<PathBuf> {
        self.last_export.lock().ok().and_then(|p| p.clone())
    }

    /// Turns a core error into the UI's shape; an `UNAUTHENTICATED` answer also ends the
    /// session, so a removed user is signed out everywhere at once.
    pub fn fail(&self, error: Error) -> AppError {
        if error.code() == ErrorCode::Unauthenticated {
            self.set_session(None);
        }
        error.into()
    }
}
