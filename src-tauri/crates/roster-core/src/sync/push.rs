//! The hub's side of a push: a replica's operations in order, in one PostgreSQL transaction
//! per batch, each re-checked as its user. Idempotent by (client id, sequence number): the
//! last answered number and each answer are written with the effects, so a batch sent again
//! after a lost answer is answered from the record and never applied twice. A refused
//! operation is rolled back to its savepoint, answered `rejected` with the domain error, and
//! does not stop the ones after it; a number out of order is `notTried` (the replica sends
//! from where the hub stands). A failure that is not the operation's fault (the database)
//! fails the whole batch, which the replica retries later.

use serde::{Deserialize, Serialize};

use super::ops::Op;
use super::ops::Subject;
use super::records::{Record, RoleRecord};
use crate::error::{AppError, Error, ErrorCode, Result};
use crate::permissions::{Permission, Session};
use crate::store::Tx;
use crate::store::hub::{ClientRow, FeedPosition, HubStore, OpResultRow, Reach};
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

/// The row `subject` as `session`'s user may see it (a user with their own hash only), with
/// the roles a user holds.
async fn visible(
    tx: &mut dyn Tx,
    session: &Session,
    subject: Subject<'_>,
) -> Result<(Option<Record>, Vec<RoleRecord>)> {
    let actor = match actor::load(tx, session).await {
        Ok(actor) => actor,
        Err(_) => return Ok((None, Vec::new())),
    };
    let everyone = actor.can(Permission::UsersView);
    match subject {
        Subject::User(user_id) => {
            if actor.user_id != user_id && !everyone {
                return Ok((None, Vec::new()));
            }
            let hub = hub_of(tx)?;
            let found = hub
                .feed_users(
                    &actor.workspace_id,
                    &FeedPosition::default(),
                    Reach::Only(user_id),
                    &actor.user_id,
                    1,
                )
                .await?
                .pop();
            let roles = match &found {
                Some(user) => hub.roles_by_id(&actor.workspace_id, &user.role_ids).await?,
                None => Vec::new(),
            };
            Ok((found.map(Record::User), roles))
        }
        Subject::Role(role_id) => {
            let held = tx.held_roles(&actor.user_id).await?;
            if !everyone && !held.iter().any(|r| r.id == role_id) {
                return Ok((None, Vec::new()));
            }
            let role = hub_of(tx)?
                .roles_by_id(&actor.workspace_id, &[role_id.to_owned()])
                .await?
                .pop();
            Ok((role.map(Record::Role), Vec::new()))
        }
    }
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
        let now = self.now();
        let mut tx = self.write().await?;
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
        let mut outcomes = Vec::with_capacity(ops.len());
        let mut scrub = false;
        for pushed in ops {
            let subject = pushed.op.subject(&session.user_id);
            if pushed.seq <= last {
                let answered = hub_of(&mut *tx)?.op_result(client_id, pushed.seq).await?;
                let (current, roles) = visible(&mut *tx, session, subject).await?;
                outcomes.push(match answered {
                    Some(r) if r.outcome == "rejected" => OpOutcome::Rejected {
                        seq: pushed.seq,
                        error: r
                            .error
                            .and_then(|e| serde_json::from_str(&e).ok())
                            .unwrap_or_else(|| AppError::from(Error::Conflict)),
                        current,
                        roles,
                    },
                    _ => OpOutcome::Applied {
                        seq: pushed.seq,
                        current,
                        roles,
                    },
                });
                continue;
            }
            if pushed.seq != last + 1 {
                outcomes.push(OpOutcome::NotTried { seq: pushed.seq });
                continue;
            }
            tx.savepoint().await?;
            let applied = match actor::load_ready(&mut *tx, session).await {
                Ok(actor) => self.apply_op(&mut *tx, &actor, &pushed.op, &now).await,
                Err(error) => Err(error),
            };
            let result = match applied {
                Ok(applied) => {
                    tx.release_savepoint().await?;
                    scrub |= applied.scrub;
                    OpResultRow {
                        outcome: "applied".into(),
                        error: None,
                    }
                }
                Err(error) if is_refusal(&error) => {
                    tx.rollback_to_savepoint().await?;
                    OpResultRow {
                        outcome: "rejected".into(),
                        error: serde_json::to_string(&AppError::from(error)).ok(),
                    }
                }
                Err(error) => return Err(error),
            };
            hub_of(&mut *tx)?
                .insert_op_result(client_id, pushed.seq, &pushed.op_id, &result, &now)
                .await?;
            last = pushed.seq;
            let (current, roles) = visible(&mut *tx, session, subject).await?;
            outcomes.push(match result.error {
                None => OpOutcome::Applied {
                    seq: pushed.seq,
                    current,
                    roles,
                },
                Some(error) => OpOutcome::Rejected {
                    seq: pushed.seq,
                    error: serde_json::from_str(&error)
                        .unwrap_or_else(|_| AppError::from(Error::Conflict)),
                    current,
                    roles,
                },
            });
        }
        let client = ClientRow {
            workspace_id: session.workspace_id.clone(),
            user_id: session.user_id.clone(),
            last_seq: last,
        };
        hub_of(&mut *tx)?
            .save_client(client_id, &client, &now)
            .await?;
        tx.commit().await?;
        if scrub {
            self.db.scrub().await?;
        }
        Ok(outcomes)
    }
}
