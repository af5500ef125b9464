//! The Users screen end to end, as an administrator and a new member would use it.

use fantoccini::Locator;

use crate::app::App;

const ADMIN_EMAIL: &str = "ana.silva@example.com";
const ADMIN_PASSWORD: &str = "Lantern-Orchid-Fjord-77";
/// Stored as typed after trimming; signing in compares case-insensitively.
const MEMBER_EMAIL: &str = "Bruno@Example.org";
const MEMBER_NEW_PASSWORD: &str = "Copper-Meadow-Violin-31";
const RESET_PASSWORD: &str = "Harbour-Lilac-Comet-58";

async fn row(app: &App, email: &str) -> fantoccini::elements::Element {
    app.find(Locator::Css(&format!(
        "[data-testid='user-row'][data-email='{email}']"
    )))
    .await
}

async fn wait_for_panel(app: &App, text: &str) {
    for _ in 0..100 {
        if app.panel_text().await.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!(
        "the panel never showed {text:?}; it shows {:?}",
        app.panel_text().await
    );
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn first_run_add_user_member_profile_and_admin_actions() {
    let mut app = App::launch("users-flow", &[]).await;

    // First run: create the Workspace.
    app.fill_first_run(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.screenshot("first-run").await;
    app.click("Create Workspace").await;

    // The Users screen, signed in as the first super-user.
    app.heading("Users").await;
    row(&app, ADMIN_EMAIL).await;
    app.expect_text("user-counts", "1 user · 1 seat").await;
    app.screenshot("users").await;

    // Add a user with a generated password.
    app.click("Add user").await;
    app.testid("add-user-stepper").await;
    app.fill("Email", "  Bruno@Example.org ").await;
    app.screenshot("add-user-email").await;
    app.click("Next").await;
    app.fill("First name", "Bruno").await;
    app.fill("Last name", "Costa").await;
    app.click("Next").await;
    app.see("Email invitations need email to be set up first.")
        .await;
    app.click("Next").await;
    app.click("Generate").await;
    let generated = app
        .testid("generated-password")
        .await
        .prop("value")
        .await
        .expect("value")
        .expect("a password");
    assert_eq!(generated.chars().count(), 20);
    app.secret(&generated);
    app.see("This password will not be shown again.").await;
    app.screenshot("add-user-generated-password").await;
    app.click("Next").await;
    app.click("Next").await;
    app.screenshot("add-user-confirm").await;
    app.click("Create user").await;
    app.gone("Create user").await;
    row(&app, MEMBER_EMAIL).await;
    app.sign_out("Ana Silva").await;

    // The new member signs in and must choose a new password first.
    app.sign_in("bruno@example.org", &generated).await;
    app.heading("Choose a new password").await;
    app.fill("New password", MEMBER_NEW_PASSWORD).await;
    app.fill("Confirm password", MEMBER_NEW_PASSWORD).await;
    app.screenshot("choose-new-password").await;
    app.click("Save").await;

    // A Member sees only themselves and edits their own profile.
    app.heading("Users").await;
    row(&app, MEMBER_EMAIL).await;
    let rows = app
        .client
        .find_all(Locator::Css("[data-testid='user-row']"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1, "a Member lists only themselves");
    assert!(
        app.client
            .find_all(Locator::XPath("//button[normalize-space()='Add user']"))
            .await
            .expect("q")
            .is_empty()
    );
    app.click("Bruno Costa").await;
    app.click("My profile").await;
    wait_for_panel(&app, MEMBER_EMAIL).await;
    app.click("Edit").await;
    app.fill("Phone", "+44 1632 960001").await;
    app.click("Save").await;
    app.see("Changes saved.").await;
    wait_for_panel(&app, "+44 1632 960001").await;
    assert!(!app.panel_text().await.contains("Remove from Workspace"));
    app.screenshot("my-profile").await;
    app.sign_out("Bruno Costa").await;

    // The super-user edits the member, changes their password, removes and restores them.
    app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    row(&app, MEMBER_EMAIL)
        .await
        .click()
        .await
        .expect("open the member");
    wait_for_panel(&app, "Bruno Costa").await;
    app.screenshot("user-panel").await;
    app.click("Edit").await;
    app.fill("Last name", "Costa-Reis").await;
    app.screenshot("edit-user").await;
    app.click("Save").await;
    wait_for_panel(&app, "Bruno Costa-Reis").await;

    app.click("More actions").await;
    app.click("Change password").await;
    app.fill("New password", RESET_PASSWORD).await;
    app.fill("Confirm password", RESET_PASSWORD).await;
    app.see("The password will not be shown again.").await;
    app.screenshot("change-password").await;
    app.click("Save").await;
    app.see("Password changed.").await;

    app.click("Remove from Workspace").await;
    app.see("They will lose access and no longer count as a seat.")
        .await;
    app.screenshot("remove-confirm").await;
    app.click("Remove").await;
    wait_for_panel(&app, "Removed").await;
    app.expect_text("user-counts", "1 user · 1 seat").await;
    app.screenshot("removed").await;
    app.click("Restore").await;
    wait_for_panel(&app, "Active").await;
    app.expect_text("user-counts", "2 users · 2 seats").await;
    app.screenshot("restored").await;
    app.sign_out("Ana Silva").await;

    // The password the super-user set works; the member's own earlier one does not.
    app.sign_in(MEMBER_EMAIL, MEMBER_NEW_PASSWORD).await;
    app.see("Email or password is incorrect").await;
    app.fill("Password", RESET_PASSWORD).await;
    app.click("Sign in").await;
    app.heading("Choose a new password").await;

    app.quit().await;
}
