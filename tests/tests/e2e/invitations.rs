//! Invitations end to end (issue 5): email set up against a real SMTP server on loopback, a
//! user invited from Add user, the email read from the server, the code accepted on the
//! sign-in screen, and the new member signing in with the password they chose.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::Locator;

use crate::app::App;

const ADMIN_EMAIL: &str = "ana.silva@example.com";
const ADMIN_PASSWORD: &str = "Lantern-Orchid-Fjord-77";
const INVITED: &str = "carla+ops@example.com";
const CHOSEN_PASSWORD: &str = "Willow-Ember-Sextant-29";

/// The SMTP server of the core's tests (`smtp_server.py`, aiosmtpd) in plain mode.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let maildir = tempfile::tempdir().expect("maildir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../src-tauri/crates/roster-core/tests/smtp_server.py");
        let python = if Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3"
        } else {
            "python3"
        };
        let mut child = Command::new(python)
            .arg(script)
            .args(["plain", &port.to_string()])
            .arg(maildir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server output");
        assert_eq!(line.trim(), "ready");
        Self {
            child,
            port,
            maildir,
        }
    }

    /// Waits for message number `n` (1-based) and returns it.
    async fn message(&self, n: usize) -> String {
        let path = self.maildir.path().join(format!("{n}.eml"));
        for _ in 0..150 {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("message {n} never arrived");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The code in a received message, quoted-printable (how lettre sends long lines) undone.
fn code_in(message: &str) -> String {
    let decoded = if message.contains("Content-Transfer-Encoding: quoted-printable") {
        message
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=")
    } else {
        message.to_owned()
    };
    let start = decoded.find("token=").expect("a link") + "token=".len();
    decoded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn sign_out(app: &App, display_name: &str) {
    app.click(display_name).await;
    app.click("Sign out").await;
}

async fn panel_text(app: &App) -> String {
    app.testid("user-panel").await.text().await.expect("panel")
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, aiosmtpd and the built app; run by scripts/test"]
async fn invite_by_email_and_join_with_the_code() {
    let server = SmtpServer::start();
    let mut app = App::launch("invitations", &[]).await;

    app.heading("Create your Workspace").await;
    app.fill("Workspace name", "Acme Ltd").await;
    app.fill("Your email", ADMIN_EMAIL).await;
    app.fill("First name", "Ana").await;
    app.fill("Last name", "Silva").await;
    app.fill("Password", ADMIN_PASSWORD).await;
    app.fill("Confirm password", ADMIN_PASSWORD).await;
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
    app.find(Locator::Css(&format!(
        "[data-testid='user-row'][data-email='{INVITED}']"
    )))
    .await
    .click()
    .await
    .expect("open the invited user");
    for _ in 0..60 {
        if panel_text(&app).await.contains("Sent ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let text = panel_text(&app).await;
    assert!(text.contains("Invited") && text.contains("Sent "), "{text}");
    app.screenshot("invited-user").await;
    sign_out(&app, "Ana Silva").await;

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
    sign_out(&app, "Carla Ops").await;

    // The password they chose works; the code does not work twice.
    app.heading("Sign in").await;
    app.fill("Email", INVITED).await;
    app.fill("Password", CHOSEN_PASSWORD).await;
    app.click("Sign in").await;
    app.heading("Users").await;
    sign_out(&app, "Carla Ops").await;
    app.click("I have an invitation code").await;
    app.fill("Invitation code", &code).await;
    app.click("Continue").await;
    app.see("This invitation was already used.").await;
    app.quit().await;
}
