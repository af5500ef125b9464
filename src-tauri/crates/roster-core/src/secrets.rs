//! Secrets for other systems (the SMTP password) kept outside SQLite: in the OS keychain when
//! one answers, otherwise in memory until Roster closes (DESIGN.md §4).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{Error, Result};
use crate::model::SecretStorage;
use crate::passwords::Secret;

/// The keychain service name Roster's entries are filed under (the app identifier).
pub const KEYCHAIN_SERVICE: &str = "app.roster.desktop";

/// Where secrets go. Implementations are blocking (the keychain talks to the OS); the core
/// calls them off the async runtime.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// What kind of store this is, for Settings to say plainly.
    fn storage(&self) -> SecretStorage;
    /// The secret saved under `name`, if any.
    fn get(&self, name: &str) -> Result<Option<Secret>>;
    /// Saves `secret` under `name`, replacing any.
    fn set(&self, name: &str, secret: &Secret) -> Result<()>;
    /// Forgets `name` (no error when absent).
    fn delete(&self, name: &str) -> Result<()>;
}

/// Secrets in memory only, for this run of Roster.
#[derive(Default)]
pub struct SessionSecrets(Mutex<HashMap<String, Secret>>);

impl fmt::Debug for SessionSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecrets(<redacted>)")
    }
}

impl SessionSecrets {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for SessionSecrets {
    fn storage(&self) -> SecretStorage {
        SecretStorage::Session
    }

    fn get(&self, name: &str) -> Result<Option<Secret>> {
        Ok(self.map().get(name).cloned())
    }

    fn set(&self, name: &str, secret: &Secret) -> Result<()> {
        self.map().insert(name.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.map().remove(name);
        Ok(())
    }
}

/// The OS keychain through `keyring` (Keychain Services, Windows Credential Manager, the
/// Secret Service on Linux and BSD).
#[derive(Debug)]
pub struct Keychain {
    service: String,
}

fn keychain_error(error: keyring::Error) -> Error {
    Error::Keychain {
        reason: error.to_string(),
    }
}

impl Keychain {
    /// A keychain that answered a round trip (save, read back, delete a probe entry) under
    /// `service`. Errors: [`Error::Keychain`] saying why not — e.g. no Secret Service on a
    /// headless Linux, where the keyring crate reports `NoDefaultStore`.
    pub fn probe(service: &str) -> Result<Self> {
        let keychain = Self {
            service: service.to_owned(),
        };
        let probe = Secret::verbatim("roster-probe");
        let round_trip = keychain
            .set("probe", &probe)
            .and_then(|()| keychain.get("probe"))
            .and_then(|read| {
                keychain.delete("probe")?;
                Ok(read)
            });
        match round_trip? {
            Some(read) if read == probe => Ok(keychain),
            _ => Err(Error::Keychain {
                reason: "the keychain did not give back what was saved".to_owned(),
            }),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(keychain_error)
    }
}

impl SecretStore for Keychain {
    fn storage(&self) -> SecretStorage {
        SecretStorage::Keychain
    }

    fn get(&self, name: &str) -> Result<Option<Secret>> {
        match self.entry(name)?.get_password() {
            Ok(text) => Ok(Some(Secret::verbatim(&text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keychain_error(error)),
        }
    }

    fn set(&self, name: &str, secret: &Secret) -> Result<()> {
        self.entry(name)?
            .set_password(secret.expose())
            .map_err(keychain_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(error)),
        }
    }
}

/// A store chosen on its first use rather than when it is made: touching a locked desktop
/// keyring can ask the person to unlock it, which must not happen while Roster starts (before
/// its window shows) nor for a Workspace that never uses a secret. Like every
/// [`SecretStore`] method, the first use blocks, so the core makes it off the async runtime.
pub struct LazySecrets {
    choose: Box<dyn Fn() -> Arc<dyn SecretStore> + Send + Sync>,
    chosen: OnceLock<Arc<dyn SecretStore>>,
}

impl LazySecrets {
    /// A store that calls `choose` once, on the first call of any [`SecretStore`] method,
    /// and then keeps what it returned.
    pub fn new(choose: impl Fn() -> Arc<dyn SecretStore> + Send + Sync + 'static) -> Self {
        Self {
            choose: Box::new(choose),
            chosen: OnceLock::new(),
        }
    }

    fn store(&self) -> &dyn SecretStore {
        self.chosen.get_or_init(|| (self.choose)()).as_ref()
    }
}

impl fmt::Debug for LazySecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.chosen.get() {
            Some(store) => write!(f, "LazySecrets({store:?})"),
            None => f.write_str("LazySecrets(not chosen yet)"),
        }
    }
}

impl SecretStore for LazySecrets {
    fn storage(&self) -> SecretStorage {
        self.store().storage()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>> {
        self.store().get(name)
    }

    fn set(&self, name: &str, secret: &Secret) -> Result<()> {
        self.store().set(name, secret)
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.store().delete(name)
    }
}

/// The keychain when it passes [`Keychain::probe`], else [`SessionSecrets`] (logging why),
/// chosen on the first secret access ([`LazySecrets`]): making the store probes nothing.
pub fn keychain_or_session(service: &str) -> Arc<dyn SecretStore> {
    let service = service.to_owned();
    Arc::new(LazySecrets::new(move || -> Arc<dyn SecretStore> {
        match Keychain::probe(&service) {
            Ok(keychain) => Arc::new(keychain),
            Err(reason) => {
                tracing::warn!(%reason, "no OS keychain; secrets are kept for this session only");
                Arc::new(SessionSecrets::default())
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_secrets_keep_values_exactly_and_forget_them() {
        let store = SessionSecrets::default();
        let typed = Secret::verbatim("ﬁ-Ligature-Pass");
        store.set("smtp:w", &typed).expect("set");
        assert_eq!(store.get("smtp:w").expect("get"), Some(typed));
        store.delete("smtp:w").expect("delete");
        assert_eq!(store.get("smtp:w").expect("get"), None);
        assert_eq!(format!("{store:?}"), "SessionSecrets(<redacted>)");
    }

    /// A probe that only counts how often it ran: the keychain is the one part a unit test
    /// may stand in for.
    fn counting() -> (Arc<std::sync::atomic::AtomicUsize>, LazySecrets) {
        let probes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = probes.clone();
        let store = LazySecrets::new(move || -> Arc<dyn SecretStore> {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Arc::new(SessionSecrets::default())
        });
        (probes, store)
    }

    #[test]
    fn the_store_is_chosen_on_the_first_secret_access_and_only_once() {
        let (probes, store) = counting();
        assert_eq!(probes.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert_eq!(format!("{store:?}"), "LazySecrets(not chosen yet)");
        assert_eq!(store.get("smtp:w").expect("get"), None);
        assert_eq!(probes.load(std::sync::atomic::Ordering::SeqCst), 1);
        store
            .set("smtp:w", &Secret::verbatim("Smtp-Secret-91"))
            .expect("set");
        assert_eq!(store.storage(), SecretStorage::Session);
        assert_eq!(probes.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(
            format!("{store:?}"),
            "LazySecrets(SessionSecrets(<redacted>))"
        );
    }

    #[tokio::test]
    async fn opening_roster_and_signing_in_probe_no_keychain() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (probes, store) = counting();
        let roster = crate::Roster::open(&dir.path().join("roster.db"))
            .await
            .expect("open")
            .with_secrets(Arc::new(store));
        let password = Secret::new("Lantern-Orchid-Fjord-77");
        let (admin, _) = roster
            .create_first_workspace(crate::model::CreateWorkspaceInput {
                workspace_name: "Acme".into(),
                email: "ana@example.com".into(),
                first_name: "Ana".into(),
                last_name: String::new(),
                password: password.clone(),
                confirm_password: password,
            })
            .await
            .expect("workspace");
        roster.deliver_due_mail().await.expect("mail pass");
        assert_eq!(probes.load(std::sync::atomic::Ordering::SeqCst), 0);
        roster.email_settings(&admin).await.expect("settings");
        assert_eq!(
            probes.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "Settings → Email is the first secret access"
        );
    }
}
