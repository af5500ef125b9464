//! The `sign_ins` table on SQLite.

use super::SqliteTx;
use crate::error::Result;
use crate::store::{AttemptStore, SignIns};

#[async_trait::async_trait]
impl AttemptStore for SqliteTx {
    async fn sign_ins(&mut self, user_id: &str) -> Result<SignIns> {
        let row: Option<(i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT failures, locked_until, last_sign_in_at FROM sign_ins WHERE user_id = ?",
        )
        .bind(user_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row
            .map(|(failures, locked_until, last_sign_in_at)| SignIns {
                failures,
                locked_until,
                last_sign_in_at,
            })
            .unwrap_or_default())
    }

    async fn save_sign_ins(&mut self, user_id: &str, facts: &SignIns, at: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO sign_ins (user_id, failures, locked_until, last_sign_in_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (user_id) DO UPDATE SET failures = ?2, locked_until = ?3,
                 last_sign_in_at = ?4, version = version + 1, updated_at = ?5",
        )
        .bind(user_id)
        .bind(facts.failures)
        .bind(facts.locked_until.as_deref())
        .bind(facts.last_sign_in_at.as_deref())
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
