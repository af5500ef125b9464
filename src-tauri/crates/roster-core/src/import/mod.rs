//! Users → Import: add and update many users at once from a CSV, Excel or Keycloak file,
//! with a preview of what each row will do before anything changes (DESIGN.md §5).
//!
//! [`read_file`] turns a file into a [`Sheet`] (no database), [`Roster::import_preview`]
//! judges every row against the Workspace by the rules of Add user and Edit into a [`Plan`]
//! (nothing written), and [`Roster::import_apply`] applies a plan in batches — each batch one
//! transaction of ordinary operations through the core's write path, so the change log, the
//! audit log and a later sync see ordinary changes.

mod apply;
mod columns;
mod keycloak;
mod plan;
mod read;
mod report;

use std::collections::HashSet;

pub use apply::{BATCH_ROWS, ImportResult};
pub use plan::Plan;
pub use read::{
    MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES, Sheet, read_bytes, read_file,
};
pub(crate) use report::PasswordsFile;
pub use report::{PASSWORD_COLUMNS, REPORT_COLUMNS, write_report};

use crate::actor;
use crate::error::Result;
use crate::model::{ImportFile, ImportOptions};
use crate::permissions::{Permission, Session};
use crate::text::email_key;
use crate::{Roster, validation};

/// The permissions Import needs before any row is looked at: `users.import`, and
/// `users.view` because the preview shows users' current values.
const NEEDED: [Permission; 2] = [Permission::UsersImport, Permission::UsersView];

/// The file as the mapping screen shows it: format, encoding, whose layout, and each
/// column with samples and a guess of what it fills in.
pub fn describe(sheet: &Sheet, file_name: &str) -> ImportFile {
    columns::describe(sheet, file_name)
}

impl Roster {
    /// Checks that the session may import at all (`users.import` and `users.view`), before
    /// the open dialog is shown. Errors: [`crate::Error::Forbidden`].
    pub async fn check_import(&self, session: &Session) -> Result<()> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        NEEDED.iter().try_for_each(|p| actor.require(*p))
    }

    /// The preview of `sheet` under `options`: what each row would do now, by the same
    /// validators and permission rules as Add user and Edit, read in one snapshot; nothing is
    /// written. Needs `users.import` and `users.view`; each row also needs the permission of
    /// what it does (`users.create` or `users.invite` to add, `users.edit` to update,
    /// `users.remove` to restore), or it is an error row. Errors: [`crate::Error::Forbidden`].
    pub async fn import_preview(
        &self,
        session: &Session,
        sheet: &Sheet,
        options: &ImportOptions,
    ) -> Result<Plan> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        NEEDED.iter().try_for_each(|p| actor.require(*p))?;
        let keys = email_keys(sheet, options);
        let known = tx
            .users_by_email_keys(&actor.workspace_id, &keys)
            .await?
            .into_iter()
            .map(|u| (u.email_key.clone(), u))
            .collect();
        let roles = tx.roles(Some(&actor.workspace_id)).await?;
        let invitations_ready = tx.email_settings(&actor.workspace_id).await?.is_some();
        let super_users = tx.active_super_users(&actor.workspace_id, None).await?;
        drop(tx);
        let ctx = plan::Context {
            actor: &actor,
            sheet,
            options,
            known,
            roles,
            invitations_ready,
            super_users,
        };
        Ok(plan::plan(&ctx, &actor.workspace_id))
    }
}

/// The email keys of the file's Email column (each once), to find the users they name.
fn email_keys(sheet: &Sheet, options: &ImportOptions) -> Vec<String> {
    let Some(column) = options
        .mapping
        .iter()
        .position(|m| *m == Some(crate::model::ImportColumn::Email))
    else {
        return Vec::new();
    };
    let mut keys: HashSet<String> = HashSet::with_capacity(sheet.rows.len());
    for row in &sheet.rows {
        if let Some(cell) = row.cells.get(column)
            && let Ok(email) = validation::email(&cell.shown())
        {
            keys.insert(email_key(&email));
        }
    }
    keys.into_iter().collect()
}
