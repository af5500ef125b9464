//! The `audit_log` table on PostgreSQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{PgTx, at, id, stamp};
use crate::error::Result;
use crate::store::{ActivityRow, AuditRecord, AuditStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    at: DateTime<Utc>,
    action: String,
    fields: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

#[async_trait::async_trait]
impl AuditStore for PgTx {
    async fn append_audit(&mut self, record: &AuditRecord<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (id, workspace_id, actor_id, action, target_type, target_id,
                 fields, details, seat_change, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)",
        )
        .bind(id(&crate::new_id()))
        .bind(id(record.workspace_id))
        .bind(record.actor_id.map(id))
        .bind(record.action)
        .bind(record.target_type)
        .bind(id(record.target_id))
        .bind(&record.fields)
        .bind(&record.details)
        .bind(i32::try_from(record.seats).unwrap_or_default())
        .bind(at(record.at))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Days are cut in UTC, as the stored RFC 3339 texts are on SQLite.
    async fn seat_changes_since(
        &mut self,
        workspace_id: &str,
        since: &str,
    ) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                    sum(seat_change)::bigint
             FROM audit_log
             WHERE workspace_id = $1 AND seat_change <> 0 AND created_at >= $2
             GROUP BY 1",
        )
        .bind(id(workspace_id))
        .bind(at(since))
        .fetch_all(self.conn())
        .await?)
    }

    async fn activity(
        &mut self,
        workspace_id: &str,
        user_id: &str,
        actions: &[&'static str],
        limit: i64,
    ) -> Result<Vec<ActivityRow>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.created_at AS at, a.action, a.fields::text AS fields, x.first_name,
                    x.last_name
             FROM audit_log a LEFT JOIN users x ON x.id = a.actor_id
             WHERE a.workspace_id = $1 AND a.target_id = $2 AND a.target_type = 'user'
               AND a.action = ANY($3)
             ORDER BY a.created_at DESC, a.id DESC LIMIT $4",
        )
        .bind(id(workspace_id))
        .bind(id(user_id))
        .bind(actions.to_vec())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ActivityRow {
                id: r.id.to_string(),
                at: stamp(r.at),
                action: r.action,
                fields: r.fields,
                actor_first_name: r.first_name,
                actor_last_name: r.last_name,
            })
            .collect())
    }
}
