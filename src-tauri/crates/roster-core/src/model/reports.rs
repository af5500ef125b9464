//! Seat reports and a user's activity, read from the users table and the audit log.

use serde::Serialize;
use ts_rs::TS;

/// The Reports screen: seats now, users per role and seats per day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SeatReport {
    /// Active members now: the seats billed.
    pub seats: u32,
    /// Users invited who have not accepted yet (not billed).
    pub pending_invitations: u32,
    /// Users removed from the Workspace (not billed, kept for audit).
    pub removed: u32,
    /// Active super-users (they hold no role, so they are not in `per_role`).
    pub super_users: u32,
    /// Users who are not removed, per role, by role name.
    pub per_role: Vec<RoleSeats>,
    /// Seats at the end of each of the last 90 days (UTC), oldest first; the last is today.
    pub days: Vec<SeatDay>,
}

/// How many users (active or invited) hold one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoleSeats {
    /// The role (UUIDv7), for a link to it on the Roles screen.
    pub role_id: String,
    /// Role name.
    pub name: String,
    /// Users holding it who are not removed.
    pub users: u32,
}

/// Seats at the end of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SeatDay {
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Active members at the end of that day.
    pub seats: u32,
}

/// One change to a user, for the panel's Activity tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityEntry {
    /// Audit entry id.
    pub id: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who did it: a display name, "the user" themselves, or "Roster" when no one signed in
    /// (demo data, sign-in bookkeeping).
    pub actor: String,
    /// The stored action, e.g. `"user.update"`.
    pub action: String,
    /// What happened, in words, e.g. "Edited first name and phone".
    pub summary: String,
}
