//! The hub's side of a push: a replica's operations in order, in one PostgreSQL transaction
//! per batch, each re-checked as its user. Idempotent by (client id, sequence number): the
//! last answered number and each answer are written with the effects, so a batch sent again
//! after a lost answer is answered from the record and never applied twice. A refused
//! operation is rolled back to its savepoint, answered `rejected` with the domain error, and
//! does not stop the ones after it; a number out of order is `notTried` (the replica sends
//! from where the hub stands). A failure that is not the operation's fault (the database)
//! fails the whole batch, which the replica retries later.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ops::Op;
use super::ops::Subject;
use super::records::{Record, RoleRecord};
use crate::error::{AppError, Error, ErrorCode, Result};
use crate::permissions::{Permission, Session};
use crate::store::Tx;
use crate::store::hub::{ClientRow, HubStore, OpResultRow};
use crate::{Roster, actor};

/// Operations per push, at most.
pub const PUSH_LIMIT: usize = 1_000;

/// One operation as a replica sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushedOp {
    /// The replica's sequence number: 1, 2, 3, … per client.
    pub seq: i64,
    /// A UUIDv7 made with the operation.
    pub op_id: String,
    /// What the user asked for.
    pub op: Op,
}

/// The hub's answer to one operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum OpOutcome {
    /// Applied (or answered before as applied).
    #[serde(rename_all = "camelCase")]
    Applied {
        /// The operation's number.
        seq: i64,
        /// The user or role it was about as the Workspace holds it now, if the pusher may see
        /// it.
        current: Option<Record>,
        /// The roles that user holds, so a replica can hold the user whatever it had.
        #[serde(default)]
        roles: Vec<RoleRecord>,
    },
    /// Refused by a rule; never retried silently.
    #[serde(rename_all = "camelCase")]
    Rejected {
        /// The operation's number.
        seq: i64,
        /// Why: the same error the desktop shows (`CONFLICT`, `EMAIL_TAKEN`, …).
        error: AppError,
        /// The user or role as the Workspace holds it now (none when there is no such row,
        /// as after a refused "Add user").
        current: Option<Record>,
        /// The roles that user holds.
        #[serde(default)]
        roles: Vec<RoleRecord>,
    },
    /// Not tried: out of order. Send again from the first of these.
    #[serde(rename_all = "camelCase")]
    NotTried {
        /// The operation's number.
        seq: i64,
    },
}

/// Whether an error is the operation's (a rule refused it) rather than the hub's.
fn is_refusal(error: &Error) -> bool {
    error.code() != ErrorCode::Internal
}

fn hub_of(tx: &mut dyn Tx) -> Result<&mut dyn HubStore> {
    tx.hub()
        .ok_or_else(|| Error::Forbidden("This database is not a hub's".into()))
}

/// The rows `subjects` as `session`'s user may see them (users with their own hash only),
/// with the roles those users hold; read together, after the batch was applied.
async fn visible(
    tx: &mut dyn Tx,
    session: &Session,
    subjects: &[Subject<'_>],
    now: &str,
) -> Result<BTreeMap<(u8, String), (Option<Record>, Vec<RoleRecord>)>> {
    let mut seen = BTreeMap::new();
    let Ok(actor) = actor::load(tx, session).await else {
        return Ok(seen);
    };
    let everyone = actor.can(Permission::UsersView);
    let held: Vec<String> = tx
        .held_roles(&actor.user_id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let user_ids: Vec<String> = subjects
        .iter()
        .filter_map(|s| match s {
            Subject::User(id) if everyone || *id == actor.user_id => Some((*id).to_owned()),
            _ => None,
        })
        .collect();
    let hub = hub_of(tx)?;
    let mut users = hub
        .users_by_id(&actor.workspace_id, &user_ids, &actor.user_id)
        .await?;
    for user in &mut users {
        super::feed::add_invitation(tx, user, now).await?;
    }
    let hub = hub_of(tx)?;
    let mut role_ids: Vec<String> = subjects
        .iter()
        .filter_map(|s| match s {
            Subject::Role(id) if everyone || held.iter().any(|h| h == id) => Some((*id).to_owned()),
            _ => None,
        })
        .chain(users.iter().flat_map(|u| u.role_ids.iter().cloned()))
        .collect();
    role_ids.sort();
    role_ids.dedup();
    let roles = hub.roles_by_id(&actor.workspace_id, &role_ids).await?;
    for user in users {
        let theirs = roles
            .iter()
            .filter(|r| user.role_ids.contains(&r.id))
            .cloned()
            .collect();
        seen.insert((2, user.id.clone()), (Some(Record::User(user)), theirs));
    }
    for role in roles {
        if subjects.contains(&Subject::Role(&role.id)) {
            seen.insert((1, role.id.clone()), (Some(Record::Role(role)), Vec::new()));
        }
    }
    Ok(seen)
}

fn key(subject: Subject<'_>) -> (u8, String) {
    match subject {
        Subject::Role(id) => (1, id.to_owned()),
        Subject::User(id) => (2, id.to_owned()),
    }
}

/// How a batch is applied: first without savepoints (the common case, every operation
/// applies); when one is refused, the batch is rolled back and applied again with a savepoint
/// around each operation, so the refused one leaves nothing behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Fast,
    Careful,
}

/// The answer to one operation before the rows are read back.
enum Answer {
    Applied,
    Rejected(AppError),
    NotTried,
}

impl Roster {
    /// Applies a replica's batch as `session`'s user (see the module). `client_id` is the
    /// replica's id; it belongs to the first user and Workspace that pushed with it.
    /// Errors: [`Error::Forbidden`] for another user's client id or more than
    /// [`PUSH_LIMIT`] operations; [`Error::Unauthenticated`] for an ended session; any
    /// database failure (nothing of the batch is kept).
    pub async fn push(
        &self,
        session: &Session,
        client_id: &str,
        ops: &[PushedOp],
    ) -> Result<Vec<OpOutcome>> {
        if ops.len() > PUSH_LIMIT {
            return Err(Error::Forbidden(format!(
                "A push holds at most {PUSH_LIMIT} changes"
            )));
        }
        match self.push_pass(session, client_id, ops, Pass::Fast).await? {
            Some(outcomes) => Ok(outcomes),
            None => Ok(self
                .push_pass(session, client_id, ops, Pass::Careful)
                .await?
                .unwrap_or_default()),
        }
    }

    /// One pass over the batch; `None` when the fast pass met a refusal.
    async fn push_pass(
        &self,
        session: &Session,
        client_id: &str,
        ops: &[PushedOp],
        pass: Pass,
    ) -> Result<Option<Vec<OpOutcome>>> {
        let now = self.now();
        let mut tx = self.write().await?;
        tx.reuse_plans().await?;
        actor::load(&mut *tx, session).await?;
        let known = hub_of(&mut *tx)?.client(client_id).await?;
        if let Some(client) = &known
            && (client.workspace_id != session.workspace_id || client.user_id != session.user_id)
        {
            return Err(Error::Forbidden(
                "This replica belongs to another user".into(),
            ));
        }
        let mut last = known.map_or(0, |c| c.last_seq);
        let mut answers = Vec::with_capacity(ops.len());
        let mut stored = Vec::new();
        let mut scrub = false;
        // The actor is read again after any operation that may change them: one about a role
        // (theirs may be among its holders) or about themselves.
        let mut actor = None;
        for pushed in ops {
            let subject = pushed.op.subject(&session.user_id);
            if pushed.seq <= last {
                let answered = hub_of(&mut *tx)?.op_result(client_id, pushed.seq).await?;
                answers.push(match answered {
                    Some(r) if r.outcome == "rejected" => Answer::Rejected(
                        r.error
                            .and_then(|e| serde_json::from_str(&e).ok())
                            .unwrap_or_else(|| AppError::from(Error::Conflict)),
                    ),
                    _ => Answer::Applied,
                });
                continue;
            }
            if pushed.seq != last + 1 {
                answers.push(Answer::NotTried);
                continue;
            }
            if pass == Pass::Careful {
                tx.savepoint().await?;
            }
            let current = match actor.take() {
                Some(actor) => Ok(actor),
                None => actor::load_ready(&mut *tx, session).await,
            };
            let (applied, loaded) = match current {
                Ok(loaded) => {
                    let applied = self.apply_op(&mut *tx, &loaded, &pushed.op, &now).await;
                    (applied, Some(loaded))
                }
                Err(error) => (Err(error), None),
            };
            let touches_actor =
                matches!(subject, Subject::Role(_)) || subject == Subject::User(&session.user_id);
            if !touches_actor {
                actor = loaded;
            }
            let answer = match applied {
                Ok(applied) => {
                    if pass == Pass::Careful {
                        tx.release_savepoint().await?;
                    }
                    scrub |= applied.scrub;
                    Answer::Applied
                }
                Err(error) if is_refusal(&error) => match pass {
                    Pass::Fast => return Ok(None),
                    Pass::Careful => {
                        tx.rollback_to_savepoint().await?;
                        Answer::Rejected(AppError::from(error))
                    }
                },
                Err(error) => return Err(error),
            };
            stored.push((
                pushed.seq,
                pushed.op_id.clone(),
                OpResultRow {
                    outcome: match answer {
                        Answer::Rejected(_) => "rejected".into(),
                        _ => "applied".into(),
                    },
                    error: match &answer {
                        Answer::Rejected(error) => serde_json::to_string(error).ok(),
                        _ => None,
                    },
                },
            ));
            answers.push(answer);
            last = pushed.seq;
        }
        let hub = hub_of(&mut *tx)?;
        hub.insert_op_results(client_id, &stored, &now).await?;
        let client = ClientRow {
            workspace_id: session.workspace_id.clone(),
            user_id: session.user_id.clone(),
            last_seq: last,
        };
        hub.save_client(client_id, &client, &now).await?;
        // Only the last answer about each row needs it as it is now: the replica keeps its
        // own state while a later change of the same row waits.
        let mut last_about = BTreeMap::new();
        for (i, pushed) in ops.iter().enumerate() {
            last_about.insert(key(pushed.op.subject(&session.user_id)), i);
        }
        let subjects: Vec<Subject<'_>> = last_about
            .values()
            .map(|i| ops[*i].op.subject(&session.user_id))
            .collect();
        let mut seen = visible(&mut *tx, session, &subjects, &now).await?;
        let mut outcomes = Vec::with_capacity(ops.len());
        for (i, (pushed, answer)) in ops.iter().zip(answers).enumerate() {
            let subject_key = key(pushed.op.subject(&session.user_id));
            let (current, roles) = match last_about.get(&subject_key) {
                Some(last) if *last == i => seen.remove(&subject_key).unwrap_or_default(),
                _ => (None, Vec::new()),
            };
            let seq = pushed.seq;
            outcomes.push(match answer {
                Answer::Applied => OpOutcome::Applied {
                    seq,
                    current,
                    roles,
                },
                Answer::Rejected(error) => OpOutcome::Rejected {
                    seq,
                    error,
                    current,
                    roles,
                },
                Answer::NotTried => OpOutcome::NotTried { seq },
            });
        }
        tx.commit().await?;
        if scrub {
            self.db.scrub().await?;
        }
        Ok(Some(outcomes))
    }
}
