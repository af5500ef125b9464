//! The user list on PostgreSQL: a plan per request, chosen as on SQLite by how selective the
//! term is (measurements behind each choice: docs/research/list-plans.md §3).
//!
//! A page is one arm per `removed` value the filter allows — an equality on `removed`, so each
//! arm is an ordered range of the sort's index — each with its own `ORDER BY … LIMIT`, merged
//! (`Merge Append`) and cut again. The rows' columns and role names are read for the page's
//! rows only. A search is answered one of two ways:
//! - **walk**: the sort index is walked in order and each entry tested (the indexes `INCLUDE`
//!   the other keys and the search text, so no table row is read) until the page is full;
//! - **sorted matches**: when few users can match — fewer than [`FEW`] name or email prefixes
//!   in their B-tree ranges, or fewer than [`FEW_CANDIDATES`] estimated trigram candidates for
//!   a longer term — every match is found through its index (B-tree ranges, or the `pg_trgm`
//!   GIN index), counted, and only those are sorted.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::{Postgres, QueryBuilder};

use super::users::{Row, user_columns};
use super::{PgTx, at, id, stamp};
use crate::error::Result;
use crate::model::{SortDirection, Status, UserSort};
use crate::store::{ExportUser, ListStore, ListedPage, ListedUser};
use crate::users::list::{PageRequest, Term, removed_values, sort_columns};

/// Matches up to which a prefix search sorts (and counts) its matches.
const FEW: i64 = 1_000;
/// Estimated trigram candidates up to which a search uses the GIN index: a bitmap scan is
/// never cut short by `LIMIT`, and pg_trgm keeps no positions, so a term made of common
/// trigrams ("example demo") has every row as a candidate (research §3).
const FEW_CANDIDATES: f64 = 3_000.0;
/// Rows a selectivity sample aims to read.
const SAMPLE_ROWS: f64 = 2_000.0;
/// Substrings of a term the sample tests candidates with, at most.
const MAX_WINDOWS: usize = 8;

type Builder = QueryBuilder<Postgres>;

/// `keys` with the alias `table.` and the direction, for `ORDER BY`.
fn order(sort: UserSort, direction: SortDirection, table: &str) -> String {
    let direction = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    sort_columns(sort)
        .iter()
        .map(|c| format!("{table}{c} {direction}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `%term%` for `LIKE`, with `\`, `%` and `_` escaped (PostgreSQL's default escape is `\`).
fn like_anywhere(term: &str) -> String {
    let mut pattern = String::from("%");
    for c in term.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The substrings every row pg_trgm would offer as a candidate for `term` holds: the
/// 3-character windows of each run of letters and digits, and a shorter run itself.
fn windows(term: &str) -> Vec<String> {
    let mut found = Vec::new();
    for run in term
        .split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
    {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() < 3 {
            found.push(run.to_owned());
        } else {
            found.extend(chars.windows(3).map(|w| w.iter().collect::<String>()));
        }
    }
    found.dedup();
    found.truncate(MAX_WINDOWS);
    found
}

/// How a request's rows match the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    /// Tested entry by entry while walking an index.
    Walk,
    /// Found through the term's own index (prefix ranges, or the trigram index).
    Indexed,
    /// One kind of prefix match (the start of the name or of the email), reached one way.
    Prefix(Starts, Reach),
}

/// Where a one- or two-character term must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Starts {
    Name,
    Email,
}

/// How the rows of one prefix arm are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// A B-tree range of the key: in order when the key is the sort's, else few rows sorted.
    Range,
    /// Tested on each entry while walking the sort index.
    Tested,
}

/// How many users each way can match, as far as the plan needs to know: whether every match
/// is few enough to find and sort, and for a prefix term, which of the two ranges is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Few {
    all: bool,
    name: bool,
    email: bool,
}

impl Few {
    /// How the arm for `starts` is reached when the page walks.
    fn reach(self, starts: Starts, sort: UserSort) -> Reach {
        match (starts, sort) {
            (Starts::Name, UserSort::Name) | (Starts::Email, UserSort::Email) => Reach::Range,
            (Starts::Name, _) if self.name => Reach::Range,
            (Starts::Email, _) if self.email => Reach::Range,
            _ => Reach::Tested,
        }
    }
}

/// `WHERE` for the users aliased `table`: Workspace, one `removed` value (or `all`), the only
/// visible user, the term.
fn filter(qb: &mut Builder, request: &PageRequest<'_>, removed: &[bool], table: &str, test: Test) {
    qb.push(format!(" WHERE {table}workspace_id = "))
        .push_bind(id(request.workspace_id));
    match removed {
        [one] => qb.push(format!(" AND {table}removed = ")).push_bind(*one),
        _ => qb.push(""),
    };
    if let Some(user) = request.only_user {
        qb.push(format!(" AND {table}id = ")).push_bind(id(user));
    }
    match (request.term, test) {
        (Term::Everyone, _) => {}
        (Term::Prefix { name, email }, Test::Walk) => {
            // Not an index condition, on purpose: tested on each entry of the sort index,
            // so the planner cannot trade the ordered walk for a bitmap of both ranges and a
            // sort of every match (29 ms for "ma" at 100,000 users).
            qb.push(format!(" AND (strpos({table}name_key, "))
                .push_bind(name.clone())
                .push(format!(") = 1 OR strpos({table}email_key, "))
                .push_bind(email.clone())
                .push(") = 1)");
        }
        (Term::Prefix { name, email }, Test::Indexed) => {
            qb.push(format!(" AND (({table}name_key >= "))
                .push_bind(name.clone())
                .push(format!(" AND {table}name_key < "))
                .push_bind(format!("{name}\u{10FFFF}"))
                .push(format!(") OR ({table}email_key >= "))
                .push_bind(email.clone())
                .push(format!(" AND {table}email_key < "))
                .push_bind(format!("{email}\u{10FFFF}"))
                .push("))");
        }
        (Term::Prefix { name, email }, Test::Prefix(starts, reach)) => {
            let (column, value) = match starts {
                Starts::Name => ("name_key", name),
                Starts::Email => ("email_key", email),
            };
            match reach {
                Reach::Range => qb
                    .push(format!(" AND {table}{column} >= "))
                    .push_bind(value.clone())
                    .push(format!(" AND {table}{column} < "))
                    .push_bind(format!("{value}\u{10FFFF}")),
                Reach::Tested => qb
                    .push(format!(" AND strpos({table}{column}, "))
                    .push_bind(value.clone())
                    .push(") = 1"),
            };
            // The email arm leaves out whom the name arm lists, so the arms are disjoint
            // and merge in order without a sort to remove doubles.
            if starts == Starts::Email {
                qb.push(format!(" AND strpos({table}name_key, "))
                    .push_bind(name.clone())
                    .push(") <> 1");
            }
        }
        (_, Test::Prefix(..)) => {}
        (Term::Anywhere(term), Test::Walk) => {
            qb.push(format!(" AND strpos({table}search_text, "))
                .push_bind(term.clone())
                .push(") > 0");
        }
        (Term::Anywhere(term), Test::Indexed) => {
            qb.push(format!(" AND {table}search_text LIKE "))
                .push_bind(like_anywhere(term));
        }
    }
}

/// `AND (keys) > (cursor)` (`<` descending) on the rows aliased `table`.
fn after(qb: &mut Builder, request: &PageRequest<'_>, table: &str) {
    let Some(keys) = &request.after else {
        return;
    };
    let columns = sort_columns(request.sort);
    let compare = match request.direction {
        SortDirection::Asc => ">",
        SortDirection::Desc => "<",
    };
    let names: Vec<String> = columns.iter().map(|c| format!("{table}{c}")).collect();
    qb.push(format!(" AND ({}) {compare} (", names.join(", ")));
    for (i, (column, key)) in columns.iter().zip(keys).enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        match *column {
            "id" => qb.push_bind(id(key)),
            "created_at" => qb.push_bind(at(key)),
            _ => qb.push_bind(key.clone()),
        };
    }
    qb.push(")");
}

/// The page's ids and keys: one arm per `removed` value — and for a prefix term, per kind of
/// match, each reached as [`Few::reach`] says — each its own ordered range.
fn walk_keys(qb: &mut Builder, request: &PageRequest<'_>, few: Few) {
    let keys = sort_columns(request.sort).join(", ");
    let tests: Vec<Test> = match request.term {
        Term::Prefix { .. } => [Starts::Name, Starts::Email]
            .into_iter()
            .map(|starts| Test::Prefix(starts, few.reach(starts, request.sort)))
            .collect(),
        _ => vec![Test::Walk],
    };
    let arms = removed_values(request.filter)
        .iter()
        .flat_map(|removed| tests.iter().map(move |test| (*removed, *test)));
    qb.push(format!("SELECT {keys} FROM ("));
    for (i, (removed, test)) in arms.enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push(format!("(SELECT {keys} FROM users u"));
        filter(qb, request, &[removed], "u.", test);
        after(qb, request, "u.");
        qb.push(format!(
            " ORDER BY {} LIMIT {})",
            order(request.sort, request.direction, "u."),
            request.limit
        ));
    }
    qb.push(format!(
        ") a ORDER BY {} LIMIT {}",
        order(request.sort, request.direction, "a."),
        request.limit
    ));
}

/// The page's ids and keys when the plan walks: no total comes with them.
fn walk_page(qb: &mut Builder, request: &PageRequest<'_>, few: Few) {
    let keys = sort_columns(request.sort).join(", ");
    qb.push(format!("SELECT {keys}, NULL::bigint AS total FROM ("));
    walk_keys(qb, request, few);
    qb.push(") w");
}

/// Every match found through the term's index, counted (`total`, before the cursor cuts
/// them), then only those sorted.
fn sorted_keys(qb: &mut Builder, request: &PageRequest<'_>) {
    let keys = sort_columns(request.sort).join(", ");
    qb.push(format!(
        "SELECT {keys}, total FROM (SELECT {keys}, count(*) OVER () AS total FROM users m"
    ));
    filter(
        qb,
        request,
        removed_values(request.filter),
        "m.",
        Test::Indexed,
    );
    qb.push(" OFFSET 0) h WHERE true");
    after(qb, request, "h.");
    qb.push(format!(
        " ORDER BY {} LIMIT {}",
        order(request.sort, request.direction, "h."),
        request.limit
    ));
}

/// The page query: the page's keys found one way or the other, then their rows' columns and
/// role names, in list order.
/// `prefix` goes before it (plan checks put `EXPLAIN` there).
fn page_query(prefix: &str, request: &PageRequest<'_>, few: Few) -> Builder {
    let mut qb = Builder::new(prefix);
    qb.push(concat!(
        "SELECT ",
        user_columns!(),
        ", u.name_key, u.email_key, k.total FROM ("
    ));
    match few.all {
        true => sorted_keys(&mut qb, request),
        false => walk_page(&mut qb, request, few),
    }
    qb.push(format!(
        ") k JOIN users u ON u.id = k.id ORDER BY {}",
        order(request.sort, request.direction, "k.")
    ));
    qb
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    user: Row,
    name_key: String,
    email_key: String,
    /// Every match, when the plan found them all (sorted matches).
    total: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
    is_super_user: bool,
    role_names: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    last_sign_in_at: Option<DateTime<Utc>>,
}

impl PgTx {
    /// How few users can match the term: few enough to find them all through its index?
    async fn few(&mut self, request: &PageRequest<'_>) -> Result<Few> {
        if request.only_user.is_some() {
            return Ok(Few::default());
        }
        match request.term {
            Term::Everyone => Ok(Few::default()),
            Term::Prefix { .. } => {
                let name = self.up_to_few(request, Starts::Name).await?;
                let email = self.up_to_few(request, Starts::Email).await?;
                Ok(Few {
                    all: name + email < FEW,
                    name: name < FEW,
                    email: email < FEW,
                })
            }
            Term::Anywhere(term) => {
                let users: i64 = sqlx::query_scalar(
                    "SELECT coalesce(sum(users), 0)::bigint FROM user_status_counts
                     WHERE workspace_id = $1",
                )
                .bind(id(request.workspace_id))
                .fetch_one(self.conn())
                .await?;
                let percent = (100.0 * SAMPLE_ROWS / (users.max(1) as f64)).min(100.0);
                let mut qb = Builder::new("SELECT count(*), count(*) FILTER (WHERE true");
                for window in windows(term) {
                    qb.push(" AND strpos(search_text, ")
                        .push_bind(window)
                        .push(") > 0");
                }
                qb.push(") FROM users TABLESAMPLE SYSTEM (")
                    .push_bind(percent)
                    .push(") WHERE workspace_id = ")
                    .push_bind(id(request.workspace_id));
                let (sampled, candidates): (i64, i64) =
                    qb.build_query_as().fetch_one(self.conn()).await?;
                let all = match sampled {
                    0 => users < FEW,
                    _ => (candidates as f64 / sampled as f64 * users as f64) < FEW_CANDIDATES,
                };
                Ok(Few {
                    all,
                    ..Few::default()
                })
            }
        }
    }

    /// How many users' names (or emails) start with the term, counted up to [`FEW`] in the
    /// key's B-tree range.
    async fn up_to_few(&mut self, request: &PageRequest<'_>, starts: Starts) -> Result<i64> {
        let mut qb = Builder::new("SELECT count(*) FROM (SELECT 1 FROM users m");
        let removed = removed_values(request.filter);
        filter(
            &mut qb,
            request,
            removed,
            "m.",
            Test::Prefix(starts, Reach::Range),
        );
        qb.push(format!(" LIMIT {FEW}) few"));
        Ok(qb.build_query_scalar().fetch_one(self.conn()).await?)
    }

    async fn count(&mut self, request: &PageRequest<'_>, test: Test) -> Result<i64> {
        let mut qb = Builder::new("SELECT count(*) FROM users m");
        filter(&mut qb, request, removed_values(request.filter), "m.", test);
        Ok(qb.build_query_scalar().fetch_one(self.conn()).await?)
    }
}

#[async_trait::async_trait]
impl ListStore for PgTx {
    async fn list_page(&mut self, request: &PageRequest<'_>) -> Result<ListedPage> {
        let few = self.few(request).await?;
        let mut qb = page_query("", request, few);
        let rows: Vec<ListRow> = qb.build_query_as().fetch_all(self.conn()).await?;
        let total = rows.first().and_then(|r| r.total);
        let rows = rows
            .into_iter()
            .map(|r| ListedUser {
                user: r.user.into(),
                name_key: r.name_key,
                email_key: r.email_key,
            })
            .collect();
        let matching = match (few.all, total, request.only_user) {
            (true, Some(total), _) => Some(total),
            (true, None, _) => Some(self.count(request, Test::Indexed).await?),
            (false, _, Some(_)) => Some(self.count(request, Test::Walk).await?),
            (false, _, None) => None,
        };
        Ok(ListedPage { rows, matching })
    }

    async fn count_matching(&mut self, request: &PageRequest<'_>) -> Result<i64> {
        self.count(request, Test::Indexed).await
    }

    async fn longest_values(&mut self, request: &PageRequest<'_>) -> Result<(i64, [i64; 4])> {
        let mut qb = Builder::new(
            "SELECT count(*), coalesce(max(char_length(m.first_name)), 0)::bigint,
                    coalesce(max(char_length(m.last_name)), 0)::bigint,
                    coalesce(max(char_length(m.email)), 0)::bigint,
                    coalesce(max(char_length(m.phone)), 0)::bigint
             FROM users m",
        );
        filter(
            &mut qb,
            request,
            removed_values(request.filter),
            "m.",
            Test::Indexed,
        );
        let (total, first, last, email, phone): (i64, i64, i64, i64, i64) =
            qb.build_query_as().fetch_one(self.conn()).await?;
        Ok((total, [first, last, email, phone]))
    }

    async fn export_users(
        &mut self,
        request: &PageRequest<'_>,
        size: u32,
        batch: &mut (dyn for<'r> FnMut(Vec<ExportUser<'r>>) -> Result<()> + Send),
    ) -> Result<()> {
        let mut qb = Builder::new(concat!(
            "SELECT u.first_name, u.last_name, u.email, u.phone, u.is_super_user, ",
            crate::store::postgres::users::role_names!(),
            " AS role_names, u.status, u.created_at,
               (SELECT s.last_sign_in_at FROM sign_ins s WHERE s.user_id = u.id)
                   AS last_sign_in_at
             FROM users u"
        ));
        filter(
            &mut qb,
            request,
            removed_values(request.filter),
            "u.",
            Test::Indexed,
        );
        qb.push(format!(
            " ORDER BY {}",
            order(request.sort, request.direction, "u.")
        ));
        let size = usize::try_from(size).unwrap_or(1).max(1);
        let mut rows = qb.build_query_as::<ExportRow>().fetch(self.conn());
        let mut pending: Vec<(ExportRow, String, Option<String>)> = Vec::with_capacity(size);
        loop {
            let next = rows.try_next().await?;
            let done = next.is_none();
            if let Some(row) = next {
                let added = stamp(row.created_at);
                let last = row.last_sign_in_at.map(stamp);
                pending.push((row, added, last));
            }
            if pending.len() == size || (done && !pending.is_empty()) {
                let users = pending
                    .iter()
                    .map(|(row, added, last)| ExportUser {
                        first_name: Cow::Borrowed(&row.first_name),
                        last_name: Cow::Borrowed(&row.last_name),
                        email: Cow::Borrowed(&row.email),
                        phone: Cow::Borrowed(&row.phone),
                        is_super_user: row.is_super_user,
                        role_names: row.role_names.as_deref().map(Cow::Borrowed),
                        status: Status::parse(&row.status),
                        created_at: added,
                        last_sign_in_at: last.as_deref(),
                    })
                    .collect();
                batch(users)?;
                pending.clear();
            }
            if done {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Plan checks on PostgreSQL (run by the PostgreSQL pass, `ROSTER_TEST_DATABASE=postgres`):
    //! with sequential scans (and, for walks, sorts) priced out — `enable_* = off` makes a node
    //! cost about 10^10 — a page query whose plan still costs that much needs one. So every
    //! walk reads its sort index in order, and sorted matches find their rows through an index.
    //! Timings drift with the machine; plans are what broke when the list got 20–200× slower.

    use super::*;
    use crate::model::{SortDirection, StatusFilter, UserSort};
    use crate::store::postgres::PgDatabase;
    use sqlx::{Connection, PgConnection};
    use uuid::Uuid;

    /// A plan that needed a disabled node costs at least this.
    const DISABLED: f64 = 1.0e9;

    /// The plan's total cost (from its first line) and its text.
    async fn explain(conn: &mut PgConnection, mut query: Builder) -> (f64, String) {
        let lines: Vec<String> = query
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await
            .expect("explain");
        let cost = lines
            .first()
            .and_then(|l| l.split("..").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|total| total.parse().ok())
            .unwrap_or(f64::MAX);
        (cost, lines.join("\n"))
    }

    fn terms() -> [Term; 3] {
        [
            Term::Everyone,
            Term::Prefix {
                name: "ma".into(),
                email: "ma".into(),
            },
            Term::Anywhere("mar".into()),
        ]
    }

    #[tokio::test]
    async fn every_page_reads_an_index_range_and_only_few_matches_are_sorted() {
        if std::env::var("ROSTER_TEST_DATABASE").as_deref() != Ok("postgres") {
            return;
        }
        let server = std::env::var("ROSTER_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://roster:roster@127.0.0.1:5432/postgres".into());
        let name = format!("roster_plans_{}", Uuid::now_v7().simple());
        let mut admin = PgConnection::connect(&server).await.expect("server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create");
        let (base, _) = server.rsplit_once('/').expect("database in URL");
        let db = PgDatabase::open(&format!("{base}/{name}"))
            .await
            .expect("open");
        let mut conn = db.pool.acquire().await.expect("connection").detach();
        let mut checked = 0;
        let workspace = Uuid::now_v7().to_string();
        let me = Uuid::now_v7().to_string();
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
                    for term in terms() {
                        let keys = match sort {
                            UserSort::Status => vec!["active".into(), "k".into(), me.clone()],
                            UserSort::AddedOn => {
                                vec!["2026-12-01T00:00:00.000Z".into(), me.clone()]
                            }
                            _ => vec!["k".into(), me.clone()],
                        };
                        for after in [None, Some(keys)] {
                            for only_user in [None, Some(me.as_str())] {
                                let request = PageRequest {
                                    workspace_id: &workspace,
                                    filter,
                                    sort,
                                    direction,
                                    after: after.clone(),
                                    limit: 101,
                                    only_user,
                                    term: &term,
                                };
                                let walks = [Few::default()];
                                let sorting = [
                                    Few {
                                        all: true,
                                        ..Few::default()
                                    },
                                    Few {
                                        all: false,
                                        name: true,
                                        email: true,
                                    },
                                ];
                                let searched = term != Term::Everyone && only_user.is_none();
                                let sorted: &[Few] = if searched { &sorting } else { &[] };
                                for few in walks.iter().chain(sorted) {
                                    let few = *few;
                                    // A walk must not sort; few matches (and a user's own row)
                                    // sort a bounded set.
                                    let sorts = few != Few::default() || only_user.is_some();
                                    let settings = format!(
                                        "SET enable_seqscan = off; SET enable_sort = {}",
                                        if sorts { "on" } else { "off" }
                                    );
                                    sqlx::raw_sql(sqlx::AssertSqlSafe(settings))
                                        .execute(&mut conn)
                                        .await
                                        .expect("settings");
                                    let query = page_query("EXPLAIN ", &request, few);
                                    let (cost, plan) = explain(&mut conn, query).await;
                                    assert!(
                                        cost < DISABLED,
                                        "{sort:?} {direction:?} {filter:?} {term:?} after={} only={} {few:?}: \
                                         needs a scan or a sort\n{plan}",
                                        after.is_some(),
                                        only_user.is_some()
                                    );
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        drop(conn);
        db.pool.close().await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await
        .expect("drop");
        assert!(checked > 300, "{checked} plans checked");
    }

    #[test]
    fn candidates_are_tested_by_the_windows_pg_trgm_would_need() {
        assert_eq!(windows("mari"), ["mar", "ari"]);
        assert_eq!(windows("佐藤 翔太"), ["佐藤", "翔太"]);
        assert!(windows("@@@").is_empty());
        assert_eq!(like_anywhere("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn uuid_keys_order_like_their_text() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        assert_eq!(a < b, a.to_string() < b.to_string());
    }
}
