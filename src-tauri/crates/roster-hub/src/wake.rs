//! Waking long polls: every write transaction of a Workspace sends `NOTIFY roster_feed,
//! '<workspace id>'` at commit (the feed trigger), in whichever hub process made it. Each
//! process listens on its own connection and passes the ids to the polls it holds, so a
//! change made through one hub process reaches Rosters waiting on another at once.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

/// The channel the feed trigger notifies.
const CHANNEL: &str = "roster_feed";

/// Listens until the process ends, reconnecting after a lost connection (long polls still
/// answer at their timeout meanwhile, so nothing waits for ever).
pub async fn listen(database: String, wake: broadcast::Sender<String>) {
    let mut pause = Duration::from_millis(250);
    loop {
        match PgListener::connect(&database).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    pause = Duration::from_millis(250);
                    // A reconnect may have missed notifications: wake everyone to re-read.
                    let _ = wake.send(String::new());
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                let _ = wake.send(notification.payload().to_owned());
                            }
                            Err(error) => {
                                tracing::warn!(%error, "feed listener lost its connection");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "feed listener could not LISTEN"),
            },
            Err(error) => tracing::warn!(%error, "feed listener could not connect"),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(10));
    }
}
