//! The `workspaces` table.

use crate::error::Result;
use crate::model::WorkspaceSummary;

/// The `workspaces` table.
#[async_trait::async_trait]
pub(crate) trait WorkspaceStore {
    /// Every Workspace, by name then id.
    async fn workspaces(&mut self) -> Result<Vec<WorkspaceSummary>>;

    /// The Workspace's name; [`crate::Error::NotFound`] for an unknown id.
    async fn workspace_name(&mut self, workspace_id: &str) -> Result<String>;

    /// Inserts a Workspace at `version` (1 for a new one).
    async fn insert_workspace(
        &mut self,
        workspace_id: &str,
        name: &str,
        version: i64,
        at: &str,
    ) -> Result<()>;

    /// The one change of a Workspace: its name; `kept_version` for a copied row, else the
    /// version moves on. [`crate::Error::NotFound`] for an unknown id.
    async fn update_workspace(
        &mut self,
        workspace_id: &str,
        name: &str,
        kept_version: Option<i64>,
        at: &str,
    ) -> Result<()>;
}
