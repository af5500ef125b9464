//! The mail outbox: messages wait in SQLite and a background loop sends the due ones, so a
//! send survives restarts and simply waits while offline. A failure that may pass (no network,
//! timeout, 4xx) retries with exponential back-off; a refusal (5xx, an address the server
//! cannot take) stops until Resend.
//!
//! An invitation's body carries its code, so it is erased as soon as it is not needed — sent,
//! refused, cancelled, or its invitation ended or expired — and erased means unreadable in
//! the files too (case I6): every connection runs with `secure_delete` (store.rs), which
//! zeroes the freed bytes in the pages SQLite writes, and [`scrub`] then moves those pages
//! into the database file and cuts the WAL, which still held the older page images.

use chrono::{DateTime, Duration, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use super::settings::smtp_for;
use super::smtp::{self, Outgoing};
use crate::audit::{self, Entry};
use crate::clock::{parse_timestamp, timestamp};
use crate::error::{Error, Result};
use crate::{Roster, new_id, store};

/// Messages sent per pass of [`Roster::deliver_due_mail`].
const BATCH: usize = 20;
/// First retry delay; it doubles with each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::seconds(30);
/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::hours(1);
/// How long a claimed message stays away from other Roster windows sharing the database:
/// longer than the longest send (nine steps of the 300 s maximum timeout).
const CLAIM: Duration = Duration::hours(1);

/// What one pass of the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages the server took.
    pub sent: u32,
    /// Messages that failed and will be tried again.
    pub retrying: u32,
    /// Messages the server refused for good.
    pub refused: u32,
}

/// The wait before attempt `attempts + 1` after `attempts` failures.
fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    (FIRST_BACKOFF * 2_i32.pow(doublings)).min(MAX_BACKOFF)
}

/// A message for the outbox.
pub(crate) struct Queued<'a> {
    pub workspace_id: &'a str,
    pub invitation_id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub at: &'a str,
}

/// Queues a message, due now, inside the caller's transaction.
pub(crate) async fn enqueue(conn: &mut SqliteConnection, message: &Queued<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO mail_outbox (id, workspace_id, invitation_id, recipient, subject, body_text,
             body_html, state, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
    )
    .bind(new_id())
    .bind(message.workspace_id)
    .bind(message.invitation_id)
    .bind(message.to)
    .bind(message.subject)
    .bind(message.text)
    .bind(message.html)
    .bind(message.at)
    .bind(message.at)
    .bind(message.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the bodies erased so far unreadable on disk: a `wal_checkpoint(TRUNCATE)` copies
/// the pages that `secure_delete` zeroed over the old ones in the database file and truncates
/// the WAL to zero bytes. Call it after the erasing transaction committed. A reader still on
/// an old snapshot (another window) is waited for up to the busy timeout; if it outlasts
/// that, the next pass of the outbox finishes the job (every pass ends with a scrub).
pub(crate) async fn scrub(pool: &SqlitePool) -> Result<()> {
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(pool)
        .await?;
    if busy != 0 {
        tracing::warn!("the WAL could not be truncated yet: another connection is reading");
    }
    Ok(())
}

/// Stops any queued message of `invitation_id` and erases its body (it carries the code);
/// [`scrub`] once the transaction committed.
pub(crate) async fn cancel(
    conn: &mut SqliteConnection,
    invitation_id: &str,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE mail_outbox SET state = 'cancelled', body_text = NULL, body_html = NULL,
             updated_at = ?
         WHERE invitation_id = ? AND state = 'queued'",
    )
    .bind(at)
    .bind(invitation_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    workspace_id: String,
    invitation_id: Option<String>,
    recipient: String,
    subject: String,
    body_text: Option<String>,
    body_html: Option<String>,
    attempts: i64,
}

impl Roster {
    /// Sends the messages that are due, at most 20 per pass, one at a time: each is claimed
    /// first (for longer than any send may take) so two windows on one database never send it
    /// twice. Messages of invitations that ended or expired are dropped and their bodies
    /// erased. Sending happens outside any transaction; each outcome is then written in its
    /// own. The pass ends with a [`scrub`], so a body erased by any path (removing an invited
    /// user, say) is gone from the files by the next pass at the latest. The background loop
    /// calls this again at [`Roster::next_mail_due`].
    pub async fn deliver_due_mail(&self) -> Result<Delivery> {
        self.drop_dead_invitations().await?;
        let mut delivery = Delivery::default();
        for _ in 0..BATCH {
            let Some(message) = self.claim_next().await? else {
                break;
            };
            match self.send_one(&message).await? {
                Ok(()) => delivery.sent += 1,
                Err(true) => delivery.refused += 1,
                Err(false) => delivery.retrying += 1,
            }
        }
        scrub(&self.pool).await?;
        Ok(delivery)
    }

    async fn drop_dead_invitations(&self) -> Result<()> {
        let now = self.now();
        let dropped = sqlx::query(
            "UPDATE mail_outbox SET state = 'cancelled', body_text = NULL, body_html = NULL,
                 updated_at = ?
             WHERE state = 'queued' AND invitation_id IN (
                 SELECT id FROM invitations WHERE state <> 'pending' OR expires_at <= ?)",
        )
        .bind(&now)
        .bind(&now)
        .execute(&self.pool)
        .await?;
        if dropped.rows_affected() > 0 {
            scrub(&self.pool).await?;
        }
        Ok(())
    }

    async fn claim_next(&self) -> Result<Option<Due>> {
        let mut tx = store::begin_write(&self.pool).await?;
        let due: Option<Due> = sqlx::query_as(
            "SELECT id, workspace_id, invitation_id, recipient, subject, body_text, body_html,
                    attempts
             FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= ?
             ORDER BY next_attempt_at LIMIT 1",
        )
        .bind(self.now())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(message) = &due {
            sqlx::query("UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ?")
                .bind(timestamp(self.clock.now() + CLAIM))
                .bind(&message.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(due)
    }

    /// When the outbox next needs a pass (`None` when nothing waits): the next queued message
    /// is due, or the invitation of a queued message expires — its body is erased then, not
    /// only when a send is next due.
    pub async fn next_mail_due(&self) -> Result<Option<DateTime<Utc>>> {
        let next: Option<String> = sqlx::query_scalar(
            "SELECT min(due) FROM (
                 SELECT next_attempt_at AS due FROM mail_outbox WHERE state = 'queued'
                 UNION ALL
                 SELECT i.expires_at FROM mail_outbox m JOIN invitations i ON i.id = m.invitation_id
                 WHERE m.state = 'queued')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(next.as_deref().and_then(parse_timestamp))
    }

    /// Sends one claimed message and records the outcome: `Ok(Ok)` sent, `Ok(Err(permanent))`
    /// failed (the reason is kept on the message and in the audit log).
    async fn send_one(&self, message: &Due) -> Result<std::result::Result<(), bool>> {
        let smtp = {
            let mut conn = self.pool.acquire().await?;
            smtp_for(self, &mut conn, &message.workspace_id).await
        };
        let reason = match smtp {
            Err(Error::EmailNotConfigured) => {
                "email is not set up: see Settings → Email".to_owned()
            }
            Err(error @ Error::Keychain { .. }) => error.to_string(),
            Err(other) => return Err(other),
            Ok((smtp, _)) => {
                let sent = smtp::send(
                    &smtp,
                    &Outgoing {
                        to: &message.recipient,
                        subject: &message.subject,
                        text: message.body_text.as_deref().unwrap_or_default(),
                        html: message.body_html.as_deref().unwrap_or_default(),
                    },
                )
                .await;
                match sent {
                    Ok(()) => {
                        self.mark_sent(message).await?;
                        return Ok(Ok(()));
                    }
                    Err(failure) => {
                        self.mark_failed(message, &failure.reason, failure.permanent)
                            .await?;
                        return Ok(Err(failure.permanent));
                    }
                }
            }
        };
        self.mark_failed(message, &reason, false).await?;
        Ok(Err(false))
    }

    /// Records a send and erases the body; a message cancelled meanwhile (Resend, Revoke)
    /// stays cancelled.
    async fn mark_sent(&self, message: &Due) -> Result<()> {
        let now = self.now();
        sqlx::query(
            "UPDATE mail_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,
                 body_text = NULL, body_html = NULL, last_error = NULL, updated_at = ?
             WHERE id = ? AND state = 'queued'",
        )
        .bind(&now)
        .bind(&now)
        .bind(&message.id)
        .execute(&self.pool)
        .await?;
        scrub(&self.pool).await
    }

    async fn mark_failed(&self, message: &Due, reason: &str, permanent: bool) -> Result<()> {
        let now = self.clock.now();
        let at = timestamp(now);
        let mut tx = store::begin_write(&self.pool).await?;
        if permanent {
            sqlx::query(
                "UPDATE mail_outbox SET state = 'failed', attempts = attempts + 1, last_error = ?,
                     body_text = NULL, body_html = NULL, updated_at = ?
                 WHERE id = ? AND state = 'queued'",
            )
            .bind(reason)
            .bind(&at)
            .bind(&message.id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?,
                     next_attempt_at = ?, updated_at = ?
                 WHERE id = ? AND state = 'queued'",
            )
            .bind(reason)
            .bind(timestamp(now + backoff(message.attempts + 1)))
            .bind(&at)
            .bind(&message.id)
            .execute(&mut *tx)
            .await?;
        }
        let user_id: Option<String> = match &message.invitation_id {
            Some(id) => {
                sqlx::query_scalar("SELECT user_id FROM invitations WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        if let Some(user_id) = user_id {
            audit::record_with_details(
                &mut tx,
                Entry {
                    workspace_id: &message.workspace_id,
                    actor_id: None,
                    action: "invitation.send_failed",
                    target_type: "user",
                    target_id: &user_id,
                    fields: &[],
                    at: &at,
                    seats: 0,
                },
                &serde_json::json!({ "reason": reason, "willRetry": !permanent }),
            )
            .await?;
        }
        tx.commit().await?;
        if permanent {
            scrub(&self.pool).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
