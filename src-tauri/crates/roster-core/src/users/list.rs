//! The user list: search, filter, sort and keyset pagination, all in SQL on indexes.
//!
//! A page never scans the table and never sorts more than a bounded number of rows: each
//! database answers a [`PageRequest`] with a plan of its own (SQLite's: `store/sqlite/plan.rs`). With three or more characters a
//! term matches anywhere in the name or email (an FTS5 trigram index); one or two characters
//! match the start of the name or email (a trigram index cannot answer shorter terms).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::export::without_controls;
use crate::model::{
    SortDirection, Status, StatusFilter, UserCounts, UserDetails, UserPage, UserQuery, UserSort,
    UserSummary,
};
use crate::permissions::{Permission, Session};
use crate::store::{ListedUser, Tx};
use crate::text::{fold, sort_key, trim_input};
use crate::{Roster, actor};

/// Largest page a caller may ask for.
pub const MAX_PAGE: u32 = 500;
/// Shortest search term the trigram index answers.
const TRIGRAM: usize = 3;

/// What a request asks of the list, with the term already keyed like the stored columns.
pub(crate) struct PageRequest<'a> {
    pub workspace_id: &'a str,
    pub filter: StatusFilter,
    pub sort: UserSort,
    pub direction: SortDirection,
    /// The previous page's last sort keys, in [`sort_columns`] order.
    pub after: Option<Vec<String>>,
    /// Rows to return at most (the caller asks one more than it shows, to know if more exist).
    pub limit: i64,
    /// Set for a user without `users.view`: they see only their own row.
    pub only_user: Option<&'a str>,
    pub term: &'a Term,
}

impl PageRequest<'_> {
    /// The filter, when the request is every user of the Workspace the filter allows (no
    /// search, and the user may see everyone): the Workspace totals answer its count.
    pub fn everyone(&self) -> Option<StatusFilter> {
        (self.term == &Term::Everyone && self.only_user.is_none()).then_some(self.filter)
    }
}

/// The search term as the indexes can answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Term {
    /// No search: every user the filter allows.
    Everyone,
    /// One or two characters: the start of the name (`name`, keyed like `name_key`) or of
    /// the email (`email`, keyed like `email_key`). A trigram index cannot answer them.
    Prefix { name: String, email: String },
    /// Three or more characters, keyed like `search_text`: anywhere in the name or email.
    Anywhere(String),
}

/// The stored key columns of each order, last the id so keys are unique: what a cursor holds
/// and what both databases' sort indexes lead with (after `workspace_id, removed`).
pub(crate) fn sort_columns(sort: UserSort) -> &'static [&'static str] {
    match sort {
        UserSort::Name => &["name_key", "id"],
        UserSort::Email => &["email_key", "id"],
        UserSort::Status => &["status", "name_key", "id"],
        UserSort::AddedOn => &["created_at", "id"],
    }
}

/// The stored `removed` values a filter allows: each is one ordered range of a sort index.
pub(crate) fn removed_values(filter: StatusFilter) -> &'static [bool] {
    match filter {
        StatusFilter::Current => &[false],
        StatusFilter::Removed => &[true],
        StatusFilter::All => &[false, true],
    }
}

/// A listed user's sort keys for `sort`, last the id (names as the stored columns:
/// `status, name_key, id` for [`UserSort::Status`], say).
pub(crate) fn sort_keys(row: &ListedUser, sort: UserSort) -> Vec<String> {
    let u = &row.user;
    let keys: [&str; 3] = match sort {
        UserSort::Name => [&row.name_key, &u.id, ""],
        UserSort::Email => [&row.email_key, &u.id, ""],
        UserSort::Status => [u.status.as_str(), &row.name_key, &u.id],
        UserSort::AddedOn => [&u.created_at, &u.id, ""],
    };
    keys[..sort_columns(sort).len()]
        .iter()
        .map(|k| (*k).to_owned())
        .collect()
}

/// Where the previous page ended: the sort key values of its last row, then its id.
#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: UserSort,
    keys: Vec<String>,
}

fn cursor(row: &ListedUser, sort: UserSort) -> String {
    let keys = sort_keys(row, sort);
    let json = serde_json::to_vec(&Cursor { sort, keys }).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(text: &str, sort: UserSort) -> Result<Vec<String>> {
    let cursor: Option<Cursor> = URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    match cursor {
        Some(c) if c.sort == sort && c.keys.len() == sort_columns(sort).len() => Ok(c.keys),
        _ => Err(Error::Forbidden("The list changed order; reload it".into())),
    }
}

/// The search box's text as the indexes answer it (see [`Term`]).
pub(crate) fn term(search: &str) -> Term {
    let typed = search_term(search);
    let key = sort_key(&typed);
    match key.chars().count() {
        0 => Term::Everyone,
        n if n < TRIGRAM => Term::Prefix {
            name: key,
            email: fold(&typed),
        },
        _ => Term::Anywhere(key),
    }
}

/// The search box's text as the term to look for: trimmed, without control characters. No
/// name or email takes them, and FTS5 cannot: its query text ends at a NUL, so `ab`+NUL+`cd`
/// was an unterminated string (a syntax error) instead of a search. They are dropped as the
/// downloads drop them, so `ab`+NUL+`cd` looks for `abcd` and NULs alone for nothing.
fn search_term(search: &str) -> String {
    trim_input(&without_controls(search)).to_owned()
}

/// The list request for `query` as `actor` sees it: the term keyed, the cursor decoded, one
/// row more than the page shows. Errors: [`Error::Forbidden`] for a cursor from another order.
pub(crate) fn request<'a>(
    actor: &'a Actor,
    query: &UserQuery,
    term: &'a Term,
) -> Result<PageRequest<'a>> {
    Ok(PageRequest {
        workspace_id: &actor.workspace_id,
        filter: query.filter,
        sort: query.sort,
        direction: query.direction,
        after: query
            .after
            .as_deref()
            .map(|a| decode_cursor(a, query.sort))
            .transpose()?,
        limit: i64::from(query.limit) + 1,
        only_user: (!actor.can(Permission::UsersView)).then_some(actor.user_id.as_str()),
        term,
    })
}

impl Roster {
    /// One page of the user list, with the Workspace totals and — when it costs no more than
    /// the page — the number of matches (`None` for a search with many matches: ask
    /// [`Roster::count_users`]). Users without `users.view` see only themselves. `limit` is
    /// clamped to 1..=500. Errors: [`Error::Forbidden`] for a cursor from another order.
    pub async fn list_users(&self, session: &Session, query: &UserQuery) -> Result<UserPage> {
        let query = &UserQuery {
            limit: query.limit.clamp(1, MAX_PAGE),
            ..query.clone()
        };
        // One read transaction: the page, the totals and the count come from one snapshot.
        let mut tx = self.read().await?;
        let (actor, counts) = viewer(&mut *tx, session).await?;
        let term = term(&query.search);
        let request = request(&actor, query, &term)?;
        let page = tx.list_page(&request).await?;
        let matching = match request.everyone() {
            Some(filter) => Some(total(filter, &counts)),
            None => page.matching,
        };
        let mut rows = page.rows;
        let more = rows.len() > query.limit as usize;
        rows.truncate(query.limit as usize);
        let next_cursor = match more {
            true => rows.last().map(|r| cursor(r, query.sort)),
            false => None,
        };
        let items = rows
            .into_iter()
            .map(|r| UserSummary::from(UserDetails::from(r.user)))
            .collect();
        Ok(UserPage {
            items,
            next_cursor,
            matching,
            counts,
        })
    }

    /// How many users match `query`'s search and filter in all (its cursor and limit are
    /// ignored): the second call after a page whose `matching` was `None`. Reads every match,
    /// through the search index.
    pub async fn count_users(&self, session: &Session, query: &UserQuery) -> Result<i64> {
        let mut tx = self.read().await?;
        let (actor, counts) = viewer(&mut *tx, session).await?;
        let term = term(&query.search);
        let request = request(&actor, query, &term)?;
        matching(&mut *tx, &request, &counts).await
    }
}

/// The signed-in user and the Workspace totals they may see, read in `tx`.
pub(crate) async fn viewer(tx: &mut dyn Tx, session: &Session) -> Result<(Actor, UserCounts)> {
    let actor = actor::load_ready(tx, session).await?;
    let counts = counts(tx, &actor).await?;
    Ok((actor, counts))
}

fn total(filter: StatusFilter, counts: &UserCounts) -> i64 {
    match filter {
        StatusFilter::Current => counts.users,
        StatusFilter::Removed => counts.removed,
        StatusFilter::All => counts.users + counts.removed,
    }
}

/// How many users match `request`: read from the Workspace totals when there is no search
/// (and the user sees everyone), counted through the database's indexes otherwise.
pub(crate) async fn matching(
    tx: &mut dyn Tx,
    request: &PageRequest<'_>,
    counts: &UserCounts,
) -> Result<i64> {
    match request.everyone() {
        Some(filter) => Ok(total(filter, counts)),
        None => tx.count_matching(request).await,
    }
}

/// Workspace totals from the counts the database keeps; a user without `users.view` counts
/// only themselves.
async fn counts(tx: &mut dyn Tx, actor: &Actor) -> Result<UserCounts> {
    let per_status: Vec<(Status, i64)> = if actor.can(Permission::UsersView) {
        tx.status_counts(&actor.workspace_id).await?
    } else {
        tx.credentials(&actor.workspace_id, &actor.user_id)
            .await?
            .map(|c| (c.status, 1))
            .into_iter()
            .collect()
    };
    let count = |status: Status| {
        per_status
            .iter()
            .filter(|(s, _)| *s == status)
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    Ok(UserCounts {
        users: count(Status::Invited) + count(Status::Active),
        seats: count(Status::Active),
        removed: count(Status::Removed),
    })
}
