//! Addresses that can and cannot be mailed (case U11), as the core takes them: the Add user
//! stepper and the services apply one policy, and a mailbox written with its domain in
//! Unicode or in ASCII (`xn--…`) is one mailbox, also for rows keyed before that was so.

use roster_core::model::{NewInvitation, NewUserStep, SmtpSecurity};
use roster_core::{ErrorCode, Field};

use crate::mailserver::{MailServer, Mode, ServerSettings};
use crate::support::*;

async fn key_of(roster: &roster_core::Roster, user_id: &str) -> String {
    roster.backdoor().email_key(user_id).await.expect("key")
}

/// Writes the key an older Roster stored for `user_id`: NFC and lower-case of the whole
/// address, the domain as typed.
async fn key_the_old_way(w: &World, user_id: &str, email: &str) {
    w.roster
        .backdoor()
        .set_email_key(user_id, &roster_core::text::fold(email))
        .await
        .expect("old key");
}

#[tokio::test]
async fn u11_a_quoted_address_is_refused_on_the_email_step_and_everywhere_else() {
    let w = world().await;
    let quoted = "\"bo silva\"@example.com";
    let input = w.new_user(quoted, "Bo", "Silva");
    let step = w
        .roster
        .check_new_user(&w.admin, &input, NewUserStep::Email)
        .await
        .expect_err("the email step refuses it");
    assert_eq!(step.code(), ErrorCode::Validation);
    assert_eq!(step.field(), Some(Field::Email));
    assert!(step.to_string().contains("without quotes"), "{step}");
    let create = w
        .roster
        .create_user(&w.admin, input)
        .await
        .expect_err("refused");
    assert_eq!(create.to_string(), step.to_string());
    let server = MailServer::start(Mode::Plain, None, "");
    let current = w.roster.email_settings(&w.admin).await.expect("settings");
    w.roster
        .save_email_settings(
            &w.admin,
            roster_core::model::EmailSettingsInput {
                expected_version: current.version,
                ..server.settings("localhost", SmtpSecurity::None)
            },
        )
        .await
        .expect("settings");
    let invite = w
        .roster
        .invite_user(
            &w.admin,
            NewInvitation {
                email: quoted.into(),
                first_name: "Bo".into(),
                last_name: "Silva".into(),
                phone: String::new(),
                is_super_user: false,
                role_ids: vec![w.member_role.clone()],
            },
        )
        .await
        .expect_err("refused");
    assert_eq!(invite.to_string(), step.to_string());
}

#[tokio::test]
async fn u11_one_mailbox_in_unicode_or_ascii_form_is_one_user() {
    let w = world().await;
    let jose = w.add("josé@bücher.example", "José", "Bücher").await;
    let twin = w.new_user("JOSÉ@xn--bcher-kva.example", "José", "Twin");
    assert_eq!(
        code(
            w.roster
                .check_new_user(&w.admin, &twin, NewUserStep::Email)
                .await
        ),
        ErrorCode::EmailTaken,
        "the stepper says it at the email step"
    );
    assert_eq!(
        code(w.roster.create_user(&w.admin, twin).await),
        ErrorCode::EmailTaken
    );
    let (session, info) = w
        .roster
        .sign_in(sign_in_input("josé@xn--bcher-kva.example", USER_PASSWORD))
        .await
        .expect("either form signs in");
    assert_eq!(session.user_id, jose.id);
    assert_eq!(info.email, "josé@bücher.example");
}

#[tokio::test]
async fn u11_rows_keyed_the_old_way_are_rekeyed_when_the_database_opens() {
    let w = world().await;
    let ascii = w.add("josé@xn--bcher-kva.example", "José", "Ascii").await;
    key_the_old_way(&w, &ascii.id, "josé@xn--bcher-kva.example").await;
    // Keyed the old way, the twin in Unicode form slips in beside it: the fault.
    let slipped = w.add("ana@xn--caf-dma.example", "Ana", "Café").await;
    key_the_old_way(&w, &slipped.id, "ana@xn--caf-dma.example").await;
    let unicode_twin = w.add("ana@café.example", "Ana", "Twin").await;

    let reopened = w.reopen().await;
    assert_eq!(key_of(&reopened, &ascii.id).await, "josé@bücher.example");
    assert_eq!(
        code(
            reopened
                .create_user(&w.admin, w.new_user("josé@bücher.example", "José", "Twin"))
                .await
        ),
        ErrorCode::EmailTaken,
        "the re-keyed row keeps its mailbox"
    );
    // Two rows that turn out to be one mailbox keep their keys (the index allows one) and the
    // database still opens; any third spelling is taken.
    assert_eq!(
        key_of(&reopened, &slipped.id).await,
        "ana@xn--caf-dma.example"
    );
    assert_eq!(
        key_of(&reopened, &unicode_twin.id).await,
        "ana@café.example"
    );
    assert_eq!(
        code(
            reopened
                .create_user(&w.admin, w.new_user("ANA@CAFÉ.example", "Ana", "Third"))
                .await
        ),
        ErrorCode::EmailTaken
    );
    let again = w.reopen().await;
    assert_eq!(
        key_of(&again, &ascii.id).await,
        "josé@bücher.example",
        "re-keying again changes nothing"
    );
}
