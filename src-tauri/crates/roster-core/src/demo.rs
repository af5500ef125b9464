//! The demo Workspace: about 200 invented users with mixed-script names, for `--demo`.

use fake::Fake;
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::{AR_SA, DE_DE, EN, FR_FR, JA_JP, PT_BR, ZH_CN};

use crate::audit::{self, Entry};
use crate::error::Result;
use crate::model::CreateWorkspaceInput;
use crate::model::Status;
use crate::passwords::Secret;
use crate::permissions::Session;
use crate::{Roster, new_id, store, users};

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
    add_sample_users(roster, &session, DEMO_USERS, &password).await
}

/// Adds `count` invented users (`user000001@demo.example`, ...) to the session's Workspace in
/// one transaction: mixed-script names, a few phones, every 17th removed, every 40th a
/// super-user, all with one shared hash of `password` (hashed once, so 100,000 users take
/// seconds — benchmarks use this too). Each gets an audit entry like any other change.
pub async fn add_sample_users(
    roster: &Roster,
    session: &Session,
    count: usize,
    password: &Secret,
) -> Result<()> {
    let hash = roster.hash(password).await?;
    let mut tx = store::begin_write(roster.pool()).await?;
    let role_id = crate::workspaces::member_role_id(&mut tx, &session.workspace_id).await?;
    let now = roster.clock.now();
    for i in 0..count {
        // Spread over the past year, oldest first, so "Date added" sorts meaningfully.
        let added = now - chrono::Duration::minutes(((count - i) * 525_600 / count.max(1)) as i64);
        let at = crate::clock::timestamp(added);
        let (first, last) = sample_name(i);
        let email = format!("user{:06}@demo.example", i + 1);
        let phone = if i % 3 == 0 {
            format!("+44 7700 9{:05}", i % 100_000)
        } else {
            String::new()
        };
        let status = if i % 17 == 0 {
            Status::Removed
        } else {
            Status::Active
        };
        let id = new_id();
        let row = users::NewRow {
            id: &id,
            workspace_id: &session.workspace_id,
            email: &email,
            first_name: &first,
            last_name: &last,
            phone: &phone,
            status,
            is_super_user: i % 40 == 0,
            password_hash: Some(&hash),
            must_change_password: false,
            role_id: &role_id,
            at: &at,
        };
        users::insert(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &session.workspace_id,
                actor_id: None,
                action: "user.create",
                target_type: "user",
                target_id: &id,
                fields: &[
                    "email",
                    "firstName",
                    "lastName",
                    "phone",
                    "role",
                    "password",
                ],
                at: &at,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
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
