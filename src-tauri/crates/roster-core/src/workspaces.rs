//! Creating a Workspace with its first super-user, and listing Workspaces for sign-in.

use sqlx::SqliteConnection;

use crate::audit::{self, Entry};
use crate::error::{Error, Field, Result};
use crate::model::{CreateWorkspaceInput, SessionInfo, Status, WorkspaceSummary};
use crate::permissions::Session;
use crate::{Roster, actor, new_id, passwords, store, users, validation};

/// Name of the built-in restricted role every Workspace starts with: its holders see and edit
/// only their own profile.
pub const MEMBER_ROLE: &str = "Member";

impl Roster {
    /// Every Workspace in the database, by name.
    pub async fn workspaces(&self) -> Result<Vec<WorkspaceSummary>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM workspaces ORDER BY name, id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| WorkspaceSummary { id, name })
            .collect())
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
        let mut tx = store::begin_write(&self.pool).await?;
        if first_only == FirstOnly::Yes {
            let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM workspaces")
                .fetch_one(&mut *tx)
                .await?;
            if existing > 0 {
                return Err(already_created());
            }
        }
        sqlx::query(
            "INSERT INTO workspaces (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&workspace_id)
        .bind(&name)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &workspace_id,
                actor_id: None,
                action: "workspace.create",
                target_type: "workspace",
                target_id: &workspace_id,
                fields: &["name"],
                at: &now,
                seats: 0,
            },
        )
        .await?;
        insert_member_role(&mut tx, &workspace_id, &now).await?;
        let row = users::NewRow {
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
        };
        users::insert(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &workspace_id,
                actor_id: None,
                action: "user.create",
                target_type: "user",
                target_id: &user_id,
                fields: &["email", "firstName", "lastName", "roles", "password"],
                at: &now,
                seats: 1,
            },
        )
        .await?;
        let session = actor::session_for(&mut tx, &workspace_id, &user_id).await?;
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

async fn insert_member_role(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    now: &str,
) -> Result<()> {
    let role_id = new_id();
    sqlx::query(
        "INSERT INTO roles (id, workspace_id, name, description, is_builtin, created_at, updated_at)
         VALUES (?, ?, ?, 'Sees and edits only their own profile.', 1, ?, ?)",
    )
    .bind(&role_id)
    .bind(workspace_id)
    .bind(MEMBER_ROLE)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        Entry {
            workspace_id,
            actor_id: None,
            action: "role.create",
            target_type: "role",
            target_id: &role_id,
            fields: &["name", "description"],
            at: now,
            seats: 0,
        },
    )
    .await?;
    Ok(())
}

/// The id of the Workspace's built-in Member role.
pub(crate) async fn member_role_id(
    conn: &mut SqliteConnection,
    workspace_id: &str,
) -> Result<String> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM roles WHERE workspace_id = ? AND is_builtin = 1 AND deleted_at IS NULL
         ORDER BY created_at LIMIT 1",
    )
    .bind(workspace_id)
    .fetch_optional(conn)
    .await?;
    id.ok_or(Error::NotFound("Member role"))
}
