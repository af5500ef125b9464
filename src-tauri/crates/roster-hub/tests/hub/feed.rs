//! The change feed: changes made on the hub reach replicas, a demotion takes the list off a
//! replica, a long poll wakes through another hub process within 2 s, and a follower never
//! misses a change while several writers commit out of order.

use std::time::{Duration, Instant};

use roster_core::model::{RoleInput, UserUpdate};
use roster_core::{Permission, Roster, Session};

use crate::support::{
    Desk, HubDatabase, HubProcess, PASSWORD, hub_side, joined, shared, shared_acme,
};

/// An edit of `user`'s names on the hub, keeping everything else.
async fn rename(roster: &Roster, admin: &Session, user_id: &str, first_name: &str) {
    let user = roster.user(admin, user_id).await.expect("user");
    let update = UserUpdate {
        first_name: first_name.into(),
        last_name: user.last_name.clone(),
        phone: user.phone.clone(),
        is_super_user: user.is_super_user,
        role_ids: user.role_ids.clone(),
        expected_version: user.version,
    };
    roster
        .update_user(admin, user_id, update)
        .await
        .expect("rename on the hub");
}

#[tokio::test]
async fn changes_on_the_hub_reach_replicas_and_a_demotion_takes_the_list_away() {
    let (db, hub, acme) = shared().await;
    let (cy_desk, cy) = joined(&hub, "cy@example.com").await;
    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;

    rename(&on_hub, &ada, &acme.dee.id, "Delia").await;
    let pulled = cy_desk
        .roster
        .pull_from_hub(&cy.workspace_id, &hub.client(), None)
        .await
        .expect("pull");
    assert_eq!(pulled.rows, 1, "only the changed row comes down");
    assert!(
        cy_desk
            .names(&cy)
            .await
            .contains(&"Delia Example".to_owned())
    );
    let pulled = bob_desk
        .roster
        .pull_from_hub(&bob.workspace_id, &hub.client(), None)
        .await
        .expect("pull");
    assert_eq!(pulled.rows, 0, "Bob may not see Dee: nothing comes down");

    let viewers = on_hub
        .roles(&ada)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.id == acme.viewers)
        .expect("Viewers");
    on_hub
        .update_role(
            &ada,
            &acme.viewers,
            RoleInput {
                name: viewers.name.clone(),
                description: viewers.description.clone(),
                permissions: vec![Permission::ReportsView],
                expected_version: viewers.version,
            },
        )
        .await
        .expect("take users.view from Viewers");
    let pulled = cy_desk
        .roster
        .pull_from_hub(&cy.workspace_id, &hub.client(), None)
        .await
        .expect("pull after the demotion");
    assert_eq!(pulled.users_dropped, 3);
    assert_eq!(cy_desk.names(&cy).await, ["Cy Example"]);
    let left: Vec<(String,)> = sqlx::query_as("SELECT email FROM users")
        .fetch_all(cy_desk.roster.pool())
        .await
        .expect("read");
    assert_eq!(
        left,
        [("cy@example.com".to_owned(),)],
        "the rows left the file"
    );
}

#[tokio::test]
async fn a_long_poll_on_one_hub_process_wakes_within_two_seconds_of_a_change_made_through_another()
{
    let db = HubDatabase::fresh().await;
    let first = HubProcess::start(&db.url).await;
    let second = HubProcess::start(&db.url).await;
    let acme = shared_acme(&db, &first.client()).await;
    let cy_desk = Desk::new().await;
    let cy = cy_desk
        .join(&second.client(), "cy@example.com", PASSWORD)
        .await;
    let (on_hub, ada) = hub_side(&db).await;

    let waiting = {
        let roster = cy_desk.roster.clone();
        let client = second.client();
        let workspace = cy.workspace_id.clone();
        tokio::spawn(async move {
            let pulled = roster
                .pull_from_hub(&workspace, &client, Some(Duration::from_secs(20)))
                .await
                .expect("long poll");
            (pulled, Instant::now())
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let changed = Instant::now();
    rename(&on_hub, &ada, &acme.bob.id, "Robert").await;
    let (pulled, answered) = waiting.await.expect("poll task");
    assert_eq!(pulled.rows, 1);
    let latency = answered.duration_since(changed);
    assert!(
        latency < Duration::from_secs(2),
        "the change reached the other machine after {latency:?}"
    );
    assert!(
        cy_desk
            .names(&cy)
            .await
            .contains(&"Robert Example".to_owned())
    );
}

#[tokio::test]
async fn a_follower_never_misses_a_change_while_writers_commit_concurrently() {
    let (db, hub, acme) = shared().await;
    let (cy_desk, cy) = joined(&hub, "cy@example.com").await;
    let (on_hub, ada) = hub_side(&db).await;

    let targets = [acme.bob.id.clone(), acme.dee.id.clone(), acme.cy.id.clone()];
    let writers: Vec<_> = targets
        .iter()
        .cloned()
        .map(|id| {
            let roster = on_hub.clone();
            let ada = ada.clone();
            tokio::spawn(async move {
                for round in 0..15 {
                    rename(&roster, &ada, &id, &format!("Round{round}")).await;
                }
            })
        })
        .collect();
    let follower = {
        let roster = cy_desk.roster.clone();
        let client = hub.client();
        let workspace = cy.workspace_id.clone();
        tokio::spawn(async move {
            for _ in 0..30 {
                roster
                    .pull_from_hub(&workspace, &client, None)
                    .await
                    .expect("pull while writers commit");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    for writer in writers {
        writer.await.expect("writer");
    }
    follower.await.expect("follower");
    cy_desk
        .roster
        .pull_from_hub(&cy.workspace_id, &hub.client(), None)
        .await
        .expect("last pull");
    let mut names = cy_desk.names(&cy).await;
    names.sort();
    assert_eq!(
        names,
        [
            "Ada Lovelace",
            "Round14 Example",
            "Round14 Example",
            "Round14 Example"
        ]
    );
}
