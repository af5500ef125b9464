//! Where a replica stands, for the status in the top bar: its hub, the last sync, and the
//! changes that wait for the hub or that it refused.

use serde::Serialize;
use ts_rs::TS;

use crate::Roster;
use crate::actor;
use crate::error::Result;
use crate::model::SecretStorage;
use crate::permissions::Session;

/// A replica's standing with its hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncSummary {
    /// The hub's address.
    pub hub_address: String,
    /// When a pull last completed (RFC 3339 UTC); none before the first.
    pub last_synced_at: Option<String>,
    /// Changes made here that the hub has not answered yet.
    pub waiting: u32,
    /// Changes the hub refused, listed in "Changes not applied".
    pub not_applied: u32,
    /// Where this computer keeps the hub session: the OS keychain, or memory until Roster
    /// closes (then the hub asks for the password again after a restart).
    pub token_storage: SecretStorage,
}

impl Roster {
    /// The standing of the signed-in user's Workspace with its hub; `None` for a Workspace
    /// of this computer only. Errors: [`crate::Error::Unauthenticated`] for an ended session.
    pub async fn sync_summary(&self, session: &Session) -> Result<Option<SyncSummary>> {
        let workspace_id = {
            let mut tx = self.read().await?;
            actor::load(&mut *tx, session).await?.workspace_id
        };
        let Some(link) = self.hub_link(&workspace_id).await? else {
            return Ok(None);
        };
        let waiting = self.changes_waiting(&workspace_id).await?;
        let not_applied = self.changes_not_applied(session).await?.len();
        Ok(Some(SyncSummary {
            hub_address: link.hub_address,
            last_synced_at: link.last_synced_at,
            waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
            not_applied: u32::try_from(not_applied).unwrap_or(u32::MAX),
            token_storage: self.secret_storage().await?,
        }))
    }
}
