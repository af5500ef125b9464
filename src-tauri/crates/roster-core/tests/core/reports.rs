//! Seat reports and the Activity tab, from the users table and the audit log.

use chrono::Duration;
use roster_core::model::ProfileUpdate;

use crate::support::*;

#[tokio::test]
async fn removing_and_restoring_users_moves_seats_now_and_in_the_chart() {
    let w = world().await;
    let kim = w.add("kim@example.com", "Kim", "Lee").await;
    let lou = w.add("lou@example.com", "Lou", "Ng").await;
    w.add("max@example.com", "Max", "Ode").await;
    let report = w.roster.seat_report(&w.admin).await.expect("report");
    assert_eq!(
        (report.seats, report.removed, report.pending_invitations),
        (4, 0, 0)
    );
    assert_eq!(report.days.len(), 90);
    assert_eq!(report.days.last().map(|d| d.seats), Some(4));
    assert_eq!(
        report.days[0].seats, 0,
        "the Workspace did not exist 89 days ago"
    );

    w.clock.advance(Duration::days(1));
    w.roster
        .remove_user(&w.admin, &kim.id)
        .await
        .expect("remove");
    w.roster
        .remove_user(&w.admin, &lou.id)
        .await
        .expect("remove");
    w.clock.advance(Duration::days(1));
    w.roster
        .restore_user(&w.admin, &lou.id)
        .await
        .expect("restore");

    let report = w.roster.seat_report(&w.admin).await.expect("report");
    assert_eq!(
        (report.seats, report.removed, report.super_users),
        (3, 1, 1)
    );
    let last: Vec<u32> = report.days[87..].iter().map(|d| d.seats).collect();
    assert_eq!(
        last,
        [4, 2, 3],
        "day of adding, day of two removals, day of a restore"
    );
    let member = report
        .per_role
        .iter()
        .find(|r| r.name == "Member")
        .expect("Member");
    assert_eq!(member.users, 2, "removed users are not counted per role");
}

#[tokio::test]
async fn activity_lists_who_changed_what_newest_first() {
    let w = world().await;
    let (kim, kim_session) = w.member("kim@example.com").await;
    let mut edit = w.with_role(&kim, false);
    edit.phone = "+44 1632 960001".into();
    w.roster
        .update_user(&w.admin, &kim.id, edit)
        .await
        .expect("edit");
    w.roster
        .remove_user(&w.admin, &kim.id)
        .await
        .expect("remove");
    let kim = w
        .roster
        .restore_user(&w.admin, &kim.id)
        .await
        .expect("restore");
    // The removal ended Kim's session for good: she signs in again.
    assert_eq!(
        code(w.roster.session_info(&kim_session).await),
        roster_core::ErrorCode::Unauthenticated
    );
    let kim_session = w.sign_in("kim@example.com").await;
    w.roster
        .update_profile(
            &kim_session,
            ProfileUpdate {
                first_name: "Kimberly".into(),
                last_name: kim.last_name.clone(),
                phone: kim.phone.clone(),
                expected_version: kim.version,
            },
        )
        .await
        .expect("own edit");

    let activity = w
        .roster
        .user_activity(&w.admin, &kim.id)
        .await
        .expect("activity");
    let seen: Vec<(&str, &str)> = activity
        .iter()
        .map(|a| (a.summary.as_str(), a.actor.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("Edited first name", "Kimberly Member"),
            ("Restored to the Workspace", "Ana Silva"),
            ("Removed from the Workspace", "Ana Silva"),
            ("Edited phone", "Ana Silva"),
            ("Added to the Workspace", "Ana Silva"),
        ],
        "sign-ins are not listed"
    );
    let own = w
        .roster
        .user_activity(&kim_session, &kim.id)
        .await
        .expect("own activity");
    assert_eq!(own.len(), activity.len());
}
