//! How a page of the user list is found: the plan is chosen per request from the sort, the
//! filter and how many users the search term matches, so no page query sorts more than
//! [`SORT_AT_MOST`] rows or walks an index it cannot stop early in.
//!
//! A page is the union of *arms*. One arm per stored `removed` value the filter allows (an
//! equality on `removed`, so each arm is an ordered range of the sort's index; a range over
//! `removed` made SQLite sort every user before the first page, issue 10), times one arm per
//! way the term can match: anywhere (trigram), at the start of the name, at the start of the
//! email. Each arm returns at most `limit` row ids in list order; the rows are merged and cut
//! to `limit` in Rust. An arm is answered in one of three ways:
//! - **range walk**: the arm is a range of the sort index (no term, or a name prefix when
//!   sorting by name, an email prefix when sorting by email): read `limit` entries, stop;
//! - **sorted matches**: the term matches fewer than [`SORT_AT_MOST`] users: find them in
//!   their index (FTS5 trigram, or the name/email prefix range) and sort only those;
//! - **filtered walk**: the term matches many users: walk the sort index in order and keep
//!   the index entries that match (the indexes carry the keys and search text, so no table
//!   row is read) until `limit` are found — with at least [`SORT_AT_MOST`] matches spread
//!   over the Workspace that takes a few thousand entries, not all of them.

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, SqliteConnection};

use crate::error::{Error, Result};
use crate::model::{SortDirection, UserSort};
use crate::users::list::{PageRequest, Term, removed_values, sort_columns};

/// Matches up to which a search sorts (and counts) its matches instead of walking the sort
/// index. The order indexes carry the search text, so a walk reads no table rows: at 100,000
/// users on the build machine a term with more matches than this (1 % of such a Workspace)
/// fills a page of 100 faster by walking than by finding and sorting its matches, and
/// counting them is left to a second call ([`crate::Roster::count_users`]); see
/// docs/benchmarks.md.
pub(crate) const SORT_AT_MOST: i64 = 1_000;

/// One way a row can match the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Everyone,
    NamePrefix,
    EmailPrefix,
    Anywhere,
}

/// How one arm is answered (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Way {
    RangeWalk,
    SortedMatches,
    FilteredWalk,
}

/// `INDEXED BY` the index whose order is the list order (see the first migration).
fn sort_index(sort: UserSort) -> &'static str {
    match sort {
        UserSort::Name => "INDEXED BY users_by_name",
        UserSort::Email => "INDEXED BY users_by_email",
        UserSort::Status => "INDEXED BY users_by_status",
        UserSort::AddedOn => "INDEXED BY users_by_added",
    }
}

fn matches(term: &Term) -> &'static [Match] {
    match term {
        Term::Everyone => &[Match::Everyone],
        Term::Prefix { .. } => &[Match::NamePrefix, Match::EmailPrefix],
        Term::Anywhere(_) => &[Match::Anywhere],
    }
}

/// An arm's SQL and the values it binds, in order.
struct Arm {
    sql: String,
    values: Vec<Value>,
}

enum Value {
    Text(String),
    Flag(bool),
    Number(i64),
}

impl Arm {
    fn new() -> Self {
        Self {
            sql: String::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        self.sql.push_str(sql);
        self.values.extend(values);
    }
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// The index range (or filter) for one way of matching, as `AND …` on table `users`.
fn match_condition(arm: &mut Arm, how: Match, term: &Term) {
    match (how, term) {
        (Match::NamePrefix, Term::Prefix { name, .. }) => arm.push(
            "AND name_key >= ? AND name_key < ? ",
            [text(name), Value::Text(format!("{name}\u{10FFFF}"))],
        ),
        (Match::EmailPrefix, Term::Prefix { email, .. }) => arm.push(
            "AND email_key >= ? AND email_key < ? ",
            [text(email), Value::Text(format!("{email}\u{10FFFF}"))],
        ),
        (Match::Anywhere, Term::Anywhere(term)) => {
            arm.push("AND instr(search_text, ?) > 0 ", [text(term)])
        }
        _ => {}
    }
}

/// The term as an FTS5 phrase: quotes doubled, so any characters the user types are matched
/// literally and never parsed as FTS syntax.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The filters every arm shares: Workspace, one `removed` value, the only visible user.
fn common(arm: &mut Arm, request: &PageRequest<'_>, removed: bool) {
    arm.push(
        "WHERE workspace_id = ? AND removed = ? ",
        [text(request.workspace_id), Value::Flag(removed)],
    );
    if let Some(user_id) = request.only_user {
        arm.push("AND id = ? ", [text(user_id)]);
    }
}

/// `AND (keys) > (after)` (or `<` descending) and `ORDER BY … LIMIT ?`.
fn keyset_and_order(arm: &mut Arm, request: &PageRequest<'_>) {
    let columns = sort_columns(request.sort);
    let (direction, compare) = match request.direction {
        SortDirection::Asc => ("ASC", ">"),
        SortDirection::Desc => ("DESC", "<"),
    };
    if let Some(keys) = &request.after {
        let placeholders = vec!["?"; keys.len()].join(", ");
        arm.push(
            &format!("AND ({}) {compare} ({placeholders}) ", columns.join(", ")),
            keys.iter().map(|k| text(k)),
        );
    }
    let order: Vec<String> = columns.iter().map(|c| format!("{c} {direction}")).collect();
    arm.push(
        &format!("ORDER BY {} LIMIT ?", order.join(", ")),
        [Value::Number(request.limit)],
    );
}

/// Whether the rows matching `how` are already a range of the sort's index.
fn is_range_of_sort(how: Match, sort: UserSort) -> bool {
    matches!(
        (how, sort),
        (Match::Everyone, _)
            | (Match::NamePrefix, UserSort::Name)
            | (Match::EmailPrefix, UserSort::Email)
    )
}

/// Whether an arm is read for a page (in order, after the cursor, `limit` rows) or counted
/// (every match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Page,
    Count,
}

/// The arm for one `removed` value and one way of matching, answered the way `way` says.
fn arm(request: &PageRequest<'_>, removed: bool, how: Match, way: Way, shape: Shape) -> Arm {
    let mut arm = Arm::new();
    let fts = matches!(
        (request.only_user, way, request.term),
        (None, Way::SortedMatches, Term::Anywhere(_))
    );
    if let (true, Term::Anywhere(term)) = (fts, request.term) {
        arm.push(
            "SELECT u.rowid AS hit FROM users_fts f CROSS JOIN users u ON u.rowid = f.rowid
             WHERE users_fts MATCH ? AND u.workspace_id = ? AND u.removed = ? ",
            [
                Value::Text(fts_phrase(term)),
                text(request.workspace_id),
                Value::Flag(removed),
            ],
        );
    } else {
        // One row at most for a user who sees only themselves: the unique id index finds it.
        // Every match of a common term (or every user), in no order, is read fastest in table
        // order: walking an index would read the table at random.
        let index = match (request.only_user, way, how, shape) {
            (Some(_), _, _, _) => "",
            (None, Way::FilteredWalk, _, Shape::Count) => "NOT INDEXED",
            (None, _, Match::Everyone, Shape::Count) => "NOT INDEXED",
            (None, Way::SortedMatches, Match::EmailPrefix, _) => "INDEXED BY users_by_email",
            (None, Way::SortedMatches, _, _) => "INDEXED BY users_by_name",
            (None, _, _, _) => sort_index(request.sort),
        };
        arm.push(&format!("SELECT rowid AS hit FROM users {index} "), []);
        common(&mut arm, request, removed);
        match_condition(&mut arm, how, request.term);
    }
    if shape == Shape::Page {
        keyset_and_order(&mut arm, request);
    }
    arm
}

/// How many users of the Workspace with this `removed` value match `how`, counted up to
/// [`SORT_AT_MOST`]; the trigram count covers every Workspace and status (an estimate is
/// enough to choose a plan, and it costs no table reads).
async fn matches_up_to_limit(
    conn: &mut SqliteConnection,
    request: &PageRequest<'_>,
    removed: bool,
    how: Match,
) -> Result<i64> {
    let mut arm = Arm::new();
    match (how, request.term) {
        (Match::Anywhere, Term::Anywhere(term)) => arm.push(
            "SELECT 1 FROM users_fts WHERE users_fts MATCH ? ",
            [Value::Text(fts_phrase(term))],
        ),
        _ => {
            arm.push("SELECT 1 FROM users ", []);
            common(&mut arm, request, removed);
            match_condition(&mut arm, how, request.term);
        }
    }
    let sql = format!("SELECT count(*) FROM ({} LIMIT ?)", arm.sql);
    arm.values.push(Value::Number(SORT_AT_MOST));
    Ok(
        sqlx::query_scalar_with(sqlx::AssertSqlSafe(sql), arguments(arm.values)?)
            .fetch_one(conn)
            .await?,
    )
}

/// One arm of a plan: a `removed` value, a way of matching, how it is answered and, for a
/// search, how many users it matches counted up to [`SORT_AT_MOST`].
#[derive(Debug, Clone, Copy)]
struct ArmPlan {
    removed: bool,
    how: Match,
    way: Way,
    matches: Option<i64>,
}

/// The chosen plan: how each arm is answered.
pub(crate) struct Plan<'a> {
    request: &'a PageRequest<'a>,
    arms: Vec<ArmPlan>,
}

impl Plan<'_> {
    /// How each arm is answered, in order (for plan checks).
    #[cfg(test)]
    pub fn ways(&self) -> impl Iterator<Item = Way> + '_ {
        self.arms.iter().map(|a| a.way)
    }

    /// Whether the page should count every match: no search (the Workspace totals answer),
    /// a user who sees only themselves, or a search whose every arm has fewer than
    /// [`SORT_AT_MOST`] matches.
    pub fn few_matches(&self) -> bool {
        self.request.everyone().is_some()
            || self.request.only_user.is_some()
            || self
                .arms
                .iter()
                .all(|a| a.matches.is_some_and(|n| n < SORT_AT_MOST))
    }

    fn union(&self, shape: Shape) -> Result<(String, SqliteArguments)> {
        let arms: Vec<Arm> = self
            .arms
            .iter()
            .map(|a| arm(self.request, a.removed, a.how, a.way, shape))
            .collect();
        // Arms overlap only where a user's name and email both start with the term.
        let union = match self.request.term {
            Term::Prefix { .. } => " UNION ",
            _ => " UNION ALL ",
        };
        let sql = arms
            .iter()
            .map(|a| format!("SELECT hit FROM ({})", a.sql))
            .collect::<Vec<_>>()
            .join(union);
        Ok((sql, arguments(arms.into_iter().flat_map(|a| a.values))?))
    }

    /// The page query: `SELECT {columns} FROM (hits) page CROSS JOIN users u ON …`, users
    /// aliased `u`. Rows come in no particular order; the caller sorts them by their keys.
    pub fn select(&self, columns: &str) -> Result<(String, SqliteArguments)> {
        let (hits, args) = self.union(Shape::Page)?;
        let sql =
            format!("SELECT {columns} FROM ({hits}) page CROSS JOIN users u ON u.rowid = page.hit");
        Ok((sql, args))
    }

    /// `FROM (every match) m CROSS JOIN users u ON …`, ignoring cursor and limit, users
    /// aliased `u`, in no order: what counts and downloads read. Reads each match once
    /// through the index that finds it; without few matches that is a walk of the whole sort
    /// index.
    pub fn every_match_source(&self) -> Result<(String, SqliteArguments)> {
        let (hits, args) = self.union(Shape::Count)?;
        Ok((
            format!("FROM ({hits}) m CROSS JOIN users u ON u.rowid = m.hit "),
            args,
        ))
    }

    /// Each arm's page SQL with its values, for `EXPLAIN QUERY PLAN` in tests.
    #[cfg(test)]
    pub fn arm_queries(&self) -> Result<Vec<(String, SqliteArguments)>> {
        self.arms
            .iter()
            .map(|a| {
                let q = arm(self.request, a.removed, a.how, a.way, Shape::Page);
                Ok((q.sql, arguments(q.values)?))
            })
            .collect()
    }
}

/// Chooses how to answer each arm of `request`, counting (up to [`SORT_AT_MOST`]) how many
/// users each way of matching the term finds.
pub(crate) async fn plan<'a>(
    conn: &mut SqliteConnection,
    request: &'a PageRequest<'a>,
) -> Result<Plan<'a>> {
    let mut arms = Vec::new();
    for removed in removed_values(request.filter) {
        for how in matches(request.term) {
            let matches = match (how, request.only_user) {
                (Match::Everyone, _) | (_, Some(_)) => None,
                _ => Some(matches_up_to_limit(conn, request, *removed, *how).await?),
            };
            let way = if is_range_of_sort(*how, request.sort) || request.only_user.is_some() {
                Way::RangeWalk
            } else if matches.is_some_and(|n| n < SORT_AT_MOST) {
                Way::SortedMatches
            } else {
                Way::FilteredWalk
            };
            arms.push(ArmPlan {
                removed: *removed,
                how: *how,
                way,
                matches,
            });
        }
    }
    Ok(Plan { request, arms })
}

/// A plan that answers every arm the way `way` says where it can, whatever the data; plan
/// checks use it to explain every way on a small database.
#[cfg(test)]
pub(crate) fn forced<'a>(request: &'a PageRequest<'a>, way: Way) -> Plan<'a> {
    let arms = removed_values(request.filter)
        .iter()
        .flat_map(|removed| matches(request.term).iter().map(|how| (*removed, *how)))
        .map(|(removed, how)| ArmPlan {
            removed,
            how,
            way: if is_range_of_sort(how, request.sort) {
                Way::RangeWalk
            } else {
                way
            },
            matches: None,
        })
        .collect();
    Plan { request, arms }
}

fn arguments(values: impl IntoIterator<Item = Value>) -> Result<SqliteArguments> {
    let mut args = SqliteArguments::default();
    for value in values {
        let added = match value {
            Value::Text(v) => args.add(v),
            Value::Flag(v) => args.add(v),
            Value::Number(v) => args.add(v),
        };
        added.map_err(|e| Error::Database(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    //! Plan checks: every page query of every shape must read an index range (never scan a
    //! table or an index from its start) and only the bounded "sorted matches" arms may sort.
    //! Timings drift with the machine; plans are what broke when the list got 20–200× slower.

    use super::*;
    use crate::model::{SortDirection, StatusFilter, UserSort};
    use crate::store::sqlite::users::user_columns;

    async fn explain(
        conn: &mut SqliteConnection,
        (sql, args): (String, SqliteArguments),
    ) -> Vec<String> {
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as_with(
            sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")),
            args,
        )
        .fetch_all(conn)
        .await
        .expect("explain");
        rows.into_iter().map(|(_, _, _, detail)| detail).collect()
    }

    /// A full pass over a table or index: `SCAN users …` / `SCAN u …`. Scans of a subquery's
    /// rows or of the FTS5 virtual table are how they are read and fine.
    fn scans_a_table(line: &str) -> bool {
        ["SCAN users", "SCAN u ", "SCAN u\n"]
            .iter()
            .any(|p| format!("{line}\n").starts_with(p))
            || line == "SCAN u"
    }

    const SORTS: [UserSort; 4] = [
        UserSort::Name,
        UserSort::Email,
        UserSort::Status,
        UserSort::AddedOn,
    ];

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
        let dir = tempfile::tempdir().expect("temp dir");
        let db = super::super::SqliteDatabase::open(&dir.path().join("plans.db"))
            .await
            .expect("open");
        let mut conn = db.pool.acquire().await.expect("connection");
        let mut checked = 0;
        for sort in SORTS {
            for direction in [SortDirection::Asc, SortDirection::Desc] {
                for filter in [
                    StatusFilter::Current,
                    StatusFilter::Removed,
                    StatusFilter::All,
                ] {
                    for term in terms() {
                        for after in [None, Some(vec!["k".to_owned(); sort_columns(sort).len()])] {
                            for only_user in [None, Some("u1")] {
                                let request = PageRequest {
                                    workspace_id: "w1",
                                    filter,
                                    sort,
                                    direction,
                                    after: after.clone(),
                                    limit: 101,
                                    only_user,
                                    term: &term,
                                };
                                for way in [Way::SortedMatches, Way::FilteredWalk] {
                                    let plan = forced(&request, way);
                                    let ways: Vec<Way> = plan.ways().collect();
                                    let arms = plan.arm_queries().expect("arms");
                                    for (way, query) in ways.into_iter().zip(arms) {
                                        let sql = query.0.clone();
                                        let lines = explain(&mut conn, query).await;
                                        let context = format!(
                                            "{sort:?} {direction:?} {filter:?} {term:?} after={} only={only_user:?} {way:?}\n{sql}\n{lines:#?}",
                                            after.is_some()
                                        );
                                        assert!(
                                            !lines.iter().any(|l| scans_a_table(l)),
                                            "a table scan: {context}"
                                        );
                                        if only_user.is_some() {
                                            assert!(
                                                lines.iter().any(|l| l.contains("(id=?)")),
                                                "own row by id: {context}"
                                            );
                                        } else if way != Way::SortedMatches {
                                            assert!(
                                                !lines.iter().any(|l| l.contains("TEMP B-TREE")),
                                                "a sort: {context}"
                                            );
                                            let index =
                                                sort_index(sort).trim_start_matches("INDEXED BY ");
                                            assert!(
                                                lines.iter().any(|l| l
                                                    .starts_with("SEARCH users USING")
                                                    && l.contains(index)
                                                    && l.contains("workspace_id=? AND removed=?")),
                                                "not a range of {index}: {context}"
                                            );
                                        }
                                        checked += 1;
                                    }
                                    let (sql, args) = plan
                                        .select(concat!(user_columns!(), ", u.name_key"))
                                        .expect("page");
                                    let lines = explain(&mut conn, (sql.clone(), args)).await;
                                    assert!(
                                        !lines.iter().any(|l| scans_a_table(l)),
                                        "page query scans: {sql}\n{lines:#?}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "{checked} arms checked");
    }
}
