//! Issue 9: password checks that cannot be raced or guessed without limit, sessions that end
//! when the credentials change, and a first run that happens once however it is called.

use futures_util::future::join_all;
use roster_core::model::{OwnPasswordChange, PasswordReset};
use roster_core::{ErrorCode, Field, Roster, Secret, Session};

use crate::database::TestDatabase;
use crate::support::*;

const WRONG: &str = "Wrong-Password-123";

fn own_change(current: &str, new: &str) -> OwnPasswordChange {
    OwnPasswordChange {
        current_password: Secret::new(current),
        new_password: Secret::new(new),
        confirm_password: Secret::new(new),
    }
}

async fn failed_checks(w: &World, action: &str) -> usize {
    w.audited(action, None).await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_wrong_sign_ins_verify_at_most_five() {
    let w = world().await;
    w.add("bruno@example.com", "Bruno", "Costa").await;
    let attempts = (0..20).map(|_| {
        let roster = w.roster.clone();
        tokio::spawn(async move {
            roster
                .sign_in(sign_in_input("bruno@example.com", WRONG))
                .await
                .map(drop)
        })
    });
    let codes: Vec<ErrorCode> = join_all(attempts)
        .await
        .into_iter()
        .map(|joined| code(joined.expect("task")))
        .collect();
    let verified = codes
        .iter()
        .filter(|c| **c == ErrorCode::InvalidCredentials)
        .count();
    let locked = codes.iter().filter(|c| **c == ErrorCode::LockedOut).count();
    assert_eq!((verified, locked), (5, 15), "{codes:?}");
    assert_eq!(failed_checks(&w, "session.sign_in_failed").await, 5);
}

#[tokio::test]
async fn wrong_current_passwords_count_and_the_fifth_ends_the_session() {
    let w = world().await;
    let (_, session) = w.member("mia@example.com").await;
    for _ in 0..4 {
        let error = w
            .roster
            .change_own_password(&session, own_change(WRONG, "Velvet-Thunder-Maple-64"))
            .await
            .expect_err("wrong current password");
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::Validation, Some(Field::CurrentPassword))
        );
    }
    let fifth = w
        .roster
        .change_own_password(&session, own_change(WRONG, "Velvet-Thunder-Maple-64"))
        .await;
    assert_eq!(code(fifth), ErrorCode::Unauthenticated);
    assert_eq!(
        code(w.roster.session_info(&session).await),
        ErrorCode::Unauthenticated
    );
    // The same counter as sign-in: the right password waits out the back-off too.
    assert_eq!(
        code(
            w.roster
                .sign_in(sign_in_input("mia@example.com", USER_PASSWORD))
                .await
        ),
        ErrorCode::LockedOut
    );
    assert_eq!(
        failed_checks(&w, "session.current_password_failed").await,
        5
    );
}

#[tokio::test]
async fn a_right_current_password_clears_the_count() {
    let w = world().await;
    let (_, session) = w.member("mia@example.com").await;
    for _ in 0..4 {
        let wrong = w
            .roster
            .change_own_password(&session, own_change(WRONG, "Velvet-Thunder-Maple-64"))
            .await;
        assert_eq!(code(wrong), ErrorCode::Validation);
    }
    let (session, _) = w
        .roster
        .change_own_password(
            &session,
            own_change(USER_PASSWORD, "Velvet-Thunder-Maple-64"),
        )
        .await
        .expect("right current password");
    for _ in 0..4 {
        let wrong = w
            .roster
            .change_own_password(&session, own_change(WRONG, "Amber-Glacier-Tulip-19"))
            .await;
        assert_eq!(code(wrong), ErrorCode::Validation);
    }
    w.roster
        .session_info(&session)
        .await
        .expect("still signed in");
}

/// Signs `email` in on two Roster handles of one database file, as two app windows or
/// (later) two machines would be.
async fn signed_in_twice(w: &World, email: &str) -> (Roster, Session, Session) {
    let other = w.reopen().await;
    let here = w.sign_in(email).await;
    let (there, _) = other
        .sign_in(sign_in_input(email, USER_PASSWORD))
        .await
        .expect("sign in on the second handle");
    (other, here, there)
}

#[tokio::test]
async fn a_password_reset_ends_every_session_of_that_user() {
    let w = world().await;
    let mia = w.add("mia@example.com", "Mia", "Member").await;
    let (other, here, there) = signed_in_twice(&w, "mia@example.com").await;
    w.roster
        .reset_password(
            &w.admin,
            &mia.id,
            PasswordReset {
                new_password: Secret::new("Velvet-Thunder-Maple-64"),
                confirm_password: Secret::new("Velvet-Thunder-Maple-64"),
                must_change_password: true,
            },
        )
        .await
        .expect("reset");
    assert_eq!(
        code(w.roster.session_info(&here).await),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        code(other.session_info(&there).await),
        ErrorCode::Unauthenticated
    );
    w.roster
        .session_info(&w.admin)
        .await
        .expect("the admin's own session goes on");
}

#[tokio::test]
async fn changing_the_own_password_ends_the_other_sessions_only() {
    let w = world().await;
    w.add("mia@example.com", "Mia", "Member").await;
    let (other, here, there) = signed_in_twice(&w, "mia@example.com").await;
    let (renewed, _) = w
        .roster
        .change_own_password(&here, own_change(USER_PASSWORD, "Velvet-Thunder-Maple-64"))
        .await
        .expect("change");
    assert_eq!(
        code(other.session_info(&there).await),
        ErrorCode::Unauthenticated
    );
    assert_eq!(
        code(w.roster.session_info(&here).await),
        ErrorCode::Unauthenticated,
        "the session from before the change is replaced by the renewed one"
    );
    w.roster
        .session_info(&renewed)
        .await
        .expect("the renewed session goes on");
}

#[tokio::test]
async fn a_session_from_before_a_removal_stays_ended_after_a_restore() {
    let w = world().await;
    let (mia, session) = w.member("mia@example.com").await;
    w.roster
        .remove_user(&w.admin, &mia.id)
        .await
        .expect("remove");
    w.roster
        .restore_user(&w.admin, &mia.id)
        .await
        .expect("restore");
    assert_eq!(
        code(w.roster.session_info(&session).await),
        ErrorCode::Unauthenticated
    );
    w.sign_in("mia@example.com").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_first_runs_at_once_make_one_workspace() {
    let db = TestDatabase::fresh().await;
    let first = Roster::connect(db.url()).await.expect("open");
    let second = Roster::connect(db.url()).await.expect("open again");
    let (a, b) = tokio::join!(
        first.create_first_workspace(workspace_input("Acme", ADMIN_EMAIL, ADMIN_PASSWORD)),
        second.create_first_workspace(workspace_input("Globex", "bo@example.com", ADMIN_PASSWORD)),
    );
    let codes = [a.map(drop), b.map(drop)].map(|r| r.err().map(|e| e.code()));
    assert!(
        codes == [None, Some(ErrorCode::Forbidden)] || codes == [Some(ErrorCode::Forbidden), None],
        "{codes:?}"
    );
    assert_eq!(first.workspaces().await.expect("list").len(), 1);
}
