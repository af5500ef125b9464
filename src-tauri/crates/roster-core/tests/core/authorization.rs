//! The core refuses what the signed-in user may not do, whatever the UI shows.

use roster_core::model::{
    NewUserStep, PasswordReset, SortDirection, StatusFilter, UserQuery, UserSort, UserUpdate,
};
use roster_core::{AppError, ErrorCode, Permission, Secret, Session};

use crate::support::*;

fn all_users() -> UserQuery {
    UserQuery {
        search: String::new(),
        filter: StatusFilter::Current,
        sort: UserSort::Name,
        direction: SortDirection::Asc,
        after: None,
        limit: 100,
    }
}

fn reset() -> PasswordReset {
    PasswordReset {
        new_password: Secret::new("Granite-Poppy-Sail-42"),
        confirm_password: Secret::new("Granite-Poppy-Sail-42"),
        must_change_password: false,
    }
}

#[tokio::test]
async fn a_member_sees_only_themselves_and_changes_nobody_else() {
    let w = world().await;
    let other = w.add("otto@example.com", "Otto", "Lind").await;
    let (me, session) = w.member("mia@example.com").await;

    let page = w
        .roster
        .list_users(&session, &all_users())
        .await
        .expect("list");
    assert_eq!(
        page.items.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        [me.id.as_str()]
    );
    assert_eq!((page.counts.users, page.matching), (1, Some(1)));

    assert_eq!(
        code(w.roster.user(&session, &other.id).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(
            w.roster
                .create_user(&session, w.new_user("x@example.com", "X", "Y"))
                .await
        ),
        ErrorCode::Forbidden
    );
    let input = w.new_user("x@example.com", "X", "Y");
    assert_eq!(
        code(
            w.roster
                .check_new_user(&session, &input, NewUserStep::Email)
                .await
        ),
        ErrorCode::Forbidden
    );
    let update = UserUpdate {
        first_name: "Hacked".into(),
        last_name: String::new(),
        phone: String::new(),
        is_super_user: true,
        role_ids: Vec::new(),
        expected_version: other.version,
    };
    assert_eq!(
        code(
            w.roster
                .update_user(&session, &other.id, update.clone())
                .await
        ),
        ErrorCode::Forbidden
    );
    let self_promotion = UserUpdate {
        expected_version: me.version,
        ..update
    };
    assert_eq!(
        code(w.roster.update_user(&session, &me.id, self_promotion).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(w.roster.remove_user(&session, &other.id).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(w.roster.restore_user(&session, &other.id).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(w.roster.reset_password(&session, &other.id, reset()).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(w.roster.generate_password(&session).await),
        ErrorCode::Forbidden
    );
    let untouched = w.roster.user(&w.admin, &other.id).await.expect("other");
    assert_eq!(untouched.version, other.version);
}

#[tokio::test]
async fn a_demoted_super_user_loses_power_at_the_next_command() {
    let w = world().await;
    let (sara, sara_session) = w.super_user().await;
    w.roster
        .list_users(&sara_session, &all_users())
        .await
        .expect("can list all");

    let demote = w.with_role(&sara, false);
    w.roster
        .update_user(&w.admin, &sara.id, demote)
        .await
        .expect("demote");
    let result = w
        .roster
        .create_user(&sara_session, w.new_user("z@example.com", "Z", "Z"))
        .await;
    assert_eq!(code(result), ErrorCode::Forbidden);
    let page = w
        .roster
        .list_users(&sara_session, &all_users())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn a_removed_user_is_signed_out_everywhere_at_once() {
    let w = world().await;
    let (me, session) = w.member("mia@example.com").await;
    w.roster
        .remove_user(&w.admin, &me.id)
        .await
        .expect("remove");
    assert_eq!(
        code(w.roster.list_users(&session, &all_users()).await),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        code(w.roster.session_info(&session).await),
        ErrorCode::Unauthenticated
    );
    let again = w
        .roster
        .sign_in(sign_in_input("mia@example.com", USER_PASSWORD))
        .await;
    assert_eq!(code(again), ErrorCode::InvalidCredentials);
    w.roster
        .restore_user(&w.admin, &me.id)
        .await
        .expect("restore");
    w.roster
        .sign_in(sign_in_input("mia@example.com", USER_PASSWORD))
        .await
        .expect("back in");
}

#[tokio::test]
async fn ids_of_another_workspace_are_not_found() {
    let w = world().await;
    let (other_admin, _) = w
        .roster
        .create_workspace(workspace_input(
            "Globex",
            "boss@globex.example",
            ADMIN_PASSWORD,
        ))
        .await
        .expect("second workspace");
    let outsider = w.add("otto@example.com", "Otto", "Lind").await;
    assert_eq!(
        code(w.roster.user(&other_admin, &outsider.id).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(w.roster.remove_user(&other_admin, &outsider.id).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(
            w.roster
                .reset_password(&other_admin, &outsider.id, reset())
                .await
        ),
        ErrorCode::NotFound
    );
    let forged = Session {
        workspace_id: other_admin.workspace_id.clone(),
        ..w.admin.clone()
    };
    assert_eq!(
        code(w.roster.list_users(&forged, &all_users()).await),
        ErrorCode::Unauthenticated
    );
    let page = w
        .roster
        .list_users(&other_admin, &all_users())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn first_run_happens_once() {
    let w = world().await;
    let again = w
        .roster
        .create_first_workspace(workspace_input("Again", "x@example.com", ADMIN_PASSWORD))
        .await;
    assert_eq!(code(again), ErrorCode::Forbidden);
}

#[tokio::test]
async fn without_users_view_a_removed_users_address_is_only_taken() {
    let w = world().await;
    let gone = w.add("gone@example.com", "Gus", "Gone").await;
    w.roster
        .remove_user(&w.admin, &gone.id)
        .await
        .expect("remove");
    for (email, permission) in [
        ("adder@example.com", Permission::UsersCreate),
        ("inviter@example.com", Permission::UsersInvite),
    ] {
        let role = w
            .role(&format!("Only {}", permission.as_str()), &[permission])
            .await;
        let mut input = w.new_user(email, "Ada", "Adder");
        input.role_ids = vec![role];
        w.roster.create_user(&w.admin, input).await.expect("create");
        let session = w.sign_in(email).await;
        let probe = w.new_user("GONE@example.com", "Gus", "Again");
        for step in [NewUserStep::Email, NewUserStep::Confirm] {
            let error = w
                .roster
                .check_new_user(&session, &probe, step)
                .await
                .expect_err("taken");
            assert_eq!(
                error.code(),
                ErrorCode::EmailTaken,
                "{permission:?} {step:?}"
            );
            assert_eq!(AppError::from(error).target_id, None);
        }
        if permission == Permission::UsersCreate {
            assert_eq!(
                code(w.roster.create_user(&session, probe).await),
                ErrorCode::EmailTaken
            );
        }
    }
    let error = w
        .roster
        .check_new_user(
            &w.admin,
            &w.new_user("gone@example.com", "Gus", "Gone"),
            NewUserStep::Email,
        )
        .await
        .expect_err("removed");
    assert_eq!(error.code(), ErrorCode::EmailOfRemovedUser);
}
