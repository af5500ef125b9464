//! Invitations end to end (issue 5): email set up against a real SMTP server on loopback, a
//! user invited from Add user, the email read from the server, the code accepted on the
//! sign-in screen, and the new member signing in with the password they chose.

use std::time::Duration;

use fantoccini::Locator;

use roster_tests::mail::{MailServer, Mode, code_in};

use crate::app::App;

const ADMIN_EMAIL: &str = "ana.silva@example.com";
const ADMIN_PASSWORD: &str = "Lantern-Orchid-Fjord-77";
const INVITED: &str = "carla+ops@example.com";
const CHOSEN_PASSWORD: &str = "Willow-Ember-Sextant-29";

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, aiosmtpd and the built app; run by scripts/test"]
async fn invite_by_email_and_join_with_the_code() {
    let server = MailServer::start(Mode::Plain, None, "");
    let mut app = App::launch("invitations", &[]).await;

    app.fill_first_run(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.click("Create Workspace").await;
    app.heading("Users").await;

    // Settings → Email against the loopback server, and a test email.
    app.click("Settings").await;
    app.heading("Settings").await;
    app.fill("SMTP host", "localhost").await;
    app.find(Locator::XPath(
        "//select[@id=//label[normalize-space(.)='Security']/@for]/option[@value='none']",
    ))
    .await
    .click()
    .await
    .expect("choose no encryption");
    app.fill("Port", &server.port.to_string()).await;
    app.fill("Sender name", "Acme People").await;
    app.fill("Sender address", "people@acme.example").await;
    app.click("Save").await;
    app.see("Email settings saved.").await;
    app.click("Send test email").await;
    app.see(&format!("Test email sent to {ADMIN_EMAIL}.")).await;
    assert!(
        server
            .message(1)
            .await
            .contains("Subject: Roster test email")
    );
    app.screenshot("settings-email").await;

    // Add user → Send invitation.
    app.click("Users").await;
    app.heading("Users").await;
    app.click("Add user").await;
    app.testid("add-user-stepper").await;
    app.fill("Email", INVITED).await;
    app.click("Next").await;
    app.fill("First name", "Carla").await;
    app.fill("Last name", "Ops").await;
    app.click("Next").await;
    app.choose("Send invitation").await;
    app.screenshot("add-user-invite").await;
    app.click("Next").await;
    app.click("Next").await;
    app.see(INVITED).await;
    app.click("Send invitation").await;
    app.gone("Send invitation").await;

    let mail = server.message(2).await;
    assert!(mail.contains(&format!("To: {INVITED}")), "{mail}");
    let code = code_in(&mail);
    assert_eq!(code.len(), 43);
    app.secret(&code);
    app.find(Locator::Css(&format!(
        "[data-testid='user-row'][data-email='{INVITED}']"
    )))
    .await
    .click()
    .await
    .expect("open the invited user");
    for _ in 0..60 {
        if app.panel_text().await.contains("Sent ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let text = app.panel_text().await;
    assert!(text.contains("Invited") && text.contains("Sent "), "{text}");
    app.screenshot("invited-user").await;
    app.sign_out("Ana Silva").await;

    // The invited user pastes the code on the sign-in screen and chooses a password.
    app.heading("Sign in").await;
    app.click("I have an invitation code").await;
    app.fill("Invitation code", &format!("  {code} ")).await;
    app.click("Continue").await;
    app.see("Join Acme Ltd").await;
    app.see(INVITED).await;
    app.fill("New password", CHOSEN_PASSWORD).await;
    app.fill("Confirm password", CHOSEN_PASSWORD).await;
    app.screenshot("accept-invitation").await;
    app.click("Join Workspace").await;
    app.heading("Users").await;
    app.button("Carla Ops").await;
    app.sign_out("Carla Ops").await;

    // The password they chose works; the code does not work twice.
    app.sign_in(INVITED, CHOSEN_PASSWORD).await;
    app.heading("Users").await;
    app.sign_out("Carla Ops").await;
    app.click("I have an invitation code").await;
    app.fill("Invitation code", &code).await;
    app.click("Continue").await;
    app.see("This invitation was already used.").await;
    app.quit().await;
}
