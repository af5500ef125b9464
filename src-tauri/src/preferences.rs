//! Preferences of the people who use Roster on this computer, kept beside the database in
//! `<data dir>/preferences.json`: the language each user chose in My profile. Nothing here is a
//! rule of the Workspace, so it stays on this computer and is not synced.
//!
//! Shape: `{ "languages": { "<user id>": "es" } }`; a user who has not chosen is absent and
//! the UI follows the OS.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use roster_core::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};

/// The languages the UI is written in (`ui/messages/<area>/<language>.json`).
pub const LANGUAGES: [&str; 2] = ["en", "es"];

const FILE: &str = "preferences.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    languages: BTreeMap<String, String>,
}

/// The preferences file of one data directory.
pub struct Preferences {
    path: PathBuf,
}

impl Preferences {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(FILE),
        }
    }

    /// The language `user_id` chose, if any. A missing or unreadable file means no choice: the
    /// UI then follows the OS, which loses nothing.
    pub fn language(&self, user_id: &str) -> Option<String> {
        self.read()
            .languages
            .remove(user_id)
            .filter(|language| LANGUAGES.contains(&language.as_str()))
    }

    /// Records `language` for `user_id` (`None`: follow the OS again).
    ///
    /// # Errors
    /// `VALIDATION` for a language the UI is not written in; `IO` when the file cannot be
    /// written (written to a temporary file and renamed, so it is never half-written).
    pub fn set_language(&self, user_id: &str, language: Option<&str>) -> Result<(), AppError> {
        let mut stored = self.read();
        match language {
            Some(language) if !LANGUAGES.contains(&language) => {
                return Err(AppError {
                    code: ErrorCode::Validation,
                    message: format!(
                        "Roster is not written in the language {language:?}; choose one of {}.",
                        LANGUAGES.join(", ")
                    ),
                    field: None,
                    target_id: None,
                });
            }
            Some(language) => {
                stored
                    .languages
                    .insert(user_id.to_owned(), language.to_owned());
            }
            None => {
                stored.languages.remove(user_id);
            }
        }
        self.write(&stored).map_err(|error| AppError {
            code: ErrorCode::Io,
            message: format!("The language could not be saved: {error}"),
            field: None,
            target_id: None,
        })
    }

    fn read(&self) -> Stored {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn write(&self, stored: &Stored) -> std::io::Result<()> {
        let partial = self.path.with_extension("json.partial");
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(&serde_json::to_vec_pretty(stored).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(&partial, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_keeps_their_own_language_until_they_follow_the_os_again() {
        let dir = tempfile::tempdir().expect("dir");
        let preferences = Preferences::new(dir.path());
        assert_eq!(preferences.language("u-1"), None);

        preferences.set_language("u-1", Some("es")).expect("es");
        preferences.set_language("u-2", Some("en")).expect("en");
        let again = Preferences::new(dir.path());
        assert_eq!(again.language("u-1").as_deref(), Some("es"));
        assert_eq!(again.language("u-2").as_deref(), Some("en"));

        again.set_language("u-1", None).expect("follow the OS");
        assert_eq!(again.language("u-1"), None);
        assert_eq!(again.language("u-2").as_deref(), Some("en"));
        assert!(!dir.path().join("preferences.json.partial").exists());
    }

    #[test]
    fn a_language_roster_does_not_speak_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let preferences = Preferences::new(dir.path());
        preferences.set_language("u-1", Some("es")).expect("es");
        let error = preferences.set_language("u-1", Some("fr")).expect_err("fr");
        assert_eq!(error.code, ErrorCode::Validation);
        assert!(error.message.contains("\"fr\""), "{}", error.message);
        assert_eq!(preferences.language("u-1").as_deref(), Some("es"));
    }

    #[test]
    fn an_unreadable_file_means_no_choice() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("preferences.json"), b"{ not json").expect("write");
        let preferences = Preferences::new(dir.path());
        assert_eq!(preferences.language("u-1"), None);
        preferences
            .set_language("u-1", Some("es"))
            .expect("rewrites it");
        assert_eq!(preferences.language("u-1").as_deref(), Some("es"));
    }
}
