//! Secrets in the OS keychain (issue 5, case I4). `scripts/test` runs this file twice: as part
//! of the whole suite, where no Secret Service runs (the no-keychain path), and under
//! `dbus-run-session` with `gnome-keyring-daemon` (a real Secret Service).

use std::sync::Arc;

use roster_core::model::{EmailSettingsInput, SecretStorage, SmtpSecurity};
use roster_core::secrets::{Keychain, SecretStore, keychain_or_session};
use roster_core::{Roster, Secret, Session};

const SERVICE: &str = "app.roster.desktop.tests";

fn session_bus() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
}

/// Roster on `db` keeping secrets in `store`, with the Workspace Acme and its admin signed in.
async fn acme(db: &std::path::Path, store: Arc<dyn SecretStore>) -> (Roster, Session) {
    let roster = Roster::open(db).await.expect("open").with_secrets(store);
    let password = Secret::new("Lantern-Orchid-Fjord-77");
    let (admin, _) = roster
        .create_first_workspace(roster_core::model::CreateWorkspaceInput {
            workspace_name: "Acme".into(),
            email: "ana@example.com".into(),
            first_name: "Ana".into(),
            last_name: String::new(),
            password: password.clone(),
            confirm_password: password,
        })
        .await
        .expect("workspace");
    (roster, admin)
}

#[test]
fn the_probe_finds_a_running_secret_service_and_admits_a_missing_one() {
    match Keychain::probe(SERVICE) {
        Ok(keychain) => {
            assert!(session_bus() || cfg!(not(target_os = "linux")));
            let secret = Secret::verbatim("Smtp-\u{fb01}-Keychain-77");
            keychain.set("smtp:probe-test", &secret).expect("save");
            assert_eq!(keychain.get("smtp:probe-test").expect("read"), Some(secret));
            keychain.delete("smtp:probe-test").expect("delete");
            assert_eq!(keychain.get("smtp:probe-test").expect("read"), None);
            assert_eq!(
                keychain_or_session(SERVICE).storage(),
                SecretStorage::Keychain
            );
        }
        Err(reason) => {
            assert!(
                !session_bus(),
                "a session bus is running but the keychain failed: {reason}"
            );
            assert_eq!(
                keychain_or_session(SERVICE).storage(),
                SecretStorage::Session
            );
        }
    }
}

#[tokio::test]
async fn a_saved_smtp_password_outlives_a_restart_only_in_a_keychain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("roster.db");
    let store: Arc<dyn SecretStore> = keychain_or_session(SERVICE);
    let storage = store.storage();
    let (roster, admin) = acme(&db, store).await;
    let settings = EmailSettingsInput {
        host: "localhost".into(),
        port: 2525,
        security: SmtpSecurity::None,
        username: "mailer".into(),
        password: Some(
            serde_json::from_value(serde_json::json!("Smtp-Secret-91")).expect("credential"),
        ),
        sender_name: "Acme".into(),
        sender_address: "team@example.com".into(),
        invitation_days: 7,
        timeout_seconds: 15,
        expected_version: 0,
    };
    let saved = roster
        .save_email_settings(&admin, settings)
        .await
        .expect("save");
    assert!(saved.has_password);
    assert_eq!(saved.password_storage, storage);
    roster.close().await;
    let file = std::fs::read(&db).expect("database file");
    assert!(
        !file.windows(14).any(|w| w == b"Smtp-Secret-91"),
        "the SMTP password is never written to the database"
    );

    let restarted = Roster::open(&db)
        .await
        .expect("reopen")
        .with_secrets(keychain_or_session(SERVICE));
    let after = restarted.email_settings(&admin).await.expect("settings");
    assert_eq!(after.has_password, storage == SecretStorage::Keychain);
    let forget = EmailSettingsInput {
        host: "localhost".into(),
        port: 2525,
        security: SmtpSecurity::None,
        username: "mailer".into(),
        password: Some(serde_json::from_value(serde_json::json!("")).expect("credential")),
        sender_name: "Acme".into(),
        sender_address: "team@example.com".into(),
        invitation_days: 7,
        timeout_seconds: 15,
        expected_version: after.version,
    };
    let forgotten = restarted
        .save_email_settings(&admin, forget)
        .await
        .expect("forget");
    assert!(!forgotten.has_password);
}

#[tokio::test]
async fn a_keychain_entry_is_bound_to_its_server_and_dropped_when_the_server_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn SecretStore> = keychain_or_session(SERVICE);
    let (roster, admin) = acme(&dir.path().join("roster.db"), store.clone()).await;
    let settings = |host: &str, password: Option<&str>, version: i64| EmailSettingsInput {
        host: host.into(),
        port: 2525,
        security: SmtpSecurity::None,
        username: "mailer".into(),
        password: password
            .map(|p| serde_json::from_value(serde_json::json!(p)).expect("credential")),
        sender_name: "Acme".into(),
        sender_address: "team@example.com".into(),
        invitation_days: 7,
        timeout_seconds: 15,
        expected_version: version,
    };
    let saved = roster
        .save_email_settings(
            &admin,
            settings("localhost", Some("Smtp-Bound-Secret-37"), 0),
        )
        .await
        .expect("save");
    assert!(saved.has_password);
    let entry = format!("smtp:{}", admin.workspace_id);
    let stored = store.get(&entry).expect("read").expect("an entry");
    assert_ne!(
        stored.expose(),
        "Smtp-Bound-Secret-37",
        "stored with its destination"
    );
    assert!(stored.expose().contains("localhost"));
    assert_eq!(format!("{stored:?}"), "<redacted>");

    let moved = roster
        .save_email_settings(&admin, settings("127.0.0.1", None, saved.version))
        .await
        .expect("move");
    assert!(!moved.has_password);
    assert_eq!(
        store.get(&entry).expect("read"),
        None,
        "moving the server deletes the entry"
    );
}
