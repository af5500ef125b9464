//! The `roles` and `role_permissions` tables on SQLite.

use std::collections::BTreeSet;

use super::SqliteTx;
use crate::error::Result;
use crate::permissions::Permission;
use crate::store::{RolePatch, RoleRow, RoleStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    workspace_id: String,
    name: String,
    description: String,
    is_builtin: bool,
    version: i64,
    permissions: Option<String>,
}

impl From<Row> for RoleRow {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            workspace_id: r.workspace_id,
            name: r.name,
            description: r.description,
            is_builtin: r.is_builtin,
            version: r.version,
            permissions: parse(r.permissions),
        }
    }
}

fn parse(joined: Option<String>) -> BTreeSet<Permission> {
    joined
        .unwrap_or_default()
        .split(',')
        .filter_map(Permission::parse)
        .collect()
}

/// The columns of [`Row`] (roles aliased `r`).
macro_rules! role_columns {
    () => {
        "r.id, r.workspace_id, r.name, r.description, r.is_builtin, r.version,
         (SELECT group_concat(rp.permission) FROM role_permissions rp WHERE rp.role_id = r.id)
             AS permissions"
    };
}

#[async_trait::async_trait]
impl RoleStore for SqliteTx {
    async fn existing_roles(
        &mut self,
        workspace_id: &str,
        role_ids: &[String],
    ) -> Result<BTreeSet<String>> {
        let ids = serde_json::to_string(role_ids).unwrap_or_else(|_| "[]".to_owned());
        let found: Vec<String> = sqlx::query_scalar(
            "SELECT r.id FROM json_each(?1) AS j CROSS JOIN roles AS r
             ON r.id = j.value WHERE r.workspace_id = ?2",
        )
        .bind(ids)
        .bind(workspace_id)
        .fetch_all(self.conn())
        .await?;
        Ok(found.into_iter().collect())
    }

    async fn role_exists(&mut self, workspace_id: &str, role_id: &str) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM roles WHERE id = ? AND workspace_id = ?)",
        )
        .bind(role_id)
        .bind(workspace_id)
        .fetch_one(self.conn())
        .await?)
    }

    async fn role(&mut self, workspace_id: &str, role_id: &str) -> Result<Option<RoleRow>> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            role_columns!(),
            " FROM roles r WHERE r.id = ? AND r.workspace_id = ? AND r.deleted_at IS NULL"
        ))
        .bind(role_id)
        .bind(workspace_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(RoleRow::from))
    }

    async fn roles(&mut self, workspace_id: Option<&str>) -> Result<Vec<RoleRow>> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            role_columns!(),
            " FROM roles r WHERE (?1 IS NULL OR r.workspace_id = ?1) AND r.deleted_at IS NULL"
        ))
        .bind(workspace_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(RoleRow::from).collect())
    }

    async fn holders(&mut self, role_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id
             WHERE ur.role_id = ? AND u.status <> 'removed'",
        )
        .bind(role_id)
        .fetch_one(self.conn())
        .await?)
    }

    async fn builtin_role_id(&mut self, workspace_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM roles WHERE workspace_id = ? AND is_builtin = 1 AND deleted_at IS NULL
             ORDER BY created_at LIMIT 1",
        )
        .bind(workspace_id)
        .fetch_optional(self.conn())
        .await?)
    }

    async fn insert_role(&mut self, role: &RoleRow, at: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, description, is_builtin, created_at,
                 updated_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&role.id)
        .bind(&role.workspace_id)
        .bind(&role.name)
        .bind(&role.description)
        .bind(role.is_builtin)
        .bind(at)
        .bind(at)
        .bind(role.version)
        .execute(self.conn())
        .await?;
        write_permissions(self, &role.id, &role.permissions).await
    }

    async fn update_role(&mut self, role_id: &str, patch: &RolePatch, at: &str) -> Result<()> {
        sqlx::query(
            "UPDATE roles SET name = coalesce(?, name), description = coalesce(?, description),
                 deleted_at = coalesce(?, deleted_at), version = coalesce(?, version + 1),
                 updated_at = ?
             WHERE id = ?",
        )
        .bind(patch.name.as_deref())
        .bind(patch.description.as_deref())
        .bind(patch.deleted_at.as_deref())
        .bind(patch.kept_version)
        .bind(at)
        .bind(role_id)
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
    tx: &mut SqliteTx,
    role_id: &str,
    permissions: &BTreeSet<Permission>,
) -> Result<()> {
    sqlx::query("DELETE FROM role_permissions WHERE role_id = ?")
        .bind(role_id)
        .execute(tx.conn())
        .await?;
    for permission in permissions {
        sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)")
            .bind(role_id)
            .bind(permission.as_str())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}
