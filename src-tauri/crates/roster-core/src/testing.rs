//! Test-only helpers (cargo feature `testing`, never in a build that ships): stored state that
//! no service shows, and data no service would write — what an older Roster, another tool or
//! a bug could have left behind — written through the tables' own writers, so versions move
//! on as for any other change. Works on every database the core runs on.

pub use crate::store::inspect::{AuditEntry, OutboxEntry};

use crate::error::Result;
use crate::store::{RolePatch, UserPatch};
use crate::{Roster, users};

/// The test helpers of one [`Roster`].
pub struct Backdoor<'a> {
    roster: &'a Roster,
}

impl Roster {
    /// Test helpers over this handle's database.
    pub fn backdoor(&self) -> Backdoor<'_> {
        Backdoor { roster: self }
    }
}

impl Backdoor<'_> {
    /// Every audit entry, oldest first.
    pub async fn audit(&self) -> Result<Vec<AuditEntry>> {
        self.roster.db.inspect().audit_entries().await
    }

    /// Every message of the outbox, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        self.roster.db.inspect().outbox().await
    }

    /// The stored hashes of every invitation code.
    pub async fn token_hashes(&self) -> Result<Vec<String>> {
        self.roster.db.inspect().token_hashes().await
    }

    /// The stored email key of a user.
    pub async fn email_key(&self, user_id: &str) -> Result<String> {
        Ok(self.roster.db.inspect().user_keys(user_id).await?.0)
    }

    /// The stored password hash (PHC string) of a user.
    pub async fn password_hash(&self, user_id: &str) -> Result<Option<String>> {
        Ok(self.roster.db.inspect().user_keys(user_id).await?.1)
    }

    /// Sets names and phone as given, unvalidated (keys derived as always).
    pub async fn set_names(
        &self,
        workspace_id: &str,
        user_id: &str,
        names: [&str; 3],
    ) -> Result<()> {
        let mut tx = self.roster.write().await?;
        let user = users::fetch(&mut *tx, workspace_id, user_id).await?;
        let [first, last, phone] = names;
        let patch = UserPatch {
            names: Some(users::write::names(first, last, phone, &user.email)),
            ..UserPatch::default()
        };
        tx.update_user(user_id, &patch, &self.roster.now()).await?;
        tx.commit().await
    }

    /// Stores `key` as the user's email key.
    pub async fn set_email_key(&self, user_id: &str, key: &str) -> Result<()> {
        self.patch_user(
            user_id,
            UserPatch {
                email_key: Some(key.to_owned()),
                ..UserPatch::default()
            },
        )
        .await
    }

    /// Stores `hash` as the user's password hash.
    pub async fn set_password_hash(&self, user_id: &str, hash: &str) -> Result<()> {
        self.patch_user(
            user_id,
            UserPatch {
                password_hash: Some(hash.to_owned()),
                ..UserPatch::default()
            },
        )
        .await
    }

    /// Gives the user `role_id` too, whatever it grants.
    pub async fn add_role(&self, user_id: &str, role_id: &str) -> Result<()> {
        let mut tx = self.roster.write().await?;
        let mut held: Vec<String> = tx
            .held_roles(user_id)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        held.push(role_id.to_owned());
        let patch = UserPatch {
            role_ids: Some(held),
            ..UserPatch::default()
        };
        tx.update_user(user_id, &patch, &self.roster.now()).await?;
        tx.commit().await
    }

    /// Renames a role, unvalidated.
    pub async fn set_role_name(&self, role_id: &str, name: &str) -> Result<()> {
        let mut tx = self.roster.write().await?;
        let patch = RolePatch {
            name: Some(name.to_owned()),
            ..RolePatch::default()
        };
        tx.update_role(role_id, &patch, &self.roster.now()).await?;
        tx.commit().await
    }

    /// Changes the SMTP port of the Workspace's saved settings, as another window or an
    /// older Roster could.
    pub async fn set_smtp_port(&self, workspace_id: &str, port: u16) -> Result<()> {
        let mut tx = self.roster.write().await?;
        if let Some(settings) = tx.email_settings(workspace_id).await? {
            let moved = crate::store::SettingsRow { port, ..settings };
            tx.save_email_settings(workspace_id, &moved, &self.roster.now())
                .await?;
        }
        tx.commit().await
    }

    async fn patch_user(&self, user_id: &str, patch: UserPatch) -> Result<()> {
        let mut tx = self.roster.write().await?;
        tx.update_user(user_id, &patch, &self.roster.now()).await?;
        tx.commit().await
    }
}
