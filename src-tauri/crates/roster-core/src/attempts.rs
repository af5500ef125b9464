//! Password checks with back-off: signing in and typing the current password in My profile
//! count against the same per-user failure counter.
//!
//! An attempt is counted as a failure *before* the password is verified, in one write
//! transaction that also checks the lock. Argon2 takes tens of milliseconds, so a check made
//! only after verifying would let any number of parallel guesses through before the first
//! failure was written; reserving first means at most [`FREE_ATTEMPTS`] guesses are ever
//! verified before the lock. A match clears the counter in the write that follows it.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use crate::audit::{self, Entry};
use crate::clock::{parse_timestamp, timestamp};
use crate::error::{Error, Result};
use crate::store;

/// Failed password checks allowed before back-off starts (DESIGN.md §4).
pub const FREE_ATTEMPTS: i64 = 5;
/// The first back-off after [`FREE_ATTEMPTS`] failures; each further failure doubles it.
pub const FIRST_BACKOFF_SECONDS: i64 = 30;
/// The longest back-off (OWASP Authentication Cheat Sheet: lock for a while, not forever, so an
/// attacker cannot lock people out for good).
pub const MAX_BACKOFF_SECONDS: i64 = 15 * 60;

/// How long password checks stay blocked after `failures` consecutive failures, if at all.
pub fn backoff(failures: i64) -> Option<Duration> {
    let over = failures - FREE_ATTEMPTS;
    (over >= 0).then(|| {
        let seconds = FIRST_BACKOFF_SECONDS
            .saturating_mul(1_i64 << over.min(20))
            .min(MAX_BACKOFF_SECONDS);
        Duration::seconds(seconds)
    })
}

/// An attempt that was counted and may now be verified.
pub(crate) struct Attempt {
    /// The stored PHC string (none for a user who never set a password).
    pub password_hash: Option<String>,
    /// The credential version when the attempt was counted; the write after a match must
    /// still see it, or the password was changed meanwhile.
    pub credential_version: i64,
    /// Failures in a row including this attempt, had it failed.
    pub failures: i64,
}

/// Counts one attempt for the active user `user_id` of `workspace_id` as a failure, unless
/// they are locked out. `None` when there is no such active user.
/// Errors: [`Error::LockedOut`] with the seconds left while a back-off runs.
pub(crate) async fn reserve(
    pool: &SqlitePool,
    workspace_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Attempt>> {
    let mut tx = store::begin_write(pool).await?;
    let row: Option<(Option<String>, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT password_hash, failed_sign_ins, locked_until, credential_version FROM users
         WHERE id = ? AND workspace_id = ? AND status = 'active'",
    )
    .bind(user_id)
    .bind(workspace_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((password_hash, failed, locked_until, credential_version)) = row else {
        return Ok(None);
    };
    if let Some(wait) = remaining_lock(locked_until.as_deref(), now) {
        return Err(Error::LockedOut {
            retry_after_seconds: wait,
        });
    }
    let failures = failed + 1;
    sqlx::query("UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?")
        .bind(failures)
        .bind(backoff(failures).map(|d| timestamp(now + d)))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(Attempt {
        password_hash,
        credential_version,
        failures,
    }))
}

/// What a failed check was, for the audit log (`session.*` actions stay out of Activity).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// The sign-in form.
    SignIn,
    /// The current password in My profile.
    CurrentPassword,
}

/// Records a verified mismatch of a counted attempt in the audit log; when `end_sessions`,
/// also bumps the user's credential version, which ends every session they have.
pub(crate) async fn record_failure(
    pool: &SqlitePool,
    workspace_id: &str,
    user_id: &str,
    check: Check,
    end_sessions: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = timestamp(now);
    let mut tx = store::begin_write(pool).await?;
    if end_sessions {
        sqlx::query("UPDATE users SET credential_version = credential_version + 1 WHERE id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        Entry {
            workspace_id,
            actor_id: None,
            action: match check {
                Check::SignIn => "session.sign_in_failed",
                Check::CurrentPassword => "session.current_password_failed",
            },
            target_type: "user",
            target_id: user_id,
            fields: &[],
            at: &at,
            seats: 0,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Clears the failure counter after a counted attempt matched.
pub(crate) async fn clear(pool: &SqlitePool, user_id: &str) -> Result<()> {
    let mut tx = store::begin_write(pool).await?;
    sqlx::query("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

fn remaining_lock(locked_until: Option<&str>, now: DateTime<Utc>) -> Option<i64> {
    let until = parse_timestamp(locked_until?)?;
    (until > now).then(|| ((until - now).num_milliseconds() + 999) / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_after_five_failures_and_doubles_to_a_cap() {
        assert_eq!(backoff(4), None);
        assert_eq!(backoff(5), Some(Duration::seconds(30)));
        assert_eq!(backoff(6), Some(Duration::seconds(60)));
        assert_eq!(backoff(7), Some(Duration::seconds(120)));
        assert_eq!(backoff(60), Some(Duration::seconds(MAX_BACKOFF_SECONDS)));
    }
}
