//! Reports read from the users table and the audit log: seats now and over the last 90 days,
//! users per role, and the changes made to one user.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::changes::Action;
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

fn describe(action: Action, fields: &[String]) -> String {
    match action {
        Action::UserCreated => "Added to the Workspace".to_owned(),
        Action::UserRemoved => "Removed from the Workspace".to_owned(),
        Action::UserRestored => "Restored to the Workspace".to_owned(),
        Action::PasswordReset => "Set a new password".to_owned(),
        Action::OwnPasswordChanged => "Changed their own password".to_owned(),
        Action::UserInvited => "Invited by email".to_owned(),
        Action::InvitationResent => "Invitation sent again with a new code".to_owned(),
        Action::InvitationRevoked => "Invitation revoked".to_owned(),
        Action::InvitationAccepted => "Accepted the invitation".to_owned(),
        Action::InvitationSendFailed => "The invitation email could not be sent".to_owned(),
        Action::UserEdited => {
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
        other => other.code().to_owned(),
    }
}

impl Roster {
    /// The Reports screen: seats (active members) now, pending invitations, removed users,
    /// active super-users, users per role, and seats at the end of each of the last
    /// [`SEAT_CHART_DAYS`] days (UTC) from the audit log's seat changes. Needs `reports.view`.
    pub async fn seat_report(&self, session: &Session) -> Result<SeatReport> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::ReportsView)?;
        let by_status = tx.status_counts(&actor.workspace_id).await?;
        let count = |status: Status| {
            by_status
                .iter()
                .filter(|(s, _)| *s == status)
                .map(|(_, n)| n)
                .sum::<i64>()
        };
        let super_users = tx.active_super_users(&actor.workspace_id, None).await?;
        let per_role = roles::list(&mut *tx, &actor.workspace_id)
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
        let since = format!("{}T00:00:00.000Z", first.format("%Y-%m-%d"));
        let rows = tx.seat_changes_since(&actor.workspace_id, &since).await?;
        drop(tx);
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
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        if actor.user_id != user_id && !actor.can(Permission::UsersView) {
            return Err(Error::NotFound("User"));
        }
        if tx.user(&actor.workspace_id, user_id).await?.is_none() {
            return Err(Error::NotFound("User"));
        }
        let shown: Vec<&'static str> = Action::ALL
            .into_iter()
            .filter(|a| a.in_activity())
            .map(Action::code)
            .collect();
        let rows = tx
            .activity(&actor.workspace_id, user_id, &shown, ACTIVITY_LIMIT)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let action = Action::parse(&row.action)?;
                let fields: Vec<String> = serde_json::from_str(&row.fields).unwrap_or_default();
                Some(ActivityEntry {
                    summary: describe(action, &fields),
                    actor: match (row.actor_first_name, row.actor_last_name) {
                        (Some(first), last) => display_name(&first, &last.unwrap_or_default()),
                        (None, _) => "Roster".to_owned(),
                    },
                    id: row.id,
                    at: row.at,
                    action: row.action,
                })
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
        assert_eq!(
            describe(Action::UserEdited, &fields(&["phone"])),
            "Edited phone"
        );
        assert_eq!(
            describe(
                Action::UserEdited,
                &fields(&["firstName", "lastName", "roles"])
            ),
            "Edited first name, last name and roles"
        );
        assert_eq!(
            describe(Action::UserRemoved, &[]),
            "Removed from the Workspace"
        );
    }
}
