//! Issue 9 as a person meets it: wrong current passwords in "Change password" count like
//! failed sign-ins, and the fifth signs the user out with a notice that says why.

use crate::app::App;

const ADMIN_EMAIL: &str = "ana.silva@example.com";
const ADMIN_PASSWORD: &str = "Lantern-Orchid-Fjord-77";
const NEW_PASSWORD: &str = "Harbour-Lilac-Comet-58";

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn five_wrong_current_passwords_sign_out_and_say_why() {
    let mut app = App::launch("sessions", &[]).await;
    app.fill_first_run(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.click("Create Workspace").await;
    app.heading("Users").await;

    app.click("Ana Silva").await;
    app.click("Change password").await;
    app.fill("New password", NEW_PASSWORD).await;
    app.fill("Confirm password", NEW_PASSWORD).await;
    for attempt in 1..=4 {
        app.fill("Current password", &format!("Not-My-Password-{attempt}"))
            .await;
        app.click("Save").await;
        app.see("The current password is not right").await;
    }
    app.screenshot("wrong-current-password").await;
    app.fill("Current password", "Not-My-Password-5").await;
    app.click("Save").await;

    app.heading("Sign in").await;
    app.see("The current password was wrong too many times, so you were signed out.")
        .await;
    app.screenshot("signed-out-notice").await;
    app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.see("Too many failed sign-in attempts").await;
    app.quit().await;
}
