//! Password checks with back-off: signing in and typing the current password in My profile
//! count against the same per-user failure counter.
//!
//! An attempt is counted as a failure *before* the password is verified, in one write
//! transaction that also checks the lock. Argon2 takes tens of milliseconds, so a check made
//! only after verifying would let any number of parallel guesses through before the first
//! failure was written; reserving first means at most [`FREE_ATTEMPTS`] guesses are ever
//! verified before the lock. A match clears the counter in the write that follows it.

use chrono::{DateTime, Duration, Utc};

use crate::changes::{self, By, Change};
use crate::clock::{parse_timestamp, timestamp};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::store::{Database, SignIns, Tx, UserPatch};

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
    db: &dyn Database,
    workspace_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Attempt>> {
    let mut tx = db.write().await?;
    let Some(credentials) = tx
        .credentials(workspace_id, user_id)
        .await?
        .filter(|c| c.status == Status::Active)
    else {
        return Ok(None);
    };
    let facts = tx.sign_ins(user_id).await?;
    if let Some(wait) = remaining_lock(facts.locked_until.as_deref(), now) {
        return Err(Error::LockedOut {
            retry_after_seconds: wait,
        });
    }
    let failures = facts.failures + 1;
    let counted = SignIns {
        failures,
        locked_until: backoff(failures).map(|d| timestamp(now + d)),
        ..facts
    };
    tx.save_sign_ins(user_id, &counted, &timestamp(now)).await?;
    tx.commit().await?;
    Ok(Some(Attempt {
        password_hash: credentials.password_hash,
        credential_version: credentials.credential_version,
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
    db: &dyn Database,
    workspace_id: &str,
    user_id: &str,
    check: Check,
    end_sessions: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = timestamp(now);
    let mut tx = db.write().await?;
    if end_sessions {
        let patch = UserPatch {
            end_sessions: true,
            ..UserPatch::default()
        };
        tx.update_user(user_id, &patch, &at).await?;
    }
    let by = By {
        workspace_id,
        actor_id: None,
        at: &at,
    };
    changes::record(&mut *tx, by, Change::PasswordCheckFailed { user_id, check }).await?;
    tx.commit().await?;
    Ok(())
}

/// Clears the failure counter after a counted attempt matched, in a transaction of its own.
pub(crate) async fn clear(db: &dyn Database, user_id: &str, now: DateTime<Utc>) -> Result<()> {
    let mut tx = db.write().await?;
    clear_in(&mut *tx, user_id, None, &timestamp(now)).await?;
    tx.commit().await
}

/// Clears the failure counter inside the caller's transaction (a new password), and
/// stamps a sign-in at `signed_in` when there is one (signing in, accepting an invitation).
pub(crate) async fn clear_in(
    tx: &mut dyn Tx,
    user_id: &str,
    signed_in: Option<&str>,
    at: &str,
) -> Result<()> {
    let facts = tx.sign_ins(user_id).await?;
    let cleared = SignIns {
        failures: 0,
        locked_until: None,
        last_sign_in_at: signed_in
            .map(str::to_owned)
            .or(facts.last_sign_in_at.clone()),
    };
    if cleared != facts {
        tx.save_sign_ins(user_id, &cleared, at).await?;
    }
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
