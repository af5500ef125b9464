//! Roles end to end (issue 4): a role with `users.view` + `users.edit` given to a new user, who
//! edits another user's phone and is offered neither Remove nor Change password; then the
//! Reports screen and the Activity tab as the super-user.

use fantoccini::Locator;

use crate::app::App;

const ADMIN: &str = "Ada Admin";
const EDITOR_EMAIL: &str = "eve.editor@demo.example";
const EDITOR_PASSWORD: &str = "Juniper-Comet-Lantern-64";
const TARGET_EMAIL: &str = "user000002@demo.example";

async fn sign_in(app: &App, email: &str, password: &str) {
    app.sign_in(email, password).await;
    app.heading("Users").await;
}

async fn open_user(app: &App, email: &str) {
    app.fill("Search users", email).await;
    app.expect_rows(1).await;
    app.find(Locator::Css(&format!(
        "[data-testid='user-row'][data-email='{email}']"
    )))
    .await
    .click()
    .await
    .expect("open the user");
    app.testid("user-panel").await;
}

async fn nav_links(app: &App) -> Vec<String> {
    let mut names = Vec::new();
    for link in app
        .client
        .find_all(Locator::Css("nav[aria-label='Main'] a"))
        .await
        .expect("links")
    {
        names.push(link.text().await.expect("text"));
    }
    names
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn a_role_limits_what_its_holder_is_offered_and_reports_count_seats() {
    let mut app = App::launch("roles", &["--demo"]).await;
    sign_in(&app, "admin@demo.example", "Demo-Roster-2031!").await;
    assert_eq!(
        nav_links(&app).await,
        ["Users", "Roles", "Reports", "Settings"]
    );

    // A role that may see and edit users, nothing else.
    app.click("Roles").await;
    app.heading("Roles").await;
    app.testid("role-row").await;
    app.screenshot("roles").await;
    app.click("Add role").await;
    app.testid("role-dialog").await;
    app.fill("Name", "Editors").await;
    app.fill("Description (optional)", "Keep contact details up to date.")
        .await;
    app.choose("View users").await;
    app.choose("Edit users").await;
    app.screenshot("add-role").await;
    app.click("Save").await;
    app.find(Locator::Css(
        "[data-testid='role-row'][data-name='Editors']",
    ))
    .await;

    // A new user holding it.
    app.click("Users").await;
    app.heading("Users").await;
    app.click("Add user").await;
    app.testid("add-user-stepper").await;
    app.fill("Email", EDITOR_EMAIL).await;
    app.click("Next").await;
    app.fill("First name", "Eve").await;
    app.fill("Last name", "Editor").await;
    app.click("Next").await;
    app.click("Next").await;
    app.fill("Password", EDITOR_PASSWORD).await;
    app.fill("Confirm password", EDITOR_PASSWORD).await;
    app.choose("Require change at next sign-in").await;
    app.click("Next").await;
    app.choose("Editors").await;
    app.screenshot("add-user-roles").await;
    app.click("Next").await;
    app.see("Editors").await;
    app.click("Create user").await;
    app.gone("Create user").await;
    app.sign_out(ADMIN).await;

    // The editor sees everyone, edits a phone, and is offered nothing else.
    sign_in(&app, EDITOR_EMAIL, EDITOR_PASSWORD).await;
    app.expect_text("user-counts", "190 users · 190 seats")
        .await;
    assert_eq!(nav_links(&app).await, ["Users"]);
    assert!(
        app.client
            .find_all(Locator::XPath("//button[normalize-space()='Add user']"))
            .await
            .expect("query")
            .is_empty(),
        "no users.create, no Add user"
    );
    open_user(&app, TARGET_EMAIL).await;
    app.click("Edit").await;
    app.fill("Phone", "+44 1632 960077").await;
    app.click("Save").await;
    app.see("Changes saved.").await;
    let text = app.panel_text().await;
    assert!(text.contains("+44 1632 960077"), "{text}");
    for absent in ["Remove from Workspace", "Change password", "More actions"] {
        assert!(!text.contains(absent), "{absent} is offered: {text}");
    }
    assert!(
        app.client
            .find_all(Locator::Css(
                "[data-testid='user-panel'] [aria-label='More actions']"
            ))
            .await
            .expect("query")
            .is_empty()
    );
    app.screenshot("editor-edited-phone").await;
    app.sign_out("Eve Editor").await;

    // The super-user sees the change in the Activity tab and the seats in Reports.
    sign_in(&app, "admin@demo.example", "Demo-Roster-2031!").await;
    open_user(&app, TARGET_EMAIL).await;
    app.click("Activity").await;
    app.see("Edited phone").await;
    app.see("Eve Editor").await;
    app.screenshot("activity").await;
    app.click("Close").await;
    app.click("Reports").await;
    app.heading("Reports").await;
    app.see("Seats over the last 90 days").await;
    app.see("Editors").await;
    app.screenshot("reports").await;
    app.quit().await;
}
