//! Sign-in with back-off, and what the UI knows about the signed-in user.

use chrono::{DateTime, Duration, Utc};

use crate::audit::{self, Entry};
use crate::clock::parse_timestamp;
use crate::error::{Error, Field, Result};
use crate::model::{SessionInfo, SignInInput};
use crate::passwords::Verification;
use crate::permissions::{Permission, Session};
use crate::text::{display_name, email_key};
use crate::{Roster, actor, store};

/// Failed sign-ins allowed before back-off starts (DESIGN.md §4).
pub const FREE_ATTEMPTS: i64 = 5;
/// The first back-off after [`FREE_ATTEMPTS`] failures; each further failure doubles it.
pub const FIRST_BACKOFF_SECONDS: i64 = 30;
/// The longest back-off (OWASP Authentication Cheat Sheet: lock for a while, not forever, so an
/// attacker cannot lock people out for good).
pub const MAX_BACKOFF_SECONDS: i64 = 15 * 60;

/// How long sign-in stays blocked after `failures` consecutive failures, if at all.
pub fn backoff(failures: i64) -> Option<Duration> {
    let over = failures - FREE_ATTEMPTS;
    (over >= 0).then(|| {
        let seconds = FIRST_BACKOFF_SECONDS
            .saturating_mul(1_i64 << over.min(20))
            .min(MAX_BACKOFF_SECONDS);
        Duration::seconds(seconds)
    })
}

#[derive(sqlx::FromRow)]
struct Candidate {
    id: String,
    password_hash: Option<String>,
    failed_sign_ins: i64,
    locked_until: Option<String>,
}

impl Roster {
    /// Signs in with email + password inside a Workspace (`workspace_id` may be omitted when
    /// the database holds exactly one). Unknown email, wrong password, and users who are
    /// removed or have not accepted an invitation all get [`Error::InvalidCredentials`], with
    /// the same hashing work. After [`FREE_ATTEMPTS`] failures in a row the user is blocked for
    /// [`backoff`] ([`Error::LockedOut`]). A hash made with older parameters is upgraded.
    pub async fn sign_in(&self, input: SignInInput) -> Result<(Session, SessionInfo)> {
        let workspace_id = self.workspace_for_sign_in(input.workspace_id).await?;
        let key = email_key(&input.email);
        let candidate: Option<Candidate> = sqlx::query_as(
            "SELECT id, password_hash, failed_sign_ins, locked_until FROM users
             WHERE workspace_id = ? AND email_key = ? AND status = 'active'",
        )
        .bind(&workspace_id)
        .bind(&key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(candidate) = candidate else {
            self.verify(&input.password, None).await?;
            return Err(Error::InvalidCredentials);
        };
        let now = self.clock.now();
        if let Some(wait) = remaining_lock(candidate.locked_until.as_deref(), now) {
            return Err(Error::LockedOut {
                retry_after_seconds: wait,
            });
        }
        match self
            .verify(&input.password, candidate.password_hash.clone())
            .await?
        {
            Verification::Mismatch => {
                self.record_failure(&workspace_id, &candidate, now).await?;
                Err(Error::InvalidCredentials)
            }
            Verification::Match { needs_rehash } => {
                let new_hash = match needs_rehash {
                    true => Some(self.hash(&input.password).await?),
                    false => None,
                };
                let at = crate::clock::timestamp(now);
                let mut tx = store::begin_write(&self.pool).await?;
                sqlx::query(
                    "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = ?,
                         password_hash = coalesce(?, password_hash)
                     WHERE id = ?",
                )
                .bind(&at)
                .bind(&new_hash)
                .bind(&candidate.id)
                .execute(&mut *tx)
                .await?;
                audit::record(
                    &mut tx,
                    Entry {
                        workspace_id: &workspace_id,
                        actor_id: Some(&candidate.id),
                        action: "session.sign_in",
                        target_type: "user",
                        target_id: &candidate.id,
                        fields: if new_hash.is_some() {
                            &["lastSignInAt", "passwordHashParameters"]
                        } else {
                            &["lastSignInAt"]
                        },
                        at: &at,
                        seats: 0,
                    },
                )
                .await?;
                tx.commit().await?;
                let session = Session {
                    user_id: candidate.id,
                    workspace_id,
                };
                let info = self.session_info(&session).await?;
                Ok((session, info))
            }
        }
    }

    async fn workspace_for_sign_in(&self, chosen: Option<String>) -> Result<String> {
        let workspaces = self.workspaces().await?;
        match chosen {
            Some(id) if workspaces.iter().any(|w| w.id == id) => Ok(id),
            Some(_) => Err(Error::invalid(
                Field::Workspace,
                "Choose a Workspace from the list",
            )),
            None => match workspaces.as_slice() {
                [only] => Ok(only.id.clone()),
                [] => Err(Error::Forbidden(
                    "There is no Workspace yet. Create one first.".into(),
                )),
                _ => Err(Error::invalid(Field::Workspace, "Choose a Workspace")),
            },
        }
    }

    async fn record_failure(
        &self,
        workspace_id: &str,
        candidate: &Candidate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let failures = candidate.failed_sign_ins + 1;
        let locked_until = backoff(failures).map(|d| crate::clock::timestamp(now + d));
        let at = crate::clock::timestamp(now);
        let mut tx = store::begin_write(&self.pool).await?;
        sqlx::query(
            "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, locked_until = ? WHERE id = ?",
        )
        .bind(&locked_until)
        .bind(&candidate.id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id,
                actor_id: None,
                action: "session.sign_in_failed",
                target_type: "user",
                target_id: &candidate.id,
                fields: &[],
                at: &at,
                seats: 0,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed-in user as the UI needs it, read fresh. [`Error::Unauthenticated`] when the
    /// user was removed or no longer exists.
    pub async fn session_info(&self, session: &Session) -> Result<SessionInfo> {
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load(&mut conn, session).await?;
        let (workspace_name, email, first_name, last_name): (String, String, String, String) =
            sqlx::query_as(
                "SELECT w.name, u.email, u.first_name, u.last_name FROM users u
             JOIN workspaces w ON w.id = u.workspace_id WHERE u.id = ?",
            )
            .bind(&session.user_id)
            .fetch_one(&mut *conn)
            .await?;
        Ok(SessionInfo {
            user_id: session.user_id.clone(),
            workspace_id: session.workspace_id.clone(),
            workspace_name,
            display_name: display_name(&first_name, &last_name),
            email,
            first_name,
            last_name,
            is_super_user: actor.is_super_user,
            must_change_password: actor.must_change_password,
            permissions: Permission::ALL
                .into_iter()
                .filter(|p| actor.can(*p))
                .collect(),
        })
    }
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
