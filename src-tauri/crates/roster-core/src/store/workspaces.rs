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

    /// Inserts a Workspace.
    async fn insert_workspace(&mut self, workspace_id: &str, name: &str, at: &str) -> Result<()>;
}
