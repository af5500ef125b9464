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

    async fn insert_workspace(&mut self, workspace_id: &str, name: &str, at: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO workspaces (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(at)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
