//! The demo Workspace: a populated, paged, virtualised list with search.

use fantoccini::Locator;

use crate::app::App;

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn demo_workspace_pages_and_searches_a_populated_list() {
    let mut app = App::launch("demo", &["--demo"]).await;
    app.see("Sign in as admin@demo.example with password Demo-Roster-2031!")
        .await;
    app.screenshot("sign-in").await;
    app.fill("Email", "admin@demo.example").await;
    app.fill("Password", "Demo-Roster-2031!").await;
    app.click("Sign in").await;

    app.heading("Users").await;
    app.expect_text("user-counts", "189 users · 189 seats")
        .await;
    let rendered = app
        .client
        .find_all(Locator::Css("[data-testid='user-row']"))
        .await
        .expect("rows");
    assert!(
        !rendered.is_empty() && rendered.len() < 60,
        "virtualised: {} rows in the DOM",
        rendered.len()
    );
    app.screenshot("users").await;

    app.fill("Search users", "user000123").await;
    app.expect_rows(1).await;
    let row = app
        .find(Locator::Css(
            "[data-testid='user-row'][data-email='user000123@demo.example']",
        ))
        .await;
    row.click().await.expect("open");
    app.testid("user-panel").await;
    app.screenshot("search-and-panel").await;

    app.choose("Removed").await;
    app.fill("Search users", "").await;
    app.find(Locator::Css(
        "[data-testid='user-row'][data-email='user000001@demo.example']",
    ))
    .await;
    app.screenshot("removed-filter").await;
    app.quit().await;
}
