//! The user list on SQLite: pages, counts and downloads through the plans of [`plan`].

use std::borrow::Cow;

use futures_util::TryStreamExt;

use super::SqliteTx;
use super::plan;
use super::users::{Row, role_names, user_columns};
use crate::error::{Error, Result};
use crate::model::{SortDirection, Status};
use crate::store::{ExportUser, ListStore, ListedPage, ListedUser};
use crate::users::list::{PageRequest, sort_columns, sort_keys};

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    user: Row,
    name_key: String,
    email_key: String,
}

/// A user of a download as [`batch_sql`] writes it: `[first_name, last_name, email, phone,
/// is_super_user, role_names, status, created_at, last_sign_in_at]`.
#[derive(serde::Deserialize)]
struct BatchUser<'a>(
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    i64,
    #[serde(borrow)] Option<Cow<'a, str>>,
    &'a str,
    &'a str,
    Option<&'a str>,
);

impl<'a> From<BatchUser<'a>> for ExportUser<'a> {
    fn from(u: BatchUser<'a>) -> Self {
        let BatchUser(
            first_name,
            last_name,
            email,
            phone,
            is_super_user,
            roles,
            status,
            added,
            last,
        ) = u;
        Self {
            first_name,
            last_name,
            email,
            phone,
            is_super_user: is_super_user != 0,
            role_names: roles,
            status: Status::parse(status),
            created_at: added,
            last_sign_in_at: last,
        }
    }
}

/// The list query (no cursor, no limit) as batches: each result row is one JSON array of up
/// to `batch` users in list order. A download reads 100,000 users as 100 rows instead of
/// 100,000: sqlx hands every result row between threads, and that handoff, not SQLite, was
/// most of the cost. The users (with their role names) are gathered first, in table order,
/// and sorted afterwards: looking roles up in list order touched the role index at random and
/// cost more than the sort.
fn batch_sql(
    plan: &plan::Plan<'_>,
    request: &PageRequest<'_>,
    batch: u32,
) -> Result<(String, sqlx::sqlite::SqliteArguments)> {
    let direction = match request.direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    let order: Vec<String> = sort_columns(request.sort)
        .iter()
        .map(|c| format!("{c} {direction}"))
        .collect();
    let (from, args) = plan.every_match_source()?;
    let sql = format!(
        "WITH chosen AS MATERIALIZED (
             SELECT u.first_name, u.last_name, u.email, u.phone, u.is_super_user, u.status,
                    u.created_at, (SELECT s.last_sign_in_at FROM sign_ins s
                                   WHERE s.user_id = u.id) AS last_sign_in_at,
                    u.name_key, u.email_key, u.id,
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

async fn count(tx: &mut SqliteTx, plan: &plan::Plan<'_>) -> Result<i64> {
    let (from, args) = plan.every_match_source()?;
    let sql = format!("SELECT count(*) {from}");
    Ok(sqlx::query_scalar_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_one(tx.conn())
        .await?)
}

/// One page as the plan answers it, in list order and cut to `limit`.
pub(super) async fn page(
    tx: &mut SqliteTx,
    plan: &plan::Plan<'_>,
    request: &PageRequest<'_>,
) -> Result<Vec<ListedUser>> {
    let (sql, args) = plan.select(concat!(user_columns!(), ", u.name_key, u.email_key"))?;
    let rows: Vec<ListRow> = sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_all(tx.conn())
        .await?;
    let mut rows: Vec<ListedUser> = rows
        .into_iter()
        .map(|r| ListedUser {
            user: r.user.into(),
            name_key: r.name_key,
            email_key: r.email_key,
        })
        .collect();
    // Keys compare as UTF-8 bytes, as SQLite's BINARY collation orders the indexes; they
    // are unique (the id is last), so reversing gives the descending order.
    rows.sort_by_cached_key(|r| sort_keys(r, request.sort));
    if request.direction == SortDirection::Desc {
        rows.reverse();
    }
    rows.truncate(usize::try_from(request.limit).unwrap_or(usize::MAX));
    Ok(rows)
}

#[async_trait::async_trait]
impl ListStore for SqliteTx {
    async fn list_page(&mut self, request: &PageRequest<'_>) -> Result<ListedPage> {
        let plan = plan::plan(self.conn(), request).await?;
        let rows = page(self, &plan, request).await?;
        let matching = match request.everyone().is_none() && plan.few_matches() {
            true => Some(count(self, &plan).await?),
            false => None,
        };
        Ok(ListedPage { rows, matching })
    }

    async fn count_matching(&mut self, request: &PageRequest<'_>) -> Result<i64> {
        let plan = plan::plan(self.conn(), request).await?;
        count(self, &plan).await
    }

    async fn longest_values(&mut self, request: &PageRequest<'_>) -> Result<(i64, [i64; 4])> {
        let plan = plan::plan(self.conn(), request).await?;
        let (from, args) = plan.every_match_source()?;
        let sql = format!(
            "SELECT count(*), max(length(u.first_name)), max(length(u.last_name)),
                    max(length(u.email)), max(length(u.phone)) {from}"
        );
        let (total, first, last, email, phone): (
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        ) = sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args)
            .fetch_one(self.conn())
            .await?;
        Ok((total, [first, last, email, phone].map(|w| w.unwrap_or(0))))
    }

    async fn export_users(
        &mut self,
        request: &PageRequest<'_>,
        size: u32,
        batch: &mut (dyn for<'r> FnMut(Vec<ExportUser<'r>>) -> Result<()> + Send),
    ) -> Result<()> {
        let plan = plan::plan(self.conn(), request).await?;
        let (sql, args) = batch_sql(&plan, request, size)?;
        let mut batches = sqlx::query_scalar_with::<_, String, _>(sqlx::AssertSqlSafe(sql), args)
            .fetch(self.conn());
        while let Some(json) = batches.try_next().await? {
            let users: Vec<BatchUser> = serde_json::from_str(&json)
                .map_err(|e| Error::Database(sqlx::Error::Decode(Box::new(e))))?;
            batch(users.into_iter().map(ExportUser::from).collect())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The ways a plan can answer a request must list the same users in the same order, page
    //! after page: which one runs depends on how many users match, so a small Workspace
    //! would otherwise only ever test one of them.

    use super::*;
    use crate::actor::Actor;
    use crate::model::{CreateWorkspaceInput, StatusFilter, UserQuery, UserSort};
    use crate::store::sqlite::plan::{Way, forced};
    use crate::users::list::{request, term};
    use crate::{Roster, Secret, actor, demo};

    async fn listed(tx: &mut SqliteTx, actor: &Actor, query: &UserQuery, way: Way) -> Vec<String> {
        let term = term(&query.search);
        let mut after = None;
        let mut ids = Vec::new();
        loop {
            let mut request = request(actor, query, &term).expect("request");
            request.after = after;
            let plan = forced(&request, way);
            let mut rows = page(tx, &plan, &request).await.expect("page");
            let more = rows.len() > query.limit as usize;
            rows.truncate(query.limit as usize);
            after = rows.last().map(|r| sort_keys(r, query.sort));
            ids.extend(rows.into_iter().map(|r| r.user.id));
            if !more {
                return ids;
            }
        }
    }

    #[tokio::test]
    async fn every_way_of_answering_lists_the_same_users_in_the_same_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("ways.db");
        let roster = Roster::open(&file).await.expect("open");
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
        let db = super::super::SqliteDatabase {
            pool: roster.pool().clone(),
        };
        let mut tx = SqliteTx(db.pool.begin().await.expect("transaction"));
        let actor = actor::load_ready(&mut tx, &session).await.expect("actor");
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
                        let sorted = listed(&mut tx, &actor, &query, Way::SortedMatches).await;
                        let walked = listed(&mut tx, &actor, &query, Way::FilteredWalk).await;
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
