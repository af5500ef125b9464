//! The `workspaces` table on SQLite.

use super::SqliteTx;
use crate::error::{Error, Result};
use crate::model::WorkspaceSummary;
use crate::store::WorkspaceStore;

#[async_trait::async_trait]
impl WorkspaceStore for SqliteTx {
    async fn workspaces(&mut self) -> Result<Vec<WorkspaceSummary>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM workspaces ORDER BY name, id")
                .fetch_all(self.conn())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| WorkspaceSummary { id, name })
            .collect())
    }

    async fn workspace_name(&mut self, workspace_id: &str) -> Result<String> {
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM workspaces WHERE id = ?")
            .bind(workspace_id)
            .fetch_optional(self.conn())
            .await?;
        name.ok_or(Error::NotFound("Workspace"))
    }

    async fn insert_workspace(
        &mut self,
        workspace_id: &str,
        name: &str,
        version: i64,
        at: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO workspaces (id, name, version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(version)
        .bind(at)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn update_workspace(
        &mut self,
        workspace_id: &str,
        name: &str,
        kept_version: Option<i64>,
        at: &str,
    ) -> Result<()> {
        let changed = sqlx::query(
            "UPDATE workspaces SET name = ?, version = coalesce(?, version + 1), updated_at = ?
             WHERE id = ?",
        )
        .bind(name)
        .bind(kept_version)
        .bind(at)
        .bind(workspace_id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(crate::error::Error::NotFound("Workspace"));
        }
        Ok(())
    }
}
