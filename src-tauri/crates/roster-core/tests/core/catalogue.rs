//! The permission catalogue (DESIGN.md §1) as the authorization matrices read it: what each
//! operation needs, the kinds of actor, and the answer each gets. One table for both
//! matrices: the core's (`matrix.rs`, on the local store) and the hub's (roster-hub's
//! `tests/hub/matrix.rs` includes this file and pushes the same operations through HTTP), so
//! a rule changed here changes what both expect.

use std::collections::BTreeSet;

use roster_core::{ErrorCode, Permission};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    UsersList,
    UsersCount,
    UsersGet,
    UsersCheckNew,
    UsersCreate,
    UsersUpdate,
    UsersRemove,
    UsersRestore,
    UsersResetPassword,
    PasswordGenerate,
    ProfileUpdate,
    ProfileChangePassword,
    UsersExport,
    RolesList,
    RolesCreate,
    RolesUpdate,
    RolesDelete,
    ReportsSeats,
    UsersActivity,
    InvitationsReady,
    UsersInvite,
    InvitationsResend,
    InvitationsRevoke,
    SettingsEmailGet,
    SettingsEmailSave,
    SettingsEmailTest,
    UsersImportOpen,
    UsersImportPreview,
    UsersImportApply,
}

/// What an operation needs, straight from the catalogue.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Any signed-in user (acting on themselves, or seeing only themselves).
    SignedIn,
    /// The permission.
    Holds(Permission),
    /// One of these permissions.
    HoldsAny(&'static [Permission]),
    /// Every one of these permissions.
    HoldsAll(&'static [Permission]),
    /// Another user of the Workspace: NOT_FOUND without `users.view`.
    Sees,
    /// The permission, on another user: FORBIDDEN without it, NOT_FOUND without `users.view`.
    HoldsAndSees(Permission),
}

impl Op {
    pub const ALL: [Op; 29] = [
        Op::UsersList,
        Op::UsersCount,
        Op::UsersGet,
        Op::UsersCheckNew,
        Op::UsersCreate,
        Op::UsersUpdate,
        Op::UsersRemove,
        Op::UsersRestore,
        Op::UsersResetPassword,
        Op::PasswordGenerate,
        Op::ProfileUpdate,
        Op::ProfileChangePassword,
        Op::UsersExport,
        Op::RolesList,
        Op::RolesCreate,
        Op::RolesUpdate,
        Op::RolesDelete,
        Op::ReportsSeats,
        Op::UsersActivity,
        Op::InvitationsReady,
        Op::UsersInvite,
        Op::InvitationsResend,
        Op::InvitationsRevoke,
        Op::SettingsEmailGet,
        Op::SettingsEmailSave,
        Op::SettingsEmailTest,
        Op::UsersImportOpen,
        Op::UsersImportPreview,
        Op::UsersImportApply,
    ];

    pub fn rule(self) -> Rule {
        use Permission::*;
        match self {
            Op::UsersList | Op::UsersCount | Op::ProfileUpdate | Op::ProfileChangePassword => {
                Rule::SignedIn
            }
            Op::UsersGet | Op::UsersActivity => Rule::Sees,
            Op::UsersCheckNew => Rule::HoldsAny(&[UsersCreate, UsersInvite]),
            Op::UsersCreate => Rule::Holds(UsersCreate),
            Op::UsersUpdate => Rule::HoldsAndSees(UsersEdit),
            Op::UsersRemove | Op::UsersRestore => Rule::HoldsAndSees(UsersRemove),
            Op::UsersResetPassword => Rule::HoldsAndSees(UsersResetPassword),
            Op::PasswordGenerate => Rule::HoldsAny(&[UsersCreate, UsersResetPassword]),
            Op::UsersExport => Rule::Holds(UsersExport),
            Op::RolesList => Rule::HoldsAny(&[RolesManage, UsersCreate, UsersEdit, UsersInvite]),
            Op::RolesCreate | Op::RolesUpdate | Op::RolesDelete => Rule::Holds(RolesManage),
            Op::ReportsSeats => Rule::Holds(ReportsView),
            Op::InvitationsReady | Op::UsersInvite => Rule::Holds(UsersInvite),
            Op::InvitationsResend | Op::InvitationsRevoke => Rule::HoldsAndSees(UsersInvite),
            Op::SettingsEmailGet | Op::SettingsEmailSave | Op::SettingsEmailTest => {
                Rule::Holds(SettingsManage)
            }
            // The preview shows users' current values, so importing needs users.view too;
            // each row's own permission is the preview's to check (tests/core/import.rs).
            Op::UsersImportOpen | Op::UsersImportPreview | Op::UsersImportApply => {
                Rule::HoldsAll(&[UsersImport, UsersView])
            }
        }
    }

    /// Whether the operation names a row of the actor's Workspace (a user or a role).
    pub fn targets_a_row(self) -> bool {
        matches!(
            self,
            Op::UsersGet
                | Op::UsersUpdate
                | Op::UsersRemove
                | Op::UsersRestore
                | Op::UsersResetPassword
                | Op::RolesUpdate
                | Op::RolesDelete
                | Op::UsersActivity
                | Op::InvitationsResend
                | Op::InvitationsRevoke
        )
    }
}

#[derive(Debug, Clone)]
pub enum Who {
    SuperUser,
    Member,
    Holding(Vec<Permission>),
    Removed,
    OtherWorkspace,
}

pub fn actors() -> Vec<Who> {
    let mut all = vec![Who::SuperUser, Who::Member];
    all.extend(Permission::ALL.into_iter().map(|p| Who::Holding(vec![p])));
    for p in [
        Permission::UsersEdit,
        Permission::UsersRemove,
        Permission::UsersResetPassword,
        Permission::UsersImport,
    ] {
        all.push(Who::Holding(vec![Permission::UsersView, p]));
    }
    all.extend([Who::Removed, Who::OtherWorkspace]);
    all
}

/// The catalogue's answer: `None` for allowed.
pub fn expected(op: Op, who: &Who) -> Option<ErrorCode> {
    let held: BTreeSet<Permission> = match who {
        Who::Removed => return Some(ErrorCode::Unauthenticated),
        Who::OtherWorkspace if op.targets_a_row() => return Some(ErrorCode::NotFound),
        Who::SuperUser | Who::OtherWorkspace => return None,
        Who::Member => BTreeSet::new(),
        Who::Holding(permissions) => permissions.iter().copied().collect(),
    };
    let sees = held.contains(&Permission::UsersView);
    match op.rule() {
        Rule::SignedIn => None,
        Rule::Holds(p) => (!held.contains(&p)).then_some(ErrorCode::Forbidden),
        Rule::HoldsAny(any) => {
            (!any.iter().any(|p| held.contains(p))).then_some(ErrorCode::Forbidden)
        }
        Rule::HoldsAll(all) => {
            (!all.iter().all(|p| held.contains(p))).then_some(ErrorCode::Forbidden)
        }
        Rule::Sees => (!sees).then_some(ErrorCode::NotFound),
        Rule::HoldsAndSees(p) if !held.contains(&p) => Some(ErrorCode::Forbidden),
        Rule::HoldsAndSees(_) => (!sees).then_some(ErrorCode::NotFound),
    }
}
