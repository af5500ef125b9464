//! Reports read from the users table and the audit log: seats now and over the last 90 days,
//! users per role, and the changes made to one user.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::error::{Error, Result};
use crate::model::{ActivityEntry, RoleSeats, SeatDay, SeatReport, Status};
use crate::permissions::{Permission, Session};
use crate::text::display_name;
use crate::{Roster, actor, roles};

/// Days the seat chart covers, today included.
pub const SEAT_CHART_DAYS: i64 = 90;

/// Most entries the Activity tab shows, newest first.
pub const ACTIVITY_LIMIT: i64 = 50;

/// Seats at the end of each day from `first` to `today`, oldest first, walking back from
/// `seats_now` through `changes` (the net seat change per day, days after `today` included
/// when clocks disagree). Never below zero, even over a history older than seat accounting.
fn seats_per_day(
    seats_now: i64,
    changes: &BTreeMap<NaiveDate, i64>,
    first: NaiveDate,
    today: NaiveDate,
) -> Vec<SeatDay> {
    let mut running = seats_now
        - changes
            .range(today.succ_opt().unwrap_or(today)..)
            .map(|(_, change)| change)
            .sum::<i64>();
    let mut days = Vec::new();
    let mut day = today;
    while day >= first {
        days.push(SeatDay {
            date: day.format("%Y-%m-%d").to_string(),
            seats: u32::try_from(running.max(0)).unwrap_or(u32::MAX),
        });
        running -= changes.get(&day).copied().unwrap_or(0);
        match day.pred_opt() {
            Some(previous) => day = previous,
            None => break,
        }
    }
    days.reverse();
    days
}

/// An audit entry about a user with the name of whoever made it (none for Roster itself).
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: String,
    action: String,
    fields: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

/// What an audit entry did to a user, in words for the Activity tab.
fn describe(action: &str, fields: &[String]) -> String {
    match action {
        "user.create" => "Added to the Workspace".to_owned(),
        "user.remove" => "Removed from the Workspace".to_owned(),
        "user.restore" => "Restored to the Workspace".to_owned(),
        "user.reset_password" => "Set a new password".to_owned(),
        "user.change_password" => "Changed their own password".to_owned(),
        "user.invite" => "Invited by email".to_owned(),
        "invitation.resend" => "Invitation sent again with a new code".to_owned(),
        "invitation.revoke" => "Invitation revoked".to_owned(),
        "invitation.accept" => "Accepted the invitation".to_owned(),
        "invitation.send_failed" => "The invitation email could not be sent".to_owned(),
        "user.update" => {
            let names: Vec<&str> = fields
                .iter()
                .map(|field| match field.as_str() {
                    "firstName" => "first name",
                    "lastName" => "last name",
                    "role" | "roles" => "roles",
                    "phone" => "phone",
                    other => other,
                })
                .collect();
            match names.split_last() {
                None => "Edited".to_owned(),
                Some((last, [])) => format!("Edited {last}"),
                Some((last, rest)) => format!("Edited {} and {last}", rest.join(", ")),
            }
        }
        other => other.to_owned(),
    }
}

impl Roster {
    /// The Reports screen: seats (active members) now, pending invitations, removed users,
    /// active super-users, users per role, and seats at the end of each of the last
    /// [`SEAT_CHART_DAYS`] days (UTC) from the audit log's seat changes. Needs `reports.view`.
    pub async fn seat_report(&self, session: &Session) -> Result<SeatReport> {
        let mut conn = self.pool.begin().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        actor.require(Permission::ReportsView)?;
        let by_status: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, users FROM user_status_counts WHERE workspace_id = ?")
                .bind(&actor.workspace_id)
                .fetch_all(&mut *conn)
                .await?;
        let count = |status: Status| {
            by_status
                .iter()
                .find(|(s, _)| Status::parse(s) == status)
                .map_or(0, |(_, n)| *n)
        };
        let super_users: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM users
             WHERE workspace_id = ? AND is_super_user = 1 AND status = 'active'",
        )
        .bind(&actor.workspace_id)
        .fetch_one(&mut *conn)
        .await?;
        let per_role = roles::list(&mut conn, &actor.workspace_id)
            .await?
            .into_iter()
            .map(|r| RoleSeats {
                role_id: r.id,
                name: r.name,
                users: r.users,
            })
            .collect();

        let today = self.clock.now().date_naive();
        let first = today - Duration::days(SEAT_CHART_DAYS - 1);
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT substr(created_at, 1, 10), sum(seat_change) FROM audit_log
             WHERE workspace_id = ? AND seat_change <> 0 AND created_at >= ?
             GROUP BY 1",
        )
        .bind(&actor.workspace_id)
        .bind(format!("{}T00:00:00.000Z", first.format("%Y-%m-%d")))
        .fetch_all(&mut *conn)
        .await?;
        conn.rollback().await?;
        let changes: BTreeMap<NaiveDate, i64> = rows
            .into_iter()
            .filter_map(|(day, change)| Some((day.parse().ok()?, change)))
            .collect();
        let seats = count(Status::Active);
        let to_u32 = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        Ok(SeatReport {
            seats: to_u32(seats),
            pending_invitations: to_u32(count(Status::Invited)),
            removed: to_u32(count(Status::Removed)),
            super_users: to_u32(super_users),
            per_role,
            days: seats_per_day(seats, &changes, first, today),
        })
    }

    /// The latest changes to one user (at most [`ACTIVITY_LIMIT`], newest first): who, what,
    /// when. Sign-ins are not changes and are left out. Yourself, or anyone with `users.view`;
    /// other ids are NOT_FOUND.
    pub async fn user_activity(
        &self,
        session: &Session,
        user_id: &str,
    ) -> Result<Vec<ActivityEntry>> {
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        if actor.user_id != user_id && !actor.can(Permission::UsersView) {
            return Err(Error::NotFound("User"));
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM users WHERE id = ? AND workspace_id = ?")
                .bind(user_id)
                .bind(&actor.workspace_id)
                .fetch_optional(&mut *conn)
                .await?;
        if exists.is_none() {
            return Err(Error::NotFound("User"));
        }
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT a.id, a.created_at AS at, a.action, a.fields, x.first_name, x.last_name
                 FROM audit_log a LEFT JOIN users x ON x.id = a.actor_id
                 WHERE a.workspace_id = ? AND a.target_id = ? AND a.target_type = 'user'
                   AND a.action NOT LIKE 'session.%'
                 ORDER BY a.created_at DESC, a.id DESC LIMIT ?",
        )
        .bind(&actor.workspace_id)
        .bind(user_id)
        .bind(ACTIVITY_LIMIT)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let fields: Vec<String> = serde_json::from_str(&row.fields).unwrap_or_default();
                ActivityEntry {
                    summary: describe(&row.action, &fields),
                    actor: match (row.first_name, row.last_name) {
                        (Some(first), last) => display_name(&first, &last.unwrap_or_default()),
                        (None, _) => "Roster".to_owned(),
                    },
                    id: row.id,
                    at: row.at,
                    action: row.action,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn seats_walk_back_from_now_through_each_days_changes() {
        let changes = BTreeMap::from([
            (day("2026-11-28"), 3),
            (day("2026-11-30"), -1),
            (day("2026-12-01"), 2),
        ]);
        let days = seats_per_day(10, &changes, day("2026-11-27"), day("2026-11-30"));
        let seats: Vec<(&str, u32)> = days.iter().map(|d| (d.date.as_str(), d.seats)).collect();
        assert_eq!(
            seats,
            [
                ("2026-11-27", 6),
                ("2026-11-28", 9),
                ("2026-11-29", 9),
                ("2026-11-30", 8),
            ]
        );
    }

    #[test]
    fn seats_never_go_below_zero() {
        let changes = BTreeMap::from([(day("2026-11-30"), 5)]);
        let days = seats_per_day(2, &changes, day("2026-11-29"), day("2026-11-30"));
        assert_eq!(days[0].seats, 0);
        assert_eq!(days[1].seats, 2);
    }

    #[test]
    fn edits_read_as_a_sentence() {
        let fields = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(describe("user.update", &fields(&["phone"])), "Edited phone");
        assert_eq!(
            describe("user.update", &fields(&["firstName", "lastName", "roles"])),
            "Edited first name, last name and roles"
        );
        assert_eq!(describe("user.remove", &[]), "Removed from the Workspace");
    }
}
