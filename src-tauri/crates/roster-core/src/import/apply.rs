//! Applying a [`Plan`]: rows in batches of [`BATCH_ROWS`], each batch one write transaction
//! of ordinary operations (`Op::CreateUser`, `InviteUser`, `EditUser`, `RestoreUser`,
//! `RemoveUser`) through [`Roster::apply_here`] — every rule checked again, the change and
//! audit entries recorded, and on a replica the operations queued for the hub. A row refused
//! now (the Workspace changed since the preview) is rolled back to its savepoint and reported;
//! the batch goes on. Passwords are hashed before a batch's transaction opens, on every core,
//! so the database is never locked while Argon2id runs.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::plan::{Entry, Plan, Work, count, page};
use crate::changes::{self, By, Change};
use crate::error::{Error, ErrorCode, Result};
use crate::model::{
    ImportAction, ImportOutcome, ImportProgress, ImportRow, ImportRowError, ImportRowsPage,
    ImportTotals,
};
use crate::passwords::{self, Secret};
use crate::permissions::Session;
use crate::store::Tx;
use crate::sync::ops::Op;
use crate::{Roster, actor, new_id};

/// Rows per transaction: small enough that Cancel answers within a second or two of
/// hashing and that other writers (sync, another window) wait little; large enough that
/// commits do not dominate (one fsync per batch).
pub const BATCH_ROWS: usize = 250;

/// A user made with a generated password, for the passwords file.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password: Secret,
}

/// What Apply did: the summary and every row with what happened to it.
#[derive(Debug, Clone)]
pub struct ImportResult {
    pub(crate) outcome: ImportOutcome,
    pub(crate) rows: Vec<ImportRow>,
}

impl ImportResult {
    /// The summary the dialog shows.
    pub fn outcome(&self) -> &ImportOutcome {
        &self.outcome
    }

    /// Rows of kind `action` (every row when `None`) as they ended.
    pub fn rows(&self, action: Option<ImportAction>, offset: u64, limit: u64) -> ImportRowsPage {
        page(self.rows.iter(), action, offset, limit)
    }
}

/// A generated password that a spreadsheet opening the passwords file shows as typed: it
/// does not begin with a character that starts a formula.
fn generated_password() -> Result<Secret> {
    loop {
        let secret = passwords::generate()?;
        if !secret
            .expose()
            .starts_with(|c: char| crate::export::starts_formula(c) || c == '%')
        {
            return Ok(secret);
        }
    }
}

/// The operations one row's work is made of, in order. Errors: [`Error::Hashing`] for a new
/// user with a password whose hash is missing (a bug: never an invitation instead).
fn ops(plan: &Plan, work: &Work, hash: Option<String>) -> Result<Vec<Op>> {
    match work {
        Work::Add {
            email,
            first_name,
            last_name,
            phone,
            access,
            entry,
            removed,
        } => {
            let user_id = new_id();
            let add = match (entry, hash) {
                (Entry::Invitation, _) => Op::InviteUser {
                    user_id: user_id.clone(),
                    email: email.clone(),
                    first_name: first_name.clone(),
                    last_name: last_name.clone(),
                    phone: phone.clone(),
                    access: access.clone(),
                },
                (Entry::Password(_) | Entry::Generated, Some(password_hash)) => Op::CreateUser {
                    user_id: user_id.clone(),
                    email: email.clone(),
                    first_name: first_name.clone(),
                    last_name: last_name.clone(),
                    phone: phone.clone(),
                    access: access.clone(),
                    password_hash,
                    must_change_password: plan.options.must_change_password,
                },
                (Entry::Password(_) | Entry::Generated, None) => {
                    return Err(Error::Hashing(
                        "a new user's password was not hashed".into(),
                    ));
                }
            };
            let mut ops = vec![add];
            if *removed {
                ops.push(Op::RemoveUser { user_id });
            }
            Ok(ops)
        }
        Work::Change {
            user_id,
            first_name,
            last_name,
            phone,
            access,
            seen,
            restore,
        } => {
            let mut ops = Vec::new();
            if first_name.is_some() || last_name.is_some() || phone.is_some() || access.is_some() {
                ops.push(Op::EditUser {
                    user_id: user_id.clone(),
                    first_name: first_name.clone(),
                    last_name: last_name.clone(),
                    phone: phone.clone(),
                    access: access.clone(),
                    seen: *seen,
                });
            }
            if *restore {
                ops.push(Op::RestoreUser {
                    user_id: user_id.clone(),
                });
            }
            Ok(ops)
        }
    }
}

/// How a batch ended.
enum Batch {
    /// Committed; `failed` rows (by index into the plan) were refused, with why.
    Done {
        failed: Vec<(usize, Error)>,
        scrub: bool,
    },
    /// Nothing of the batch stays: `why` stops the import.
    Stopped { why: Error },
}

impl Roster {
    /// Applies `plan` as `session`'s user, in batches of [`BATCH_ROWS`] rows, reporting
    /// progress after each and stopping between batches when `cancel` is set (or when a
    /// batch fails as a whole, e.g. the session ended): batches applied stay, and the result
    /// says how many rows were not reached. Generated passwords of the users made are written
    /// to `passwords_file` as each batch is committed; the file appears when Apply ends, also
    /// after a cancel or a stop. Records one `users.import` audit entry with the counts.
    /// Errors, before anything is written: [`Error::Forbidden`] when the preview has a
    /// blocker, was made by another session, or needs a passwords file that is not given;
    /// [`Error::FileWrite`] when the passwords file cannot be started.
    pub async fn import_apply(
        &self,
        session: &Session,
        plan: &Plan,
        passwords_file: Option<&Path>,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
        cancel: &AtomicBool,
    ) -> Result<ImportResult> {
        if let Some(blocker) = &plan.preview.blocker {
            return Err(Error::Forbidden(blocker.clone()));
        }
        if session.user_id != plan.actor_id || session.workspace_id != plan.workspace_id {
            return Err(Error::Forbidden(
                "This preview was made by another session: open the file again".into(),
            ));
        }
        let generates = plan.rows.iter().any(|r| {
            matches!(
                r.work,
                Some(Work::Add {
                    entry: Entry::Generated,
                    ..
                })
            )
        });
        if generates && passwords_file.is_none() {
            return Err(Error::Forbidden(
                "Choose where to save the generated passwords first".into(),
            ));
        }
        {
            let mut tx = self.read().await?;
            let actor = actor::load_ready(&mut *tx, session).await?;
            super::NEEDED.iter().try_for_each(|p| actor.require(*p))?;
        }
        let mut passwords = match passwords_file.filter(|_| generates) {
            Some(path) => Some(super::PasswordsFile::create(path)?),
            None => None,
        };

        let started = Instant::now();
        let mut rows: Vec<ImportRow> = plan.rows.iter().map(|r| r.shown.clone()).collect();
        let work: Vec<usize> = (0..plan.rows.len())
            .filter(|i| plan.rows[*i].work.is_some())
            .collect();
        // Rows with nothing to apply count as the preview said; the others once applied.
        let mut totals = ImportTotals::default();
        for planned in plan.rows.iter().filter(|r| r.work.is_none()) {
            count(&mut totals, planned.shown.action);
        }
        let total = work.len() as u64;
        let mut cancelled = false;
        let mut stopped_by = None;
        let report = |done: u64, progress: &mut (dyn FnMut(ImportProgress) + Send)| {
            progress(ImportProgress {
                done,
                total,
                elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        };
        report(0, progress);
        let mut reached = 0_usize;
        for batch in work.chunks(BATCH_ROWS) {
            if cancel.load(Ordering::Relaxed) {
                cancelled = true;
                break;
            }
            let secrets = match self.batch_secrets(plan, batch) {
                Ok(secrets) => secrets,
                Err(why) => {
                    stopped_by = Some(crate::AppError::from(why).message);
                    break;
                }
            };
            let applied = match self.hash_all(&secrets).await {
                Ok(hashes) => self.apply_batch(session, plan, batch, &hashes).await,
                Err(why) => Err(why),
            };
            let (failed, scrub) = match applied {
                Ok(Batch::Done { failed, scrub }) => (failed, scrub),
                Ok(Batch::Stopped { why }) | Err(why) => {
                    stopped_by = Some(crate::AppError::from(why).message);
                    break;
                }
            };
            for (i, why) in failed {
                rows[i] = refused(&rows[i], format!("Not applied: {why}"));
            }
            for i in batch {
                count(&mut totals, rows[*i].action);
            }
            reached += batch.len();
            if scrub && let Err(why) = self.db.scrub().await {
                tracing::warn!(%why, "erased invitation bytes wait for the next scrub");
            }
            let saved = match passwords.as_mut() {
                Some(file) => file.append(&generated(plan, &rows, secrets)),
                None => Ok(()),
            };
            report(reached as u64, progress);
            if let Err(why) = saved {
                stopped_by = Some(format!(
                    "{why}. The users added before this point have passwords no one has seen: \
                     set new ones with Change password"
                ));
                passwords = None;
                break;
            }
        }
        let why = if cancelled {
            "Not applied: Import was cancelled before this row"
        } else {
            "Not applied: Import stopped before this row"
        };
        for i in work.iter().skip(reached) {
            rows[*i] = refused(&rows[*i], why.to_owned());
        }
        let not_reached = (work.len() - reached) as u64;
        self.record_import(session, totals, cancelled).await?;
        let passwords_file = match passwords.map(super::PasswordsFile::finish) {
            Some(Ok(saved)) => saved,
            Some(Err(why)) => {
                stopped_by.get_or_insert(format!(
                    "{why}. The users added have passwords no one has seen: set new ones with \
                     Change password"
                ));
                None
            }
            None => None,
        };
        Ok(ImportResult {
            outcome: ImportOutcome {
                totals,
                not_reached,
                cancelled,
                stopped_by,
                passwords_file: passwords_file.map(|p| p.to_string_lossy().into_owned()),
            },
            rows,
        })
    }

    /// The passwords a batch's new users get: the file's, or one made now. `None` for rows
    /// that set none.
    fn batch_secrets(&self, plan: &Plan, batch: &[usize]) -> Result<Vec<Option<(usize, Secret)>>> {
        batch
            .iter()
            .map(|i| match &plan.rows[*i].work {
                Some(Work::Add {
                    entry: Entry::Password(secret),
                    ..
                }) => Ok(Some((*i, secret.clone()))),
                Some(Work::Add {
                    entry: Entry::Generated,
                    ..
                }) => Ok(Some((*i, generated_password()?))),
                _ => Ok(None),
            })
            .collect()
    }

    /// Hashes every password of a batch on all cores, off the async runtime. Returns the
    /// hashes in the order of `secrets` (`None` where there is no password).
    async fn hash_all(&self, secrets: &[Option<(usize, Secret)>]) -> Result<Vec<Option<String>>> {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = secrets.len().div_ceil(threads).max(1);
        let mut tasks = Vec::new();
        for part in secrets.chunks(chunk) {
            let part: Vec<Option<Secret>> = part
                .iter()
                .map(|s| s.as_ref().map(|(_, p)| p.clone()))
                .collect();
            let hashing = self.hashing.clone();
            tasks.push(tokio::task::spawn_blocking(move || {
                part.iter()
                    .map(|s| s.as_ref().map(|p| hashing.hash(p)).transpose())
                    .collect::<Result<Vec<_>>>()
            }));
        }
        let mut out = Vec::with_capacity(secrets.len());
        for task in tasks {
            out.extend(task.await.map_err(|e| Error::Hashing(e.to_string()))??);
        }
        Ok(out)
    }

    /// Applies one batch in one transaction: first without savepoints (the common case,
    /// every row applies); when the Workspace refuses a row, the batch is rolled back and
    /// applied again with a savepoint around each row, so the refused one leaves nothing
    /// behind (as a hub applies a pushed batch).
    async fn apply_batch(
        &self,
        session: &Session,
        plan: &Plan,
        batch: &[usize],
        hashes: &[Option<String>],
    ) -> Result<Batch> {
        match self.batch_pass(session, plan, batch, hashes, false).await? {
            Some(done) => Ok(done),
            None => Ok(self
                .batch_pass(session, plan, batch, hashes, true)
                .await?
                .unwrap_or(Batch::Done {
                    failed: Vec::new(),
                    scrub: false,
                })),
        }
    }

    /// One pass over a batch; `None` when the pass without savepoints met a refusal.
    async fn batch_pass(
        &self,
        session: &Session,
        plan: &Plan,
        batch: &[usize],
        hashes: &[Option<String>],
        careful: bool,
    ) -> Result<Option<Batch>> {
        let mut tx = self.write().await?;
        let actor = match actor::load_ready(&mut *tx, session).await {
            Ok(actor) => actor,
            Err(why) => return Ok(Some(Batch::Stopped { why })),
        };
        let now = self.now();
        let mut failed = Vec::new();
        let mut scrub = false;
        for (i, hash) in batch.iter().zip(hashes) {
            let Some(work) = &plan.rows[*i].work else {
                continue;
            };
            if careful {
                tx.savepoint().await?;
            }
            let ops = ops(plan, work, hash.clone())?;
            match self.apply_row(&mut *tx, &actor, &ops, &now).await {
                Ok(scrubs) => {
                    if careful {
                        tx.release_savepoint().await?;
                    }
                    scrub |= scrubs;
                }
                Err(why) if why.code() == ErrorCode::Internal => {
                    return Ok(Some(Batch::Stopped { why }));
                }
                Err(_) if !careful => return Ok(None),
                Err(why) => {
                    tx.rollback_to_savepoint().await?;
                    failed.push((*i, why));
                }
            }
        }
        if let Err(why) = tx.commit().await {
            return Ok(Some(Batch::Stopped { why }));
        }
        Ok(Some(Batch::Done { failed, scrub }))
    }

    /// Applies one row's operations; returns whether erased bytes need a scrub.
    async fn apply_row(
        &self,
        tx: &mut dyn Tx,
        actor: &actor::Actor,
        ops: &[Op],
        now: &str,
    ) -> Result<bool> {
        let mut scrub = false;
        for op in ops {
            scrub |= self.apply_here(tx, actor, op, now).await?.scrub;
        }
        Ok(scrub)
    }

    /// The one audit entry of an import, with its counts.
    async fn record_import(
        &self,
        session: &Session,
        totals: ImportTotals,
        cancelled: bool,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let by = By {
            workspace_id: &session.workspace_id,
            actor_id: Some(&session.user_id),
            at: &now,
        };
        changes::record(&mut *tx, by, Change::ImportMade { totals, cancelled }).await?;
        tx.commit().await
    }
}

/// The users of a committed batch that got a generated password, with it.
fn generated(
    plan: &Plan,
    rows: &[ImportRow],
    secrets: Vec<Option<(usize, Secret)>>,
) -> Vec<Generated> {
    secrets
        .into_iter()
        .flatten()
        .filter_map(|(i, password)| match &plan.rows[i].work {
            Some(Work::Add {
                email,
                first_name,
                last_name,
                entry: Entry::Generated,
                ..
            }) if rows[i].action == ImportAction::Add => Some(Generated {
                email: email.clone(),
                first_name: first_name.clone(),
                last_name: last_name.clone(),
                password,
            }),
            _ => None,
        })
        .collect()
}

/// `row` refused at Apply (or not reached), with why; nothing of it was written.
fn refused(row: &ImportRow, why: String) -> ImportRow {
    ImportRow {
        action: ImportAction::Error,
        status: None,
        changes: Vec::new(),
        error: Some(ImportRowError {
            column: None,
            message: why,
        }),
        ..row.clone()
    }
}
