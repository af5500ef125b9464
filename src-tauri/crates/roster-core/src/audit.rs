//! The audit log: one entry per change, written in the change's own transaction.

use sqlx::SqliteConnection;

use crate::error::Result;

/// One audit entry: who (`actor_id`, none for first run), did what (`action`, e.g.
/// `"user.create"`), to which row, and the names of the fields that changed (never values of
/// passwords or hashes). `seats` is how the change moved the number of active members (+1 when
/// a user became active, −1 when an active user stopped being one, else 0): the seat chart
/// adds these up, so it agrees with the users table whatever path changed a status.
pub(crate) struct Entry<'a> {
    pub workspace_id: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: &'a str,
    pub fields: &'a [&'static str],
    pub at: &'a str,
    pub seats: i64,
}

pub(crate) async fn record(conn: &mut SqliteConnection, entry: Entry<'_>) -> Result<()> {
    record_with_details(conn, entry, &serde_json::json!({})).await
}

/// [`record`] with facts about the action (`{"format":"csv","rows":120}`).
pub(crate) async fn record_with_details(
    conn: &mut SqliteConnection,
    entry: Entry<'_>,
    details: &serde_json::Value,
) -> Result<()> {
    let fields = serde_json::to_string(entry.fields).unwrap_or_else(|_| "[]".to_owned());
    sqlx::query(
        "INSERT INTO audit_log (id, workspace_id, actor_id, action, target_type, target_id, fields,
             details, seat_change, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(crate::new_id())
    .bind(entry.workspace_id)
    .bind(entry.actor_id)
    .bind(entry.action)
    .bind(entry.target_type)
    .bind(entry.target_id)
    .bind(fields)
    .bind(details.to_string())
    .bind(entry.seats)
    .bind(entry.at)
    .execute(conn)
    .await?;
    Ok(())
}
