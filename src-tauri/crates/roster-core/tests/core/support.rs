//! A fresh Workspace in a temp dir, a movable clock, and small builders.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use roster_core::model::{
    CreateWorkspaceInput, NewUser, RoleInput, SignInInput, UserDetails, UserUpdate,
};
use roster_core::testing::AuditEntry;
use roster_core::{Clock, ErrorCode, Hashing, Permission, Roster, Secret, Session};

use crate::database::TestDatabase;

pub const ADMIN_EMAIL: &str = "ana.silva@example.com";
pub const ADMIN_PASSWORD: &str = "Lantern-Orchid-Fjord-77";
pub const USER_PASSWORD: &str = "Copper-Meadow-Violin-31";

/// A clock tests move by hand.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock");
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

pub struct World {
    /// The test's database; its folder also holds the test's files.
    pub db: TestDatabase,
    pub roster: Roster,
    pub clock: Arc<TestClock>,
    pub admin: Session,
    /// The id of the built-in Member role.
    pub member_role: String,
}

pub async fn world() -> World {
    let db = TestDatabase::fresh().await;
    let clock = Arc::new(TestClock(Mutex::new(Utc::now())));
    let roster = db.open(clock.clone(), Hashing::default()).await;
    let (admin, _) = roster
        .create_first_workspace(workspace_input("Acme", ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect("first workspace");
    let member_role = roster
        .roles(&admin)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.is_builtin)
        .expect("built-in role")
        .id;
    World {
        db,
        roster,
        clock,
        admin,
        member_role,
    }
}

pub fn workspace_input(name: &str, email: &str, password: &str) -> CreateWorkspaceInput {
    CreateWorkspaceInput {
        workspace_name: name.into(),
        email: email.into(),
        first_name: "Ana".into(),
        last_name: "Silva".into(),
        password: Secret::new(password),
        confirm_password: Secret::new(password),
    }
}

fn new_user_with(email: &str, first_name: &str, last_name: &str, role_ids: Vec<String>) -> NewUser {
    NewUser {
        email: email.into(),
        first_name: first_name.into(),
        last_name: last_name.into(),
        phone: String::new(),
        password: Secret::new(USER_PASSWORD),
        confirm_password: Secret::new(USER_PASSWORD),
        must_change_password: false,
        is_super_user: false,
        role_ids,
    }
}

pub fn sign_in_input(email: &str, password: &str) -> SignInInput {
    SignInInput {
        workspace_id: None,
        email: email.into(),
        password: Secret::new(password),
    }
}

impl World {
    /// "Add user" input for a Member.
    pub fn new_user(&self, email: &str, first_name: &str, last_name: &str) -> NewUser {
        new_user_with(email, first_name, last_name, vec![self.member_role.clone()])
    }

    /// An edit of `user` that keeps names and phone and makes them a super-user or a Member.
    pub fn with_role(&self, user: &UserDetails, is_super_user: bool) -> UserUpdate {
        UserUpdate {
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            phone: user.phone.clone(),
            is_super_user,
            role_ids: if is_super_user {
                Vec::new()
            } else {
                vec![self.member_role.clone()]
            },
            expected_version: user.version,
        }
    }

    pub async fn add(&self, email: &str, first: &str, last: &str) -> UserDetails {
        self.roster
            .create_user(&self.admin, self.new_user(email, first, last))
            .await
            .expect("create user")
    }

    /// Adds a Member and signs them in.
    pub async fn member(&self, email: &str) -> (UserDetails, Session) {
        let user = self.add(email, "Mia", "Member").await;
        let (session, _) = self
            .roster
            .sign_in(sign_in_input(email, USER_PASSWORD))
            .await
            .expect("sign in");
        (user, session)
    }

    /// Adds a second super-user, Sara, and signs her in.
    pub async fn super_user(&self) -> (UserDetails, Session) {
        let mut input = new_user_with("sara@example.com", "Sara", "Okafor", Vec::new());
        input.is_super_user = true;
        let sara = self
            .roster
            .create_user(&self.admin, input)
            .await
            .expect("super-user");
        let (session, _) = self
            .roster
            .sign_in(sign_in_input("sara@example.com", USER_PASSWORD))
            .await
            .expect("sign in");
        (sara, session)
    }

    /// Signs in with `password`.
    pub async fn sign_in_with(&self, email: &str, password: &str) -> Session {
        self.roster
            .sign_in(sign_in_input(email, password))
            .await
            .expect("sign in")
            .0
    }

    /// The same database opened again, as after a restart (same clock, fresh memory).
    pub async fn reopen(&self) -> Roster {
        self.db.open(self.clock.clone(), Hashing::default()).await
    }

    /// Signs in a user who has [`USER_PASSWORD`].
    pub async fn sign_in(&self, email: &str) -> Session {
        self.roster
            .sign_in(sign_in_input(email, USER_PASSWORD))
            .await
            .expect("sign in")
            .0
    }

    /// Adds a role granting `permissions`, as the admin; returns its id.
    pub async fn role(&self, name: &str, permissions: &[Permission]) -> String {
        self.roster
            .create_role(
                &self.admin,
                RoleInput {
                    name: name.into(),
                    description: String::new(),
                    permissions: permissions.to_vec(),
                    expected_version: 0,
                },
            )
            .await
            .expect("create role")
            .id
    }

    pub async fn password_hash(&self, user_id: &str) -> Option<String> {
        self.roster
            .backdoor()
            .password_hash(user_id)
            .await
            .expect("read hash")
    }

    /// Every audit entry, oldest first.
    pub async fn audit(&self) -> Vec<AuditEntry> {
        self.roster.backdoor().audit().await.expect("audit")
    }

    /// The audit entries with `action` (about `target`, when given).
    pub async fn audited(&self, action: &str, target: Option<&str>) -> Vec<AuditEntry> {
        self.audit()
            .await
            .into_iter()
            .filter(|e| e.action == action && target.is_none_or(|t| e.target_id == t))
            .collect()
    }
}

/// The error code of a result that must have failed.
pub fn code<T: std::fmt::Debug>(result: roster_core::Result<T>) -> ErrorCode {
    result.expect_err("expected an error").code()
}

/// The first page of current users by name.
pub fn list_query() -> roster_core::model::UserQuery {
    roster_core::model::UserQuery {
        search: String::new(),
        filter: roster_core::model::StatusFilter::Current,
        sort: roster_core::model::UserSort::Name,
        direction: roster_core::model::SortDirection::Asc,
        after: None,
        limit: 100,
    }
}
