//! Sign-in with back-off, and what the UI knows about the signed-in user.

use crate::attempts::{self, Check};
use crate::changes::{self, By, Change};
use crate::error::{Error, Field, Result};
use crate::model::{SessionInfo, SignInInput, Status};
use crate::passwords::Verification;
use crate::permissions::{Permission, Session};
use crate::store::UserPatch;
use crate::text::{display_name, email_key};
use crate::{Roster, actor};

impl Roster {
    /// Signs in with email + password inside a Workspace (`workspace_id` may be omitted when
    /// the database holds exactly one). Unknown email, wrong password, and users who are
    /// removed or have not accepted an invitation all get [`Error::InvalidCredentials`], with
    /// the same hashing work. Each attempt is counted before it is verified, so after
    /// [`attempts::FREE_ATTEMPTS`] failures in a row — however many arrive at once — the user
    /// is blocked for [`attempts::backoff`] ([`Error::LockedOut`]). A hash made with older
    /// parameters is upgraded.
    pub async fn sign_in(&self, input: SignInInput) -> Result<(Session, SessionInfo)> {
        let workspace_id = self.workspace_for_sign_in(input.workspace_id).await?;
        let key = email_key(&input.email);
        let user_id = {
            let mut tx = self.read().await?;
            tx.email_owner(&workspace_id, &key)
                .await?
                .filter(|(_, status)| *status == Status::Active)
                .map(|(id, _)| id)
        };
        let now = self.clock.now();
        let attempt = match &user_id {
            Some(id) => attempts::reserve(&*self.db, &workspace_id, id, now).await?,
            None => None,
        };
        let (Some(user_id), Some(attempt)) = (user_id, attempt) else {
            self.verify(&input.password, None).await?;
            return Err(Error::InvalidCredentials);
        };
        let needs_rehash = match self
            .verify(&input.password, attempt.password_hash.clone())
            .await?
        {
            Verification::Mismatch => {
                attempts::record_failure(
                    &*self.db,
                    &workspace_id,
                    &user_id,
                    Check::SignIn,
                    false,
                    now,
                )
                .await?;
                return Err(Error::InvalidCredentials);
            }
            Verification::Match { needs_rehash } => needs_rehash,
        };
        let new_hash = match needs_rehash {
            true => Some(self.hash(&input.password).await?),
            false => None,
        };
        let at = crate::clock::timestamp(now);
        let mut tx = self.write().await?;
        // The password may have been reset or the user removed while it was verified: then
        // the verified password is no longer theirs.
        let still_theirs = tx
            .credentials(&workspace_id, &user_id)
            .await?
            .is_some_and(|c| {
                c.status == Status::Active && c.credential_version == attempt.credential_version
            });
        if !still_theirs {
            return Err(Error::InvalidCredentials);
        }
        let rehashed = new_hash.is_some();
        if let Some(hash) = new_hash {
            let patch = UserPatch {
                password_hash: Some(hash),
                ..UserPatch::default()
            };
            tx.update_user(&user_id, &patch, &at).await?;
        }
        attempts::clear_in(&mut *tx, &user_id, Some(&at), &at).await?;
        let by = By {
            workspace_id: &workspace_id,
            actor_id: Some(&user_id),
            at: &at,
        };
        let signed_in = Change::SignedIn {
            user_id: &user_id,
            rehashed,
        };
        changes::record(&mut *tx, by, signed_in).await?;
        let session = actor::session_for(&mut *tx, &workspace_id, &user_id).await?;
        tx.commit().await?;
        let info = self.session_info(&session).await?;
        Ok((session, info))
    }

    pub(crate) async fn workspace_for_sign_in(&self, chosen: Option<String>) -> Result<String> {
        let workspaces = self.workspaces().await?;
        match chosen {
            Some(id) if workspaces.iter().any(|w| w.id == id) => Ok(id),
            Some(_) => Err(Error::invalid(
                Field::Workspace,
                "Choose a Workspace from the list",
            )),
            None => match workspaces.as_slice() {
                [only] => Ok(only.id.clone()),
                [] => Err(Error::Forbidden(
                    "There is no Workspace yet. Create one first.".into(),
                )),
                _ => Err(Error::invalid(Field::Workspace, "Choose a Workspace")),
            },
        }
    }

    /// The signed-in user as the UI needs it, read fresh. [`Error::Unauthenticated`] when the
    /// user was removed or no longer exists.
    pub async fn session_info(&self, session: &Session) -> Result<SessionInfo> {
        let mut tx = self.read().await?;
        let actor = actor::load(&mut *tx, session).await?;
        let workspace_name = tx.workspace_name(&session.workspace_id).await?;
        let me = tx
            .user(&session.workspace_id, &session.user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let (email, first_name, last_name) = (me.email, me.first_name, me.last_name);
        Ok(SessionInfo {
            user_id: session.user_id.clone(),
            workspace_id: session.workspace_id.clone(),
            workspace_name,
            display_name: display_name(&first_name, &last_name),
            email,
            first_name,
            last_name,
            is_super_user: actor.is_super_user,
            must_change_password: actor.must_change_password,
            permissions: Permission::ALL
                .into_iter()
                .filter(|p| actor.can(*p))
                .collect(),
        })
    }
}
