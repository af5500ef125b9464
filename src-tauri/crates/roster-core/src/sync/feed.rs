//! The change feed as a replica reads it: pages of whole rows after an opaque cursor.
//!
//! What comes down is what the user may see, decided by the hub on every pull: with
//! `users.view` every user and role; without it their own user and the roles they hold
//! (which decide their permissions offline). The cursor names that reach; when it no longer
//! matches — a role gained or lost, `users.view` granted or taken — the feed starts over with
//! `reset`, and the replica drops what the fresh copy does not bring.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::records::{Record, UserRecord};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::permissions::{Permission, Session};
use crate::store::Tx;
use crate::store::hub::{FeedPosition, Reach};
use crate::{Roster, actor};

/// Rows per page unless the caller asks for fewer: large enough that an initial copy of
/// 100,000 users is 100 round trips, small enough that one page is one short SQLite
/// transaction on the replica (SYNC-NOTES: copy in pages, each its own transaction).
pub const PAGE_LIMIT: usize = 1_000;

/// One page of the feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedPage {
    /// Rows in feed order: by the feed version of their last change, the Workspace before
    /// roles before users within one version.
    pub records: Vec<Record>,
    /// Opaque; the next pull gives it back. Store it in the transaction that applies the page.
    pub cursor: String,
    /// More rows follow already: pull again at once.
    pub more: bool,
    /// The feed started over (first copy, or what the user may see changed): once the copy
    /// is complete (`more` false), the replica drops every row it did not receive since the
    /// page that said `reset`.
    pub reset: bool,
    /// The Workspace's feed version when the page was read.
    pub head: i64,
}

/// The cursor's content: the reach it was made under and the last row sent.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    /// A digest of what the user could see (see [`reach_key`]).
    r: String,
    v: i64,
    k: u8,
    i: String,
}

fn encode(reach: &str, at: &FeedPosition) -> String {
    let cursor = Cursor {
        r: reach.to_owned(),
        v: at.feed_version,
        k: at.rank,
        i: at.id.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor).unwrap_or_default())
}

fn decode(text: &str) -> Option<Cursor> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What the user may see, as a short digest: everyone, or themselves with these roles.
fn reach_key(everyone: bool, role_ids: &[String]) -> String {
    if everyone {
        return "all".to_owned();
    }
    let mut ids = role_ids.to_vec();
    ids.sort();
    let digest = Sha256::digest(ids.join(",").as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..12])
}

/// Roles that users of the page hold and the page does not bring. One whose last change came
/// after the user's is sent only later in the feed, so the page brings it too (the caller
/// keeps those after the page's end; the others came earlier in this copy) and a replica
/// never holds a user with a role it does not have. Rows are whole: a role that comes again
/// in its own place is harmless.
fn roles_held_elsewhere(records: &[Record]) -> Vec<String> {
    let in_page: std::collections::BTreeSet<&str> = records
        .iter()
        .filter(|r| matches!(r, Record::Role(_)))
        .map(Record::id)
        .collect();
    let mut ahead: Vec<String> = records
        .iter()
        .filter_map(|r| match r {
            Record::User(u) => Some(u.role_ids.iter()),
            _ => None,
        })
        .flatten()
        .filter(|id| !in_page.contains(id.as_str()))
        .cloned()
        .collect();
    ahead.sort();
    ahead.dedup();
    ahead
}

impl Roster {
    /// Up to `limit` rows (at most [`PAGE_LIMIT`]) of the signed-in user's Workspace after
    /// `cursor` (none: from the start), as that user may see them now. Read in one snapshot,
    /// so a page never holds half of a transaction's rows without the cursor pointing
    /// before the other half. Errors: [`Error::Unauthenticated`] for a session that ended;
    /// [`Error::Forbidden`] on a database without a feed (a SQLite file).
    pub async fn pull(
        &self,
        session: &Session,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<FeedPage> {
        let limit = limit.clamp(1, PAGE_LIMIT);
        let mut tx = self.read().await?;
        let actor = actor::load(&mut *tx, session).await?;
        let everyone = actor.can(Permission::UsersView);
        let held: Vec<String> = tx
            .held_roles(&actor.user_id)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let reach_now = reach_key(everyone, &held);
        let (after, reset) = match cursor.and_then(decode) {
            Some(c) if c.r == reach_now => (
                FeedPosition {
                    feed_version: c.v,
                    rank: c.k,
                    id: c.i,
                },
                false,
            ),
            _ => (FeedPosition::default(), true),
        };
        let reach = match everyone {
            true => Reach::Everyone,
            false => Reach::Only(&actor.user_id),
        };
        let hub = tx
            .hub()
            .ok_or_else(|| Error::Forbidden("This database is not a hub's".into()))?;
        let head = hub.feed_head(&actor.workspace_id).await?;
        let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
        let mut records: Vec<Record> = Vec::new();
        if let Some(w) = hub.feed_workspace(&actor.workspace_id, &after).await? {
            records.push(Record::Workspace(w));
        }
        let roles = hub
            .feed_roles(&actor.workspace_id, &after, reach, fetch)
            .await?;
        records.extend(roles.into_iter().map(Record::Role));
        let users = hub
            .feed_users(&actor.workspace_id, &after, reach, &actor.user_id, fetch)
            .await?;
        records.extend(users.into_iter().map(Record::User));
        records.sort_by(|a, b| {
            (a.feed_version(), a.rank(), a.id()).cmp(&(b.feed_version(), b.rank(), b.id()))
        });
        let more = records.len() > limit;
        records.truncate(limit);
        let last = records.last().map_or(after, |r| FeedPosition {
            feed_version: r.feed_version(),
            rank: r.rank(),
            id: r.id().to_owned(),
        });
        let ahead = roles_held_elsewhere(&records);
        if !ahead.is_empty() {
            let hub = tx.hub().ok_or_else(|| Error::Forbidden("No hub".into()))?;
            let roles = hub.roles_by_id(&actor.workspace_id, &ahead).await?;
            let later = |r: &Record| {
                (r.feed_version(), r.rank(), r.id())
                    > (last.feed_version, last.rank, last.id.as_str())
            };
            records.extend(roles.into_iter().map(Record::Role).filter(later));
        }
        let now = self.now();
        for record in &mut records {
            if let Record::User(user) = record {
                add_invitation(&mut *tx, user, &now).await?;
            }
        }
        Ok(FeedPage {
            records,
            cursor: encode(&reach_now, &last),
            more,
            reset,
            head,
        })
    }
}

/// Adds to an invited user's row how their latest invitation stands at `now` (see
/// [`UserRecord::invitation`]): the sending changes at the hub alone, which moves the user's
/// feed version when it does, so a replica's panel follows it.
pub(super) async fn add_invitation(
    tx: &mut dyn Tx,
    user: &mut UserRecord,
    now: &str,
) -> Result<()> {
    if user.status == Status::Invited {
        user.invitation = crate::invitations::latest(tx, &user.id, now)
            .await?
            .map(Box::new);
    }
    Ok(())
}
