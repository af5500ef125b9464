//! The user list: search, filter, sort and keyset pagination, all in SQL on indexes.
//!
//! A page never scans the table. Without search it is a range of the index that matches the
//! sort (`users_by_name`, ...). With three or more characters the trigram FTS5 index finds the
//! matching rows first; one or two characters match the start of the name or email through
//! the same sort indexes (a trigram index cannot answer shorter terms).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, SqliteConnection};

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
    fn cursor(&self, sort: UserSort) -> String {
        let u = &self.user;
        let keys = match sort {
            UserSort::Name => vec![self.name_key.clone(), u.id.clone()],
            UserSort::Email => vec![self.email_key.clone(), u.id.clone()],
            UserSort::Status => vec![u.status.clone(), self.name_key.clone(), u.id.clone()],
            UserSort::AddedOn => vec![u.created_at.clone(), u.id.clone()],
        };
        let json = serde_json::to_vec(&Cursor { sort, keys }).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }
}

fn sort_columns(sort: UserSort) -> &'static [&'static str] {
    match sort {
        UserSort::Name => &["u.name_key", "u.id"],
        UserSort::Email => &["u.email_key", "u.id"],
        UserSort::Status => &["u.status", "u.name_key", "u.id"],
        UserSort::AddedOn => &["u.created_at", "u.id"],
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

/// The search term as an FTS5 phrase: keyed like the indexed text, quotes doubled, so any
/// characters the user types are matched literally and never parsed as FTS syntax.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The search box's text as the term to look for: trimmed, without control characters. No
/// name or email takes them, and FTS5 cannot: its query text ends at a NUL, so `ab`+NUL+`cd`
/// was an unterminated string (a syntax error) instead of a search. They are dropped as the
/// downloads drop them, so `ab`+NUL+`cd` looks for `abcd` and NULs alone for nothing.
fn search_term(search: &str) -> String {
    trim_input(&without_controls(search)).to_owned()
}

/// Filters shared by the page and the count: Workspace, removed or not, visibility, search.
/// Returns the SQL `FROM … WHERE …` and binds its values.
pub(crate) fn from_where(
    actor: &Actor,
    query: &UserQuery,
    args: &mut SqliteArguments,
) -> Result<String> {
    let typed = search_term(&query.search);
    let typed = typed.as_str();
    let term = sort_key(typed);
    let (removed_from, removed_to) = match query.filter {
        StatusFilter::Current => (false, false),
        StatusFilter::Removed => (true, true),
        StatusFilter::All => (false, true),
    };
    let mut sql = String::new();
    // With a search, the matching rowids are found first (in an index) and joined to users,
    // so the work grows with the number of matches, never with the size of the Workspace.
    if term.chars().count() >= TRIGRAM {
        sql.push_str(
            "FROM (SELECT rowid AS hit FROM users_fts WHERE users_fts MATCH ?) hits
             CROSS JOIN users u ON u.rowid = hits.hit ",
        );
        bind(args, fts_phrase(&term))?;
    } else if !term.is_empty() {
        sql.push_str(
            "FROM (SELECT rowid AS hit FROM users
                   WHERE workspace_id = ? AND removed BETWEEN ? AND ?
                     AND name_key >= ? AND name_key < ?
                   UNION
                   SELECT rowid FROM users
                   WHERE workspace_id = ? AND removed BETWEEN ? AND ?
                     AND email_key >= ? AND email_key < ?) hits
             CROSS JOIN users u ON u.rowid = hits.hit ",
        );
        for prefix in [term.clone(), fold(typed)] {
            bind(args, actor.workspace_id.clone())?;
            bind(args, removed_from)?;
            bind(args, removed_to)?;
            bind(args, prefix.clone())?;
            bind(args, format!("{prefix}\u{10FFFF}"))?;
        }
    } else {
        sql.push_str("FROM users u ");
    }
    sql.push_str("WHERE u.workspace_id = ? AND u.removed BETWEEN ? AND ? ");
    bind(args, actor.workspace_id.clone())?;
    bind(args, removed_from)?;
    bind(args, removed_to)?;
    if !actor.can(Permission::UsersView) {
        sql.push_str("AND u.id = ? ");
        bind(args, actor.user_id.clone())?;
    }
    Ok(sql)
}

fn bind<'q, T>(args: &mut SqliteArguments, value: T) -> Result<()>
where
    T: sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + 'q,
{
    args.add(value)
        .map_err(|e| Error::Database(sqlx::Error::Encode(e)))
}

impl Roster {
    /// One page of the user list, with the number of matches and the Workspace totals. Users
    /// without `users.view` see only themselves. `limit` is clamped to 1..=500. Errors:
    /// [`Error::Forbidden`] for a cursor from another order.
    pub async fn list_users(&self, session: &Session, query: &UserQuery) -> Result<UserPage> {
        let query = &UserQuery {
            limit: query.limit.clamp(1, MAX_PAGE),
            ..query.clone()
        };
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        let counts = counts(&mut conn, &actor).await?;
        let matching = matching(&mut conn, &actor, query, &counts).await?;
        let (items, next_cursor) = page(&mut conn, &actor, query).await?;
        Ok(UserPage {
            items,
            next_cursor,
            matching,
            counts,
        })
    }
}

/// The list query in the requested order: `SELECT` user columns (+ keys) `FROM … WHERE …`,
/// after the cursor keys when given, `ORDER BY` the sort columns, `LIMIT ?`.
/// All values are bound into `args`.
fn select_sql(
    actor: &Actor,
    query: &UserQuery,
    args: &mut SqliteArguments,
    limit: i64,
) -> Result<String> {
    let mut sql = format!(
        "SELECT {}, u.name_key, u.email_key {}",
        user_columns!(),
        from_where(actor, query, args)?
    );
    let columns = sort_columns(query.sort);
    let (direction, compare) = match query.direction {
        SortDirection::Asc => ("ASC", ">"),
        SortDirection::Desc => ("DESC", "<"),
    };
    if let Some(after) = &query.after {
        let keys = decode_cursor(after, query.sort)?;
        let placeholders = vec!["?"; keys.len()].join(", ");
        sql.push_str(&format!(
            "AND ({}) {compare} ({placeholders}) ",
            columns.join(", ")
        ));
        for key in keys {
            bind(args, key)?;
        }
    }
    let order: Vec<String> = columns.iter().map(|c| format!("{c} {direction}")).collect();
    sql.push_str(&format!("ORDER BY {}", order.join(", ")));
    sql.push_str(" LIMIT ?");
    bind(args, limit)?;
    Ok(sql)
}

/// The list query (no cursor, no limit) as batches: each result row is one JSON array of up to
/// `batch` users in list order, each user `[first_name, last_name, email, phone,
/// is_super_user, role_names, status, created_at, last_sign_in_at]`. A download reads 100,000
/// users as 100 rows instead of 100,000: sqlx hands every result row between threads, and that
/// handoff, not SQLite, was most of the cost. The users (with their role names) are gathered
/// first, in table order, and sorted afterwards: looking roles up in list order touched the
/// role index at random and cost more than the sort.
pub(crate) fn batches_sql(
    actor: &Actor,
    query: &UserQuery,
    args: &mut SqliteArguments,
    batch: u32,
) -> Result<String> {
    let direction = match query.direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    let order: Vec<String> = sort_columns(query.sort)
        .iter()
        .map(|c| format!("{} {direction}", c.trim_start_matches("u.")))
        .collect();
    Ok(format!(
        "WITH chosen AS MATERIALIZED (
             SELECT u.first_name, u.last_name, u.email, u.phone, u.is_super_user, u.status,
                    u.created_at, u.last_sign_in_at, u.name_key, u.email_key, u.id,
                    {} AS role_names {})
         SELECT json_group_array(json_array(first_name, last_name, email, phone, is_super_user,
                    role_names, status, created_at, last_sign_in_at) ORDER BY rn)
         FROM (SELECT *, row_number() OVER (ORDER BY {}) AS rn FROM chosen)
         GROUP BY (rn - 1) / {batch} ORDER BY (rn - 1) / {batch}",
        role_names!(),
        from_where(actor, query, args)?,
        order.join(", ")
    ))
}

async fn page(
    conn: &mut SqliteConnection,
    actor: &Actor,
    query: &UserQuery,
) -> Result<(Vec<UserSummary>, Option<String>)> {
    let mut args = SqliteArguments::default();
    let sql = select_sql(actor, query, &mut args, i64::from(query.limit) + 1)?;
    let mut rows: Vec<ListRow> = sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_all(&mut *conn)
        .await?;
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

/// How many users match `query`: read from the Workspace totals when there is no search,
/// counted through the search index otherwise.
pub(crate) async fn matching(
    conn: &mut SqliteConnection,
    actor: &Actor,
    query: &UserQuery,
    counts: &UserCounts,
) -> Result<i64> {
    if search_term(&query.search).is_empty() {
        return Ok(match query.filter {
            StatusFilter::Current => counts.users,
            StatusFilter::Removed => counts.removed,
            StatusFilter::All => counts.users + counts.removed,
        });
    }
    let mut args = SqliteArguments::default();
    let sql = format!("SELECT count(*) {}", from_where(actor, query, &mut args)?);
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
