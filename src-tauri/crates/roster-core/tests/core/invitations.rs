//! Email invitations against a real SMTP server on loopback: the cases of
//! shared/cases/invitations.md (I1–I3; I4 is tests/keychain.rs) and the outbox's retry and
//! restart behaviour.

use std::time::Instant;

use chrono::Duration;
use roster_core::model::{
    EmailSettingsInput, InvitationAcceptance, InvitationState, NewInvitation, SmtpSecurity, Status,
    UserDetails,
};
use roster_core::{Delivery, ErrorCode, Roster, Secret};
use roster_tests::certificates::Certificates;

use crate::mailserver::{
    MailServer, Mode, ServerSettings, closed_port, code_in, code_in_text, settings_for,
};
use crate::support::*;

const NEW_PASSWORD: &str = "Willow-Ember-Sextant-29";

fn invitation(w: &World, email: &str) -> NewInvitation {
    NewInvitation {
        email: email.into(),
        first_name: "Carla".into(),
        last_name: "Ops".into(),
        phone: String::new(),
        is_super_user: false,
        role_ids: vec![w.member_role.clone()],
    }
}

fn accept(token: &str) -> InvitationAcceptance {
    InvitationAcceptance {
        token: token.into(),
        password: Secret::new(NEW_PASSWORD),
        confirm_password: Secret::new(NEW_PASSWORD),
    }
}

async fn save(w: &World, settings: EmailSettingsInput) {
    let current = w.roster.email_settings(&w.admin).await.expect("settings");
    w.roster
        .save_email_settings(
            &w.admin,
            EmailSettingsInput {
                expected_version: current.version,
                ..settings
            },
        )
        .await
        .expect("save settings");
}

async fn panel(w: &World, user: &UserDetails) -> UserDetails {
    w.roster.user(&w.admin, &user.id).await.expect("user")
}

/// The code of a queued invitation, read from the outbox before it is sent.
/// Email set up for a server that is gone at once, and Carla invited: her code waits in the
/// outbox. Returns her and the code.
async fn carla_waiting(w: &World) -> (UserDetails, String) {
    save(
        w,
        MailServer::start(Mode::Plain, None, "").settings("localhost", SmtpSecurity::None),
    )
    .await;
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(w, "carla@example.com"))
        .await
        .expect("invite");
    let code = queued_code(&w.roster, &carla.id).await;
    (carla, code)
}

/// Every user of the Workspace, removed ones too.
fn everyone() -> roster_core::model::UserQuery {
    roster_core::model::UserQuery {
        filter: roster_core::model::StatusFilter::All,
        ..list_query()
    }
}

async fn queued_code(roster: &Roster, user_id: &str) -> String {
    let outbox = roster.backdoor().outbox().await.expect("outbox");
    let body = outbox
        .into_iter()
        .rev()
        .find(|m| m.user_id.as_deref() == Some(user_id) && m.state == "queued")
        .and_then(|m| m.body_text)
        .expect("queued message");
    code_in_text(&body)
}

#[tokio::test]
async fn i1_a_plus_address_gets_an_opaque_link_that_accepts_the_invitation() {
    let w = world().await;
    let server = MailServer::start(Mode::Plain, None, "");
    save(&w, server.settings("localhost", SmtpSecurity::None)).await;
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(&w, "carla+ops@example.com"))
        .await
        .expect("invite");
    assert_eq!(carla.status, Status::Invited);
    assert_eq!(
        panel(&w, &carla).await.invitation.map(|i| i.state),
        Some(InvitationState::Queued)
    );
    let seats_before = w.roster.seat_report(&w.admin).await.expect("report").seats;

    let delivery = w.roster.deliver_due_mail().await.expect("deliver");
    assert_eq!(
        delivery,
        Delivery {
            sent: 1,
            ..Delivery::default()
        }
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert!(mail.contains("To: carla+ops@example.com"), "{mail}");
    assert!(
        mail.contains("Subject: Ana Silva invited you to Acme on Roster"),
        "{mail}"
    );
    assert!(mail.contains("roster://accept-invitation?token="), "{mail}");
    let code = code_in(mail);
    assert_eq!(code.len(), 43, "256 bits, URL-safe base64");
    let link_line = mail
        .lines()
        .find(|l| l.starts_with("roster://"))
        .expect("link line");
    assert!(!link_line.contains("carla"), "the link carries no address");
    assert!(
        !mail.to_lowercase().contains("password:"),
        "no password in any email"
    );
    let info = panel(&w, &carla).await.invitation.expect("invitation");
    assert_eq!(info.state, InvitationState::Sent);
    assert!(info.sent_at.is_some());

    let preview = w
        .roster
        .invitation_preview(&format!("  {code}\n"))
        .await
        .expect("preview");
    assert_eq!(
        (
            preview.workspace_name.as_str(),
            preview.email.as_str(),
            preview.invited_by.as_str()
        ),
        ("Acme", "carla+ops@example.com", "Ana Silva")
    );
    let (session, info) = w
        .roster
        .accept_invitation(accept(&format!("roster://accept-invitation?token={code}")))
        .await
        .expect("accept");
    assert_eq!(info.email, "carla+ops@example.com");
    assert_eq!(session.user_id, carla.id);
    w.sign_in_with("carla+ops@example.com", NEW_PASSWORD).await;
    let report = w.roster.seat_report(&w.admin).await.expect("report");
    assert_eq!(
        report.seats,
        seats_before + 1,
        "an accepted invitation is a seat"
    );
    assert_eq!(
        panel(&w, &carla).await.invitation.map(|i| i.state),
        Some(InvitationState::Accepted)
    );
    let outbox = w.roster.backdoor().outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        outbox[0].body_text, None,
        "a sent message's code is erased from the outbox"
    );
    let hashes = w
        .roster
        .backdoor()
        .token_hashes()
        .await
        .expect("invitations");
    assert!(hashes.iter().all(|h| h.len() == 64 && *h != code));
}

#[tokio::test]
async fn i2_expired_replaced_and_reused_codes_are_refused() {
    let w = world().await;
    let (carla, first) = carla_waiting(&w).await;

    w.clock.advance(Duration::days(7) + Duration::seconds(1));
    assert_eq!(
        code(w.roster.invitation_preview(&first).await),
        ErrorCode::InvitationExpired
    );
    let error = w
        .roster
        .accept_invitation(accept(&first))
        .await
        .expect_err("expired");
    assert_eq!(
        error.to_string(),
        "This invitation has expired. Ask for a new one."
    );
    assert_eq!(
        panel(&w, &carla).await.invitation.map(|i| i.state),
        Some(InvitationState::Expired)
    );

    w.roster
        .resend_invitation(&w.admin, &carla.id)
        .await
        .expect("resend");
    let second = queued_code(&w.roster, &carla.id).await;
    assert_ne!(first, second);
    assert_eq!(
        code(w.roster.invitation_preview(&first).await),
        ErrorCode::InvitationReplaced
    );
    w.roster
        .accept_invitation(accept(&second))
        .await
        .expect("accept");
    let hash = w.password_hash(&carla.id).await;
    let again = InvitationAcceptance {
        password: Secret::new("Other-Quartz-Heron-71"),
        confirm_password: Secret::new("Other-Quartz-Heron-71"),
        ..accept(&second)
    };
    let error = w.roster.accept_invitation(again).await.expect_err("used");
    assert_eq!(
        error.to_string(),
        "This invitation was already used. Sign in with your email and password."
    );
    assert_eq!(
        w.password_hash(&carla.id).await,
        hash,
        "no password overwrite"
    );
    let listed = w
        .roster
        .list_users(&w.admin, &everyone())
        .await
        .expect("list")
        .items;
    let carlas = listed
        .iter()
        .filter(|u| u.email == "carla@example.com")
        .count();
    assert_eq!(carlas, 1, "no second account");
    assert_eq!(
        code(w.roster.invitation_preview("not-a-code").await),
        ErrorCode::InvitationNotFound
    );
}

#[tokio::test]
async fn i3_a_server_that_never_answers_fails_in_time_and_resend_works_later() {
    let w = world().await;
    let silent = MailServer::start(Mode::Silent, None, "");
    save(&w, silent.settings("localhost", SmtpSecurity::None)).await;
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(&w, "carla@example.com"))
        .await
        .expect("invite");

    let started = Instant::now();
    let delivery = w.roster.deliver_due_mail().await.expect("deliver");
    let took = started.elapsed();
    assert_eq!(
        delivery,
        Delivery {
            retrying: 1,
            ..Delivery::default()
        }
    );
    assert!(
        took < std::time::Duration::from_secs(6),
        "gave up after {took:?}"
    );
    let details = panel(&w, &carla).await;
    assert_eq!(details.status, Status::Invited);
    let info = details.invitation.expect("invitation");
    assert_eq!(info.state, InvitationState::Queued);
    let reason = info.last_error.expect("reason");
    assert!(
        reason.contains(&format!(
            "no mail server answered at localhost:{}",
            silent.port
        )),
        "{reason}"
    );
    assert!(info.next_attempt_at.is_some());
    let test = w
        .roster
        .send_test_email(&w.admin, "ana.silva@example.com")
        .await
        .expect_err("silent server");
    assert_eq!(test.code(), ErrorCode::Mail);
    let activity = w
        .roster
        .user_activity(&w.admin, &carla.id)
        .await
        .expect("activity");
    assert!(
        activity
            .iter()
            .any(|a| a.action == "invitation.send_failed")
    );

    // STARTTLS against a server that speaks TLS from the first byte: the same bounded wait.
    let certs = Certificates::new();
    let implicit = MailServer::start(Mode::Implicit, Some((&certs.leaf, &certs.key)), "");
    save(&w, implicit.settings("localhost", SmtpSecurity::Starttls)).await;
    let started = Instant::now();
    let error = w
        .roster
        .send_test_email(&w.admin, "ana.silva@example.com")
        .await
        .expect_err("implicit TLS");
    assert!(started.elapsed() < std::time::Duration::from_secs(6));
    assert!(
        error.to_string().contains("“TLS from the start”"),
        "{error}"
    );

    // Later the server works: Resend sends a new code at once.
    let working = MailServer::start(Mode::Plain, None, "");
    save(&w, working.settings("localhost", SmtpSecurity::None)).await;
    w.roster
        .resend_invitation(&w.admin, &carla.id)
        .await
        .expect("resend");
    let delivery = w.roster.deliver_due_mail().await.expect("deliver");
    assert_eq!(delivery.sent, 1);
    assert_eq!(
        panel(&w, &carla).await.invitation.map(|i| i.state),
        Some(InvitationState::Sent)
    );
}

#[tokio::test]
async fn a_refused_recipient_is_not_sent_and_says_why() {
    let w = world().await;
    let server = MailServer::start(Mode::Plain, None, "");
    save(&w, server.settings("localhost", SmtpSecurity::None)).await;
    let nobody = w
        .roster
        .invite_user(&w.admin, invitation(&w, "nobody@example.com"))
        .await
        .expect("invite");
    let delivery = w.roster.deliver_due_mail().await.expect("deliver");
    assert_eq!(
        delivery,
        Delivery {
            refused: 1,
            ..Delivery::default()
        }
    );
    let info = panel(&w, &nobody).await.invitation.expect("invitation");
    assert_eq!(info.state, InvitationState::NotSent);
    assert!(
        info.last_error
            .as_deref()
            .is_some_and(|e| e.contains("550")),
        "{info:?}"
    );
    w.clock.advance(Duration::hours(2));
    assert_eq!(
        w.roster.deliver_due_mail().await.expect("deliver"),
        Delivery::default()
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn queued_mail_survives_a_restart_and_waits_while_offline() {
    let w = world().await;
    let port = closed_port();
    save(&w, settings_for(port, "localhost", SmtpSecurity::None)).await;
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(&w, "carla@example.com"))
        .await
        .expect("invite");
    let delivery = w.roster.deliver_due_mail().await.expect("deliver");
    assert_eq!(delivery.retrying, 1, "nothing listens: it waits");

    let reopened = w.reopen().await;
    let server = MailServer::start_on(port, Mode::Plain, None, "");
    assert_eq!(
        reopened.deliver_due_mail().await.expect("deliver"),
        Delivery::default(),
        "not due before its back-off"
    );
    w.clock.advance(Duration::seconds(31));
    assert_eq!(reopened.deliver_due_mail().await.expect("deliver").sent, 1);
    assert_eq!(code_in(&server.messages()[0]).len(), 43);
    let details = reopened.user(&w.admin, &carla.id).await.expect("user");
    assert_eq!(
        details.invitation.map(|i| i.state),
        Some(InvitationState::Sent)
    );
}

#[tokio::test]
async fn invitations_need_email_settings_and_revoke_withdraws_the_code() {
    let w = world().await;
    assert!(!w.roster.invitations_ready(&w.admin).await.expect("ready"));
    assert_eq!(
        code(
            w.roster
                .invite_user(&w.admin, invitation(&w, "carla@example.com"))
                .await
        ),
        ErrorCode::EmailNotConfigured
    );
    save(
        &w,
        MailServer::start(Mode::Plain, None, "").settings("localhost", SmtpSecurity::None),
    )
    .await;
    assert!(w.roster.invitations_ready(&w.admin).await.expect("ready"));
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(&w, "carla@example.com"))
        .await
        .expect("invite");
    let code_text = queued_code(&w.roster, &carla.id).await;
    let reset = roster_core::model::PasswordReset {
        new_password: Secret::new("Admin-Chosen-Lantern-52"),
        confirm_password: Secret::new("Admin-Chosen-Lantern-52"),
        must_change_password: false,
    };
    assert_eq!(
        code(w.roster.reset_password(&w.admin, &carla.id, reset).await),
        ErrorCode::Forbidden,
        "an invited user chooses their own password"
    );
    let revoked = w
        .roster
        .revoke_invitation(&w.admin, &carla.id)
        .await
        .expect("revoke");
    assert_eq!(revoked.status, Status::Removed);
    assert_eq!(
        code(w.roster.invitation_preview(&code_text).await),
        ErrorCode::InvitationRevoked
    );
    assert_eq!(
        w.roster.deliver_due_mail().await.expect("deliver"),
        Delivery::default()
    );

    // Removing an invited user withdraws the invitation too, before its email goes out.
    let dan = w
        .roster
        .invite_user(&w.admin, invitation(&w, "dan@example.com"))
        .await
        .expect("invite");
    let dan_code = queued_code(&w.roster, &dan.id).await;
    w.roster
        .remove_user(&w.admin, &dan.id)
        .await
        .expect("remove");
    assert_eq!(
        code(w.roster.invitation_preview(&dan_code).await),
        ErrorCode::InvitationRevoked
    );
    assert_eq!(
        w.roster.deliver_due_mail().await.expect("deliver"),
        Delivery::default()
    );

    let insecure = settings_for(25, "smtp.example.com", SmtpSecurity::None);
    let error = w
        .roster
        .save_email_settings(
            &w.admin,
            EmailSettingsInput {
                expected_version: 1,
                ..insecure
            },
        )
        .await
        .expect_err("no encryption to a remote host");
    assert_eq!(error.field(), Some(roster_core::Field::SmtpSecurity));
}

/// STARTTLS to a server whose certificate comes from a private CA (trusted through
/// `SSL_CERT_FILE`, as an office would add its own CA), with SMTP authentication. Runs in a
/// child process because the trust store is read from the environment.
#[tokio::test]
async fn starttls_with_a_private_ca_and_a_password_kept_for_the_session() {
    let certs = Certificates::new();
    let exe = std::env::current_exe().expect("test binary");
    let status = std::process::Command::new(exe)
        .args([
            "--exact",
            "invitations::starttls_in_child",
            "--ignored",
            "--quiet",
        ])
        .env("SSL_CERT_FILE", &certs.ca)
        .env("ROSTER_TEST_LEAF", &certs.leaf)
        .env("ROSTER_TEST_KEY", &certs.key)
        .output()
        .expect("child test");
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.status.success() && stdout.contains("1 passed"),
        "the STARTTLS child test did not pass: {stdout}"
    );
}

#[tokio::test]
#[ignore = "run by starttls_with_a_private_ca_and_a_password_kept_for_the_session"]
async fn starttls_in_child() {
    let leaf = std::env::var("ROSTER_TEST_LEAF").expect("run by the parent test");
    let key = std::env::var("ROSTER_TEST_KEY").expect("run by the parent test");
    let password = "Smtp-\u{fb01}ligature-Secret-48";
    let server = MailServer::start(
        Mode::Starttls,
        Some((std::path::Path::new(&leaf), std::path::Path::new(&key))),
        password,
    );
    let w = world().await;
    let credential = serde_json::from_value(serde_json::json!(password)).expect("credential");
    save(
        &w,
        EmailSettingsInput {
            username: "mailer".into(),
            password: Some(credential),
            ..server.settings("localhost", SmtpSecurity::Starttls)
        },
    )
    .await;
    let settings = w.roster.email_settings(&w.admin).await.expect("settings");
    assert!(settings.has_password);
    assert_eq!(
        settings.password_storage,
        roster_core::model::SecretStorage::Session
    );
    w.roster
        .send_test_email(&w.admin, "ana.silva@example.com")
        .await
        .expect("test email over STARTTLS with the exact password");
    w.roster
        .invite_user(&w.admin, invitation(&w, "carla@example.com"))
        .await
        .expect("invite");
    assert_eq!(w.roster.deliver_due_mail().await.expect("deliver").sent, 1);
    assert_eq!(server.messages().len(), 2);

    // I4: kept for the session only, the password is gone after a restart; sending waits
    // (it never pretends) until it is typed again.
    let reopened = w.reopen().await;
    let after = reopened.email_settings(&w.admin).await.expect("settings");
    assert!(
        !after.has_password,
        "a session-only secret does not survive a restart"
    );
    reopened
        .invite_user(&w.admin, invitation(&w, "dan@example.com"))
        .await
        .expect("invite");
    assert_eq!(
        reopened.deliver_due_mail().await.expect("deliver").retrying,
        1
    );
    let credential = serde_json::from_value(serde_json::json!(password)).expect("credential");
    reopened
        .save_email_settings(
            &w.admin,
            EmailSettingsInput {
                username: "mailer".into(),
                password: Some(credential),
                expected_version: after.version,
                ..server.settings("localhost", SmtpSecurity::Starttls)
            },
        )
        .await
        .expect("typed again");
    w.clock.advance(Duration::seconds(31));
    assert_eq!(reopened.deliver_due_mail().await.expect("deliver").sent, 1);
}

/// A password typed into Settings → Email.
fn typed(password: &str) -> Option<roster_core::passwords::Credential> {
    Some(serde_json::from_value(serde_json::json!(password)).expect("credential"))
}

/// Someone who may change settings and nothing else (a restricted role, not a super-user).
async fn settings_manager(w: &World) -> roster_core::Session {
    let role = w
        .role("Mail admin", &[roster_core::Permission::SettingsManage])
        .await;
    let mut input = w.new_user("mallory@example.com", "Mallory", "Mail");
    input.role_ids = vec![role];
    w.roster
        .create_user(&w.admin, input)
        .await
        .expect("settings manager");
    w.sign_in("mallory@example.com").await
}

/// Saves `settings` as `session` and returns whether a password is kept for them.
async fn save_as(w: &World, session: &roster_core::Session, settings: EmailSettingsInput) -> bool {
    let current = w.roster.email_settings(session).await.expect("settings");
    w.roster
        .save_email_settings(
            session,
            EmailSettingsInput {
                expected_version: current.version,
                ..settings
            },
        )
        .await
        .expect("save settings")
        .has_password
}

const OFFICE_PASSWORD: &str = "Office-Relay-Secret-61";

#[tokio::test]
async fn i5_the_saved_password_goes_only_where_it_was_saved_for() {
    let w = world().await;
    let office = MailServer::start(Mode::Plain, None, OFFICE_PASSWORD);
    let attacker = MailServer::start(Mode::Plain, None, "Typed-For-Attacker-23");
    let saved = EmailSettingsInput {
        username: "mailer".into(),
        password: typed(OFFICE_PASSWORD),
        ..office.settings("localhost", SmtpSecurity::None)
    };
    assert!(save_as(&w, &w.admin, saved.clone()).await);
    w.roster
        .send_test_email(&w.admin, ADMIN_EMAIL)
        .await
        .expect("the office server takes the saved password");
    let office_auth = vec![("mailer".to_owned(), OFFICE_PASSWORD.to_owned())];
    assert_eq!(office.auth_attempts(), office_auth);
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(&w, "carla@example.com"))
        .await
        .expect("invite");

    let mallory = settings_manager(&w).await;
    let kept = EmailSettingsInput {
        password: None,
        ..saved.clone()
    };
    // Each of host, port, user name and security, changed with the password left empty.
    let moved = [
        ("port", attacker.settings("localhost", SmtpSecurity::None)),
        ("host", office.settings("127.0.0.1", SmtpSecurity::None)),
        ("username", office.settings("localhost", SmtpSecurity::None)),
        (
            "security",
            office.settings("localhost", SmtpSecurity::Starttls),
        ),
    ];
    for (what, destination) in moved {
        let changed = EmailSettingsInput {
            username: if what == "username" {
                "postmaster".into()
            } else {
                "mailer".into()
            },
            password: None,
            ..destination
        };
        assert!(
            !save_as(&w, &mallory, changed).await,
            "changing the {what} forgets the saved password"
        );
        let error = w
            .roster
            .send_test_email(&mallory, "mallory@example.com")
            .await
            .expect_err("no password for this destination");
        assert_eq!(error.code(), ErrorCode::Mail, "{what}: {error}");
        assert!(
            error.to_string().contains("no SMTP password is saved"),
            "{what}: {error}"
        );
        assert_eq!(
            w.roster.deliver_due_mail().await.expect("deliver").sent,
            0,
            "{what}: queued invitations wait for a password of the new destination"
        );
        w.clock.advance(Duration::hours(2));
        // The one whose saved password it is types it again.
        assert!(save_as(&w, &w.admin, saved.clone()).await);
        // Saving the same destination with the field left empty keeps it.
        assert!(save_as(&w, &mallory, kept.clone()).await, "{what}");
    }
    assert!(attacker.auth_attempts().is_empty());
    assert!(attacker.messages().is_empty());
    assert_eq!(
        office.auth_attempts(),
        office_auth,
        "no AUTH at all while the destination had no password"
    );
    assert_eq!(
        panel(&w, &carla).await.invitation.map(|i| i.state),
        Some(InvitationState::Queued)
    );

    // A password typed for the new server in the same save: mail goes there, with that one.
    let retyped = EmailSettingsInput {
        username: "mailer".into(),
        password: typed("Typed-For-Attacker-23"),
        ..attacker.settings("localhost", SmtpSecurity::None)
    };
    assert!(save_as(&w, &mallory, retyped).await);
    w.clock.advance(Duration::hours(2));
    assert_eq!(w.roster.deliver_due_mail().await.expect("deliver").sent, 1);
    assert_eq!(
        attacker.auth_attempts(),
        vec![("mailer".to_owned(), "Typed-For-Attacker-23".to_owned())]
    );
    let mallory = w.sign_in("mallory@example.com").await.user_id;
    let audit: Vec<Vec<String>> = w
        .audited("settings.email", None)
        .await
        .into_iter()
        .filter(|e| e.actor_id.as_deref() == Some(mallory.as_str()))
        .map(|e| e.fields)
        .collect();
    assert!(
        audit[0].iter().any(|f| f == "password"),
        "forgetting the password is recorded: {audit:?}"
    );
}

#[tokio::test]
async fn a_destination_changed_behind_roster_finds_no_password() {
    let w = world().await;
    let office = MailServer::start(Mode::Plain, None, OFFICE_PASSWORD);
    let other = MailServer::start(Mode::Plain, None, OFFICE_PASSWORD);
    save(
        &w,
        EmailSettingsInput {
            username: "mailer".into(),
            password: typed(OFFICE_PASSWORD),
            ..office.settings("localhost", SmtpSecurity::None)
        },
    )
    .await;
    // Another window or an older Roster moves the settings without going through this
    // handle: the password in the store stays bound to the office server.
    w.roster
        .backdoor()
        .set_smtp_port(&w.admin.workspace_id, other.port)
        .await
        .expect("move behind Roster's back");
    let settings = w.roster.email_settings(&w.admin).await.expect("settings");
    assert!(!settings.has_password);
    w.roster
        .send_test_email(&w.admin, ADMIN_EMAIL)
        .await
        .expect_err("no password for the other server");
    assert!(other.auth_attempts().is_empty());
    assert!(office.auth_attempts().is_empty());
}

/// Fails when any of the database's files holds `code` (or either half of it: a body that
/// spills over pages may cut the code in two).
/// The code is nowhere in what the database keeps: on SQLite in none of its files (the WAL
/// included, case I6); on PostgreSQL, whose files are the server's (docs/threat-model.md), in
/// no stored message.
async fn assert_unreadable_on_disk(w: &World, code: &str, when: &str) {
    let parts = [code, &code[..20], &code[code.len() - 20..]];
    if crate::database::on_postgres() {
        // Read through a handle of its own: the test's may be closed already.
        let outbox = w.reopen().await.backdoor().outbox().await.expect("outbox");
        for message in outbox {
            let body = message.body_text.unwrap_or_default();
            assert!(
                parts.iter().all(|part| !body.contains(part)) || message.state == "queued",
                "{when}: a message that left the queue still holds the invitation code"
            );
        }
        return;
    }
    assert!(
        w.db.dir.path().join("roster.db").exists(),
        "the database file is read"
    );
    for file in ["roster.db", "roster.db-wal", "roster.db-shm"] {
        let Ok(bytes) = std::fs::read(w.db.dir.path().join(file)) else {
            continue;
        };
        for part in parts {
            assert!(
                !bytes
                    .windows(part.len())
                    .any(|window| window == part.as_bytes()),
                "{when}: {file} still holds the invitation code"
            );
        }
    }
}

#[tokio::test]
async fn i6_an_erased_code_is_unreadable_in_the_database_files_and_logs() {
    let logs = crate::audit::capture_logs();
    let w = world().await;
    let server = MailServer::start(Mode::Plain, None, "");
    save(&w, server.settings("localhost", SmtpSecurity::None)).await;
    let mut codes = Vec::new();

    // Sent.
    let carla = w
        .roster
        .invite_user(&w.admin, invitation(&w, "carla@example.com"))
        .await
        .expect("invite");
    let code = queued_code(&w.roster, &carla.id).await;
    assert_eq!(w.roster.deliver_due_mail().await.expect("deliver").sent, 1);
    assert_eq!(code_in(&server.messages()[0]), code);
    assert_unreadable_on_disk(&w, &code, "after the email went out").await;
    codes.push(code);

    // Revoked before it was sent.
    let dan = w
        .roster
        .invite_user(&w.admin, invitation(&w, "dan@example.com"))
        .await
        .expect("invite");
    let code = queued_code(&w.roster, &dan.id).await;
    w.roster
        .revoke_invitation(&w.admin, &dan.id)
        .await
        .expect("revoke");
    assert_unreadable_on_disk(&w, &code, "after Revoke").await;
    codes.push(code);

    // Replaced by Resend, then the user removed before anything was sent.
    let erin = w
        .roster
        .invite_user(&w.admin, invitation(&w, "erin@example.com"))
        .await
        .expect("invite");
    let first = queued_code(&w.roster, &erin.id).await;
    w.roster
        .resend_invitation(&w.admin, &erin.id)
        .await
        .expect("resend");
    assert_unreadable_on_disk(&w, &first, "after Resend").await;
    let second = queued_code(&w.roster, &erin.id).await;
    w.roster
        .remove_user(&w.admin, &erin.id)
        .await
        .expect("remove");
    assert_unreadable_on_disk(&w, &second, "after removing the invited user").await;
    codes.extend([first, second]);

    // Expired while the server could not be reached: the outbox wakes at the expiry.
    save(
        &w,
        settings_for(closed_port(), "localhost", SmtpSecurity::None),
    )
    .await;
    let fay = w
        .roster
        .invite_user(&w.admin, invitation(&w, "fay@example.com"))
        .await
        .expect("invite");
    let code = queued_code(&w.roster, &fay.id).await;
    assert_eq!(
        w.roster.deliver_due_mail().await.expect("deliver").retrying,
        1
    );
    w.clock.advance(Duration::days(7));
    let due = w
        .roster
        .next_mail_due()
        .await
        .expect("due")
        .expect("a pass");
    assert!(due <= w.roster.now_utc(), "a pass is due at the expiry");
    w.clock.advance(Duration::seconds(1));
    w.roster.deliver_due_mail().await.expect("deliver");
    assert_eq!(
        w.roster.next_mail_due().await.expect("due"),
        None,
        "nothing waits"
    );
    assert_unreadable_on_disk(&w, &code, "after the invitation expired").await;
    codes.push(code);

    w.roster.close().await;
    for code in &codes {
        assert_unreadable_on_disk(&w, code, "after Roster closed").await;
        assert!(
            !logs.text().contains(code.as_str()),
            "an invitation code reached the logs"
        );
    }
}

#[tokio::test]
async fn u11_idn_domains_go_out_in_ascii_and_a_server_without_smtputf8_is_said_once() {
    let w = world().await;
    let plain = MailServer::start(Mode::Plain, None, "");
    save(&w, plain.settings("localhost", SmtpSecurity::None)).await;
    let dan = w
        .roster
        .invite_user(&w.admin, invitation(&w, "dan@bücher.example"))
        .await
        .expect("invite");
    assert_eq!(dan.email, "dan@bücher.example", "kept as typed");
    assert_eq!(w.roster.deliver_due_mail().await.expect("deliver").sent, 1);
    assert_eq!(plain.recipients(1), ["dan@xn--bcher-kva.example"]);
    assert!(
        plain.messages()[0].contains("To: dan@xn--bcher-kva.example"),
        "{}",
        plain.messages()[0]
    );

    // A non-ASCII local part needs SMTPUTF8, which this server does not offer: "Not sent",
    // with the reason, once.
    let zoe = w
        .roster
        .invite_user(&w.admin, invitation(&w, "zoë@bücher.example"))
        .await
        .expect("invite");
    assert_eq!(
        w.roster.deliver_due_mail().await.expect("deliver"),
        Delivery {
            refused: 1,
            ..Delivery::default()
        }
    );
    let info = panel(&w, &zoe).await.invitation.expect("invitation");
    assert_eq!(info.state, InvitationState::NotSent);
    let reason = info.last_error.expect("reason");
    assert!(reason.contains("SMTPUTF8"), "{reason}");
    w.clock.advance(Duration::hours(2));
    assert_eq!(
        w.roster.deliver_due_mail().await.expect("deliver"),
        Delivery::default(),
        "no retry until Resend"
    );
    assert_eq!(w.roster.next_mail_due().await.expect("due"), None);
    let failures = w.audited("invitation.send_failed", Some(&zoe.id)).await;
    assert_eq!(failures.len(), 1, "said once");
    assert_eq!(plain.messages().len(), 1);

    // Through a server that offers SMTPUTF8, Resend delivers it.
    let utf8 = MailServer::start(Mode::Utf8, None, "");
    save(&w, utf8.settings("localhost", SmtpSecurity::None)).await;
    w.roster
        .resend_invitation(&w.admin, &zoe.id)
        .await
        .expect("resend");
    assert_eq!(w.roster.deliver_due_mail().await.expect("deliver").sent, 1);
    assert_eq!(utf8.recipients(1), ["zoë@xn--bcher-kva.example"]);
    assert_eq!(code_in(&utf8.messages()[0]).len(), 43);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_handles_accepting_one_code_at_once_make_one_session() {
    let w = world().await;
    let (carla, code) = carla_waiting(&w).await;
    let handles = [w.reopen().await, w.reopen().await];
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(handles.len()));
    let tasks: Vec<_> = handles
        .into_iter()
        .map(|roster| {
            let start = start.clone();
            let input = accept(&code);
            tokio::spawn(async move {
                start.wait().await;
                roster.accept_invitation(input).await
            })
        })
        .collect();
    let mut sessions = 0;
    let mut used = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok((session, _)) => {
                assert_eq!(session.user_id, carla.id);
                sessions += 1;
            }
            Err(error) => {
                assert_eq!(error.code(), ErrorCode::InvitationUsed, "{error}");
                used += 1;
            }
        }
    }
    assert_eq!((sessions, used), (1, 1));
    let accepted = w.audited("invitation.accept", Some(&carla.id)).await;
    assert_eq!(accepted.len(), 1, "one acceptance entry");
}

/// A TCP service that is not SMTP: it greets with another protocol's banner.
fn other_service() -> u16 {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
        }
    });
    port
}

#[tokio::test]
async fn send_test_email_says_the_same_of_everything_that_is_not_a_mail_server() {
    let w = world().await;
    let silent = MailServer::start(Mode::Silent, None, "");
    let certs = Certificates::new();
    let implicit = MailServer::start(Mode::Implicit, Some((&certs.leaf, &certs.key)), "");
    let targets = [
        ("closed", closed_port(), SmtpSecurity::Starttls),
        ("silent", silent.port, SmtpSecurity::Starttls),
        ("not SMTP", other_service(), SmtpSecurity::Starttls),
        (
            "TLS where STARTTLS was chosen",
            implicit.port,
            SmtpSecurity::Starttls,
        ),
    ];
    let mut answers = Vec::new();
    for (what, port, security) in targets {
        // One host name for all, so only the port differs in what is said.
        save(&w, settings_for(port, "localhost", security)).await;
        let error = w
            .roster
            .send_test_email(&w.admin, ADMIN_EMAIL)
            .await
            .expect_err(what);
        assert_eq!(error.code(), ErrorCode::Mail);
        answers.push((what, error.to_string().replace(&port.to_string(), "PORT")));
    }
    let (_, first) = &answers[0];
    for (what, answer) in &answers {
        assert_eq!(answer, first, "{what} reads differently");
        assert!(!answer.contains("SSH") && !answer.to_lowercase().contains("refused"));
    }
    assert!(
        first.contains("Check the SMTP host, the port and the security"),
        "{first}"
    );

    // Once a mail server greeted, its own answer helps and is shown.
    let server = MailServer::start(Mode::Plain, None, "");
    save(&w, server.settings("localhost", SmtpSecurity::None)).await;
    let error = w
        .roster
        .send_test_email(&w.admin, "nobody@example.com")
        .await
        .expect_err("refused recipient");
    assert!(error.to_string().contains("550"), "{error}");
}
