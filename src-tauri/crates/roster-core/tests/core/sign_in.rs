//! Sign-in: one message for unknown email and wrong password, back-off, required change.

use chrono::Duration;
use roster_core::model::{
    OwnPasswordChange, SignInInput, SortDirection, StatusFilter, UserQuery, UserSort,
};
use roster_core::{ErrorCode, Field, Secret};

use crate::support::*;

#[tokio::test]
async fn unknown_email_and_wrong_password_read_the_same() {
    let w = world().await;
    let unknown = w
        .roster
        .sign_in(sign_in_input("nobody@example.com", ADMIN_PASSWORD))
        .await
        .expect_err("no");
    let wrong = w
        .roster
        .sign_in(sign_in_input(ADMIN_EMAIL, "Wrong-Password-123"))
        .await
        .expect_err("no");
    assert_eq!(
        (unknown.code(), unknown.to_string()),
        (wrong.code(), wrong.to_string())
    );
    assert_eq!(wrong.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn five_failures_start_an_exponential_back_off() {
    let w = world().await;
    for _ in 0..5 {
        let error = w
            .roster
            .sign_in(sign_in_input(ADMIN_EMAIL, "Wrong-Password-123"))
            .await;
        assert_eq!(code(error), ErrorCode::InvalidCredentials);
    }
    let locked = w
        .roster
        .sign_in(sign_in_input(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await;
    assert_eq!(code(locked), ErrorCode::LockedOut);
    w.clock.advance(Duration::seconds(31));
    let sixth = w
        .roster
        .sign_in(sign_in_input(ADMIN_EMAIL, "Wrong-Password-123"))
        .await;
    assert_eq!(code(sixth), ErrorCode::InvalidCredentials);
    w.clock.advance(Duration::seconds(31));
    let still = w
        .roster
        .sign_in(sign_in_input(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect_err("doubled");
    assert_eq!(still.code(), ErrorCode::LockedOut);
    assert!(
        still.to_string().contains("Try again in 29 seconds"),
        "{still}"
    );
    w.clock.advance(Duration::seconds(30));
    w.roster
        .sign_in(sign_in_input(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect("after the wait");
    let reset = w
        .roster
        .sign_in(sign_in_input(ADMIN_EMAIL, "Wrong-Password-123"))
        .await;
    assert_eq!(
        code(reset),
        ErrorCode::InvalidCredentials,
        "a success resets the count"
    );
}

#[tokio::test]
async fn a_required_change_comes_before_anything_else() {
    let w = world().await;
    let mut input = w.new_user("tom@example.com", "Tom", "Ek");
    input.must_change_password = true;
    w.roster.create_user(&w.admin, input).await.expect("create");
    let (session, info) = w
        .roster
        .sign_in(sign_in_input("tom@example.com", USER_PASSWORD))
        .await
        .expect("sign in");
    assert!(info.must_change_password);
    let query = UserQuery {
        search: String::new(),
        filter: StatusFilter::Current,
        sort: UserSort::Name,
        direction: SortDirection::Asc,
        after: None,
        limit: 10,
    };
    assert_eq!(
        code(w.roster.list_users(&session, &query).await),
        ErrorCode::PasswordChangeRequired
    );

    let same = OwnPasswordChange {
        current_password: Secret::new(""),
        new_password: Secret::new(USER_PASSWORD),
        confirm_password: Secret::new(USER_PASSWORD),
    };
    let error = w
        .roster
        .change_own_password(&session, same)
        .await
        .expect_err("must differ");
    assert_eq!(error.field(), Some(Field::NewPassword));

    let change = OwnPasswordChange {
        current_password: Secret::new(""),
        new_password: Secret::new("Velvet-Thunder-Maple-64"),
        confirm_password: Secret::new("Velvet-Thunder-Maple-64"),
    };
    let (session, info) = w
        .roster
        .change_own_password(&session, change)
        .await
        .expect("change");
    assert!(!info.must_change_password);
    w.roster
        .list_users(&session, &query)
        .await
        .expect("now allowed");

    let without_current = OwnPasswordChange {
        current_password: Secret::new(""),
        new_password: Secret::new("Amber-Glacier-Tulip-19"),
        confirm_password: Secret::new("Amber-Glacier-Tulip-19"),
    };
    let error = w
        .roster
        .change_own_password(&session, without_current)
        .await
        .expect_err("needs current");
    assert_eq!(error.field(), Some(Field::CurrentPassword));
}

#[tokio::test]
async fn several_workspaces_need_a_choice() {
    let w = world().await;
    let (globex, _) = w
        .roster
        .create_workspace(workspace_input(
            "Globex",
            ADMIN_EMAIL,
            "Saffron-Kettle-Drum-88",
        ))
        .await
        .expect("second workspace");
    let error = w
        .roster
        .sign_in(sign_in_input(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect_err("which one");
    assert_eq!(error.field(), Some(Field::Workspace));
    let (session, info) = w
        .roster
        .sign_in(SignInInput {
            workspace_id: Some(globex.workspace_id.clone()),
            email: ADMIN_EMAIL.into(),
            password: Secret::new("Saffron-Kettle-Drum-88"),
        })
        .await
        .expect("sign in to Globex");
    assert_eq!((session, info.workspace_name.as_str()), (globex, "Globex"));
}
