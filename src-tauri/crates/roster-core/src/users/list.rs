//! The user list: search, filter, sort and keyset pagination, all in SQL on indexes.
//!
//! A page never scans the table and never sorts more than a bounded number of rows: see
//! [`plan`](super::plan) for how each request is answered. With three or more characters a
//! term matches anywhere in the name or email (an FTS5 trigram index); one or two characters
//! match the start of the name or email (a trigram index cannot answer shorter terms).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteArguments;

use super::plan::{self, PageRequest, Term, sort_columns};
use super::{UserRow, role_names, user_columns};
use crate::error::{Error, Result};
use crate::export::without_controls;
use crate::model::{
    SortDirection, Status, StatusFilter, UserCounts, UserDetails, UserPage, UserQuery, UserSort,
    UserSummary,
};
use crate::permissions::{Actor, Permission, Session};
use crate::text::{fold, sort_key, trim_input};
use crate::{Roster, actor};

/// Largest page a caller may ask for.
pub const MAX_PAGE: u32 = 500;
/// Shortest search term the trigram index answers.
const TRIGRAM: usize = 3;

/// Where the previous page ended: the sort key values of its last row, then its id.
#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: UserSort,
    keys: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    user: UserRow,
    name_key: String,
    email_key: String,
}

impl ListRow {
    /// The row's values of [`sort_columns`]`(sort)`, in order.
    fn keys(&self, sort: UserSort) -> [&str; 3] {
        let u = &self.user;
        match sort {
            UserSort::Name => [&self.name_key, &u.id, ""],
            UserSort::Email => [&self.email_key, &u.id, ""],
            UserSort::Status => [&u.status, &self.name_key, &u.id],
            UserSort::AddedOn => [&u.created_at, &u.id, ""],
        }
    }

    fn cursor(&self, sort: UserSort) -> String {
        let keys = self.keys(sort)[..sort_columns(sort).len()]
            .iter()
            .map(|k| (*k).to_owned())
            .collect();
        let json = serde_json::to_vec(&Cursor { sort, keys }).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }
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
        let mut conn = self.pool.begin().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        let counts = counts(&mut conn, &actor).await?;
        let term = term(&query.search);
        let request = request(&actor, query, &term)?;
        let plan = plan::plan(&mut conn, &request).await?;
        let (items, next_cursor) = page(&mut conn, &plan, query).await?;
        let matching = match plan.few_matches() {
            true => Some(matching(&mut conn, &plan, &counts).await?),
            false => None,
        };
        conn.rollback().await?;
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
        let mut conn = self.pool.begin().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        let counts = counts(&mut conn, &actor).await?;
        let term = term(&query.search);
        let request = request(&actor, query, &term)?;
        let plan = plan::plan(&mut conn, &request).await?;
        let count = matching(&mut conn, &plan, &counts).await?;
        conn.rollback().await?;
        Ok(count)
    }
}

fn total(filter: StatusFilter, counts: &UserCounts) -> i64 {
    match filter {
        StatusFilter::Current => counts.users,
        StatusFilter::Removed => counts.removed,
        StatusFilter::All => counts.users + counts.removed,
    }
}

/// The list query (no cursor, no limit) as batches: each result row is one JSON array of up to
/// `batch` users in list order, each user `[first_name, last_name, email, phone,
/// is_super_user, role_names, status, created_at, last_sign_in_at]`. A download reads 100,000
/// users as 100 rows instead of 100,000: sqlx hands every result row between threads, and that
/// handoff, not SQLite, was most of the cost. The users (with their role names) are gathered
/// first, in table order, and sorted afterwards: looking roles up in list order touched the
/// role index at random and cost more than the sort.
pub(crate) fn batches_sql(
    plan: &plan::Plan<'_>,
    query: &UserQuery,
    batch: u32,
) -> Result<(String, SqliteArguments)> {
    let direction = match query.direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    let order: Vec<String> = sort_columns(query.sort)
        .iter()
        .map(|c| format!("{c} {direction}"))
        .collect();
    let (from, args) = plan.every_match_source()?;
    let sql = format!(
        "WITH chosen AS MATERIALIZED (
             SELECT u.first_name, u.last_name, u.email, u.phone, u.is_super_user, u.status,
                    u.created_at, u.last_sign_in_at, u.name_key, u.email_key, u.id,
                    {} AS role_names {})
         SELECT json_group_array(json_array(first_name, last_name, email, phone, is_super_user,
                    role_names, status, created_at, last_sign_in_at) ORDER BY rn)
         FROM (SELECT *, row_number() OVER (ORDER BY {}) AS rn FROM chosen)
         GROUP BY (rn - 1) / {batch} ORDER BY (rn - 1) / {batch}",
        role_names!(),
        from,
        order.join(", ")
    );
    Ok((sql, args))
}

async fn page(
    conn: &mut SqliteConnection,
    plan: &plan::Plan<'_>,
    query: &UserQuery,
) -> Result<(Vec<UserSummary>, Option<String>)> {
    let (sql, args) = plan.select(concat!(user_columns!(), ", u.name_key, u.email_key"))?;
    let mut rows: Vec<ListRow> = sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_all(&mut *conn)
        .await?;
    // Keys compare as UTF-8 bytes, as SQLite's BINARY collation orders the indexes.
    rows.sort_by(|a, b| {
        let order = a.keys(query.sort).cmp(&b.keys(query.sort));
        match query.direction {
            SortDirection::Asc => order,
            SortDirection::Desc => order.reverse(),
        }
    });
    let more = rows.len() > query.limit as usize;
    rows.truncate(query.limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| r.cursor(query.sort))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| UserSummary::from(UserDetails::from(r.user)))
        .collect();
    Ok((items, next_cursor))
}

/// How many users match the plan's request: read from the Workspace totals when there is no
/// search (and the user sees everyone), counted through the plan's indexes otherwise.
pub(crate) async fn matching(
    conn: &mut SqliteConnection,
    plan: &plan::Plan<'_>,
    counts: &UserCounts,
) -> Result<i64> {
    if let Some(filter) = plan.everyone() {
        return Ok(total(filter, counts));
    }
    let (from, args) = plan.every_match_source()?;
    let sql = format!("SELECT count(*) {from}");
    Ok(sqlx::query_scalar_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_one(conn)
        .await?)
}

/// Workspace totals from `user_status_counts` (kept by triggers); a user without `users.view`
/// counts only themselves.
pub(crate) async fn counts(conn: &mut SqliteConnection, actor: &Actor) -> Result<UserCounts> {
    let per_status: Vec<(String, i64)> = if actor.can(Permission::UsersView) {
        sqlx::query_as("SELECT status, users FROM user_status_counts WHERE workspace_id = ?")
            .bind(&actor.workspace_id)
            .fetch_all(&mut *conn)
            .await?
    } else {
        sqlx::query_as("SELECT status, 1 FROM users WHERE id = ?")
            .bind(&actor.user_id)
            .fetch_all(&mut *conn)
            .await?
    };
    let count = |status: Status| {
        per_status
            .iter()
            .filter(|(s, _)| Status::parse(s) == status)
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    Ok(UserCounts {
        users: count(Status::Invited) + count(Status::Active),
        seats: count(Status::Active),
        removed: count(Status::Removed),
    })
}

#[cfg(test)]
mod tests {
    //! The ways a plan can answer a request must list the same users in the same order, page
    //! after page: which one runs depends on how many users match, so a small Workspace
    //! would otherwise only ever test one of them.

    use super::*;
    use crate::model::CreateWorkspaceInput;
    use crate::users::plan::{Way, forced};
    use crate::{Secret, demo};

    async fn listed(
        conn: &mut SqliteConnection,
        actor: &Actor,
        query: &UserQuery,
        way: Way,
    ) -> Vec<String> {
        let term = term(&query.search);
        let mut query = query.clone();
        let mut ids = Vec::new();
        loop {
            let request = request(actor, &query, &term).expect("request");
            let plan = forced(&request, way);
            let (items, next) = page(conn, &plan, &query).await.expect("page");
            ids.extend(items.into_iter().map(|u| u.id));
            match next {
                Some(cursor) => query.after = Some(cursor),
                None => return ids,
            }
        }
    }

    #[tokio::test]
    async fn every_way_of_answering_lists_the_same_users_in_the_same_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let roster = Roster::open(&dir.path().join("ways.db"))
            .await
            .expect("open");
        let password = Secret::new("Walking-Sorted-Lanterns-81");
        let (session, _) = roster
            .create_workspace(CreateWorkspaceInput {
                workspace_name: "Ways".into(),
                email: "admin@ways.example".into(),
                first_name: "Wanda".into(),
                last_name: "Ways".into(),
                password: password.clone(),
                confirm_password: password.clone(),
            })
            .await
            .expect("workspace");
        demo::add_sample_users(&roster, &session, 90, &password)
            .await
            .expect("sample users");
        let mut conn = roster.pool.acquire().await.expect("connection");
        let actor = actor::load_ready(&mut conn, &session).await.expect("actor");
        let mut non_empty = 0;
        for sort in [
            UserSort::Name,
            UserSort::Email,
            UserSort::Status,
            UserSort::AddedOn,
        ] {
            for direction in [SortDirection::Asc, SortDirection::Desc] {
                for filter in [
                    StatusFilter::Current,
                    StatusFilter::Removed,
                    StatusFilter::All,
                ] {
                    for search in ["", "u", "us", "ma", "user00", "demo", "zqx"] {
                        let query = UserQuery {
                            search: search.into(),
                            filter,
                            sort,
                            direction,
                            after: None,
                            limit: 7,
                        };
                        let sorted = listed(&mut conn, &actor, &query, Way::SortedMatches).await;
                        let walked = listed(&mut conn, &actor, &query, Way::FilteredWalk).await;
                        assert_eq!(sorted, walked, "{query:?}");
                        let mut unique = sorted.clone();
                        unique.sort();
                        unique.dedup();
                        assert_eq!(unique.len(), sorted.len(), "each user once: {query:?}");
                        non_empty += usize::from(!sorted.is_empty());
                    }
                }
            }
        }
        assert!(non_empty > 100, "{non_empty} non-empty lists");
    }
}
