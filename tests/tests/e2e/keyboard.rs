//! The main job by keyboard alone (issue 13): no click, no pointer — Tab, Shift+Tab, the arrow
//! keys, Enter, Esc, the shortcuts, and typing, each sent to the element that has focus, as a
//! person at a keyboard reaches it. After every dialog, focus must be somewhere a person can go
//! on from, never lost to the page.

use std::time::Duration;

use fantoccini::key::Key;

use crate::app::{App, answer_save_dialog, wait_for_file};

const ADMIN_EMAIL: &str = "kim.lee@example.com";
const ADMIN_PASSWORD: &str = "Saffron-Glacier-Tulip-64";
const NEW_PASSWORD: &str = "Meadow-Quill-Harbor-93";

/// The accessible name of the focused element, roughly as a screen reader says it: its
/// `aria-label`, its label's text (inputs), or its own text; `<body>` when focus was lost, and
/// `row <email>` for a row of the user list.
const FOCUSED: &str = "const e = document.activeElement;
if (!e || e === document.body) return '<body>';
if (e.dataset.email) return 'row ' + e.dataset.email;
const label = e.getAttribute('aria-label')
  || (e.labels && e.labels[0] ? e.labels[0].textContent : '')
  || e.textContent || '';
return label.replace(/\\s+/g, ' ').trim();";

fn key(k: Key) -> String {
    char::from(k).to_string()
}

impl App {
    async fn focused(&self) -> String {
        self.client
            .execute(FOCUSED, vec![])
            .await
            .expect("focused element")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Types `keys` into whatever has focus.
    async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("an element has focus")
            .send_keys(keys)
            .await
            .expect("keys");
    }

    /// Presses `step` (Tab, Shift+Tab, an arrow) until the focused element is named `name`.
    async fn move_to(&self, step: &str, name: &str) {
        let mut passed = Vec::new();
        for _ in 0..80 {
            let now = self.focused().await;
            if now == name {
                return;
            }
            passed.push(now);
            self.press(step).await;
        }
        panic!("{name:?} is not reachable that way; focus went through {passed:?}");
    }

    async fn tab_to(&self, name: &str) {
        self.move_to(&key(Key::Tab), name).await;
    }

    /// Tabs to the button or field `name` and presses Enter on it.
    async fn activate(&self, name: &str) {
        self.tab_to(name).await;
        self.press(&key(Key::Enter)).await;
    }

    /// Tabs to the field `name` and types `text` into it.
    async fn type_into(&self, name: &str, text: &str) {
        self.tab_to(name).await;
        if name.to_lowercase().contains("password") {
            self.secret(text);
        }
        self.press(text).await;
    }

    /// After a dialog closed: focus is on `expected`, where a person goes on from.
    async fn focus_returns_to(&self, expected: &str) {
        for _ in 0..25 {
            if self.focused().await == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "after the dialog, focus is on {:?}, not {expected:?}",
            self.focused().await
        );
    }
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn the_main_job_by_keyboard_alone() {
    let mut app = App::launch("keyboard", &[]).await;
    app.heading("Create your Workspace").await;
    app.type_into("Workspace name", "Lee & Partners").await;
    app.type_into("Your email", ADMIN_EMAIL).await;
    app.type_into("First name", "Kim").await;
    app.type_into("Last name", "Lee").await;
    app.type_into("Password", ADMIN_PASSWORD).await;
    app.type_into("Confirm password", ADMIN_PASSWORD).await;
    app.activate("Create Workspace").await;
    app.heading("Users").await;

    // Add a user through the stepper, opened with Ctrl+N.
    app.press(&format!("{}n{}", key(Key::Control), key(Key::Null)))
        .await;
    app.testid("add-user-stepper").await;
    app.type_into("Email", "dana.ortiz@example.com").await;
    app.activate("Next").await;
    app.type_into("First name", "Dana").await;
    app.type_into("Last name", "Ortiz").await;
    app.activate("Next").await;
    app.see("Email invitations need email to be set up first.")
        .await;
    app.activate("Next").await;
    app.type_into("Password", NEW_PASSWORD).await;
    app.type_into("Confirm password", NEW_PASSWORD).await;
    app.activate("Next").await;
    app.activate("Next").await;
    app.screenshot("stepper-confirm").await;
    app.activate("Create user").await;
    app.gone("Create user").await;
    app.focus_returns_to("Add user").await;

    // Find her with Ctrl+F, go down into the list and open her.
    app.press(&format!("{}f{}", key(Key::Control), key(Key::Null)))
        .await;
    assert_eq!(app.focused().await, "Search users");
    app.press("dana").await;
    app.expect_rows(1).await;
    app.tab_to("row dana.ortiz@example.com").await;
    app.press(&key(Key::Enter)).await;
    app.testid("user-panel").await;
    app.see("dana.ortiz@example.com").await;

    // Edit her phone.
    app.activate("Edit").await;
    app.type_into("Phone", "+34 600 000 123").await;
    app.activate("Save").await;
    app.see("Changes saved.").await;
    app.see("+34 600 000 123").await;

    // Change her password through the "⋯" menu.
    app.activate("More actions").await;
    app.move_to(&key(Key::Down), "Change password").await;
    app.press(&key(Key::Enter)).await;
    app.see("The password will not be shown again.").await;
    app.type_into("New password", "Walnut-Ember-Sonnet-27")
        .await;
    app.type_into("Confirm password", "Walnut-Ember-Sonnet-27")
        .await;
    app.screenshot("change-password").await;
    app.activate("Save").await;
    app.see("Password changed.").await;
    app.focus_returns_to("More actions").await;

    // Remove her from the Workspace; Esc first leaves the confirmation without removing.
    app.activate("Remove from Workspace").await;
    app.see("They will lose access and no longer count as a seat.")
        .await;
    app.press(&key(Key::Escape)).await;
    app.gone("They will lose access").await;
    app.focus_returns_to("Remove from Workspace").await;
    app.press(&key(Key::Enter)).await;
    app.activate("Remove").await;
    app.see("Restore").await;
    app.focus_returns_to("Restore").await;
    app.screenshot("removed").await;

    // Download everyone as CSV from the Download menu.
    let folder = tempfile::tempdir().expect("folder");
    app.scan_also(folder.path());
    app.activate("Download").await;
    app.move_to(&key(Key::Down), "CSV — All users, including removed")
        .await;
    app.press(&key(Key::Enter)).await;
    let path = folder.path().join("everyone.csv");
    answer_save_dialog(Some(&path));
    wait_for_file(&path).await;
    let csv = std::fs::read_to_string(&path).expect("csv");
    assert!(csv.contains("dana.ortiz@example.com"), "{csv}");
    app.see("Saved 2 users to everyone.csv.").await;
    app.quit().await;
}
