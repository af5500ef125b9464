//! Keeps every stored `users.email_key` as [`text::email_key`] computes it today. Keys are
//! made in Rust, never in SQL (DESIGN.md §3), so a change to the key — the domain read in its
//! canonical UTS #46 form, issue 9 — cannot be a SQL migration: rows keyed the old way are
//! re-keyed here when the database opens. Idempotent: a second run finds nothing to change.

use sqlx::SqlitePool;

use crate::error::Result;
use crate::text;

/// Re-keys the users whose stored key differs from today's [`text::email_key`] of their
/// email. Only a key with a non-ASCII character or an `xn--` label can read differently (an
/// ASCII domain is already its own canonical form once lower-cased), so only those rows are
/// read. Two users whose addresses turn out to be one mailbox keep their old keys — the unique
/// index forbids sharing one — and are logged by id, so both stay reachable and the next
/// address typed in either form is refused as taken.
pub(crate) async fn rekey(pool: &SqlitePool) -> Result<()> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, email, email_key FROM users
         WHERE instr(email_key, 'xn--') > 0 OR length(CAST(email_key AS BLOB)) <> length(email_key)",
    )
    .fetch_all(pool)
    .await?;
    for (id, email, stored) in rows {
        let key = text::email_key(&email);
        if key == stored {
            continue;
        }
        let updated = sqlx::query("UPDATE users SET email_key = ? WHERE id = ?")
            .bind(&key)
            .bind(&id)
            .execute(pool)
            .await;
        match updated {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                tracing::warn!(user_id = %id, "another user of the Workspace has the same mailbox; key left as it was");
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}
