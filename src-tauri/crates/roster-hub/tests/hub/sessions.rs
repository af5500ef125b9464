//! Hub sessions: a token ends on sign-out and when the user's password is reset on the hub;
//! nothing without a token reads the feed; a replica that refuses its own user's sign-in asks
//! the hub, which knows better.

use roster_core::model::{PasswordReset, SignInInput};
use roster_core::sync::HubClient;
use roster_core::{ErrorCode, Secret};

use crate::support::{HubDatabase, HubProcess, hub_side, hub_token, joined, shared, shared_acme};

const NEW_PASSWORD: &str = "Brand-New-Harbour-Lights-58";

/// Ada sets Bob's password on the hub's own database, without a change at next sign-in.
async fn reset_bobs_password(
    on_hub: &roster_core::Roster,
    ada: &roster_core::Session,
    bob_id: &str,
    password: &str,
) {
    on_hub
        .reset_password(
            ada,
            bob_id,
            PasswordReset {
                new_password: Secret::new(password),
                confirm_password: Secret::new(password),
                must_change_password: false,
            },
        )
        .await
        .expect("reset");
}

#[tokio::test]
async fn a_password_reset_on_the_hub_ends_the_members_hub_session() {
    let (db, hub, acme) = shared().await;
    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;
    reset_bobs_password(&on_hub, &ada, &acme.bob.id, NEW_PASSWORD).await;
    let ended = bob_desk
        .roster
        .pull_from_hub(&bob.workspace_id, &hub.client(), None)
        .await
        .expect_err("the old session ended with the old password");
    assert_eq!(ended.code(), ErrorCode::Unauthenticated);
}

/// Bob signs in on his own replica with `password`, asking the hub when the replica refuses.
async fn bob_signs_in(
    desk: &crate::support::Desk,
    hub: &HubProcess,
    password: &str,
) -> roster_core::Result<()> {
    let input = SignInInput {
        workspace_id: None,
        email: "BOB@example.com".into(),
        password: Secret::new(password),
    };
    let client = hub.client();
    desk.roster
        .sign_in_here_or_at_hub(input, |_| Ok(client.clone()))
        .await
        .map(|_| ())
}

#[tokio::test]
async fn a_member_removed_and_restored_elsewhere_signs_in_on_their_own_machine_again() {
    let (db, hub, acme) = shared().await;
    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;
    on_hub
        .remove_user(&ada, &acme.bob.id)
        .await
        .expect("remove");
    // Bob's machine hears of the removal as its hub session ends; it signs him out.
    let _ = bob_desk
        .roster
        .pull_from_hub(&bob.workspace_id, &hub.client(), None)
        .await;
    on_hub
        .restore_user(&ada, &acme.bob.id)
        .await
        .expect("restore");

    bob_signs_in(&bob_desk, &hub, crate::support::PASSWORD)
        .await
        .expect("the hub knows Bob is back");
    let wrong = bob_signs_in(&bob_desk, &hub, "Not-His-Password-12")
        .await
        .expect_err("a wrong password stays wrong");
    assert_eq!(wrong.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn signing_in_to_the_hub_again_after_a_removal_and_restore_signs_in_here_too() {
    let (db, hub, acme) = shared().await;
    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;
    on_hub
        .remove_user(&ada, &acme.bob.id)
        .await
        .expect("remove");
    on_hub
        .restore_user(&ada, &acme.bob.id)
        .await
        .expect("restore");
    let ended = bob_desk
        .roster
        .pull_from_hub(&bob.workspace_id, &hub.client(), None)
        .await
        .expect_err("the removal ended the hub session");
    assert_eq!(ended.code(), ErrorCode::Unauthenticated);

    let renewed = bob_desk
        .roster
        .renew_hub_session(&bob, &hub.client(), &Secret::new(crate::support::PASSWORD))
        .await
        .expect("renew");
    assert!(
        bob_desk.roster.session_info(&bob).await.is_err(),
        "the session from before the removal stays ended here"
    );
    bob_desk
        .roster
        .session_info(&renewed)
        .await
        .expect("the renewed session works here");
    bob_desk
        .roster
        .pull_from_hub(&bob.workspace_id, &hub.client(), None)
        .await
        .expect("and at the hub");
}

#[tokio::test]
async fn a_password_reset_elsewhere_is_the_one_that_signs_in_on_the_members_machine() {
    let (db, hub, acme) = shared().await;
    let (bob_desk, _) = joined(&hub, "bob@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;
    reset_bobs_password(&on_hub, &ada, &acme.bob.id, NEW_PASSWORD).await;

    bob_signs_in(&bob_desk, &hub, NEW_PASSWORD)
        .await
        .expect("the new password, checked at the hub, then here");
    bob_desk
        .roster
        .sign_in(SignInInput {
            workspace_id: None,
            email: "bob@example.com".into(),
            password: Secret::new(NEW_PASSWORD),
        })
        .await
        .expect("the new password came down: it works here without the hub from now on");
    let old = bob_signs_in(&bob_desk, &hub, crate::support::PASSWORD)
        .await
        .expect_err("the old password is refused by the hub too");
    assert_eq!(old.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn without_a_valid_token_the_feed_says_nothing() {
    let db = HubDatabase::fresh().await;
    let hub = HubProcess::start(&db.url).await;
    let _acme = shared_acme(&db, &hub.client()).await;
    let client = hub.client();
    for token in ["", "made-up", "Bearer"] {
        let refused = client
            .pull(&Secret::verbatim(token), None, None)
            .await
            .expect_err("no session");
        assert_eq!(refused.code(), ErrorCode::Unauthenticated, "{token:?}");
    }
    let token = hub_token(&client, "bob@example.com").await;
    let page = client.pull(&token, None, None).await.expect("pull");
    assert_eq!(page.records.len(), 3, "Acme, Member and Bob");
    client.sign_out(&token).await.expect("sign out");
    let after = client
        .pull(&token, None, None)
        .await
        .expect_err("signed out");
    assert_eq!(after.code(), ErrorCode::Unauthenticated);
}

#[tokio::test]
async fn https_is_checked_against_the_trusted_authorities_and_an_office_ca_file() {
    let db = HubDatabase::fresh().await;
    let certs = roster_tests::certificates::Certificates::new();
    let hub = HubProcess::start_tls(&db.url, &certs.ca, (&certs.leaf, &certs.key)).await;
    assert!(hub.address.starts_with("https://localhost:"));
    let office = HubClient::new(&hub.address, Some(&certs.ca)).expect("client");
    office
        .health()
        .await
        .expect("trusted through the office CA file");
    let untrusted = HubClient::new(&hub.address, None).expect("client");
    let refused = untrusted
        .health()
        .await
        .expect_err("a certificate no trusted authority signed");
    assert_eq!(refused.code(), ErrorCode::HubUnreachable);
    assert!(
        refused.to_string().to_lowercase().contains("certificate"),
        "the reason says it is the certificate: {refused}"
    );
}
