//! Invitations on a hub Workspace: made on a replica (offline too), sent by the hub alone —
//! exactly once, with two hub processes on one database — with a link that names the hub,
//! accepted there from a computer that holds no Workspace yet, which then joins. The SMTP
//! password is sealed at the hub and never on a replica.

use std::path::PathBuf;

use roster_core::model::{
    EmailSettingsInput, InvitationAcceptance, InvitationState, NewInvitation,
};
use roster_core::sync::{ChangeAction, HubClient};
use roster_core::{ErrorCode, Secret, hub_in_link};
use roster_tests::mail::{MailServer, Mode, code_in};
use sqlx::Connection;
use tempfile::TempDir;

use crate::support::{
    self, Desk, HubDatabase, HubProcess, PASSWORD, hub_side, new_user, shared, shared_acme,
};

const SMTP_PASSWORD: &str = "Smtp-Secret-91-Quartz";

/// A key file of 32 random bytes, in a folder of its own.
fn key_file() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hub.key");
    let mut key = [0_u8; 32];
    getrandom::fill(&mut key).expect("random bytes");
    std::fs::write(&path, key).expect("write the key");
    (dir, path)
}

/// Settings → Email for the test server on `port`, with the server's user and `password`.
fn email_settings(port: u16, password: Option<&str>) -> EmailSettingsInput {
    serde_json::from_value(serde_json::json!({
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "username": if password.is_some() { "mailer" } else { "" },
        "password": password,
        "senderName": "Acme People Team",
        "senderAddress": "people@acme.example",
        "invitationDays": 7,
        "timeoutSeconds": 2,
        "expectedVersion": 0,
    }))
    .expect("settings")
}

fn carla() -> NewInvitation {
    NewInvitation {
        email: "carla@example.com".into(),
        first_name: "Carla".into(),
        last_name: "Example".into(),
        phone: String::new(),
        is_super_user: false,
        role_ids: Vec::new(),
    }
}

/// Carla invited as a Member.
async fn carla_as_member(desk: &Desk, ada: &roster_core::Session) -> NewInvitation {
    let member = desk
        .roster
        .roles(ada)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.is_builtin)
        .expect("Member")
        .id;
    NewInvitation {
        role_ids: vec![member],
        ..carla()
    }
}

/// The invitation link in a received message (quoted-printable undone first).
fn link_in(message: &str) -> String {
    let decoded = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = decoded
        .find(roster_core::ACCEPT_LINK)
        .expect("a link in the message");
    decoded[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect()
}

async fn mail_rows_here(desk: &Desk) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM mail_outbox")
        .fetch_one(desk.roster.pool())
        .await
        .expect("read the file")
}

#[tokio::test]
async fn an_invitation_made_offline_is_sent_once_by_the_hub_and_accepted_there() {
    let db = HubDatabase::fresh().await;
    let (_keys, key) = key_file();
    let hub = HubProcess::start_with_key(&db.url, &key).await;
    let second = HubProcess::start_with_key(&db.url, &key).await;
    let mail = MailServer::start(Mode::Plain, None, SMTP_PASSWORD);
    let acme = shared_acme(&db, &hub.client()).await;
    let (desk, ada) = (&acme.desk, &acme.ada);
    desk.roster
        .save_email_settings_through_hub(
            ada,
            &hub.client(),
            email_settings(mail.port, Some(SMTP_PASSWORD)),
        )
        .await
        .expect("email settings saved at the hub");
    assert!(desk.roster.invitations_ready(ada).await.expect("ready"));
    desk.roster
        .send_test_email_through_hub(ada, &hub.client(), "people@acme.example")
        .await
        .expect("a test email sent by the hub");
    assert!(mail.message(1).await.contains("Roster test email"));

    // Offline: nothing reaches the hub until the replica syncs.
    let invited = desk
        .roster
        .invite_user(ada, carla_as_member(desk, ada).await)
        .await
        .expect("invite on the replica");
    assert!(
        desk.names(ada).await.contains(&"Carla Example".to_owned()),
        "the invited user is on the replica at once"
    );
    let delivery = desk.roster.deliver_due_mail().await.expect("mail pass");
    assert_eq!(delivery, roster_core::Delivery::default());
    assert_eq!(mail_rows_here(desk).await, 0, "a replica queues no email");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(
        mail.messages().len(),
        1,
        "nothing more is sent before the sync"
    );

    let pushed = desk.sync(ada, &hub.client()).await;
    assert_eq!((pushed.answered, pushed.refused), (1, 0));
    let message = mail.message(2).await;
    // Both hub processes run a mail loop on the one outbox: give the other time to err.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(mail.messages().len(), 2, "the invitation sent exactly once");
    assert_eq!(mail.recipients(2), ["carla@example.com"]);
    let login = ("mailer".to_owned(), SMTP_PASSWORD.to_owned());
    assert_eq!(
        mail.auth_attempts(),
        [login.clone(), login],
        "the hub opened its sealed password"
    );
    drop(second);
    assert_eq!(invited.invitation, None, "no code is made on a replica");
    desk.sync(ada, &hub.client()).await;
    let panel = desk.roster.user(ada, &invited.id).await.expect("panel");
    assert_eq!(
        panel.invitation.map(|i| i.state),
        Some(InvitationState::Sent),
        "the hub's sending reaches the replica's panel"
    );

    let link = link_in(&message);
    assert_eq!(hub_in_link(&link).as_deref(), Some(hub.address.as_str()));
    assert!(link.contains(&code_in(&message)));

    // Carla's computer holds no Workspace: it accepts at the hub the link names, and joins.
    let carla_desk = Desk::new().await;
    let at = HubClient::new(&hub_in_link(&link).expect("a hub"), None).expect("client");
    let preview = at.invitation_preview(&link).await.expect("preview");
    assert_eq!(
        (preview.workspace_name.as_str(), preview.email.as_str()),
        ("Acme", "carla@example.com")
    );
    let (carla, info) = carla_desk
        .roster
        .accept_invitation_through_hub(
            &at,
            InvitationAcceptance {
                token: link.clone(),
                password: Secret::new(PASSWORD),
                confirm_password: Secret::new(PASSWORD),
            },
            &|_| {},
        )
        .await
        .expect("accept at the hub and join");
    assert_eq!(carla.user_id, invited.id);
    assert_eq!(info.workspace_name, "Acme");
    assert_eq!(carla_desk.names(&carla).await, ["Carla Example"]);
    let status: String = sqlx::query_scalar("SELECT status FROM users WHERE email = $1")
        .bind("carla@example.com")
        .fetch_one(&mut sqlx::PgConnection::connect(&db.url).await.expect("db"))
        .await
        .expect("Carla on the hub");
    assert_eq!(status, "active", "an active member");
    let used = at
        .invitation_preview(&link)
        .await
        .expect_err("the code works once");
    assert_eq!(used.code(), ErrorCode::InvitationUsed);
    // Offline, the new member signs in on their own copy.
    drop(hub);
    carla_desk
        .roster
        .sign_in(support::sign_in(&carla.workspace_id, "carla@example.com"))
        .await
        .expect("offline sign-in");
}

#[tokio::test]
async fn the_smtp_password_is_sealed_at_the_hub_and_never_on_the_replica() {
    let db = HubDatabase::fresh().await;
    let (_keys, key) = key_file();
    let hub = HubProcess::start_with_key(&db.url, &key).await;
    let acme = shared_acme(&db, &hub.client()).await;
    let saved = acme
        .desk
        .roster
        .save_email_settings_through_hub(
            &acme.ada,
            &hub.client(),
            email_settings(2525, Some(SMTP_PASSWORD)),
        )
        .await
        .expect("saved at the hub");
    assert!(saved.has_password);
    let mut pg = sqlx::PgConnection::connect(&db.url).await.expect("db");
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT name, sealed FROM hub_secrets")
        .fetch_all(&mut pg)
        .await
        .expect("hub secrets");
    assert_eq!(rows.len(), 1, "one sealed password");
    let needle = SMTP_PASSWORD.as_bytes();
    assert!(
        !rows[0].1.windows(needle.len()).any(|w| w == needle),
        "the stored value is not the password in clear"
    );
    let dump: String =
        sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM email_settings) t")
            .fetch_one(&mut pg)
            .await
            .expect("email settings");
    assert!(!dump.contains(SMTP_PASSWORD));

    let here = acme
        .desk
        .roster
        .email_settings(&acme.ada)
        .await
        .expect("settings here");
    assert_eq!(
        (here.host.as_str(), here.version),
        ("127.0.0.1", saved.version),
        "the replica keeps the other settings"
    );
    assert_eq!(
        here.password_storage,
        roster_core::model::SecretStorage::Hub
    );
    let local = acme
        .desk
        .roster
        .save_email_settings(&acme.ada, email_settings(2525, Some(SMTP_PASSWORD)))
        .await
        .expect_err("a replica's own save would keep the password here");
    assert_eq!(local.code(), ErrorCode::HubUnreachable);
}

#[tokio::test]
async fn without_a_secret_key_the_hub_refuses_an_smtp_password_naming_the_flag() {
    let (_db, hub, acme) = shared().await;
    let refused = acme
        .desk
        .roster
        .save_email_settings_through_hub(
            &acme.ada,
            &hub.client(),
            email_settings(2525, Some(SMTP_PASSWORD)),
        )
        .await
        .expect_err("no key to seal it with");
    assert_eq!(refused.code(), ErrorCode::Keychain);
    assert!(
        refused.to_string().contains("--secret-key-file"),
        "{refused}"
    );
    let here = acme
        .desk
        .roster
        .email_settings(&acme.ada)
        .await
        .expect("settings");
    assert_eq!(here.version, 0, "nothing kept on the replica");
}

#[tokio::test]
async fn an_offline_invitation_of_an_email_taken_meanwhile_is_not_applied() {
    let (db, hub, acme) = shared().await;
    let (desk, ada) = (&acme.desk, &acme.ada);
    desk.roster
        .save_email_settings_through_hub(ada, &hub.client(), email_settings(2525, None))
        .await
        .expect("settings without a password need no key");
    let invitation = carla_as_member(desk, ada).await;
    let (on_hub, hub_ada) = hub_side(&db).await;
    on_hub
        .create_user(
            &hub_ada,
            new_user("carla@example.com", "Carla", invitation.role_ids.clone()),
        )
        .await
        .expect("Carla added at the hub meanwhile");

    desk.roster
        .invite_user(ada, invitation)
        .await
        .expect("the replica does not know yet");
    let pushed = desk.sync(ada, &hub.client()).await;
    assert_eq!(pushed.refused, 1);
    let list = desk
        .roster
        .changes_not_applied_list(ada)
        .await
        .expect("changes not applied");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].action, ChangeAction::InviteUser);
    assert_eq!(list[0].error.code, ErrorCode::EmailTaken);
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox")
        .fetch_one(&mut sqlx::PgConnection::connect(&db.url).await.expect("db"))
        .await
        .expect("hub outbox");
    assert_eq!(outbox, 0, "no email for a refused invitation");
}

#[tokio::test]
async fn an_address_that_keeps_guessing_codes_is_held_back_as_a_sign_in_is() {
    let (_db, hub, _acme) = shared().await;
    let client = hub.client();
    for n in 1..=roster_core::attempts::FREE_ATTEMPTS {
        let unknown = client
            .invitation_preview(&format!("made-up-code-{n}"))
            .await
            .expect_err("no such invitation");
        assert_eq!(unknown.code(), ErrorCode::InvitationNotFound);
    }
    let held = client
        .invitation_preview("made-up-code-again")
        .await
        .expect_err("held back");
    assert_eq!(held.code(), ErrorCode::LockedOut);
}

#[tokio::test]
async fn mail_queued_here_before_sharing_is_never_sent_from_a_replica_and_resend_goes_through_the_hub()
 {
    let db = HubDatabase::fresh().await;
    let hub = HubProcess::start(&db.url).await;
    let mail = MailServer::start(Mode::Plain, None, SMTP_PASSWORD);
    let acme = support::acme().await;
    let (desk, ada) = (&acme.desk, &acme.ada);
    desk.roster
        .save_email_settings(ada, email_settings(mail.port, None))
        .await
        .expect("email on this computer");
    let invited = desk
        .roster
        .invite_user(ada, carla_as_member(desk, ada).await)
        .await
        .expect("queued here while the Workspace is this computer's");
    desk.roster
        .share_through_hub(
            ada,
            &hub.client(),
            &support::enrol(&db.url),
            &Secret::new(PASSWORD),
            &|_| {},
        )
        .await
        .expect("share");
    let delivery = desk.roster.deliver_due_mail().await.expect("mail pass");
    assert_eq!(delivery, roster_core::Delivery::default());
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(mail.messages().is_empty(), "a replica sends nothing");

    desk.roster
        .save_email_settings_through_hub(ada, &hub.client(), email_settings(mail.port, None))
        .await
        .expect("email at the hub");
    desk.roster
        .resend_invitation(ada, &invited.id)
        .await
        .expect("Resend on the replica");
    desk.sync(ada, &hub.client()).await;
    let message = mail.message(1).await;
    assert_eq!(mail.recipients(1), ["carla@example.com"]);
    assert_eq!(
        hub_in_link(&link_in(&message)).as_deref(),
        Some(hub.address.as_str())
    );
}
