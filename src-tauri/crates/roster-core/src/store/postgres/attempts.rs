//! The `sign_ins` table on PostgreSQL.

use chrono::{DateTime, Utc};

use super::{PgTx, at, id, stamp};
use crate::error::Result;
use crate::store::{AttemptStore, SignIns};

#[async_trait::async_trait]
impl AttemptStore for PgTx {
    async fn sign_ins(&mut self, user_id: &str) -> Result<SignIns> {
        let row: Option<(i32, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT failures, locked_until, last_sign_in_at FROM sign_ins WHERE user_id = $1",
        )
        .bind(id(user_id))
        .fetch_optional(self.conn())
        .await?;
        Ok(row
            .map(|(failures, locked_until, last_sign_in_at)| SignIns {
                failures: i64::from(failures),
                locked_until: locked_until.map(stamp),
                last_sign_in_at: last_sign_in_at.map(stamp),
            })
            .unwrap_or_default())
    }

    async fn save_sign_ins(&mut self, user_id: &str, facts: &SignIns, when: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO sign_ins (user_id, failures, locked_until, last_sign_in_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id) DO UPDATE SET failures = $2, locked_until = $3,
                 last_sign_in_at = $4, version = sign_ins.version + 1, updated_at = $5",
        )
        .bind(id(user_id))
        .bind(i32::try_from(facts.failures).unwrap_or(i32::MAX))
        .bind(facts.locked_until.as_deref().map(at))
        .bind(facts.last_sign_in_at.as_deref().map(at))
        .bind(at(when))
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
