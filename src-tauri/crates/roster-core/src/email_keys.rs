//! Keeps every stored `users.email_key` as [`text::email_key`] computes it today. Keys are
//! made in Rust, never in SQL (DESIGN.md §3), so a change to the key — the domain read in its
//! canonical UTS #46 form, issue 9 — cannot be a SQL migration: rows keyed the old way are
//! re-keyed here when the database opens. Idempotent: a second run finds nothing to change.

use crate::error::Result;
use crate::store::{Database, UserPatch};
use crate::text;

/// Re-keys the users whose stored key differs from today's [`text::email_key`] of their
/// email, each through the users writer (its version moves on). Only a key with a non-ASCII
/// character or an `xn--` label can read differently (an ASCII domain is already its own
/// canonical form once lower-cased), so only those rows are read. Two users whose addresses
/// turn out to be one mailbox keep their old keys — the unique index forbids sharing one — and
/// are logged by id, so both stay reachable and the next address typed in either form is
/// refused as taken. A database with nothing to re-key is not written.
pub(crate) async fn rekey(db: &dyn Database, now: &str) -> Result<()> {
    let rows = db.read().await?.unicode_email_keys().await?;
    for (id, workspace_id, email, stored) in rows {
        let key = text::email_key(&email);
        if key == stored {
            continue;
        }
        let mut tx = db.write().await?;
        if tx.email_owner(&workspace_id, &key).await?.is_some() {
            tracing::warn!(user_id = %id, "another user of the Workspace has the same mailbox; key left as it was");
            continue;
        }
        let patch = UserPatch {
            email_key: Some(key),
            ..UserPatch::default()
        };
        tx.update_user(&id, &patch, now).await?;
        tx.commit().await?;
    }
    Ok(())
}
