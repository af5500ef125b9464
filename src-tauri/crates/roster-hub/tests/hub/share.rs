//! Publishing a Workspace and joining it from other machines: what comes down is what the
//! user may see, and no other user's password hash leaves the hub.

use roster_core::sync::HubClient;
use roster_core::{ErrorCode, Secret};

use crate::support::{self, Desk, HubDatabase, HubProcess, PASSWORD, acme, enrol, joined, shared};

/// Password hashes a desk's file holds, by user email.
async fn hashes_held(desk: &Desk) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT email FROM users WHERE password_hash IS NOT NULL ORDER BY email")
            .fetch_all(desk.roster.pool())
            .await
            .expect("read the file");
    rows.into_iter().map(|(e,)| e).collect()
}

async fn users_held(desk: &Desk) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT email FROM users ORDER BY email")
        .fetch_all(desk.roster.pool())
        .await
        .expect("read the file");
    rows.into_iter().map(|(e,)| e).collect()
}

async fn roles_held(desk: &Desk) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM roles ORDER BY name")
        .fetch_all(desk.roster.pool())
        .await
        .expect("read the file");
    rows.into_iter().map(|(e,)| e).collect()
}

#[tokio::test]
async fn a_member_joins_from_their_own_machine_and_holds_only_themselves() {
    let (_db, hub, acme) = shared().await;

    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    assert_eq!(bob.user_id, acme.bob.id);
    assert_eq!(bob_desk.names(&bob).await, ["Bob Example"]);
    assert_eq!(users_held(&bob_desk).await, ["bob@example.com"]);
    assert_eq!(
        roles_held(&bob_desk).await,
        ["Member"],
        "the role Bob holds, nothing else"
    );
    assert_eq!(hashes_held(&bob_desk).await, ["bob@example.com"]);
    let info = bob_desk.roster.session_info(&bob).await.expect("profile");
    assert_eq!(info.workspace_name, "Acme");

    // Offline: the replica signs Bob in with his own hash, with the hub gone.
    drop(hub);
    let again = bob_desk
        .roster
        .sign_in(support::sign_in(&bob.workspace_id, "bob@example.com"))
        .await
        .expect("offline sign-in");
    assert_eq!(again.0.user_id, bob.user_id);
}

#[tokio::test]
async fn a_viewer_gets_the_list_without_anyone_elses_hash_and_the_publisher_keeps_only_their_own() {
    let (_db, hub, acme) = shared().await;

    let (cy_desk, cy) = joined(&hub, "cy@example.com").await;
    assert_eq!(
        cy_desk.names(&cy).await,
        ["Ada Lovelace", "Bob Example", "Cy Example", "Dee Example"]
    );
    assert_eq!(hashes_held(&cy_desk).await, ["cy@example.com"]);
    assert_eq!(roles_held(&cy_desk).await, ["Member", "Viewers"]);

    let link = acme
        .desk
        .roster
        .hub_link(&acme.ada.workspace_id)
        .await
        .expect("link")
        .expect("Ada's Workspace is a replica now");
    assert_eq!(link.hub_address, hub.address);
    assert_eq!(
        hashes_held(&acme.desk).await,
        ["ada.lovelace@example.com"],
        "once shared, the other users' hashes live only on the hub"
    );
    assert_eq!(acme.desk.names(&acme.ada).await.len(), 4);
}

#[tokio::test]
async fn nobody_publishes_without_a_valid_one_time_code() {
    let db = HubDatabase::fresh().await;
    let hub = HubProcess::start(&db.url).await;
    let client: HubClient = hub.client();
    let acme = acme().await;
    let share = |code: String| {
        let acme = &acme;
        let client = &client;
        async move {
            acme.desk
                .roster
                .share_through_hub(&acme.ada, client, &code, &Secret::new(PASSWORD), &|_| {})
                .await
        }
    };
    let made_up = share("not-a-code-the-operator-printed".into())
        .await
        .expect_err("a made-up code");
    assert_eq!(made_up.code(), ErrorCode::EnrolmentInvalid);

    let code = enrol(&db.url);
    let typo = acme
        .desk
        .roster
        .share_through_hub(
            &acme.ada,
            &client,
            &code,
            &Secret::new("Not-Her-Password-99"),
            &|_| {},
        )
        .await
        .expect_err("a wrong password");
    assert_eq!(typo.code(), ErrorCode::InvalidCredentials);
    share(code.clone())
        .await
        .expect("the code is still good: nothing was copied with the wrong password");
    let other = crate::support::acme().await;
    let reused = other
        .desk
        .roster
        .share_through_hub(&other.ada, &client, &code, &Secret::new(PASSWORD), &|_| {})
        .await
        .expect_err("the code is spent");
    assert_eq!(reused.code(), ErrorCode::EnrolmentInvalid);

    let bob_desk = Desk::new().await;
    let refused = bob_desk
        .roster
        .join_through_hub(
            &client,
            roster_core::model::SignInInput {
                workspace_id: None,
                email: "bob@example.com".into(),
                password: Secret::new("Wrong-Password-Entirely-42"),
            },
            &|_| {},
        )
        .await
        .expect_err("a wrong password");
    assert_eq!(refused.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn a_workspace_leaves_its_hub_and_keeps_what_it_holds_but_never_drops_waiting_changes_silently()
 {
    let (_db, hub, acme) = shared().await;
    let (desk, ada) = (&acme.desk, &acme.ada);
    let mut renamed = desk.roster.user(ada, &acme.bob.id).await.expect("Bob");
    renamed.first_name = "Robert".into();
    desk.roster
        .update_user(
            ada,
            &acme.bob.id,
            roster_core::model::UserUpdate {
                first_name: renamed.first_name.clone(),
                last_name: renamed.last_name.clone(),
                phone: renamed.phone.clone(),
                is_super_user: false,
                role_ids: renamed.role_ids.clone(),
                expected_version: renamed.version,
            },
        )
        .await
        .expect("an edit waiting for the hub");
    let refused = desk
        .roster
        .leave_hub(ada, false)
        .await
        .expect_err("one change would be lost");
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(
        refused
            .to_string()
            .starts_with("1 change has not reached the hub yet")
    );

    desk.roster
        .push_to_hub(&ada.workspace_id, &hub.client())
        .await
        .expect("sync first");
    desk.roster.leave_hub(ada, false).await.expect("leave");
    assert!(
        desk.roster
            .hub_link(&ada.workspace_id)
            .await
            .expect("link")
            .is_none()
    );
    assert_eq!(
        desk.names(ada).await.len(),
        4,
        "the Workspace keeps what it holds"
    );
    // A local Workspace again: what a replica refuses works, and nothing is queued.
    desk.roster
        .create_role(
            ada,
            roster_core::model::RoleInput {
                name: "Local only".into(),
                description: String::new(),
                permissions: vec![],
                expected_version: 0,
            },
        )
        .await
        .expect("a change of a local Workspace");
    assert_eq!(
        desk.roster
            .pending_ops(&ada.workspace_id, 10)
            .await
            .expect("outbox")
            .len(),
        0
    );
}
