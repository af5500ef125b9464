//! Changes made on replicas reach the hub and the other replicas; conflicts are settled in
//! the hub's order and every refused change is visible where it was made.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use roster_core::model::{NewUser, ProfileUpdate, UserDetails, UserUpdate};
use roster_core::sync::{HubClient, Op, OpOutcome, Record};
use roster_core::{Clock, ErrorCode, Roster, Session};

use crate::support::{
    Acme, Desk, HubDatabase, HubProcess, PASSWORD, hub_side, hub_token, joined, new_user, shared,
};

/// Acme shared, with a second super-user Sara added on Ada's replica and signed in on her own.
struct Two {
    hub: HubProcess,
    acme: Acme,
    sara_desk: Desk,
    sara: Session,
    db: HubDatabase,
}

async fn two_admins() -> Two {
    two_admins_with(Desk::new().await).await
}

async fn two_admins_with(sara_desk: Desk) -> Two {
    let (db, hub, acme) = shared().await;
    let mut input: NewUser = new_user("sara@example.com", "Sara", Vec::new());
    input.is_super_user = true;
    acme.desk
        .roster
        .create_user(&acme.ada, input)
        .await
        .expect("Sara, added on a replica");
    acme.desk.sync(&acme.ada, &hub.client()).await;
    let sara = sara_desk
        .join(&hub.client(), "sara@example.com", PASSWORD)
        .await;
    Two {
        hub,
        acme,
        sara_desk,
        sara,
        db,
    }
}

async fn user(roster: &Roster, session: &Session, id: &str) -> UserDetails {
    roster.user(session, id).await.expect("user")
}

fn edit(user: &UserDetails) -> UserUpdate {
    UserUpdate {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        phone: user.phone.clone(),
        is_super_user: user.is_super_user,
        role_ids: user.role_ids.clone(),
        expected_version: user.version,
    }
}

#[tokio::test]
async fn edits_of_different_fields_on_two_machines_merge_everywhere() {
    let two = two_admins().await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let bob = &two.acme.bob.id;

    let mut renamed = edit(&user(&ada_desk.roster, ada, bob).await);
    renamed.first_name = "Robert".into();
    ada_desk
        .roster
        .update_user(ada, bob, renamed)
        .await
        .expect("offline edit on Ada's");
    let mut phoned = edit(&user(&two.sara_desk.roster, sara, bob).await);
    phoned.phone = "+44 20 7946 0958".into();
    two.sara_desk
        .roster
        .update_user(sara, bob, phoned)
        .await
        .expect("offline edit on Sara's");
    assert_eq!(
        ada_desk
            .roster
            .changes_waiting(&ada.workspace_id)
            .await
            .expect("waiting"),
        1
    );

    let client = two.hub.client();
    assert_eq!(ada_desk.sync(ada, &client).await.refused, 0);
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 0);
    ada_desk.sync(ada, &client).await;

    for (roster, session) in [(&ada_desk.roster, ada), (&two.sara_desk.roster, sara)] {
        let bob = user(roster, session, bob).await;
        assert_eq!(
            (bob.first_name.as_str(), bob.phone.as_str()),
            ("Robert", "+44 20 7946 0958")
        );
    }
    let (on_hub, hub_ada) = hub_side(&two.db).await;
    let on_hub_bob = user(&on_hub, &hub_ada, bob).await;
    assert_eq!(on_hub_bob.first_name, "Robert");
    assert_eq!(on_hub_bob.phone, "+44 20 7946 0958");
    assert_eq!(
        ada_desk
            .roster
            .changes_waiting(&ada.workspace_id)
            .await
            .expect("waiting"),
        0
    );
}

#[tokio::test]
async fn the_same_role_changed_on_two_machines_gives_exactly_one_conflict_that_retry_settles() {
    let two = two_admins().await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let bob = &two.acme.bob.id;

    let mut to_viewers = edit(&user(&ada_desk.roster, ada, bob).await);
    to_viewers.role_ids = vec![two.acme.viewers.clone()];
    ada_desk
        .roster
        .update_user(ada, bob, to_viewers)
        .await
        .expect("Ada: Viewers");
    let mut to_super = edit(&user(&two.sara_desk.roster, sara, bob).await);
    to_super.is_super_user = true;
    to_super.role_ids = Vec::new();
    two.sara_desk
        .roster
        .update_user(sara, bob, to_super)
        .await
        .expect("Sara: super-user");

    let client = two.hub.client();
    assert_eq!(ada_desk.sync(ada, &client).await.refused, 0);
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 1);
    assert!(
        ada_desk
            .roster
            .changes_not_applied(ada)
            .await
            .expect("list")
            .is_empty()
    );

    let refused = two
        .sara_desk
        .roster
        .changes_not_applied(sara)
        .await
        .expect("list");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].error.code, ErrorCode::Conflict);
    assert!(matches!(refused[0].op, Op::EditUser { .. }));
    let Some(Record::User(now)) = refused[0].current.as_ref() else {
        panic!("what the Workspace holds");
    };
    assert_eq!(now.role_ids, std::slice::from_ref(&two.acme.viewers));
    let here = user(&two.sara_desk.roster, sara, bob).await;
    assert!(
        !here.is_super_user,
        "the replica shows what the Workspace holds, not the refused change"
    );

    two.sara_desk
        .roster
        .retry_change(sara, refused[0].seq)
        .await
        .expect("retry");
    assert!(
        two.sara_desk
            .roster
            .changes_not_applied(sara)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 0);
    ada_desk.sync(ada, &client).await;
    assert!(user(&ada_desk.roster, ada, bob).await.is_super_user);
}

#[tokio::test]
async fn the_same_new_email_added_offline_on_two_machines_gives_one_user_and_one_conflict() {
    let two = two_admins().await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let member = two.acme.bob.role_ids.clone();
    let first = ada_desk
        .roster
        .create_user(ada, new_user("eve@example.com", "Eve", member.clone()))
        .await
        .expect("Eve on Ada's");
    let second = two
        .sara_desk
        .roster
        .create_user(sara, new_user("EVE@example.com", "Evelyn", member))
        .await
        .expect("Eve on Sara's");
    assert_ne!(first.id, second.id);

    let client = two.hub.client();
    ada_desk.sync(ada, &client).await;
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 1);
    let refused = two
        .sara_desk
        .roster
        .changes_not_applied(sara)
        .await
        .expect("list");
    assert_eq!(refused[0].error.code, ErrorCode::EmailTaken);

    let eves = |roster: Roster, session: Session| async move {
        let names = Desk::names_of(&roster, &session).await;
        names
            .into_iter()
            .filter(|n| n.starts_with("Eve"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        eves(two.sara_desk.roster.clone(), sara.clone()).await,
        ["Eve Example"]
    );
    assert_eq!(
        eves(ada_desk.roster.clone(), ada.clone()).await,
        ["Eve Example"]
    );
    let (on_hub, hub_ada) = hub_side(&two.db).await;
    assert_eq!(eves(on_hub, hub_ada).await, ["Eve Example"]);

    two.sara_desk
        .roster
        .discard_change(sara, refused[0].seq)
        .await
        .expect("discard");
    assert!(
        two.sara_desk
            .roster
            .changes_not_applied(sara)
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn a_removal_beats_a_concurrent_edit_whichever_arrives_first() {
    let two = two_admins().await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let client = two.hub.client();
    for (user_id, removal_first) in [(&two.acme.bob.id, true), (&two.acme.dee.id, false)] {
        ada_desk
            .roster
            .remove_user(ada, user_id)
            .await
            .expect("remove on Ada's");
        let mut renamed = edit(&user(&two.sara_desk.roster, sara, user_id).await);
        renamed.first_name = "Renamed".into();
        two.sara_desk
            .roster
            .update_user(sara, user_id, renamed)
            .await
            .expect("edit on Sara's");
        if removal_first {
            ada_desk.sync(ada, &client).await;
            assert_eq!(
                two.sara_desk.sync(sara, &client).await.refused,
                1,
                "the edit loses"
            );
        } else {
            two.sara_desk.sync(sara, &client).await;
            ada_desk.sync(ada, &client).await;
            two.sara_desk.sync(sara, &client).await;
        }
        for (roster, session) in [(&ada_desk.roster, ada), (&two.sara_desk.roster, sara)] {
            let now = user(roster, session, user_id).await;
            assert_eq!(
                now.status,
                roster_core::model::Status::Removed,
                "removal_first={removal_first}"
            );
        }
    }
}

#[tokio::test]
async fn a_member_removed_and_restored_on_a_replica_is_active_again_everywhere() {
    let (db, hub, acme) = shared().await;
    let (desk, ada, bob) = (&acme.desk, &acme.ada, &acme.bob.id);
    let client = hub.client();
    desk.roster.remove_user(ada, bob).await.expect("remove");
    desk.sync(ada, &client).await;
    // The replica holds no other user's password hash, so until the hub answers it guesses
    // "invited"; the hub, which holds Bob's hash, decides.
    desk.roster.restore_user(ada, bob).await.expect("restore");
    desk.sync(ada, &client).await;
    assert_eq!(
        user(&desk.roster, ada, bob).await.status,
        roster_core::model::Status::Active
    );
    let (on_hub, hub_ada) = hub_side(&db).await;
    assert_eq!(
        user(&on_hub, &hub_ada, bob).await.status,
        roster_core::model::Status::Active
    );
}

#[tokio::test]
async fn changes_not_applied_show_what_the_workspace_holds_now_for_every_refused_change() {
    let two = two_admins().await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let bob = &two.acme.bob.id;
    let client = two.hub.client();
    ada_desk
        .roster
        .remove_user(ada, bob)
        .await
        .expect("remove on Ada's");
    ada_desk.sync(ada, &client).await;
    for first_name in ["Robert", "Rob"] {
        let mut renamed = edit(&user(&two.sara_desk.roster, sara, bob).await);
        renamed.first_name = first_name.into();
        two.sara_desk
            .roster
            .update_user(sara, bob, renamed)
            .await
            .expect("edit on Sara's, offline");
    }
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 2);
    let status_now = |roster: Roster, session: Session| async move {
        roster
            .changes_not_applied_list(&session)
            .await
            .expect("list")
            .into_iter()
            .map(|change| {
                let now = change.now.expect("Bob is on Sara's replica");
                let status = now
                    .into_iter()
                    .find(|v| v.field == roster_core::sync::ChangeField::Status)
                    .expect("a status");
                status.values.join(",")
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        status_now(two.sara_desk.roster.clone(), sara.clone()).await,
        ["removed", "removed"],
        "both refused edits show the removal, not only the last about Bob"
    );

    ada_desk
        .roster
        .restore_user(ada, bob)
        .await
        .expect("restore on Ada's");
    ada_desk.sync(ada, &client).await;
    two.sara_desk.sync(sara, &client).await;
    assert_eq!(
        status_now(two.sara_desk.roster.clone(), sara.clone()).await,
        ["active", "active"],
        "what the Workspace holds now follows the hub after the refusal"
    );
}

#[tokio::test]
async fn a_repeated_push_a_gap_and_a_lost_answer_change_nothing() {
    let (db, hub, acme) = shared().await;
    let (desk, ada) = (&acme.desk, &acme.ada);
    let mut renamed = edit(&user(&desk.roster, ada, &acme.bob.id).await);
    renamed.first_name = "Robert".into();
    desk.roster
        .update_user(ada, &acme.bob.id, renamed)
        .await
        .expect("edit");
    let ops = desk
        .roster
        .pending_ops(&ada.workspace_id, 100)
        .await
        .expect("pending");
    assert_eq!(ops.len(), 1);

    let client: HubClient = hub.client();
    let token = hub_token(&client, crate::support::ADA).await;
    let link = desk
        .roster
        .hub_link(&ada.workspace_id)
        .await
        .expect("link")
        .expect("replica");
    let (on_hub, hub_ada) = hub_side(&db).await;
    let edits = || async {
        on_hub
            .user_activity(&hub_ada, &acme.bob.id)
            .await
            .expect("activity")
            .len()
    };
    let before = edits().await;

    // The hub commits, and the answer is lost on the way back (the replica never records it).
    let first = client
        .push(&token, &link.client_id, &ops)
        .await
        .expect("push");
    assert!(matches!(first[0], OpOutcome::Applied { .. }));
    let again = client
        .push(&token, &link.client_id, &ops)
        .await
        .expect("the same batch again");
    assert!(
        matches!(again[0], OpOutcome::Applied { .. }),
        "answered from the record"
    );
    let mut gap = ops.clone();
    gap[0].seq = 5;
    let skipped = client
        .push(&token, &link.client_id, &gap)
        .await
        .expect("a gap");
    assert!(matches!(skipped[0], OpOutcome::NotTried { seq: 5 }));
    assert_eq!(edits().await, before + 1, "applied once");

    // The replica, restarted, sends it once more and records the answer it gets.
    desk.sync(ada, &client).await;
    assert_eq!(
        desk.roster
            .changes_waiting(&ada.workspace_id)
            .await
            .expect("waiting"),
        0
    );
    assert_eq!(edits().await, before + 1);
    assert_eq!(
        user(&on_hub, &hub_ada, &acme.bob.id).await.first_name,
        "Robert"
    );
}

/// A clock set off the real time by a fixed amount.
#[derive(Debug)]
struct OffClock(Mutex<Duration>);

impl Clock for OffClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().expect("clock")
    }
}

#[tokio::test]
async fn clocks_an_hour_off_change_nothing_the_hubs_order_decides() {
    let slow = Arc::new(OffClock(Mutex::new(Duration::hours(-1))));
    let two = two_admins_with(Desk::with_clock(slow).await).await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let bob = &two.acme.bob.id;
    let client = two.hub.client();

    let mut first = edit(&user(&ada_desk.roster, ada, bob).await);
    first.first_name = "First".into();
    ada_desk
        .roster
        .update_user(ada, bob, first)
        .await
        .expect("Ada edits");
    ada_desk.sync(ada, &client).await;
    // Sara's clock says her edit came an hour before Ada's; it reaches the hub after it.
    let mut second = edit(&user(&two.sara_desk.roster, sara, bob).await);
    second.first_name = "Second".into();
    two.sara_desk
        .roster
        .update_user(sara, bob, second)
        .await
        .expect("Sara edits");
    two.sara_desk.sync(sara, &client).await;
    ada_desk.sync(ada, &client).await;
    assert_eq!(user(&ada_desk.roster, ada, bob).await.first_name, "Second");
    assert_eq!(
        user(&two.sara_desk.roster, sara, bob).await.first_name,
        "Second"
    );
}

#[tokio::test]
async fn a_member_edits_their_own_profile_offline_and_it_reaches_the_workspace() {
    let (_db, hub, acme) = shared().await;
    let (bob_desk, bob) = joined(&hub, "bob@example.com").await;
    let me = user(&bob_desk.roster, &bob, &bob.user_id).await;
    bob_desk
        .roster
        .update_profile(
            &bob,
            ProfileUpdate {
                first_name: "Bobby".into(),
                last_name: me.last_name.clone(),
                phone: "+1 202 555 0143".into(),
                expected_version: me.version,
            },
        )
        .await
        .expect("own profile, offline");
    assert_eq!(bob_desk.sync(&bob, &hub.client()).await.refused, 0);
    acme.desk.sync(&acme.ada, &hub.client()).await;
    let seen = user(&acme.desk.roster, &acme.ada, &bob.user_id).await;
    assert_eq!(
        (seen.first_name.as_str(), seen.phone.as_str()),
        ("Bobby", "+1 202 555 0143")
    );
}

#[tokio::test]
async fn roles_made_and_changed_offline_reach_everyone_and_the_same_permissions_conflict_once() {
    let two = two_admins().await;
    let (ada_desk, ada, sara) = (&two.acme.desk, &two.acme.ada, &two.sara);
    let client = two.hub.client();
    let auditors = ada_desk
        .roster
        .create_role(
            ada,
            roster_core::model::RoleInput {
                name: "Auditors".into(),
                description: String::new(),
                permissions: vec![roster_core::Permission::ReportsView],
                expected_version: 0,
            },
        )
        .await
        .expect("a role made offline");
    ada_desk.sync(ada, &client).await;
    two.sara_desk.sync(sara, &client).await;
    let on_sara = |roster: Roster, session: Session| async move {
        roster
            .roles(&session)
            .await
            .expect("roles")
            .into_iter()
            .find(|r| r.name.starts_with("Auditors") || r.name == "Inspectors")
    };
    let seen = on_sara(two.sara_desk.roster.clone(), sara.clone())
        .await
        .expect("Sara holds Auditors");
    assert_eq!(seen.id, auditors.id);

    // Ada renames it and Sara widens it: different fields merge.
    let mut renamed = roster_core::model::RoleInput {
        name: "Inspectors".into(),
        description: String::new(),
        permissions: vec![roster_core::Permission::ReportsView],
        expected_version: auditors.version,
    };
    ada_desk
        .roster
        .update_role(ada, &auditors.id, renamed.clone())
        .await
        .expect("rename");
    let widened = roster_core::model::RoleInput {
        name: "Auditors".into(),
        description: String::new(),
        permissions: vec![
            roster_core::Permission::ReportsView,
            roster_core::Permission::UsersView,
        ],
        expected_version: seen.version,
    };
    two.sara_desk
        .roster
        .update_role(sara, &auditors.id, widened)
        .await
        .expect("widen");
    ada_desk.sync(ada, &client).await;
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 0);
    ada_desk.sync(ada, &client).await;
    for (roster, session) in [(&ada_desk.roster, ada), (&two.sara_desk.roster, sara)] {
        let role = on_sara(roster.clone(), session.clone())
            .await
            .expect("role");
        assert_eq!(role.name, "Inspectors");
        assert_eq!(role.permissions.len(), 2);
    }

    // Both change its permissions offline: the second to arrive is refused, once.
    let now = on_sara(ada_desk.roster.clone(), ada.clone())
        .await
        .expect("role");
    renamed.expected_version = now.version;
    renamed.permissions = vec![roster_core::Permission::UsersExport];
    ada_desk
        .roster
        .update_role(ada, &auditors.id, renamed.clone())
        .await
        .expect("Ada narrows");
    let mut other = renamed.clone();
    other.permissions = vec![roster_core::Permission::UsersInvite];
    two.sara_desk
        .roster
        .update_role(sara, &auditors.id, other)
        .await
        .expect("Sara narrows differently");
    ada_desk.sync(ada, &client).await;
    assert_eq!(two.sara_desk.sync(sara, &client).await.refused, 1);
    let refused = two
        .sara_desk
        .roster
        .changes_not_applied(sara)
        .await
        .expect("list");
    assert_eq!(refused[0].error.code, ErrorCode::Conflict);
    assert!(matches!(refused[0].op, Op::EditRole { .. }));
    let role = on_sara(two.sara_desk.roster.clone(), sara.clone())
        .await
        .expect("role");
    assert_eq!(role.permissions, vec![roster_core::Permission::UsersExport]);

    // Deleting it moves its users on every replica.
    let bob = user(&ada_desk.roster, ada, &two.acme.bob.id).await;
    let mut to_role = edit(&bob);
    to_role.role_ids = vec![auditors.id.clone()];
    ada_desk
        .roster
        .update_user(ada, &bob.id, to_role)
        .await
        .expect("Bob joins");
    let now = on_sara(ada_desk.roster.clone(), ada.clone())
        .await
        .expect("role");
    ada_desk
        .roster
        .delete_role(
            ada,
            &auditors.id,
            roster_core::model::RoleDeletion {
                move_users_to: Some(two.acme.viewers.clone()),
                expected_version: now.version,
            },
        )
        .await
        .expect("delete");
    ada_desk.sync(ada, &client).await;
    two.sara_desk.sync(sara, &client).await;
    assert!(
        on_sara(two.sara_desk.roster.clone(), sara.clone())
            .await
            .is_none()
    );
    let moved = user(&two.sara_desk.roster, sara, &bob.id).await;
    assert_eq!(moved.role_ids, std::slice::from_ref(&two.acme.viewers));
}
