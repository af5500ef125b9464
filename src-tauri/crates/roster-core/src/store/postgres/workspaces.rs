//! The `workspaces` table on PostgreSQL.

use uuid::Uuid;

use super::{PgTx, at, id};
use crate::error::{Error, Result};
use crate::model::WorkspaceSummary;
use crate::store::WorkspaceStore;

#[async_trait::async_trait]
impl WorkspaceStore for PgTx {
    async fn workspaces(&mut self) -> Result<Vec<WorkspaceSummary>> {
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, name FROM workspaces ORDER BY name, id")
                .fetch_all(self.conn())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| WorkspaceSummary {
                id: id.to_string(),
                name,
            })
            .collect())
    }

    async fn workspace_name(&mut self, workspace_id: &str) -> Result<String> {
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1")
            .bind(id(workspace_id))
            .fetch_optional(self.conn())
            .await?;
        name.ok_or(Error::NotFound("Workspace"))
    }

    async fn insert_workspace(
        &mut self,
        workspace_id: &str,
        name: &str,
        version: i64,
        when: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO workspaces (id, name, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id(workspace_id))
        .bind(name)
        .bind(version)
        .bind(at(when))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn update_workspace(
        &mut self,
        workspace_id: &str,
        name: &str,
        kept_version: Option<i64>,
        when: &str,
    ) -> Result<()> {
        let changed = sqlx::query(
            "UPDATE workspaces SET name = $1, version = coalesce($2, version + 1), updated_at = $3
             WHERE id = $4",
        )
        .bind(name)
        .bind(kept_version)
        .bind(at(when))
        .bind(id(workspace_id))
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound("Workspace"));
        }
        Ok(())
    }
}
