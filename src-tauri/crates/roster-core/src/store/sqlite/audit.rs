//! The `audit_log` table on SQLite.

use super::SqliteTx;
use crate::error::Result;
use crate::store::{ActivityRow, AuditRecord, AuditStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    at: String,
    action: String,
    fields: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

#[async_trait::async_trait]
impl AuditStore for SqliteTx {
    async fn append_audit(&mut self, record: &AuditRecord<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (id, workspace_id, actor_id, action, target_type, target_id,
                 fields, details, seat_change, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(crate::new_id())
        .bind(record.workspace_id)
        .bind(record.actor_id)
        .bind(record.action)
        .bind(record.target_type)
        .bind(record.target_id)
        .bind(&record.fields)
        .bind(&record.details)
        .bind(record.seats)
        .bind(record.at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn seat_changes_since(
        &mut self,
        workspace_id: &str,
        since: &str,
    ) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT substr(created_at, 1, 10), sum(seat_change) FROM audit_log
             WHERE workspace_id = ? AND seat_change <> 0 AND created_at >= ?
             GROUP BY 1",
        )
        .bind(workspace_id)
        .bind(since)
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
        let actions = serde_json::to_string(actions).unwrap_or_else(|_| "[]".to_owned());
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.created_at AS at, a.action, a.fields, x.first_name, x.last_name
             FROM audit_log a LEFT JOIN users x ON x.id = a.actor_id
             WHERE a.workspace_id = ? AND a.target_id = ? AND a.target_type = 'user'
               AND a.action IN (SELECT value FROM json_each(?))
             ORDER BY a.created_at DESC, a.id DESC LIMIT ?",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(actions)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ActivityRow {
                id: r.id,
                at: r.at,
                action: r.action,
                fields: r.fields,
                actor_first_name: r.first_name,
                actor_last_name: r.last_name,
            })
            .collect())
    }
}
