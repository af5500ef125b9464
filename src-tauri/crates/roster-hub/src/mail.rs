//! The hub's mail loop: the one sender of every invitation of the Workspaces it shares. It
//! delivers what the PostgreSQL mail outbox holds when it is due (the core's
//! `Roster::deliver_due_mail`). Every hub process on a database runs one: a message is
//! claimed under `FOR UPDATE SKIP LOCKED` and leased for longer than a send may take before
//! it is sent, so two processes never send it twice, and one that dies mid-send leaves it to
//! the others once the lease runs out.

use std::time::Duration;

use roster_core::Roster;
use tokio::sync::{broadcast, watch};

/// Longest sleep between two looks at the outbox. A push that queues an invitation moves
/// its Workspace's feed, whose notification wakes the loop at once; a Resend through another
/// process does not always, and waits at most this long.
const IDLE: Duration = Duration::from_secs(5);

/// Runs until `closing` turns true; a send under way finishes first (it is bounded by the
/// Workspace's SMTP timeout).
pub async fn run(
    roster: Roster,
    mut woken: broadcast::Receiver<String>,
    mut closing: watch::Receiver<bool>,
) {
    loop {
        if *closing.borrow() {
            return;
        }
        match roster.deliver_due_mail().await {
            Ok(delivery) if delivery != roster_core::Delivery::default() => {
                tracing::info!(
                    sent = delivery.sent,
                    retrying = delivery.retrying,
                    refused = delivery.refused,
                    "mail outbox pass"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "mail outbox pass failed"),
        }
        let sleep = roster.mail_wait(Duration::from_millis(100), IDLE).await;
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            _ = woken.recv() => {}
            _ = closing.wait_for(|closing| *closing) => return,
        }
    }
}
