//! The `roles` and `role_permissions` tables on PostgreSQL.

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{PgTx, at, id};
use crate::error::Result;
use crate::permissions::Permission;
use crate::store::{RolePatch, RoleRow, RoleStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    workspace_id: Uuid,
    name: String,
    description: String,
    is_builtin: bool,
    version: i64,
    permissions: Vec<String>,
}

impl From<Row> for RoleRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id.to_string(),
            workspace_id: r.workspace_id.to_string(),
            name: r.name,
            description: r.description,
            is_builtin: r.is_builtin,
            version: r.version,
            permissions: r
                .permissions
                .iter()
                .filter_map(|p| Permission::parse(p))
                .collect(),
        }
    }
}

/// The columns of [`Row`] (roles aliased `r`).
macro_rules! role_columns {
    () => {
        "r.id, r.workspace_id, r.name, r.description, r.is_builtin, r.version,
         coalesce((SELECT array_agg(rp.permission) FROM role_permissions rp
                   WHERE rp.role_id = r.id), '{}') AS permissions"
    };
}

#[async_trait::async_trait]
impl RoleStore for PgTx {
    async fn existing_roles(
        &mut self,
        workspace_id: &str,
        role_ids: &[String],
    ) -> Result<BTreeSet<String>> {
        let ids: Vec<Uuid> = role_ids.iter().map(|r| id(r)).collect();
        let found: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM roles WHERE workspace_id = $1 AND id = ANY($2)")
                .bind(id(workspace_id))
                .bind(ids)
                .fetch_all(self.conn())
                .await?;
        Ok(found.iter().map(Uuid::to_string).collect())
    }

    async fn role_exists(&mut self, workspace_id: &str, role_id: &str) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM roles WHERE id = $1 AND workspace_id = $2)",
        )
        .bind(id(role_id))
        .bind(id(workspace_id))
        .fetch_one(self.conn())
        .await?)
    }

    async fn role(&mut self, workspace_id: &str, role_id: &str) -> Result<Option<RoleRow>> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            role_columns!(),
            " FROM roles r WHERE r.id = $1 AND r.workspace_id = $2 AND r.deleted_at IS NULL"
        ))
        .bind(id(role_id))
        .bind(id(workspace_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(RoleRow::from))
    }

    async fn roles(&mut self, workspace_id: Option<&str>) -> Result<Vec<RoleRow>> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            role_columns!(),
            " FROM roles r WHERE ($1::uuid IS NULL OR r.workspace_id = $1)
                AND r.deleted_at IS NULL"
        ))
        .bind(workspace_id.map(id))
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(RoleRow::from).collect())
    }

    async fn holders(&mut self, role_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id
             WHERE ur.role_id = $1 AND u.status <> 'removed'",
        )
        .bind(id(role_id))
        .fetch_one(self.conn())
        .await?)
    }

    async fn builtin_role_id(&mut self, workspace_id: &str) -> Result<Option<String>> {
        let role: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM roles WHERE workspace_id = $1 AND is_builtin AND deleted_at IS NULL
             ORDER BY created_at LIMIT 1",
        )
        .bind(id(workspace_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(role.map(|r| r.to_string()))
    }

    async fn insert_role(&mut self, role: &RoleRow, when: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, description, is_builtin, created_at,
                 updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(id(&role.id))
        .bind(id(&role.workspace_id))
        .bind(&role.name)
        .bind(&role.description)
        .bind(role.is_builtin)
        .bind(at(when))
        .bind(role.version)
        .execute(self.conn())
        .await?;
        write_permissions(self, &role.id, &role.permissions).await
    }

    async fn update_role(&mut self, role_id: &str, patch: &RolePatch, when: &str) -> Result<()> {
        sqlx::query(
            "UPDATE roles SET name = coalesce($1, name), description = coalesce($2, description),
                 deleted_at = coalesce($3, deleted_at), version = coalesce($6, version + 1),
                 updated_at = $4
             WHERE id = $5",
        )
        .bind(patch.name.as_deref())
        .bind(patch.description.as_deref())
        .bind(patch.deleted_at.as_deref().map(at))
        .bind(at(when))
        .bind(id(role_id))
        .bind(patch.kept_version)
        .execute(self.conn())
        .await?;
        if let Some(permissions) = &patch.permissions {
            write_permissions(self, role_id, permissions).await?;
        }
        Ok(())
    }
}

/// Replaces the permissions `role_id` grants: part of the roles writer, never called alone.
async fn write_permissions(
    tx: &mut PgTx,
    role_id: &str,
    permissions: &BTreeSet<Permission>,
) -> Result<()> {
    sqlx::query("DELETE FROM role_permissions WHERE role_id = $1")
        .bind(id(role_id))
        .execute(tx.conn())
        .await?;
    let names: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
    sqlx::query("INSERT INTO role_permissions (role_id, permission) SELECT $1, unnest($2::text[])")
        .bind(id(role_id))
        .bind(names)
        .execute(tx.conn())
        .await?;
    Ok(())
}
