//! The authorization matrix through the hub (issue 11): every operation a replica pushes ×
//! every kind of actor of the core's matrix, each pushed over HTTP with that actor's own hub
//! token and answered as the core answers on the local store; what each actor's pull brings;
//! and the tokens that must open nothing (another Workspace's, an expired one, none, a
//! made-up one). Every refused operation must leave the hub's row exactly as it was and every
//! allowed one must change it, so a hub that skipped a check fails here.

use std::collections::BTreeSet;
use std::io::{Read, Write};

use roster_core::model::{CreateWorkspaceInput, SignInInput, Status};
use roster_core::sync::{
    Access, AccessChange, HubClient, HubSignIn, Op, OpOutcome, PermissionsChange, PushedOp, Record,
    Subject,
};
use roster_core::{AppError, ErrorCode, Permission, Roster, Secret};
use sqlx::PgPool;

use crate::support::{ADA, Acme, Desk, HubDatabase, HubProcess, PASSWORD, enrol, shared_acme};

// The expectation is the core matrix's own table: each case below names the command of the
// catalogue it is, so a rule changed there changes what the hub must answer here.
#[path = "../../../roster-core/tests/core/catalogue.rs"]
#[allow(
    dead_code,
    reason = "the core's matrix reads every command of the table; the hub's pushes only the changes"
)]
mod catalogue;

use catalogue::{Op as Command, Who, actors};

const OTTO: &str = "otto@globex.example";

/// A permission none of the matrix's user-managing actors holds beside their own, so it
/// decides whether an operation borrows power: giving a role that grants it, acting on a user
/// who holds it, granting it through a role.
const POWER: Permission = Permission::ReportsView;

/// What the sensitive part of a change needs beyond its command's rule. The catalogue's rules
/// are per command ("Edit" needs `users.edit` on a user you see); the operations split that
/// command into the parts whose rules differ (DESIGN.md §1: only super-users manage
/// super-users, and nobody grants or exercises through another user a permission they lack).
#[derive(Debug, Clone, Copy)]
enum Also {
    Nothing,
    SuperUser,
    Holds(Permission),
}

/// One cell's operation. An email never changes through an operation ("Edit" carries names,
/// phone and power), and status changes are Remove and Restore, so those are the cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    AddUser,
    AddSuperUser,
    AddUserWithPower,
    EditNames,
    EditRolesGivingPower,
    EditToSuperUser,
    EditUserWithPower,
    EditSuperUser,
    MyProfile,
    Remove,
    RemoveSuperUser,
    Restore,
    ResetPassword,
    ResetPasswordOfUserWithPower,
    AddRole,
    AddRoleWithPower,
    EditRoleName,
    EditRoleGivingPower,
    DeleteRole,
    DeleteRoleWithPower,
    Invite,
    InviteSuperUser,
    InviteWithPower,
    ResendInvitation,
    RevokeInvitation,
}

/// The row a cell acts on, made fresh by Ada before the cell runs.
#[derive(Debug, Clone, Copy)]
enum Fresh {
    /// The operation makes it (or it is the actor's own user).
    Nothing,
    /// A user holding the built-in role.
    Member,
    /// A user holding "Reporters" (grants [`POWER`]).
    WithPower,
    SuperUser,
    /// A Member removed from the Workspace.
    Removed,
    /// A role without holders, granting these permissions.
    Role(&'static [Permission]),
    /// A Member invited by email, who has not accepted.
    Invited,
}

impl Case {
    const ALL: [Case; 25] = [
        Case::AddUser,
        Case::AddSuperUser,
        Case::AddUserWithPower,
        Case::EditNames,
        Case::EditRolesGivingPower,
        Case::EditToSuperUser,
        Case::EditUserWithPower,
        Case::EditSuperUser,
        Case::MyProfile,
        Case::Remove,
        Case::RemoveSuperUser,
        Case::Restore,
        Case::ResetPassword,
        Case::ResetPasswordOfUserWithPower,
        Case::AddRole,
        Case::AddRoleWithPower,
        Case::EditRoleName,
        Case::EditRoleGivingPower,
        Case::DeleteRole,
        Case::DeleteRoleWithPower,
        Case::Invite,
        Case::InviteSuperUser,
        Case::InviteWithPower,
        Case::ResendInvitation,
        Case::RevokeInvitation,
    ];

    fn rule(self) -> (Command, Also) {
        match self {
            Case::AddUser => (Command::UsersCreate, Also::Nothing),
            Case::AddSuperUser => (Command::UsersCreate, Also::SuperUser),
            Case::AddUserWithPower => (Command::UsersCreate, Also::Holds(POWER)),
            Case::EditNames => (Command::UsersUpdate, Also::Nothing),
            Case::EditRolesGivingPower | Case::EditUserWithPower => {
                (Command::UsersUpdate, Also::Holds(POWER))
            }
            Case::EditToSuperUser | Case::EditSuperUser => (Command::UsersUpdate, Also::SuperUser),
            Case::MyProfile => (Command::ProfileUpdate, Also::Nothing),
            Case::Remove => (Command::UsersRemove, Also::Nothing),
            Case::RemoveSuperUser => (Command::UsersRemove, Also::SuperUser),
            Case::Restore => (Command::UsersRestore, Also::Nothing),
            Case::ResetPassword => (Command::UsersResetPassword, Also::Nothing),
            Case::ResetPasswordOfUserWithPower => (Command::UsersResetPassword, Also::Holds(POWER)),
            Case::AddRole => (Command::RolesCreate, Also::Nothing),
            Case::AddRoleWithPower => (Command::RolesCreate, Also::Holds(POWER)),
            Case::EditRoleName => (Command::RolesUpdate, Also::Nothing),
            Case::EditRoleGivingPower => (Command::RolesUpdate, Also::Holds(POWER)),
            Case::DeleteRole => (Command::RolesDelete, Also::Nothing),
            Case::DeleteRoleWithPower => (Command::RolesDelete, Also::Holds(POWER)),
            Case::Invite => (Command::UsersInvite, Also::Nothing),
            Case::InviteSuperUser => (Command::UsersInvite, Also::SuperUser),
            Case::InviteWithPower => (Command::UsersInvite, Also::Holds(POWER)),
            Case::ResendInvitation => (Command::InvitationsResend, Also::Nothing),
            Case::RevokeInvitation => (Command::InvitationsRevoke, Also::Nothing),
        }
    }

    fn fresh(self) -> Fresh {
        match self {
            Case::AddUser
            | Case::AddSuperUser
            | Case::AddUserWithPower
            | Case::MyProfile
            | Case::AddRole
            | Case::AddRoleWithPower
            | Case::Invite
            | Case::InviteSuperUser
            | Case::InviteWithPower => Fresh::Nothing,
            Case::EditNames
            | Case::EditRolesGivingPower
            | Case::EditToSuperUser
            | Case::Remove
            | Case::ResetPassword => Fresh::Member,
            Case::EditUserWithPower | Case::ResetPasswordOfUserWithPower => Fresh::WithPower,
            Case::EditSuperUser | Case::RemoveSuperUser => Fresh::SuperUser,
            Case::Restore => Fresh::Removed,
            Case::EditRoleName | Case::EditRoleGivingPower | Case::DeleteRole => Fresh::Role(&[]),
            Case::DeleteRoleWithPower => Fresh::Role(&[POWER]),
            Case::ResendInvitation | Case::RevokeInvitation => Fresh::Invited,
        }
    }

    /// The operation as `actor` pushes it on `row`. Roles to give are the actor's own
    /// Workspace's for a new user, Acme's for Acme's users; `based_on` is the row's credential
    /// version for a password reset.
    fn op(self, actor: &Actor, row: &str, acme: &Roles, hash: &str, based_on: i64) -> Op {
        let held = |role: &str| Access::new(false, &[role.to_owned()]);
        let edit =
            |first_name: Option<String>, phone: Option<String>, to: Option<Access>| Op::EditUser {
                user_id: row.to_owned(),
                first_name,
                last_name: None,
                phone,
                access: to.map(|to| AccessChange {
                    from: held(&acme.member),
                    to,
                }),
                seen: Status::Active,
            };
        let phone = || Some("+44 1632 960001".to_owned());
        let edit_role = |permissions| Op::EditRole {
            role_id: row.to_owned(),
            name: Some(format!("Renamed {row}")),
            description: None,
            permissions,
        };
        let email = format!("u-{row}@example.com");
        match self {
            Case::AddUser => add_user(row, &email, held(&actor.roles.member), hash),
            Case::AddSuperUser => add_user(row, &email, Access::new(true, &[]), hash),
            Case::AddUserWithPower => add_user(row, &email, held(&actor.roles.with_power), hash),
            Case::EditNames => edit(Some("Renamed".into()), phone(), None),
            Case::EditRolesGivingPower => edit(None, None, Some(held(&acme.with_power))),
            Case::EditToSuperUser => edit(None, None, Some(Access::new(true, &[]))),
            Case::EditUserWithPower | Case::EditSuperUser => edit(None, phone(), None),
            Case::MyProfile => Op::EditProfile {
                first_name: Some("Renamed".into()),
                last_name: None,
                phone: None,
            },
            Case::Remove | Case::RemoveSuperUser => Op::RemoveUser {
                user_id: row.to_owned(),
            },
            Case::Restore => Op::RestoreUser {
                user_id: row.to_owned(),
            },
            Case::ResetPassword | Case::ResetPasswordOfUserWithPower => Op::ResetPassword {
                user_id: row.to_owned(),
                password_hash: hash.to_owned(),
                must_change_password: true,
                based_on,
            },
            Case::AddRole => add_role(row, &[]),
            Case::AddRoleWithPower => add_role(row, &[POWER]),
            Case::EditRoleName => edit_role(None),
            Case::EditRoleGivingPower => edit_role(Some(PermissionsChange {
                from: Vec::new(),
                to: vec![POWER],
            })),
            Case::DeleteRole | Case::DeleteRoleWithPower => Op::DeleteRole {
                role_id: row.to_owned(),
                move_to: None,
            },
            Case::Invite => invite(row, &email, held(&actor.roles.member)),
            Case::InviteSuperUser => invite(row, &email, Access::new(true, &[])),
            Case::InviteWithPower => invite(row, &email, held(&actor.roles.with_power)),
            Case::ResendInvitation => Op::ResendInvitation {
                user_id: row.to_owned(),
            },
            Case::RevokeInvitation => Op::RevokeInvitation {
                user_id: row.to_owned(),
            },
        }
    }
}

/// The catalogue's answer for the case's command, then what its sensitive part needs.
fn expected(case: Case, who: &Who) -> Option<ErrorCode> {
    let (command, also) = case.rule();
    catalogue::expected(command, who).or_else(|| {
        let super_user = matches!(who, Who::SuperUser | Who::OtherWorkspace);
        let allowed = match also {
            Also::Nothing => true,
            Also::SuperUser => super_user,
            Also::Holds(p) => super_user || matches!(who, Who::Holding(held) if held.contains(&p)),
        };
        (!allowed).then_some(ErrorCode::Forbidden)
    })
}

/// Whether `who` sees every user of their own Workspace: the catalogue's rule for reading
/// another user, which the other Workspace's super-user meets in Globex.
fn sees_everyone(who: &Who) -> bool {
    matches!(who, Who::OtherWorkspace) || catalogue::expected(Command::UsersGet, who).is_none()
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn add_user(user_id: &str, email: &str, access: Access, hash: &str) -> Op {
    Op::CreateUser {
        user_id: user_id.to_owned(),
        email: email.to_owned(),
        first_name: "Tess".into(),
        last_name: "Target".into(),
        phone: String::new(),
        access,
        password_hash: hash.to_owned(),
        must_change_password: false,
    }
}

fn invite(user_id: &str, email: &str, access: Access) -> Op {
    Op::InviteUser {
        user_id: user_id.to_owned(),
        email: email.to_owned(),
        first_name: "Invited".into(),
        last_name: String::new(),
        phone: String::new(),
        access,
    }
}

fn add_role(role_id: &str, permissions: &[Permission]) -> Op {
    Op::CreateRole {
        role_id: role_id.to_owned(),
        name: format!("Role {role_id}"),
        description: String::new(),
        permissions: permissions.to_vec(),
    }
}

/// The built-in role and "Reporters" (grants [`POWER`]) of one Workspace.
#[derive(Debug, Clone)]
struct Roles {
    member: String,
    with_power: String,
}

/// A signed-in user of the hub with a replica id of their own.
struct Actor {
    who: Who,
    user_id: String,
    workspace_id: String,
    token: Secret,
    client_id: String,
    next_seq: i64,
    roles: Roles,
}

impl Actor {
    async fn sign_in(client: &HubClient, email: &str, who: Who, roles: Roles) -> Self {
        let input = SignInInput {
            workspace_id: None,
            email: email.into(),
            password: Secret::new(PASSWORD),
        };
        let HubSignIn::SignedIn {
            token,
            workspace_id,
            user_id,
            ..
        } = client.sign_in(&input).await.expect("sign in at the hub")
        else {
            panic!("{email} is in one Workspace");
        };
        Self {
            who,
            user_id,
            workspace_id,
            token: Secret::verbatim(&token),
            client_id: new_id(),
            next_seq: 1,
            roles,
        }
    }

    /// Pushes `ops` as the next of this replica's operations.
    async fn push(
        &mut self,
        client: &HubClient,
        ops: Vec<Op>,
    ) -> roster_core::Result<Vec<OpOutcome>> {
        let first = self.next_seq;
        let pushed: Vec<PushedOp> = ops
            .into_iter()
            .zip(first..)
            .map(|(op, seq)| PushedOp {
                seq,
                op_id: new_id(),
                op,
            })
            .collect();
        let outcomes = client.push(&self.token, &self.client_id, &pushed).await?;
        self.next_seq += i64::try_from(pushed.len()).expect("a short batch");
        Ok(outcomes)
    }

    /// Pushes set-up operations that must all apply.
    async fn apply_all(&mut self, client: &HubClient, ops: Vec<Op>) {
        for outcome in self.push(client, ops).await.expect("push") {
            assert!(matches!(outcome, OpOutcome::Applied { .. }), "{outcome:?}");
        }
    }
}

/// A row as the hub's database holds it, whole: its Workspace and everything else, with the
/// roles a user holds or the permissions a role grants.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    workspace_id: String,
    state: String,
}

async fn row(pg: &PgPool, subject: Subject<'_>) -> Option<Row> {
    let (sql, id) = match subject {
        Subject::User(id) => (
            "SELECT u.workspace_id::text,
                 (to_jsonb(u) - 'version' - 'feed_version' - 'updated_at')::text
                 || ' roles: ' || coalesce(
                 (SELECT string_agg(r.role_id::text, ',' ORDER BY r.role_id)
                  FROM user_roles r WHERE r.user_id = u.id), '')
                 || ' invitations: ' || coalesce(
                 (SELECT string_agg(i.id::text || '=' || i.state, ',' ORDER BY i.id)
                  FROM invitations i WHERE i.user_id = u.id), '')
             FROM users u WHERE u.id = $1::uuid",
            id,
        ),
        Subject::Role(id) => (
            "SELECT r.workspace_id::text, to_jsonb(r)::text || ' grants: ' || coalesce(
                 (SELECT string_agg(p.permission, ',' ORDER BY p.permission)
                  FROM role_permissions p WHERE p.role_id = r.id), '')
             FROM roles r WHERE r.id = $1::uuid",
            id,
        ),
    };
    sqlx::query_as::<_, (String, String)>(sql)
        .bind(id)
        .fetch_optional(pg)
        .await
        .expect("read the hub's row")
        .map(|(workspace_id, state)| Row {
            workspace_id,
            state,
        })
}

async fn ids(pg: &PgPool, sql: &'static str, id: &str) -> BTreeSet<String> {
    sqlx::query_scalar::<_, String>(sql)
        .bind(id)
        .fetch_all(pg)
        .await
        .expect("read ids")
        .into_iter()
        .collect()
}

async fn users_of(pg: &PgPool, workspace_id: &str) -> BTreeSet<String> {
    let sql = "SELECT id::text FROM users WHERE workspace_id = $1::uuid";
    ids(pg, sql, workspace_id).await
}

async fn roles_of(pg: &PgPool, workspace_id: &str) -> BTreeSet<String> {
    let sql = "SELECT id::text FROM roles WHERE workspace_id = $1::uuid";
    ids(pg, sql, workspace_id).await
}

async fn roles_held(pg: &PgPool, user_id: &str) -> BTreeSet<String> {
    let sql = "SELECT role_id::text FROM user_roles WHERE user_id = $1::uuid";
    ids(pg, sql, user_id).await
}

async fn scalar<T>(pg: &PgPool, sql: &'static str, id: &str) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    sqlx::query_scalar::<_, T>(sql)
        .bind(id)
        .fetch_one(pg)
        .await
        .expect("read a value")
}

/// Whether a row in a push answer is one `actor` may see: of their Workspace, another user
/// only with `users.view`, a role only with it or when held, a password hash only their own.
async fn may_see(pg: &PgPool, actor: &Actor, record: &Record) -> bool {
    let everyone = sees_everyone(&actor.who);
    let (subject, visible) = match record {
        Record::Workspace(w) => return w.id == actor.workspace_id,
        Record::User(u) => (
            Subject::User(&u.id),
            u.id == actor.user_id || (everyone && u.password_hash.is_none()),
        ),
        Record::Role(r) => (
            Subject::Role(&r.id),
            everyone || roles_held(pg, &actor.user_id).await.contains(&r.id),
        ),
    };
    let here = row(pg, subject)
        .await
        .is_some_and(|row| row.workspace_id == actor.workspace_id);
    visible && here
}

/// Acme (Ada's, shared by `shared_acme`) and Globex (Otto's) published on one hub, and a
/// signed-in user in Acme for every kind of actor of the catalogue — Otto standing for the
/// super-user of another Workspace.
struct World {
    hub: HubProcess,
    pg: PgPool,
    acme: Acme,
    acme_roles: Roles,
    ada: Actor,
    /// In the catalogue's order of kinds.
    actors: Vec<Actor>,
    /// A valid Argon2id hash (the tests' password) for users and resets.
    hash: String,
    _globex: Desk,
    _db: HubDatabase,
}

async fn world() -> World {
    let db = HubDatabase::fresh().await;
    let hub = HubProcess::start(&db.url).await;
    let client = hub.client();
    let acme = shared_acme(&db, &client).await;
    let globex = Desk::new().await;
    let (otto, _) = globex
        .roster
        .create_first_workspace(CreateWorkspaceInput {
            workspace_name: "Globex".into(),
            email: OTTO.into(),
            first_name: "Otto".into(),
            last_name: "Example".into(),
            password: Secret::new(PASSWORD),
            confirm_password: Secret::new(PASSWORD),
        })
        .await
        .expect("Globex");
    globex
        .roster
        .share_through_hub(
            &otto,
            &client,
            &enrol(&db.url),
            &Secret::new(PASSWORD),
            &|_| {},
        )
        .await
        .expect("Globex shared through the same hub");
    // Email set up on the hub for both Workspaces, so invitations are the catalogue's to refuse.
    // Its server refuses connections: the hub's mail loop fails and retries meanwhile, which
    // touches only the invited users' versions (not compared).
    let on_hub = Roster::connect(&db.url).await.expect("the hub's database");
    for (email, workspace) in [(ADA, &acme.ada.workspace_id), (OTTO, &otto.workspace_id)] {
        let (session, _) = on_hub
            .sign_in(SignInInput {
                workspace_id: Some(workspace.clone()),
                email: email.into(),
                password: Secret::new(PASSWORD),
            })
            .await
            .expect("sign in on the hub's database");
        let settings = serde_json::from_value(serde_json::json!({
            "host": "127.0.0.1",
            "port": 9,
            "security": "none",
            "username": "",
            "password": null,
            "senderName": "People Team",
            "senderAddress": "people@example.com",
            "invitationDays": 7,
            "timeoutSeconds": 2,
            "expectedVersion": 0,
        }))
        .expect("settings");
        on_hub
            .save_email_settings(&session, settings)
            .await
            .expect("email set up on the hub");
    }
    let pg = PgPool::connect(&db.url).await.expect("the hub's database");
    let hash: String = scalar(
        &pg,
        "SELECT password_hash FROM users WHERE id = $1::uuid",
        &acme.ada.user_id,
    )
    .await;
    let builtin = "SELECT id::text FROM roles WHERE workspace_id = $1::uuid AND is_builtin";
    let acme_roles = Roles {
        member: scalar(&pg, builtin, &acme.ada.workspace_id).await,
        with_power: new_id(),
    };
    let globex_roles = Roles {
        member: scalar(&pg, builtin, &otto.workspace_id).await,
        with_power: new_id(),
    };
    let mut ada = Actor::sign_in(&client, ADA, Who::SuperUser, acme_roles.clone()).await;
    let mut otto = Actor::sign_in(&client, OTTO, Who::OtherWorkspace, globex_roles).await;
    let reporters = |role_id: &str| Op::CreateRole {
        role_id: role_id.to_owned(),
        name: "Reporters".into(),
        description: String::new(),
        permissions: vec![POWER],
    };
    otto.apply_all(&client, vec![reporters(&otto.roles.with_power)])
        .await;

    let mut setup = vec![reporters(&acme_roles.with_power)];
    let mut emails = Vec::new();
    for (i, who) in actors().into_iter().enumerate() {
        let email = format!("actor{i}@example.com");
        let access = match &who {
            Who::SuperUser => Access::new(true, &[]),
            Who::Member | Who::Removed => {
                Access::new(false, std::slice::from_ref(&acme_roles.member))
            }
            Who::Holding(permissions) => {
                let role_id = new_id();
                setup.push(Op::CreateRole {
                    role_id: role_id.clone(),
                    name: format!("Tested {i}"),
                    description: String::new(),
                    permissions: permissions.clone(),
                });
                Access::new(false, &[role_id])
            }
            Who::OtherWorkspace => {
                emails.push((who, None));
                continue;
            }
        };
        setup.push(add_user(&new_id(), &email, access, &hash));
        emails.push((who, Some(email)));
    }
    ada.apply_all(&client, setup).await;
    let mut actors = Vec::new();
    let mut otto = Some(otto);
    for (who, email) in emails {
        actors.push(match email {
            Some(email) => Actor::sign_in(&client, &email, who, acme_roles.clone()).await,
            None => otto.take().expect("one other Workspace"),
        });
    }
    // Removed after signing in, as the core's matrix does: the token outlives the removal.
    let removed: Vec<Op> = actors
        .iter()
        .filter(|a| matches!(a.who, Who::Removed))
        .map(|a| Op::RemoveUser {
            user_id: a.user_id.clone(),
        })
        .collect();
    ada.apply_all(&client, removed).await;
    World {
        hub,
        pg,
        acme,
        acme_roles,
        ada,
        actors,
        hash,
        _globex: globex,
        _db: db,
    }
}

/// Ada's operations that make a cell's fresh row with id `id`.
fn fresh_row(fresh: Fresh, id: &str, acme: &Roles, hash: &str) -> Vec<Op> {
    let email = format!("t-{id}@example.com");
    let user = |access| add_user(id, &email, access, hash);
    let member = || Access::new(false, std::slice::from_ref(&acme.member));
    match fresh {
        Fresh::Nothing => Vec::new(),
        Fresh::Member => vec![user(member())],
        Fresh::WithPower => vec![user(Access::new(
            false,
            std::slice::from_ref(&acme.with_power),
        ))],
        Fresh::SuperUser => vec![user(Access::new(true, &[]))],
        Fresh::Removed => vec![
            user(member()),
            Op::RemoveUser {
                user_id: id.to_owned(),
            },
        ],
        Fresh::Role(permissions) => vec![add_role(id, permissions)],
        Fresh::Invited => vec![invite(id, &email, member())],
    }
}

fn current(outcome: &OpOutcome) -> Option<&Record> {
    match outcome {
        OpOutcome::Applied { current, .. } | OpOutcome::Rejected { current, .. } => {
            current.as_ref()
        }
        OpOutcome::NotTried { .. } => None,
    }
}

#[tokio::test]
async fn every_operation_for_every_kind_of_actor_through_the_hub() {
    let mut w = world().await;
    let client = w.hub.client();
    let mut cells = Vec::new();
    let mut setup = Vec::new();
    for (a, actor) in w.actors.iter().enumerate() {
        for case in Case::ALL {
            let id = match case {
                Case::MyProfile => actor.user_id.clone(),
                _ => new_id(),
            };
            setup.extend(fresh_row(case.fresh(), &id, &w.acme_roles, &w.hash));
            cells.push((a, case, id));
        }
    }
    w.ada.apply_all(&client, setup).await;

    let mut failures = Vec::new();
    for (a, case, id) in &cells {
        let actor = &mut w.actors[*a];
        let cell = format!("{case:?} as {:?}", actor.who);
        let based_on = match case.fresh() {
            Fresh::Nothing | Fresh::Role(_) => 0,
            _ => {
                let sql = "SELECT credential_version FROM users WHERE id = $1::uuid";
                scalar(&w.pg, sql, id).await
            }
        };
        let op = case.op(actor, id, &w.acme_roles, &w.hash, based_on);
        let me = actor.user_id.clone();
        let subject = op.subject(&me);
        let before = row(&w.pg, subject).await;
        let answer = actor.push(&client, vec![op.clone()]).await;
        let after = row(&w.pg, subject).await;

        let got = match &answer {
            Ok(outcomes) => match outcomes.as_slice() {
                [OpOutcome::Applied { .. }] => None,
                [OpOutcome::Rejected { error, .. }] => Some(error.code),
                other => {
                    failures.push(format!("{cell}: answered {other:?}"));
                    continue;
                }
            },
            // The whole push refused: the token no longer stands for a signed-in user.
            Err(error) => Some(error.code()),
        };
        let want = expected(*case, &actor.who);
        if got != want {
            failures.push(format!("{cell}: got {got:?}, want {want:?}"));
        }
        let in_own_workspace = after
            .as_ref()
            .is_some_and(|r| r.workspace_id == actor.workspace_id);
        match want {
            None if before == after || !in_own_workspace => failures.push(format!(
                "{cell}: allowed, but no row of the actor's Workspace changed on the hub"
            )),
            Some(_) if before != after => {
                failures.push(format!("{cell}: refused, but the hub's row changed"));
            }
            _ => {}
        }
        for record in answer.iter().flatten().filter_map(current) {
            if !may_see(&w.pg, actor, record).await {
                failures.push(format!(
                    "{cell}: the answer shows a row the actor may not see: {record:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells failed:\n{}",
        failures.len(),
        cells.len(),
        failures.join("\n")
    );
}

/// Every page of the feed from the start.
async fn pull_all(client: &HubClient, token: &Secret) -> roster_core::Result<Vec<Record>> {
    let mut records = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = client.pull(token, cursor.as_deref(), None).await?;
        records.extend(page.records);
        if !page.more {
            return Ok(records);
        }
        cursor = Some(page.cursor);
    }
}

#[tokio::test]
async fn each_kind_of_actor_pulls_exactly_what_they_may_see() {
    let w = world().await;
    let client = w.hub.client();
    let mut failures = Vec::new();
    for actor in &w.actors {
        let who = &actor.who;
        let records = match (pull_all(&client, &actor.token).await, who) {
            (Err(error), Who::Removed) if error.code() == ErrorCode::Unauthenticated => continue,
            (Ok(records), Who::Removed) => {
                failures.push(format!("a removed user pulled {} rows", records.len()));
                continue;
            }
            (Err(error), _) => {
                failures.push(format!("{who:?}: pull failed with {error}"));
                continue;
            }
            (Ok(records), _) => records,
        };
        let (users, roles) = if sees_everyone(who) {
            let users = users_of(&w.pg, &actor.workspace_id).await;
            (users, roles_of(&w.pg, &actor.workspace_id).await)
        } else {
            let own = BTreeSet::from([actor.user_id.clone()]);
            (own, roles_held(&w.pg, &actor.user_id).await)
        };
        let pulled = |rank: u8| -> BTreeSet<String> {
            records
                .iter()
                .filter(|r| r.rank() == rank)
                .map(|r| r.id().to_owned())
                .collect()
        };
        let workspace = BTreeSet::from([actor.workspace_id.clone()]);
        for (what, got, want) in [
            ("Workspace", pulled(0), workspace),
            ("roles", pulled(1), roles),
            ("users", pulled(2), users),
        ] {
            if got != want {
                failures.push(format!("{who:?}: {what} {got:?}, want {want:?}"));
            }
        }
        for record in &records {
            if let Record::User(u) = record
                && u.password_hash.is_some() != (u.id == actor.user_id)
            {
                failures.push(format!(
                    "{who:?}: a hash comes down exactly with the own row, not with {}",
                    u.email
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A request with no Authorization header at all (a `HubClient` always sends one): the
/// answer's status and error code.
async fn without_token(
    hub: std::net::SocketAddr,
    method: &'static str,
    path: &'static str,
    body: String,
) -> (u16, Option<ErrorCode>) {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(hub).expect("connect to the hub");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("a read timeout");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {hub}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("the answer");
        let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        (
            status,
            serde_json::from_str::<AppError>(body).ok().map(|e| e.code),
        )
    })
    .await
    .expect("the request")
}

#[tokio::test]
async fn tokens_of_another_workspace_expired_made_up_or_missing_reach_nothing_of_acme() {
    let mut w = world().await;
    let client = w.hub.client();
    let bob = Subject::User(&w.acme.bob.id);
    let remove_bob = || Op::RemoveUser {
        user_id: w.acme.bob.id.clone(),
    };
    let bob_before = row(&w.pg, bob).await;
    assert!(bob_before.is_some());

    // Globex's super-user: Acme's users are not found, Acme's replica id is not theirs, and
    // nothing of Acme comes down.
    let otto = w
        .actors
        .iter_mut()
        .find(|a| matches!(a.who, Who::OtherWorkspace))
        .expect("Otto");
    let answer = otto.push(&client, vec![remove_bob()]).await.expect("push");
    assert!(
        matches!(&answer[..], [OpOutcome::Rejected { error, current: None, .. }]
            if error.code == ErrorCode::NotFound),
        "{answer:?}"
    );
    let intruder = new_id();
    let pushed = PushedOp {
        seq: w.ada.next_seq,
        op_id: new_id(),
        op: add_role(&intruder, &[]),
    };
    let on_adas_replica = client
        .push(&otto.token, &w.ada.client_id, &[pushed])
        .await
        .expect_err("Ada's replica id");
    assert_eq!(on_adas_replica.code(), ErrorCode::Forbidden);
    assert_eq!(row(&w.pg, Subject::Role(&intruder)).await, None);
    let acme_ws = &w.acme.ada.workspace_id;
    let mut acme_ids = users_of(&w.pg, acme_ws).await;
    acme_ids.extend(roles_of(&w.pg, acme_ws).await);
    acme_ids.insert(acme_ws.clone());
    let pulled = pull_all(&client, &otto.token).await.expect("Otto pulls");
    assert!(pulled.iter().any(|r| r.id() == otto.user_id), "Otto's own");
    assert!(
        pulled.iter().all(|r| !acme_ids.contains(r.id())),
        "nothing of Acme: {pulled:?}"
    );

    // An expired session of a super-user of Acme.
    let sara = w
        .actors
        .iter_mut()
        .find(|a| matches!(a.who, Who::SuperUser))
        .expect("a super-user");
    pull_all(&client, &sara.token)
        .await
        .expect("the token works before it expires");
    let expired = sqlx::query(
        "UPDATE hub_sessions SET expires_at = now() - interval '1 minute'
         WHERE user_id = $1::uuid",
    )
    .bind(&sara.user_id)
    .execute(&w.pg)
    .await
    .expect("expire the session")
    .rows_affected();
    assert_eq!(expired, 1);
    let pulled = pull_all(&client, &sara.token).await.map(drop);
    let pushed = sara.push(&client, vec![remove_bob()]).await.map(drop);
    for (endpoint, answer) in [("feed", pulled), ("push", pushed)] {
        let code = answer.err().map(|e| e.code());
        assert_eq!(
            code,
            Some(ErrorCode::Unauthenticated),
            "expired, {endpoint}"
        );
    }

    // A made-up token, and none at all, on every endpoint that needs one.
    let made_up = Secret::verbatim("bWFkZS11cC10b2tlbi1vZi0zMi1ieXRlcy1sb25nISE");
    let stranger = new_id();
    let batch = [PushedOp {
        seq: 1,
        op_id: new_id(),
        op: remove_bob(),
    }];
    let answers = [
        client.pull(&made_up, None, None).await.map(drop),
        client.push(&made_up, &stranger, &batch).await.map(drop),
        client.sign_out(&made_up).await,
    ];
    let body = serde_json::json!({ "clientId": stranger, "ops": batch }).to_string();
    let endpoints = [
        ("GET", "/v1/feed", String::new()),
        ("POST", "/v1/push", body),
        ("DELETE", "/v1/sessions/current", String::new()),
    ];
    for ((method, path, body), made_up) in endpoints.into_iter().zip(answers) {
        let code = made_up.err().map(|e| e.code());
        assert_eq!(code, Some(ErrorCode::Unauthenticated), "made-up, {path}");
        let none = without_token(w.hub.socket(), method, path, body).await;
        assert_eq!(
            none,
            (401, Some(ErrorCode::Unauthenticated)),
            "none, {path}"
        );
    }

    assert_eq!(row(&w.pg, bob).await, bob_before, "nothing reached Bob");
    // The same removal with a token that may: the refusals above were the tokens'.
    let answer = w.ada.push(&client, vec![remove_bob()]).await.expect("Ada");
    assert!(
        matches!(&answer[..], [OpOutcome::Applied { .. }]),
        "{answer:?}"
    );
    assert_ne!(row(&w.pg, bob).await, bob_before);
}

#[tokio::test]
async fn a_body_that_is_not_the_json_an_endpoint_takes_is_refused_in_the_one_error_shape() {
    let db = HubDatabase::fresh().await;
    let hub = HubProcess::start(&db.url).await;
    for body in [
        r#"{"code":"nope","workspace":{}}"#.to_owned(),
        "not json at all".to_owned(),
        r#"{"email":42}"#.to_owned(),
    ] {
        let path = if body.contains("email") {
            "/v1/sessions"
        } else {
            "/v1/publish/start"
        };
        let answer = without_token(hub.socket(), "POST", path, body.clone()).await;
        assert_eq!(
            answer,
            (400, Some(ErrorCode::Validation)),
            "{path} with {body}"
        );
    }
}
