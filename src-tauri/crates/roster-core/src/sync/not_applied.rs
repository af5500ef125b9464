//! "Changes not applied" as a person reads it: each refused change as what was tried and what
//! the Workspace holds now, field by field, with names instead of ids. Field names and
//! values are data (the UI words them), so the list reads the same in every language.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::ops::{Access, Op, Subject};
use super::outbox::NotApplied;
use super::records::Record;
use crate::Roster;
use crate::error::{AppError, Result};
use crate::permissions::Session;
use crate::store::Tx;
use crate::text::display_name;
use crate::{actor, model::Status};

/// What a refused change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ChangeAction {
    /// "Add user".
    AddUser,
    /// "Edit" of another user.
    EditUser,
    /// "My profile".
    EditProfile,
    /// "Remove from Workspace".
    RemoveUser,
    /// "Restore".
    RestoreUser,
    /// "Change password" of another user.
    ResetPassword,
    /// "Add user → Send invitation".
    InviteUser,
    /// "Resend" of an invitation.
    ResendInvitation,
    /// "Revoke" of an invitation.
    RevokeInvitation,
    /// "Add role".
    AddRole,
    /// "Edit role".
    EditRole,
    /// "Delete role".
    DeleteRole,
}

/// A field of a user or role as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ChangeField {
    /// A user's first name.
    FirstName,
    /// A user's last name.
    LastName,
    /// A user's email.
    Email,
    /// A user's phone.
    Phone,
    /// The roles a user holds (their names).
    Roles,
    /// The user is a super-user (no values).
    SuperUser,
    /// A user's status (`invited`, `active`, `removed`).
    Status,
    /// A new password was set (no values: a password is never shown).
    Password,
    /// A role's name.
    Name,
    /// A role's description.
    Description,
    /// What a role grants (permission keys such as `users.view`).
    Permissions,
    /// The role that takes over a deleted role's users (its name).
    MoveTo,
}

/// One field and its value; lists (roles, permissions) have one entry per item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangeValue {
    /// Which field.
    pub field: ChangeField,
    /// Its value or values.
    pub values: Vec<String>,
}

/// A change the hub refused, for "Changes not applied".
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangeNotApplied {
    /// The change's number in this computer's outbox (Retry and Discard name it).
    #[ts(type = "number")]
    pub seq: i64,
    /// What it did.
    pub action: ChangeAction,
    /// Who or what it was about: a user's name (or email), a role's name.
    pub subject: String,
    /// What was tried, only the fields the change set.
    pub tried: Vec<ChangeValue>,
    /// The user or role as the Workspace holds it now; `None` when the Workspace has no such
    /// user or role (an "Add user" that was refused, a role deleted meanwhile).
    pub now: Option<Vec<ChangeValue>>,
    /// Why the hub refused it.
    pub error: AppError,
    /// When the change was made here (RFC 3339 UTC).
    pub made_at: String,
}

/// Names of the roles this computer knows, by id.
type RoleNames = HashMap<String, String>;

fn one(field: ChangeField, value: &str) -> ChangeValue {
    ChangeValue {
        field,
        values: vec![value.to_owned()],
    }
}

fn role_list(names: &RoleNames, ids: &[String]) -> Vec<String> {
    let mut list: Vec<String> = ids
        .iter()
        .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()))
        .collect();
    list.sort();
    list
}

fn access(names: &RoleNames, access: &Access) -> ChangeValue {
    if access.is_super_user {
        ChangeValue {
            field: ChangeField::SuperUser,
            values: Vec::new(),
        }
    } else {
        ChangeValue {
            field: ChangeField::Roles,
            values: role_list(names, &access.role_ids),
        }
    }
}

fn names_and_phone(
    first_name: Option<&String>,
    last_name: Option<&String>,
    phone: Option<&String>,
) -> Vec<ChangeValue> {
    [
        (ChangeField::FirstName, first_name),
        (ChangeField::LastName, last_name),
        (ChangeField::Phone, phone),
    ]
    .into_iter()
    .filter_map(|(field, value)| value.map(|v| one(field, v)))
    .collect()
}

/// A new user's email, names, phone and power, as "Add user" and "Send invitation" tried them.
fn new_user(
    names: &RoleNames,
    [email, first, last, phone]: [&String; 4],
    power: &Access,
) -> Vec<ChangeValue> {
    vec![
        one(ChangeField::Email, email),
        one(ChangeField::FirstName, first),
        one(ChangeField::LastName, last),
        one(ChangeField::Phone, phone),
        access(names, power),
    ]
}

fn tried(names: &RoleNames, op: &Op) -> (ChangeAction, Vec<ChangeValue>) {
    match op {
        Op::CreateUser {
            email,
            first_name,
            last_name,
            phone,
            access: power,
            ..
        } => (
            ChangeAction::AddUser,
            new_user(names, [email, first_name, last_name, phone], power),
        ),
        Op::EditUser {
            first_name,
            last_name,
            phone,
            access: power,
            ..
        } => {
            let mut values =
                names_and_phone(first_name.as_ref(), last_name.as_ref(), phone.as_ref());
            values.extend(power.as_ref().map(|change| access(names, &change.to)));
            (ChangeAction::EditUser, values)
        }
        Op::EditProfile {
            first_name,
            last_name,
            phone,
        } => (
            ChangeAction::EditProfile,
            names_and_phone(first_name.as_ref(), last_name.as_ref(), phone.as_ref()),
        ),
        Op::RemoveUser { .. } => (
            ChangeAction::RemoveUser,
            vec![one(ChangeField::Status, Status::Removed.as_str())],
        ),
        Op::RestoreUser { .. } => (
            ChangeAction::RestoreUser,
            vec![one(ChangeField::Status, Status::Active.as_str())],
        ),
        Op::ResetPassword { .. } => (
            ChangeAction::ResetPassword,
            vec![ChangeValue {
                field: ChangeField::Password,
                values: Vec::new(),
            }],
        ),
        Op::InviteUser {
            email,
            first_name,
            last_name,
            phone,
            access: power,
            ..
        } => (
            ChangeAction::InviteUser,
            new_user(names, [email, first_name, last_name, phone], power),
        ),
        Op::ResendInvitation { .. } => (
            ChangeAction::ResendInvitation,
            vec![one(ChangeField::Status, Status::Invited.as_str())],
        ),
        Op::RevokeInvitation { .. } => (
            ChangeAction::RevokeInvitation,
            vec![one(ChangeField::Status, Status::Removed.as_str())],
        ),
        Op::CreateRole {
            name,
            description,
            permissions,
            ..
        } => (
            ChangeAction::AddRole,
            vec![
                one(ChangeField::Name, name),
                one(ChangeField::Description, description),
                ChangeValue {
                    field: ChangeField::Permissions,
                    values: permissions.iter().map(|p| p.as_str().to_owned()).collect(),
                },
            ],
        ),
        Op::EditRole {
            name,
            description,
            permissions,
            ..
        } => {
            let mut values: Vec<ChangeValue> = [
                (ChangeField::Name, name.as_ref()),
                (ChangeField::Description, description.as_ref()),
            ]
            .into_iter()
            .filter_map(|(field, value)| value.map(|v| one(field, v)))
            .collect();
            values.extend(permissions.as_ref().map(|change| ChangeValue {
                field: ChangeField::Permissions,
                values: change.to.iter().map(|p| p.as_str().to_owned()).collect(),
            }));
            (ChangeAction::EditRole, values)
        }
        Op::DeleteRole { move_to, .. } => (
            ChangeAction::DeleteRole,
            move_to
                .iter()
                .map(|id| ChangeValue {
                    field: ChangeField::MoveTo,
                    values: role_list(names, std::slice::from_ref(id)),
                })
                .collect(),
        ),
    }
}

/// What this computer holds now of the change's row — kept in step with the hub by every
/// pull, so it is what the Workspace holds now, not what the hub said when it refused; `None`
/// when there is no such row here (a refused "Add user", a deleted role, a user out of sight).
async fn now(
    tx: &mut dyn Tx,
    names: &RoleNames,
    workspace_id: &str,
    subject: Subject<'_>,
) -> Result<Option<Vec<ChangeValue>>> {
    Ok(match subject {
        Subject::User(id) => match tx.user(workspace_id, id).await? {
            Some(user) => {
                let held: Vec<String> = tx
                    .held_roles(id)
                    .await?
                    .into_iter()
                    .map(|role| role.id)
                    .collect();
                Some(vec![
                    one(ChangeField::Email, &user.email),
                    one(ChangeField::FirstName, &user.first_name),
                    one(ChangeField::LastName, &user.last_name),
                    one(ChangeField::Phone, &user.phone),
                    access(names, &Access::new(user.is_super_user, &held)),
                    one(ChangeField::Status, user.status.as_str()),
                ])
            }
            None => None,
        },
        Subject::Role(id) => tx.role(workspace_id, id).await?.map(|role| {
            vec![
                one(ChangeField::Name, &role.name),
                one(ChangeField::Description, &role.description),
                ChangeValue {
                    field: ChangeField::Permissions,
                    values: role
                        .permissions
                        .iter()
                        .map(|p| p.as_str().to_owned())
                        .collect(),
                },
            ]
        }),
    })
}

fn subject(op: &Op, current: Option<&Record>, known: Option<String>) -> String {
    if let Some(name) = known {
        return name;
    }
    match (current, op) {
        (Some(Record::User(user)), _) => display_name(&user.first_name, &user.last_name),
        (Some(Record::Role(role)), _) => role.name.clone(),
        (_, Op::CreateUser { email, .. } | Op::InviteUser { email, .. }) => email.clone(),
        (_, Op::CreateRole { name, .. }) => name.clone(),
        _ => String::new(),
    }
}

impl Roster {
    /// "Changes not applied" as the list shows it: the signed-in user's refused changes,
    /// newest first, each with what was tried and what the Workspace holds now.
    /// Errors: as [`Roster::changes_not_applied`].
    pub async fn changes_not_applied_list(
        &self,
        session: &Session,
    ) -> Result<Vec<ChangeNotApplied>> {
        let refused = self.changes_not_applied(session).await?;
        let mut tx = self.read().await?;
        let actor = actor::load(&mut *tx, session).await?;
        let mut names: RoleNames = tx
            .roles(Some(&actor.workspace_id))
            .await?
            .into_iter()
            .map(|role| (role.id, role.name))
            .collect();
        for change in &refused {
            if let Some(Record::Role(role)) = &change.current {
                names.entry(role.id.clone()).or_insert(role.name.clone());
            }
        }
        let mut list = Vec::with_capacity(refused.len());
        for NotApplied {
            seq,
            op,
            error,
            current,
            made_at,
        } in refused
        {
            let known = match op.subject(&actor.user_id) {
                Subject::User(id) => tx
                    .user(&actor.workspace_id, id)
                    .await?
                    .map(|u| display_name(&u.first_name, &u.last_name)),
                Subject::Role(id) => names.get(id).cloned(),
            };
            let (action, tried) = tried(&names, &op);
            let now = now(
                &mut *tx,
                &names,
                &actor.workspace_id,
                op.subject(&actor.user_id),
            )
            .await?;
            list.push(ChangeNotApplied {
                seq,
                action,
                subject: subject(&op, current.as_ref(), known),
                tried,
                now,
                error,
                made_at,
            });
        }
        Ok(list)
    }
}
