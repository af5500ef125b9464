//! Creating a Workspace with its first super-user, and listing Workspaces for sign-in.

use std::collections::BTreeSet;

use crate::changes::{self, By, Change};
use crate::error::{Error, Field, Result};
use crate::model::{CreateWorkspaceInput, SessionInfo, Status, WorkspaceSummary};
use crate::permissions::Session;
use crate::store::{RoleRow, Tx};
use crate::{Roster, actor, new_id, passwords, users, validation};

/// Name of the built-in restricted role every Workspace starts with: its holders see and edit
/// only their own profile.
pub const MEMBER_ROLE: &str = "Member";

impl Roster {
    /// Every Workspace in the database, by name.
    pub async fn workspaces(&self) -> Result<Vec<WorkspaceSummary>> {
        self.read().await?.workspaces().await
    }

    /// First run: creates the Workspace and its first super-user and signs them in. Refused
    /// with [`Error::Forbidden`] once any Workspace exists — later Workspaces are not made
    /// from the app. "No Workspace yet" is checked inside the write transaction, so two
    /// first-run requests at once make one Workspace. Validation errors name the field
    /// (`workspaceName`, `email`, names, `password`, `confirmPassword`).
    pub async fn create_first_workspace(
        &self,
        input: CreateWorkspaceInput,
    ) -> Result<(Session, SessionInfo)> {
        if !self.workspaces().await?.is_empty() {
            return Err(already_created());
        }
        self.insert_workspace(input, FirstOnly::Yes).await
    }

    /// Creates a Workspace, its built-in Member role and its first super-user, and signs them
    /// in. Provisioning for tests and the demo; the app itself offers only
    /// [`Roster::create_first_workspace`].
    pub async fn create_workspace(
        &self,
        input: CreateWorkspaceInput,
    ) -> Result<(Session, SessionInfo)> {
        self.insert_workspace(input, FirstOnly::No).await
    }

    async fn insert_workspace(
        &self,
        input: CreateWorkspaceInput,
        first_only: FirstOnly,
    ) -> Result<(Session, SessionInfo)> {
        let name = validation::required_name(Field::WorkspaceName, &input.workspace_name)?;
        let email = validation::email(&input.email)?;
        let first_name = validation::required_name(Field::FirstName, &input.first_name)?;
        let last_name = validation::name(Field::LastName, &input.last_name)?;
        passwords::check_policy(
            Field::Password,
            &input.password,
            &[&email, &first_name, &last_name, &name],
        )?;
        passwords::check_confirmation(&input.password, &input.confirm_password)?;
        let hash = self.hash(&input.password).await?;

        let now = self.now();
        let workspace_id = new_id();
        let user_id = new_id();
        let mut tx = self.write().await?;
        if first_only == FirstOnly::Yes && !tx.workspaces().await?.is_empty() {
            return Err(already_created());
        }
        tx.insert_workspace(&workspace_id, &name, 1, &now).await?;
        let by = By {
            workspace_id: &workspace_id,
            actor_id: None,
            at: &now,
        };
        changes::record(&mut *tx, by, Change::WorkspaceCreated).await?;
        insert_member_role(&mut *tx, by).await?;
        let row = users::write::NewRow {
            id: &user_id,
            workspace_id: &workspace_id,
            email: &email,
            first_name: &first_name,
            last_name: &last_name,
            phone: "",
            status: Status::Active,
            is_super_user: true,
            password_hash: Some(&hash),
            must_change_password: false,
            role_ids: &[],
            at: &now,
            kept: None,
        };
        users::write::insert(&mut *tx, &row).await?;
        let added = Change::UserAdded {
            user_id: &user_id,
            invited: false,
        };
        changes::record(&mut *tx, by, added).await?;
        let session = actor::session_for(&mut *tx, &workspace_id, &user_id).await?;
        tx.commit().await?;
        let info = self.session_info(&session).await?;
        Ok((session, info))
    }
}

/// Whether a new Workspace may only be the database's first (the app's first run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstOnly {
    Yes,
    No,
}

fn already_created() -> Error {
    Error::Forbidden("This database already has a Workspace. Sign in instead.".into())
}

async fn insert_member_role(tx: &mut dyn Tx, by: By<'_>) -> Result<()> {
    let role = RoleRow {
        id: new_id(),
        workspace_id: by.workspace_id.to_owned(),
        name: MEMBER_ROLE.to_owned(),
        description: "Sees and edits only their own profile.".to_owned(),
        is_builtin: true,
        version: 1,
        permissions: BTreeSet::new(),
    };
    tx.insert_role(&role, by.at).await?;
    changes::record(tx, by, Change::RoleCreated { role_id: &role.id }).await
}

/// The id of the Workspace's built-in Member role.
pub(crate) async fn member_role_id(tx: &mut dyn Tx, workspace_id: &str) -> Result<String> {
    tx.builtin_role_id(workspace_id)
        .await?
        .ok_or(Error::NotFound("Member role"))
}
