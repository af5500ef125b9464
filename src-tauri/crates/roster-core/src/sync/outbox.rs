//! A replica's outbox: every change made on a replica, as its [`Op`], appended in the
//! transaction that applied it here; the hub's answers recorded when they come back; the
//! refused ones kept for "Changes not applied" with Retry and Discard.

use serde::Serialize;

use super::apply;
use super::ops::{Op, Subject};
use super::push::{OpOutcome, PushedOp};
use super::records::Record;
use crate::actor::Actor;
use crate::error::{AppError, Error, Result};
use crate::permissions::Session;
use crate::store::Tx;
use crate::store::replica::{OutboxRow, ReplicaStore};
use crate::{Roster, actor, new_id};

/// Operations per push from a replica.
pub const PUSH_BATCH: usize = 100;

/// A change the hub did not apply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotApplied {
    /// The change's number in this replica's outbox.
    pub seq: i64,
    /// What was tried.
    pub op: Op,
    /// Why the hub refused it.
    pub error: AppError,
    /// The user or role as the Workspace holds it now; none when there is no such row.
    pub current: Option<Record>,
    /// When the change was made here (RFC 3339 UTC).
    pub made_at: String,
}

/// Appends `op`, just applied here by `actor`, to the outbox when the Workspace is a replica.
pub(crate) async fn enqueue(tx: &mut dyn Tx, actor: &Actor, op: &Op, now: &str) -> Result<()> {
    let Some(replica) = tx.replica() else {
        return Ok(());
    };
    if replica.link(&actor.workspace_id).await?.is_none() {
        return Ok(());
    }
    let json =
        serde_json::to_string(op).map_err(|e| Error::Stored(format!("an operation: {e}")))?;
    replica
        .append_op(
            &actor.workspace_id,
            &new_id(),
            subject(op, actor),
            &json,
            now,
        )
        .await?;
    Ok(())
}

/// Whether `workspace_id` is a replica here (a copy of a Workspace shared through a hub).
pub(crate) async fn is_replica(tx: &mut dyn Tx, workspace_id: &str) -> Result<bool> {
    Ok(match tx.replica() {
        Some(replica) => replica.link(workspace_id).await?.is_some(),
        None => false,
    })
}

/// Refuses, on a replica, a change that cannot travel as an operation (it carries a secret,
/// or must be checked against one only the hub holds): the shell makes it at the hub
/// directly. Errors: [`Error::HubUnreachable`] saying that a connection to the hub is
/// needed — what a person must do to make it.
pub(crate) async fn ensure_not_replica(tx: &mut dyn Tx, workspace_id: &str) -> Result<()> {
    if is_replica(tx, workspace_id).await? {
        return Err(needs_hub());
    }
    Ok(())
}

/// The refusal of a change that is made at the hub while the hub cannot be reached.
fn needs_hub() -> Error {
    Error::HubUnreachable {
        reason: "this change needs a connection to the hub, which shares this Workspace; \
                 try again when Roster is online"
            .into(),
    }
}

/// `(kind, id)` of the row `op` is about, as the outbox stores it.
fn subject<'a>(op: &'a Op, actor: &'a Actor) -> (&'static str, &'a str) {
    match op.subject(&actor.user_id) {
        Subject::User(id) => ("user", id),
        Subject::Role(id) => ("role", id),
    }
}

fn replica_of(tx: &mut dyn Tx) -> Result<&mut dyn ReplicaStore> {
    tx.replica()
        .ok_or_else(|| Error::Forbidden("Only a desktop copy can be a replica".into()))
}

fn parse_op(row: &OutboxRow) -> Result<Op> {
    serde_json::from_str(&row.op)
        .map_err(|e| Error::Stored(format!("outbox entry {}: {e}", row.seq)))
}

impl Roster {
    /// Operations of the replica `workspace_id` waiting for the hub, oldest first, at most
    /// `limit`: what the next push sends.
    pub async fn pending_ops(&self, workspace_id: &str, limit: usize) -> Result<Vec<PushedOp>> {
        let mut tx = self.read().await?;
        let rows = replica_of(&mut *tx)?
            .outbox(
                workspace_id,
                Some("pending"),
                i64::try_from(limit).unwrap_or(i64::MAX),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PushedOp {
                    seq: row.seq,
                    op_id: row.op_id.clone(),
                    op: parse_op(row)?,
                })
            })
            .collect()
    }

    /// How many changes of the replica `workspace_id` wait for the hub.
    pub async fn changes_waiting(&self, workspace_id: &str) -> Result<usize> {
        let mut tx = self.read().await?;
        Ok(replica_of(&mut *tx)?
            .outbox(workspace_id, Some("pending"), i64::MAX)
            .await?
            .len())
    }

    /// Records the hub's answers in one transaction: each answered operation leaves the
    /// queue; the user it was about takes the state the Workspace holds now (unless a later
    /// change of the same user still waits, whose answer will bring it); a refused "Add user"
    /// leaves no user behind. Returns how many operations were refused.
    pub async fn record_answers(
        &self,
        workspace_id: &str,
        outcomes: &[OpOutcome],
    ) -> Result<usize> {
        let now = self.now();
        let mut tx = self.write().await?;
        // The waiting operations, read once: each answer takes its own out, and what stays
        // says whether a later change of the same row still waits.
        let mut waiting = replica_of(&mut *tx)?
            .outbox(workspace_id, Some("pending"), i64::MAX)
            .await?;
        let mut refused = 0;
        for outcome in outcomes {
            let (seq, state, error, current, roles) = match outcome {
                OpOutcome::Applied {
                    seq,
                    current,
                    roles,
                } => (*seq, "applied", None, current, roles),
                OpOutcome::Rejected {
                    seq,
                    error,
                    current,
                    roles,
                } => (*seq, "rejected", Some(error), current, roles),
                OpOutcome::NotTried { .. } => continue,
            };
            let Some(at) = waiting.iter().position(|r| r.seq == seq) else {
                continue;
            };
            let row = waiting.remove(at);
            let replica = replica_of(&mut *tx)?;
            let error_json = error.and_then(|e| serde_json::to_string(e).ok());
            let current_json = current.as_ref().and_then(|c| serde_json::to_string(c).ok());
            replica
                .answer_op(
                    workspace_id,
                    seq,
                    state,
                    error_json.as_deref(),
                    current_json.as_deref(),
                    &now,
                )
                .await?;
            refused += usize::from(state == "rejected");
            let later = waiting
                .iter()
                .any(|r| r.subject_kind == row.subject_kind && r.subject_id == row.subject_id);
            if later {
                continue;
            }
            match current {
                Some(record) => {
                    for role in roles {
                        apply::put(&mut *tx, workspace_id, &Record::Role(role.clone()), &now)
                            .await?;
                    }
                    apply::put(&mut *tx, workspace_id, record, &now).await?
                }
                None if state == "rejected" && row.subject_kind == "role" => {
                    replica_of(&mut *tx)?
                        .purge_role(workspace_id, &row.subject_id)
                        .await?
                }
                None if state == "rejected" => {
                    replica_of(&mut *tx)?
                        .purge_user(workspace_id, &row.subject_id)
                        .await?
                }
                None => {}
            }
        }
        tx.commit().await?;
        Ok(refused)
    }

    /// "Changes not applied": the signed-in user's changes the hub refused, newest first.
    pub async fn changes_not_applied(&self, session: &Session) -> Result<Vec<NotApplied>> {
        let mut tx = self.read().await?;
        let actor = actor::load(&mut *tx, session).await?;
        let rows = replica_of(&mut *tx)?
            .outbox(&actor.workspace_id, Some("rejected"), i64::MAX)
            .await?;
        let mut list = rows
            .iter()
            .map(|row| {
                Ok(NotApplied {
                    seq: row.seq,
                    op: parse_op(row)?,
                    error: row
                        .error
                        .as_deref()
                        .and_then(|e| serde_json::from_str(e).ok())
                        .unwrap_or_else(|| AppError::from(Error::Conflict)),
                    current: row
                        .current
                        .as_deref()
                        .and_then(|c| serde_json::from_str(c).ok()),
                    made_at: row.created_at.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        list.reverse();
        Ok(list)
    }

    /// "Discard": the refused change `seq` leaves the list; nothing else changes.
    /// Errors: [`Error::NotFound`] for a change that is not in the list.
    pub async fn discard_change(&self, session: &Session, seq: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let actor = actor::load(&mut *tx, session).await?;
        self.refused(&mut *tx, &actor, seq).await?;
        replica_of(&mut *tx)?
            .answer_op(&actor.workspace_id, seq, "discarded", None, None, &now)
            .await?;
        tx.commit().await
    }

    /// "Retry": the refused change `seq` is made again on what the Workspace holds now — a
    /// new change, checked here by the same rules and queued for the hub — and leaves the
    /// list. Errors: [`Error::NotFound`] for a change that is not in the list; the rules'
    /// errors when it cannot be made on the current state (it stays in the list).
    pub async fn retry_change(&self, session: &Session, seq: i64) -> Result<()> {
        let now = self.now();
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let row = self.refused(&mut *tx, &actor, seq).await?;
        let op = rebased(&mut *tx, &actor, parse_op(&row)?).await?;
        replica_of(&mut *tx)?
            .answer_op(&actor.workspace_id, seq, "retried", None, None, &now)
            .await?;
        self.commit_op(tx, &actor, op).await.map(drop)
    }

    async fn refused(&self, tx: &mut dyn Tx, actor: &Actor, seq: i64) -> Result<OutboxRow> {
        replica_of(tx)?
            .outbox(&actor.workspace_id, Some("rejected"), i64::MAX)
            .await?
            .into_iter()
            .find(|r| r.seq == seq)
            .ok_or(Error::NotFound("Change"))
    }
}

/// `op` made again on what the replica holds now: based on the user's current power,
/// status and credential version, or the role's current permissions; a new id for a user or
/// role whose adding was refused.
async fn rebased(tx: &mut dyn Tx, actor: &Actor, op: Op) -> Result<Op> {
    Ok(match op {
        Op::CreateUser {
            email,
            first_name,
            last_name,
            phone,
            access,
            password_hash,
            must_change_password,
            ..
        } => Op::CreateUser {
            user_id: new_id(),
            email,
            first_name,
            last_name,
            phone,
            access,
            password_hash,
            must_change_password,
        },
        Op::InviteUser {
            email,
            first_name,
            last_name,
            phone,
            access,
            ..
        } => Op::InviteUser {
            user_id: new_id(),
            email,
            first_name,
            last_name,
            phone,
            access,
        },
        Op::EditUser {
            user_id,
            first_name,
            last_name,
            phone,
            access,
            ..
        } => {
            let user = crate::users::fetch(tx, &actor.workspace_id, &user_id).await?;
            Op::EditUser {
                access: access.map(|a| super::ops::AccessChange {
                    from: crate::users::access_of(&user),
                    to: a.to,
                }),
                seen: user.status,
                user_id,
                first_name,
                last_name,
                phone,
            }
        }
        Op::ResetPassword {
            user_id,
            password_hash,
            must_change_password,
            ..
        } => {
            let based_on = tx
                .credentials(&actor.workspace_id, &user_id)
                .await?
                .map(|c| c.credential_version)
                .ok_or(Error::NotFound("User"))?;
            Op::ResetPassword {
                user_id,
                password_hash,
                must_change_password,
                based_on,
            }
        }
        Op::EditRole {
            role_id,
            name,
            description,
            permissions,
        } => {
            let role = crate::roles::load(tx, &actor.workspace_id, &role_id).await?;
            Op::EditRole {
                permissions: permissions.map(|p| super::ops::PermissionsChange {
                    from: role.permissions.iter().copied().collect(),
                    to: p.to,
                }),
                role_id,
                name,
                description,
            }
        }
        Op::CreateRole {
            name,
            description,
            permissions,
            ..
        } => Op::CreateRole {
            role_id: new_id(),
            name,
            description,
            permissions,
        },
        other => other,
    })
}
