//! Every change leaves one audit entry naming the changed fields, never a password; and a
//! log capture to prove secrets stay out of logs.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use roster_core::Secret;
use roster_core::model::PasswordReset;

use crate::support::*;

#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("logs")).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything any thread logs at TRACE level from now on, for the whole test binary.
pub fn capture_logs() -> Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .init();
        logs
    })
    .clone()
}

#[tokio::test]
async fn each_change_appends_one_entry_with_field_names_only() {
    let w = world().await;
    let user = w.add("ines@example.com", "Inês", "Sousa").await;
    let reset = PasswordReset {
        new_password: Secret::new("Harbour-Lilac-Comet-58"),
        confirm_password: Secret::new("Harbour-Lilac-Comet-58"),
        must_change_password: true,
    };
    w.roster
        .reset_password(&w.admin, &user.id, reset)
        .await
        .expect("reset");
    w.roster
        .remove_user(&w.admin, &user.id)
        .await
        .expect("remove");
    w.roster
        .restore_user(&w.admin, &user.id)
        .await
        .expect("restore");

    let entries: Vec<roster_core::testing::AuditEntry> = w
        .audit()
        .await
        .into_iter()
        .filter(|e| e.target_id == user.id)
        .collect();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.reset_password",
            "user.remove",
            "user.restore"
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.actor_id.as_deref() == Some(w.admin.user_id.as_str()))
    );
    assert_eq!(entries[1].fields, ["password", "mustChangePassword"]);
    let all: Vec<String> = w
        .audit()
        .await
        .iter()
        .map(|e| format!("{}{:?}{}{}", e.action, e.fields, e.target_id, e.details))
        .collect();
    let hash = w.password_hash(&user.id).await.expect("hash");
    for row in &all {
        assert!(
            !row.contains("Harbour-Lilac-Comet-58")
                && !row.contains(USER_PASSWORD)
                && !row.contains(&hash)
        );
    }
}

#[tokio::test]
async fn changes_bump_the_row_version_and_stale_edits_conflict() {
    let w = world().await;
    let user = w.add("jon@example.com", "Jon", "Berg").await;
    let edit = |version| roster_core::model::UserUpdate {
        first_name: "Jonas".into(),
        last_name: "Berg".into(),
        phone: "+47 912 34 567".into(),
        is_super_user: false,
        role_ids: vec![w.member_role.clone()],
        expected_version: version,
    };
    let saved = w
        .roster
        .update_user(&w.admin, &user.id, edit(user.version))
        .await
        .expect("save");
    assert_eq!(
        (
            saved.version,
            saved.first_name.as_str(),
            saved.phone.as_str()
        ),
        (user.version + 1, "Jonas", "+47 912 34 567")
    );
    let stale = w
        .roster
        .update_user(&w.admin, &user.id, edit(user.version))
        .await;
    assert_eq!(code(stale), roster_core::ErrorCode::Conflict);
}
