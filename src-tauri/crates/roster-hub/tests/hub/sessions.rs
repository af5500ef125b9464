//! Hub sessions: a token ends on sign-out and when the user's password is reset on the hub;
//! nothing without a token reads the feed.

use roster_core::model::PasswordReset;
use roster_core::sync::HubClient;
use roster_core::{ErrorCode, Secret};

use crate::support::{HubDatabase, HubProcess, hub_side, hub_token, joined, shared, shared_acme};

#[tokio::test]
async fn a_password_reset_on_the_hub_ends_the_members_hub_session() {
    let (db, hub, acme) = shared().await;
    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;
    on_hub
        .reset_password(
            &ada,
            &acme.bob.id,
            PasswordReset {
                new_password: Secret::new("Brand-New-Harbour-Lights-58"),
                confirm_password: Secret::new("Brand-New-Harbour-Lights-58"),
                must_change_password: false,
            },
        )
        .await
        .expect("reset");
    let ended = bob_desk
        .roster
        .pull_from_hub(&bob.workspace_id, &hub.client(), None)
        .await
        .expect_err("the old session ended with the old password");
    assert_eq!(ended.code(), ErrorCode::Unauthenticated);
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
