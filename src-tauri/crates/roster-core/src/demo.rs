//! The demo Workspace: about 200 invented users with mixed-script names, for `--demo`.

use fake::Fake;
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::{AR_SA, DE_DE, EN, FR_FR, JA_JP, PT_BR, ZH_CN};

use crate::changes::{self, By, Change, StatusChange};
use crate::error::Result;
use crate::model::{CreateWorkspaceInput, RoleInput, Status};
use crate::passwords::Secret;
use crate::permissions::{Permission, Session};
use crate::store::UserPatch;
use crate::text::email_key;
use crate::{Roster, new_id, users};

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
    add_sample_users(roster, &session, DEMO_USERS, &password).await?;
    add_sample_roles(roster, &session).await
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
/// sample user (not super-users), in one transaction.
async fn add_sample_roles(roster: &Roster, session: &Session) -> Result<()> {
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
    let mut tx = roster.write().await?;
    let at = roster.now();
    for n in 1..=DEMO_USERS {
        let extra: Vec<String> = created
            .iter()
            .filter(|(_, every)| n % every == 0)
            .map(|(id, _)| id.clone())
            .collect();
        let key = email_key(&sample_email(n - 1));
        let Some((user_id, _)) = tx.email_owner(&session.workspace_id, &key).await? else {
            continue;
        };
        let held = tx.held_roles(&user_id).await?;
        if extra.is_empty() || held.is_empty() {
            continue;
        }
        let mut role_ids: Vec<String> = held.into_iter().map(|r| r.id).collect();
        role_ids.extend(extra);
        let patch = UserPatch {
            role_ids: Some(role_ids),
            ..UserPatch::default()
        };
        tx.update_user(&user_id, &patch, &at).await?;
    }
    tx.commit().await
}

/// Adds `count` invented users (`user000001@demo.example`, ...) to the session's Workspace in
/// one transaction, added over the past year: mixed-script names, a few phones, every 40th a
/// super-user and the others Members, every 17th removed halfway between being added and
/// now, all with one shared hash of `password` (hashed once, so 100,000 users take seconds —
/// benchmarks use this too). Each addition and removal gets its audit entry like any other
/// change, so reports and the seat chart have a history.
pub async fn add_sample_users(
    roster: &Roster,
    session: &Session,
    count: usize,
    password: &Secret,
) -> Result<()> {
    let hash = roster.hash(password).await?;
    let mut tx = roster.write().await?;
    let members = [crate::workspaces::member_role_id(&mut *tx, &session.workspace_id).await?];
    let now = roster.clock.now();
    for i in 0..count {
        // Spread over the past year, oldest first, so "Date added" sorts meaningfully.
        let added = now - chrono::Duration::minutes(((count - i) * 525_600 / count.max(1)) as i64);
        let at = crate::clock::timestamp(added);
        let (first, last) = sample_name(i);
        let email = sample_email(i);
        let phone = if i % 3 == 0 {
            format!("+44 7700 9{:05}", i % 100_000)
        } else {
            String::new()
        };
        let is_super_user = i % 40 == 0;
        let id = new_id();
        let row = users::write::NewRow {
            id: &id,
            workspace_id: &session.workspace_id,
            email: &email,
            first_name: &first,
            last_name: &last,
            phone: &phone,
            status: Status::Active,
            is_super_user,
            password_hash: Some(&hash),
            must_change_password: false,
            role_ids: if is_super_user { &[] } else { &members },
            at: &at,
        };
        users::write::insert(&mut *tx, &row).await?;
        let by = By {
            workspace_id: &session.workspace_id,
            actor_id: None,
            at: &at,
        };
        let added_user = Change::UserAdded {
            user_id: &id,
            invited: false,
        };
        changes::record(&mut *tx, by, added_user).await?;
        if i % 17 == 0 {
            let removed = crate::clock::timestamp(added + (now - added) / 2);
            let by = By { at: &removed, ..by };
            let how = StatusChange::Removed;
            let patch = UserPatch::default();
            users::write::change_status(&mut *tx, by, &id, Status::Active, how, true, patch)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
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
