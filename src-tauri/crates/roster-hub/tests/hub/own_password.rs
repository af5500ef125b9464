//! Changing one's own password on a replica: made at the hub, online only; the hub checks
//! the current password and ends the user's other hub sessions; the replica keeps the new
//! hash for offline sign-in.

use roster_core::model::OwnPasswordChange;
use roster_core::{ErrorCode, Secret};

use crate::support::{self, PASSWORD, hub_token, joined, shared};

const NEW_PASSWORD: &str = "Brand-New-Harbour-Lights-58";

fn change(current: &str, new: &str) -> OwnPasswordChange {
    OwnPasswordChange {
        current_password: Secret::new(current),
        new_password: Secret::new(new),
        confirm_password: Secret::new(new),
    }
}

#[tokio::test]
async fn an_own_password_change_online_ends_the_other_hub_sessions() {
    let (_db, hub, _acme) = shared().await;
    let (desk, bob) = joined(&hub, "bob@example.com").await;
    let elsewhere = hub_token(&hub.client(), "bob@example.com").await;

    let wrong = desk
        .roster
        .change_own_password_through_hub(
            &bob,
            &hub.client(),
            change("Not-The-Password-1", NEW_PASSWORD),
        )
        .await
        .expect_err("the hub checks the current password");
    assert_eq!(wrong.code(), ErrorCode::Validation);

    let (renewed, _) = desk
        .roster
        .change_own_password_through_hub(&bob, &hub.client(), change(PASSWORD, NEW_PASSWORD))
        .await
        .expect("changed at the hub");
    let ended = hub
        .client()
        .pull(&elsewhere, None, None)
        .await
        .expect_err("Bob's other hub session ended");
    assert_eq!(ended.code(), ErrorCode::Unauthenticated);
    desk.roster
        .pull_from_hub(&renewed.workspace_id, &hub.client(), None)
        .await
        .expect("this replica goes on with its new hub session");
    let old = desk
        .roster
        .session_info(&bob)
        .await
        .expect_err("the session before the change ended here too");
    assert_eq!(old.code(), ErrorCode::Unauthenticated);

    // Offline, the replica signs Bob in with the new password only.
    drop(hub);
    let mut with_new = support::sign_in(&bob.workspace_id, "bob@example.com");
    with_new.password = Secret::new(NEW_PASSWORD);
    desk.roster
        .sign_in(with_new)
        .await
        .expect("new password offline");
    let refused = desk
        .roster
        .sign_in(support::sign_in(&bob.workspace_id, "bob@example.com"))
        .await
        .expect_err("the old password no longer");
    assert_eq!(refused.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn an_own_password_change_offline_is_refused_saying_the_hub_is_needed() {
    let (_db, mut hub, _acme) = shared().await;
    let (desk, bob) = joined(&hub, "bob@example.com").await;
    let client = hub.client();
    hub.kill();
    let refused = desk
        .roster
        .change_own_password_through_hub(&bob, &client, change(PASSWORD, NEW_PASSWORD))
        .await
        .expect_err("offline");
    assert_eq!(refused.code(), ErrorCode::HubUnreachable);
    assert!(
        refused
            .to_string()
            .contains("needs a connection to the hub"),
        "{refused}"
    );
    let here = desk
        .roster
        .change_own_password(&bob, change(PASSWORD, NEW_PASSWORD))
        .await
        .expect_err("never changed on the replica alone");
    assert!(
        here.to_string().contains("needs a connection to the hub"),
        "{here}"
    );
    desk.roster
        .sign_in(support::sign_in(&bob.workspace_id, "bob@example.com"))
        .await
        .expect("the password is unchanged");
}
