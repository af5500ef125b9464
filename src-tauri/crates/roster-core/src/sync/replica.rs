//! The desktop side of a shared Workspace: the link to its hub, and pulled pages applied to
//! the local copy. Each page is one SQLite transaction that also stores the cursor after it,
//! so a crash mid-pull loses nothing and applies nothing twice: the next pull starts after
//! the last page that committed.

use serde::Serialize;

use super::apply;
use super::feed::FeedPage;
use super::records::Record;
use crate::error::{Error, Result};
use crate::permissions::Session;
use crate::store::Tx;
use crate::store::replica::{LinkRow, ReplicaStore};
use crate::{Roster, actor, new_id};

/// Users per page a publisher sends.
pub const PUBLISH_PAGE: usize = 1_000;

/// Where a replica stands with its hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HubLink {
    /// The hub's address.
    pub hub_address: String,
    /// The user whose replica this is.
    pub user_id: String,
    /// This copy's id at the hub.
    pub client_id: String,
    /// The hub's feed version at the last pull.
    pub head: i64,
    /// When a pull last completed (RFC 3339 UTC).
    pub last_synced_at: Option<String>,
    /// A full copy is arriving.
    pub copying: bool,
}

/// What applying a page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageApplied {
    /// Rows written.
    pub rows: usize,
    /// Users that left this computer because the user may no longer see them.
    pub users_dropped: u64,
}

fn replica_of(tx: &mut dyn Tx) -> Result<&mut dyn ReplicaStore> {
    tx.replica()
        .ok_or_else(|| Error::Forbidden("Only a desktop copy can be a replica".into()))
}

impl From<LinkRow> for HubLink {
    fn from(row: LinkRow) -> Self {
        Self {
            hub_address: row.hub_address,
            user_id: row.user_id,
            client_id: row.client_id,
            head: row.head,
            last_synced_at: row.last_synced_at,
            copying: row.copying,
        }
    }
}

impl Roster {
    /// The hub link of `workspace_id`; `None` for a Workspace that lives only here.
    pub async fn hub_link(&self, workspace_id: &str) -> Result<Option<HubLink>> {
        let mut tx = self.read().await?;
        Ok(replica_of(&mut *tx)?
            .link(workspace_id)
            .await?
            .map(HubLink::from))
    }

    /// The feed cursor of the replica `workspace_id` (none before its first page).
    pub async fn hub_cursor(&self, workspace_id: &str) -> Result<Option<String>> {
        let mut tx = self.read().await?;
        Ok(replica_of(&mut *tx)?
            .link(workspace_id)
            .await?
            .and_then(|l| l.cursor))
    }

    /// Applies a page pulled for the replica `workspace_id` of `user_id` at `hub_address`, in
    /// one transaction with its cursor; the first page of a join makes the link. Rows go
    /// through each table's writer with the hub's versions. A page that says `reset` starts
    /// a full copy; when it completes, rows it did not bring are dropped.
    /// Errors: a row the validators refuse (nothing of the page is kept);
    /// [`Error::Forbidden`] when the Workspace is linked to another hub or user.
    pub async fn apply_feed_page(
        &self,
        workspace_id: &str,
        hub_address: &str,
        user_id: &str,
        page: &FeedPage,
    ) -> Result<PageApplied> {
        let now = self.now();
        let mut tx = self.write().await?;
        let existing = replica_of(&mut *tx)?.link(workspace_id).await?;
        if let Some(link) = &existing
            && (link.hub_address != hub_address || link.user_id != user_id)
        {
            return Err(Error::Forbidden(
                "This Workspace is linked to another hub or user".into(),
            ));
        }
        let mut link = existing.clone().unwrap_or_else(|| LinkRow {
            workspace_id: workspace_id.to_owned(),
            hub_address: hub_address.to_owned(),
            user_id: user_id.to_owned(),
            client_id: new_id(),
            cursor: None,
            generation: 0,
            copying: false,
            head: 0,
            last_synced_at: None,
        });
        // A page that says `reset` always starts a copy (the next pages carry its cursor);
        // one that arrives during a copy — the user's reach changed again — starts another,
        // so rows only the abandoned copy brought are dropped too.
        if page.reset {
            link.generation += 1;
            link.copying = true;
        }
        let mut records: Vec<&Record> = page.records.iter().collect();
        records.sort_by_key(|r| r.rank());
        // A row with changes waiting keeps the local state until those are answered (the
        // answer brings the row as the Workspace holds it then).
        let waiting: std::collections::BTreeSet<(String, String)> = replica_of(&mut *tx)?
            .outbox(workspace_id, Some("pending"), i64::MAX)
            .await?
            .into_iter()
            .map(|op| (op.subject_kind, op.subject_id))
            .collect();
        let writable: Vec<Record> = records
            .iter()
            .filter(|record| {
                let key = match record {
                    Record::User(u) => ("user".to_owned(), u.id.clone()),
                    Record::Role(r) => ("role".to_owned(), r.id.clone()),
                    Record::Workspace(w) => ("workspace".to_owned(), w.id.clone()),
                };
                !waiting.contains(&key)
            })
            .map(|record| (*record).clone())
            .collect();
        apply::put_all(&mut *tx, workspace_id, &writable, &now).await?;
        let ids = |rank: u8| -> Vec<String> {
            records
                .iter()
                .filter(|r| r.rank() == rank)
                .map(|r| r.id().to_owned())
                .collect()
        };
        let replica = replica_of(&mut *tx)?;
        replica
            .mark_rows(workspace_id, "role", &ids(1), link.generation)
            .await?;
        replica
            .mark_rows(workspace_id, "user", &ids(2), link.generation)
            .await?;
        let mut applied = PageApplied {
            rows: records.len(),
            users_dropped: 0,
        };
        if link.copying && !page.more {
            applied.users_dropped = replica
                .purge_unmarked(workspace_id, link.generation, user_id)
                .await?;
            link.copying = false;
        }
        link.cursor = Some(page.cursor.clone());
        link.head = page.head;
        if !page.more {
            link.last_synced_at = Some(now.clone());
        }
        match existing {
            Some(_) => replica.update_link(&link, &now).await?,
            None => replica.insert_link(&link, &now).await?,
        }
        tx.commit().await?;
        if applied.users_dropped > 0 {
            self.db.scrub().await?;
        }
        Ok(applied)
    }

    /// "Leave the hub": this Workspace lives only on this computer again, with what it holds
    /// (for a member, their own user). Changes that have not reached the hub are refused
    /// ([`Error::Forbidden`], saying how many) unless `discard_waiting` — they would never
    /// reach it. The hub session is forgotten here (the caller signs it out at the hub when it
    /// can). Errors: [`Error::Forbidden`] for a Workspace that is not a replica.
    pub async fn leave_hub(&self, session: &Session, discard_waiting: bool) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let actor = actor::load(&mut *tx, session).await?;
        let replica = replica_of(&mut *tx)?;
        if replica.link(&actor.workspace_id).await?.is_none() {
            return Err(Error::Forbidden(
                "This Workspace is not shared through a hub".into(),
            ));
        }
        let waiting = replica
            .outbox(&actor.workspace_id, Some("pending"), i64::MAX)
            .await?;
        if !waiting.is_empty() && !discard_waiting {
            return Err(Error::Forbidden(format!(
                "{} {} not reached the hub yet: sync first, or leave and discard {}",
                waiting.len(),
                if waiting.len() == 1 {
                    "change has"
                } else {
                    "changes have"
                },
                if waiting.len() == 1 { "it" } else { "them" },
            )));
        }
        for op in &waiting {
            replica
                .answer_op(&actor.workspace_id, op.seq, "discarded", None, None, &now)
                .await?;
        }
        replica.unlink(&actor.workspace_id).await?;
        tx.commit().await?;
        self.secrets.delete(&super::token_name(&actor.workspace_id))
    }

    /// What a publisher sends, page by page: first the Workspace and every role, then users
    /// by id after `after` (`None`: the first page). Only an active super-user may copy the
    /// whole Workspace out, every password hash included. Errors: [`Error::Forbidden`] for
    /// anyone else.
    pub async fn publish_page(
        &self,
        session: &Session,
        after: Option<&str>,
    ) -> Result<Vec<Record>> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require_super_user("share the Workspace through a hub")?;
        let replica = replica_of(&mut *tx)?;
        let mut records = Vec::new();
        if after.is_none() {
            records.push(Record::Workspace(
                replica.local_workspace(&actor.workspace_id).await?,
            ));
            records.extend(
                replica
                    .local_roles(&actor.workspace_id)
                    .await?
                    .into_iter()
                    .map(Record::Role),
            );
        }
        let limit = i64::try_from(PUBLISH_PAGE).unwrap_or(i64::MAX);
        let users = replica
            .local_users(&actor.workspace_id, after.unwrap_or(""), limit)
            .await?;
        records.extend(users.into_iter().map(Record::User));
        Ok(records)
    }
}
