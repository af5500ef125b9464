//! The background mail loop: sends what the outbox holds when it is due, wakes early when a
//! command queues a message, and keeps going through failures (they are recorded on the
//! message and retried by the core's back-off). After a pass that sent or failed something,
//! `delivered` tells the screens (an open panel shows the invitation as sent).

use std::sync::Arc;
use std::time::Duration;

use roster_core::Roster;
use tokio::sync::Notify;

/// Longest sleep between two looks at the outbox, so messages queued by another Roster
/// window on the same database go out too.
const IDLE: Duration = Duration::from_secs(60);

/// Runs forever on the Tauri async runtime.
pub async fn run(roster: Roster, wake: Arc<Notify>, delivered: impl Fn() + Send + 'static) {
    loop {
        match roster.deliver_due_mail().await {
            Ok(delivery) if delivery != roster_core::Delivery::default() => {
                tracing::info!(?delivery, "mail outbox pass");
                delivered();
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "mail outbox pass failed"),
        }
        let sleep = roster.mail_wait(Duration::from_millis(200), IDLE).await;
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = wake.notified() => {}
        }
    }
}
