//! The demo Workspace: about 200 invented users with mixed-script names, for `--demo`.

use fake::Fake;
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::{AR_SA, DE_DE, EN, FR_FR, JA_JP, PT_BR, ZH_CN};

use crate::Roster;
use crate::clock::timestamp;
use crate::error::Result;
use crate::model::{CreateWorkspaceInput, NewInvitation, RoleInput, UserUpdate};
use crate::passwords::Secret;
use crate::permissions::{Permission, Session};
use crate::users::seed::SampleUser;

/// The demo super-user's email.
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.example";
/// The demo super-user's password (printed in the README and on the sign-in screen).
pub const DEMO_ADMIN_PASSWORD: &str = "Demo-Roster-2031!";
/// How many users besides the admin.
pub const DEMO_USERS: usize = 200;

/// Fills an empty database with the demo Workspace; does nothing when a Workspace exists.
/// Every sample user gets the same password hash as the admin, hashed once.
pub async fn seed(roster: &Roster) -> Result<()> {
    if !roster.workspaces().await?.is_empty() {
        return Ok(());
    }
    let password = Secret::new(DEMO_ADMIN_PASSWORD);
    let (session, _) = roster
        .create_workspace(CreateWorkspaceInput {
            workspace_name: "Northwind Demo".into(),
            email: DEMO_ADMIN_EMAIL.into(),
            first_name: "Ada".into(),
            last_name: "Admin".into(),
            password: password.clone(),
            confirm_password: password.clone(),
        })
        .await?;
    let users = add_sample_users(roster, &session, DEMO_USERS, &password).await?;
    add_sample_roles(roster, &session, &users).await
}

/// Roles of a small office, each given to some of the sample users besides Member.
const SAMPLE_ROLES: [(&str, &str, &[Permission], usize); 3] = [
    (
        "Office manager",
        "Runs the team list day to day.",
        &[
            Permission::UsersView,
            Permission::UsersCreate,
            Permission::UsersEdit,
            Permission::UsersRemove,
            Permission::UsersResetPassword,
            Permission::UsersExport,
        ],
        23,
    ),
    (
        "Accountant",
        "Checks seats and bills.",
        &[
            Permission::UsersView,
            Permission::UsersExport,
            Permission::ReportsView,
        ],
        11,
    ),
    (
        "Team lead",
        "Sees the whole team.",
        &[Permission::UsersView],
        5,
    ),
];

/// Creates [`SAMPLE_ROLES`] through the roles service and gives role `k` to every `n`-th
/// sample user (not super-users) through "Edit", as a super-user would.
async fn add_sample_roles(roster: &Roster, session: &Session, users: &[String]) -> Result<()> {
    let mut created = Vec::new();
    for (name, description, permissions, every) in SAMPLE_ROLES {
        let role = roster
            .create_role(
                session,
                RoleInput {
                    name: name.into(),
                    description: description.into(),
                    permissions: permissions.to_vec(),
                    expected_version: 0,
                },
            )
            .await?;
        created.push((role.id, every));
    }
    for (i, user_id) in users.iter().enumerate() {
        let n = i + 1;
        let extra = created.iter().filter(|(_, every)| n % every == 0);
        let user = roster.user(session, user_id).await?;
        if user.is_super_user || extra.clone().next().is_none() {
            continue;
        }
        let mut role_ids = user.role_ids.clone();
        role_ids.extend(extra.map(|(id, _)| id.clone()));
        let edit = UserUpdate {
            first_name: user.first_name,
            last_name: user.last_name,
            phone: user.phone,
            is_super_user: false,
            role_ids,
            expected_version: user.version,
        };
        roster.update_user(session, user_id, edit).await?;
    }
    Ok(())
}

/// Adds `count` invented users (`user000001@demo.example`, ...) to the session's Workspace in
/// one transaction through the same checks and writers as "Add user", added over the past
/// year: mixed-script names, a few phones, every 40th a super-user and the others Members,
/// every 17th removed halfway between being added and now, all with `password` (hashed once,
/// so 100,000 users take seconds — benchmarks use this too). Each addition and removal gets
/// its audit entry like any other change, so reports and the seat chart have a history.
/// Returns the new users' ids in order. Needs `users.create` and `users.remove`.
pub async fn add_sample_users(
    roster: &Roster,
    session: &Session,
    count: usize,
    password: &Secret,
) -> Result<Vec<String>> {
    let member = {
        let mut tx = roster.read().await?;
        crate::workspaces::member_role_id(&mut *tx, &session.workspace_id).await?
    };
    let now = roster.clock.now();
    let samples: Vec<SampleUser> = (0..count)
        .map(|i| {
            // Spread over the past year, oldest first, so "Date added" sorts meaningfully.
            let minutes = ((count - i) * 525_600 / count.max(1)) as i64;
            let added = now - chrono::Duration::minutes(minutes);
            let (first_name, last_name) = sample_name(i);
            let is_super_user = i % 40 == 0;
            SampleUser {
                user: NewInvitation {
                    email: sample_email(i),
                    first_name,
                    last_name,
                    phone: if i % 3 == 0 {
                        format!("+44 7700 9{:05}", i % 100_000)
                    } else {
                        String::new()
                    },
                    is_super_user,
                    role_ids: if is_super_user {
                        Vec::new()
                    } else {
                        vec![member.clone()]
                    },
                },
                added_at: timestamp(added),
                removed_at: (i % 17 == 0).then(|| timestamp(added + (now - added) / 2)),
            }
        })
        .collect();
    roster
        .add_users_sharing_password(session, &samples, password)
        .await
}

/// The address of the `i`-th sample user (from 0): `user000001@demo.example`, ...
fn sample_email(i: usize) -> String {
    format!("user{:06}@demo.example", i + 1)
}

/// A name from one of seven locales in turn, so the list mixes Latin, Arabic, CJK and kana.
pub fn sample_name(i: usize) -> (String, String) {
    match i % 7 {
        0 => (FirstName(EN).fake(), LastName(EN).fake()),
        1 => (FirstName(FR_FR).fake(), LastName(FR_FR).fake()),
        2 => (FirstName(DE_DE).fake(), LastName(DE_DE).fake()),
        3 => (FirstName(PT_BR).fake(), LastName(PT_BR).fake()),
        4 => (FirstName(ZH_CN).fake(), LastName(ZH_CN).fake()),
        5 => (FirstName(JA_JP).fake(), LastName(JA_JP).fake()),
        _ => (FirstName(AR_SA).fake(), LastName(AR_SA).fake()),
    }
}
