//! The mail outbox: messages wait in SQLite and a background loop sends the due ones, so a
//! send survives restarts and simply waits while offline. A failure that may pass (no network,
//! timeout, 4xx) retries with exponential back-off; a refusal (5xx, an address the server
//! cannot take) stops until Resend.
//!
//! An invitation's body carries its code, so it is erased as soon as it is not needed — sent,
//! refused, cancelled, or its invitation ended or expired — and erased means unreadable in
//! the files too (case I6): every connection runs with `secure_delete` (store/sqlite), which
//! zeroes the freed bytes in the pages SQLite writes, and the database's scrub then moves
//! those pages into the database file and cuts the WAL, which still held the older page
//! images.

use chrono::{DateTime, Duration, Utc};

use super::settings::smtp_for;
use super::smtp::{self, Outgoing};
use crate::changes::{self, By, Change};
use crate::clock::{parse_timestamp, timestamp};
use crate::error::{Error, Result};
use crate::store::{DueMail as Due, MailPatch, QueuedMail, Tx, UserPatch};
use crate::{Roster, new_id};

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
pub(crate) async fn enqueue(tx: &mut dyn Tx, message: &Queued<'_>) -> Result<()> {
    tx.enqueue_mail(&QueuedMail {
        id: &new_id(),
        workspace_id: message.workspace_id,
        invitation_id: message.invitation_id,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        at: message.at,
    })
    .await
}

/// Takes a message out of the queue as `state`, erasing its body (it may carry a code).
fn leaving(state: &'static str) -> MailPatch {
    MailPatch {
        state: Some(state),
        erase_body: true,
        ..MailPatch::default()
    }
}

/// Stops any queued message of `invitation_id` (an invitation that just ended) and erases
/// its body (it carries the code); the caller scrubs once the transaction committed.
pub(crate) async fn cancel(tx: &mut dyn Tx, invitation_id: &str, at: &str) -> Result<()> {
    for id in tx.queued_mail(Some(invitation_id), at).await? {
        tx.update_mail(&id, &leaving("cancelled"), at).await?;
    }
    Ok(())
}

/// On a hub, writes the invited user of `message` again (a new version, nothing else), so
/// the feed brings replicas the user with how the sending went: their panels show Sent or
/// Not sent as the hub's does.
async fn touch_invited(tx: &mut dyn Tx, message: &Due, at: &str) -> Result<()> {
    if tx.hub().is_none() {
        return Ok(());
    }
    let user_id = match &message.invitation_id {
        Some(id) => tx.invitation_user(id).await?,
        None => None,
    };
    match user_id {
        Some(user_id) => tx.update_user(&user_id, &UserPatch::default(), at).await,
        None => Ok(()),
    }
}

impl Roster {
    /// Sends the messages that are due, at most 20 per pass, one at a time: each is claimed
    /// first (for longer than any send may take) so two windows on one database never send it
    /// twice. Messages of invitations that ended or expired are dropped and their bodies
    /// erased. Sending happens outside any transaction; each outcome is then written in its
    /// own. The pass ends with a scrub (see [`crate::store::Database::scrub`]), so a body erased by any path (removing an invited
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
        self.db.scrub().await?;
        Ok(delivery)
    }

    async fn drop_dead_invitations(&self) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let dead = tx.queued_mail(None, &now).await?;
        for id in &dead {
            tx.update_mail(id, &leaving("cancelled"), &now).await?;
        }
        tx.commit().await?;
        if !dead.is_empty() {
            self.db.scrub().await?;
        }
        Ok(())
    }

    /// The next due message, claimed. A message of a replica's Workspace is never sent from
    /// here — its hub is the one sender — so one queued before the Workspace was shared is
    /// cancelled instead.
    async fn claim_next(&self) -> Result<Option<Due>> {
        let now = self.now();
        let mut tx = self.write().await?;
        let due = loop {
            let Some(message) = tx.next_due_mail(&now).await? else {
                break None;
            };
            if crate::sync::is_replica(&mut *tx, &message.workspace_id).await? {
                tx.update_mail(&message.id, &leaving("cancelled"), &now)
                    .await?;
                continue;
            }
            let claim = MailPatch {
                next_attempt_at: Some(timestamp(self.clock.now() + CLAIM)),
                ..MailPatch::default()
            };
            tx.update_mail(&message.id, &claim, &now).await?;
            break Some(message);
        };
        tx.commit().await?;
        Ok(due)
    }

    /// When the outbox next needs a pass (`None` when nothing waits): the next queued message
    /// is due, or the invitation of a queued message expires — its body is erased then, not
    /// only when a send is next due.
    pub async fn next_mail_due(&self) -> Result<Option<DateTime<Utc>>> {
        let next = self.read().await?.next_mail_due().await?;
        Ok(next.as_deref().and_then(parse_timestamp))
    }

    /// How long a mail loop sleeps before its next pass: until [`Roster::next_mail_due`], at
    /// least `soonest` (a message due now was just tried) and at most `idle` (also when the
    /// outbox cannot be read: the next pass says why). Shared by the desktop's loop and the
    /// hub's, which differ only in these bounds and in what wakes them early.
    pub async fn mail_wait(
        &self,
        soonest: std::time::Duration,
        idle: std::time::Duration,
    ) -> std::time::Duration {
        match self.next_mail_due().await {
            Ok(Some(due)) => (due - self.now_utc())
                .to_std()
                .unwrap_or(std::time::Duration::ZERO)
                .clamp(soonest, idle),
            Ok(None) | Err(_) => idle,
        }
    }

    /// Sends one claimed message and records the outcome: `Ok(Ok)` sent, `Ok(Err(permanent))`
    /// failed (the reason is kept on the message and in the audit log).
    async fn send_one(&self, message: &Due) -> Result<std::result::Result<(), bool>> {
        let smtp = {
            let mut tx = self.read().await?;
            smtp_for(self, &mut *tx, &message.workspace_id).await
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
        let sent = MailPatch {
            sent_at: Some(now.clone()),
            attempted: true,
            last_error: Some(None),
            ..leaving("sent")
        };
        let mut tx = self.write().await?;
        tx.update_mail(&message.id, &sent, &now).await?;
        touch_invited(&mut *tx, message, &now).await?;
        tx.commit().await?;
        self.db.scrub().await
    }

    async fn mark_failed(&self, message: &Due, reason: &str, permanent: bool) -> Result<()> {
        let now = self.clock.now();
        let at = timestamp(now);
        let failed = match permanent {
            true => MailPatch {
                attempted: true,
                last_error: Some(Some(reason.to_owned())),
                ..leaving("failed")
            },
            false => MailPatch {
                attempted: true,
                last_error: Some(Some(reason.to_owned())),
                next_attempt_at: Some(timestamp(now + backoff(message.attempts + 1))),
                ..MailPatch::default()
            },
        };
        let mut tx = self.write().await?;
        tx.update_mail(&message.id, &failed, &at).await?;
        touch_invited(&mut *tx, message, &at).await?;
        let user_id = match &message.invitation_id {
            Some(id) => tx.invitation_user(id).await?,
            None => None,
        };
        if let Some(user_id) = user_id {
            let by = By {
                workspace_id: &message.workspace_id,
                actor_id: None,
                at: &at,
            };
            let failure = Change::InvitationSendFailed {
                user_id: &user_id,
                reason,
                will_retry: !permanent,
            };
            changes::record(&mut *tx, by, failure).await?;
        }
        tx.commit().await?;
        if permanent {
            self.db.scrub().await?;
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
