//! Real parts for hub tests: a fresh PostgreSQL database per test (on the server at
//! `ROSTER_TEST_PG_URL`, default the role `scripts/setup --test` makes), real `roster-hub`
//! processes on loopback ports, and desktop Rosters each on their own SQLite file.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use roster_core::model::{CreateWorkspaceInput, NewUser, RoleInput, SignInInput, UserDetails};
use roster_core::sync::{HubClient, Joined, Pushed};
use roster_core::{Clock, Hashing, Permission, Roster, Secret, Session, SystemClock};
use sqlx::Connection;
use std::sync::Arc;
use tempfile::TempDir;

/// The server the tests create their databases on.
const DEFAULT_PG_URL: &str = "postgres://roster:roster@127.0.0.1:5432/postgres";

pub const ADA: &str = "ada.lovelace@example.com";
pub const PASSWORD: &str = "Lantern-Orchid-Fjord-77";

fn server_url() -> String {
    std::env::var("ROSTER_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// A PostgreSQL database of the test's own, dropped at the end.
pub struct HubDatabase {
    pub url: String,
    name: String,
}

impl HubDatabase {
    pub async fn fresh() -> Self {
        let name = format!("roster_hub_test_{}", uuid::Uuid::now_v7().simple());
        let server = server_url();
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("the PostgreSQL server (scripts/setup --test starts one)");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        let (base, _) = server.rsplit_once('/').expect("a database in the URL");
        Self {
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for HubDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let server = server_url();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server).await.ok()?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .ok()
            })
        });
        let _ = dropped.join();
    }
}

/// A `roster-hub serve` process on a loopback port, killed when dropped.
pub struct HubProcess {
    child: Child,
    pub address: String,
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

fn hub_binary() -> &'static str {
    env!("CARGO_BIN_EXE_roster-hub")
}

impl HubProcess {
    /// Starts a hub on `database` and waits until `/health` answers.
    pub async fn start(database: &str) -> Self {
        let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        Self::start_on(database, address).await
    }

    /// Starts a hub on `database` listening on `address` (again, after a kill).
    pub async fn start_on(database: &str, address: SocketAddr) -> Self {
        Self::start_with(database, address, None, None).await
    }

    /// Starts a hub on `database` that seals SMTP passwords with the key in `key_file`.
    pub async fn start_with_key(database: &str, key_file: &Path) -> Self {
        let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        Self::start_with(database, address, None, Some(key_file)).await
    }

    /// Starts a hub serving HTTPS with the certificate and key of `tls` (PEM files), which
    /// `ca` signed.
    pub async fn start_tls(database: &str, ca: &Path, tls: (&Path, &Path)) -> Self {
        let address = SocketAddr::from(([127, 0, 0, 1], free_port()));
        Self::start_with(database, address, Some((ca, tls.0, tls.1)), None).await
    }

    async fn start_with(
        database: &str,
        address: SocketAddr,
        tls: Option<(&Path, &Path, &Path)>,
        key_file: Option<&Path>,
    ) -> Self {
        let port = address.port();
        let mut args = vec![
            "serve".to_owned(),
            "--listen".to_owned(),
            address.to_string(),
        ];
        if let Some((_, cert, key)) = tls {
            args.extend([
                "--tls-cert".to_owned(),
                cert.display().to_string(),
                "--tls-key".to_owned(),
                key.display().to_string(),
            ]);
        }
        if let Some(key_file) = key_file {
            args.extend([
                "--secret-key-file".to_owned(),
                key_file.display().to_string(),
            ]);
        }
        let child = Command::new(hub_binary())
            .args(&args)
            .env("ROSTER_HUB_DATABASE_URL", database)
            .env("ROSTER_HUB_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start roster-hub");
        // The test certificate names `localhost`; plain HTTP stays on the address itself.
        let address = match tls {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        let hub = Self { child, address };
        let client = match tls {
            Some((ca, _, _)) => HubClient::new(&hub.address, Some(ca)).expect("client"),
            None => hub.client(),
        };
        for _ in 0..200 {
            if client.health().await.is_ok() {
                return hub;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("roster-hub did not become healthy on port {port}");
    }

    /// The address the process listens on.
    pub fn socket(&self) -> SocketAddr {
        let port = self.address.rsplit(':').next().expect("a port");
        SocketAddr::from(([127, 0, 0, 1], port.parse().expect("a port number")))
    }

    pub fn client(&self) -> HubClient {
        HubClient::new(&self.address, None).expect("hub client")
    }

    /// Ends the process at once, as `kill -9` does.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `roster-hub enrol`: a new one-time code.
pub fn enrol(database: &str) -> String {
    let output = Command::new(hub_binary())
        .arg("enrol")
        .env("ROSTER_HUB_DATABASE_URL", database)
        .output()
        .expect("run roster-hub enrol");
    assert!(output.status.success(), "enrol failed: {output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// A desktop Roster on its own SQLite file.
pub struct Desk {
    /// Holds the SQLite file until the desk is dropped.
    _dir: TempDir,
    pub roster: Roster,
}

impl Desk {
    pub async fn new() -> Self {
        Self::with_clock(Arc::new(SystemClock)).await
    }

    /// A desk whose clock is `clock` (one an hour off, say).
    pub async fn with_clock(clock: Arc<dyn Clock>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let roster = Roster::open_with(&dir.path().join("roster.db"), clock, Hashing::default())
            .await
            .expect("open the SQLite file");
        Self { _dir: dir, roster }
    }

    /// Pushes what waits and pulls what changed.
    pub async fn sync(&self, session: &Session, hub: &HubClient) -> Pushed {
        let (pushed, _) = self
            .roster
            .sync_with_hub(&session.workspace_id, hub, None)
            .await
            .expect("sync");
        pushed
    }

    /// Joins the Workspace on `hub` as `email`.
    pub async fn join(&self, hub: &HubClient, email: &str, password: &str) -> Session {
        let input = SignInInput {
            workspace_id: None,
            email: email.into(),
            password: Secret::new(password),
        };
        match self
            .roster
            .join_through_hub(hub, input, &|_| {})
            .await
            .expect("join")
        {
            Joined::SignedIn(signed_in) => signed_in.0,
            Joined::ChooseWorkspace(w) => panic!("asked to choose among {w:?}"),
        }
    }

    /// Names of the users this copy holds, as the list shows them, by name.
    pub async fn names(&self, session: &Session) -> Vec<String> {
        Self::names_of(&self.roster, session).await
    }

    /// Names of the users `roster` lists for `session`, by name.
    pub async fn names_of(roster: &Roster, session: &Session) -> Vec<String> {
        let query = roster_core::model::UserQuery {
            search: String::new(),
            filter: roster_core::model::StatusFilter::All,
            sort: roster_core::model::UserSort::Name,
            direction: roster_core::model::SortDirection::Asc,
            after: None,
            limit: 200,
        };
        roster
            .list_users(session, &query)
            .await
            .expect("list")
            .items
            .into_iter()
            .map(|u| u.display_name)
            .collect()
    }
}

/// Ada's Workspace "Acme" on a desk: Bob and Dee are Members, Cy holds "Viewers"
/// (`users.view`).
pub struct Acme {
    pub desk: Desk,
    pub ada: Session,
    pub bob: UserDetails,
    pub cy: UserDetails,
    pub dee: UserDetails,
    pub viewers: String,
}

pub fn new_user(email: &str, first: &str, role_ids: Vec<String>) -> NewUser {
    NewUser {
        email: email.into(),
        first_name: first.into(),
        last_name: "Example".into(),
        phone: String::new(),
        password: Secret::new(PASSWORD),
        confirm_password: Secret::new(PASSWORD),
        must_change_password: false,
        is_super_user: false,
        role_ids,
    }
}

pub async fn acme() -> Acme {
    let desk = Desk::new().await;
    let roster = &desk.roster;
    let (ada, _) = roster
        .create_first_workspace(CreateWorkspaceInput {
            workspace_name: "Acme".into(),
            email: ADA.into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            password: Secret::new(PASSWORD),
            confirm_password: Secret::new(PASSWORD),
        })
        .await
        .expect("first workspace");
    let member = roster
        .roles(&ada)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.is_builtin)
        .expect("Member")
        .id;
    let viewers = roster
        .create_role(
            &ada,
            RoleInput {
                name: "Viewers".into(),
                description: String::new(),
                permissions: vec![Permission::UsersView],
                expected_version: 0,
            },
        )
        .await
        .expect("Viewers")
        .id;
    let add = |email: &'static str, first: &'static str, role: &str| {
        let role = role.to_owned();
        let ada = ada.clone();
        async move {
            roster
                .create_user(&ada, new_user(email, first, vec![role]))
                .await
                .expect("add user")
        }
    };
    let bob = add("bob@example.com", "Bob", &member).await;
    let cy = add("cy@example.com", "Cy", &viewers).await;
    let dee = add("dee@example.com", "Dee", &member).await;
    Acme {
        desk,
        ada,
        bob,
        cy,
        dee,
        viewers,
    }
}

/// Acme shared through `hub` by Ada.
pub async fn shared_acme(db: &HubDatabase, hub: &HubClient) -> Acme {
    let acme = acme().await;
    acme.desk
        .roster
        .share_through_hub(
            &acme.ada,
            hub,
            &enrol(&db.url),
            &Secret::new(PASSWORD),
            &|_| {},
        )
        .await
        .expect("share");
    acme
}

/// Sign-in input for `email` with the tests' password in `workspace_id`.
pub fn sign_in(workspace_id: &str, email: &str) -> SignInInput {
    SignInInput {
        workspace_id: Some(workspace_id.to_owned()),
        email: email.into(),
        password: Secret::new(PASSWORD),
    }
}

/// A fresh hub database, one hub process on it, and Acme shared through it.
pub async fn shared() -> (HubDatabase, HubProcess, Acme) {
    let db = HubDatabase::fresh().await;
    let hub = HubProcess::start(&db.url).await;
    let acme = shared_acme(&db, &hub.client()).await;
    (db, hub, acme)
}

/// A new desk that joined through `hub` as `email` (the tests' password).
pub async fn joined(hub: &HubProcess, email: &str) -> (Desk, Session) {
    let desk = Desk::new().await;
    let session = desk.join(&hub.client(), email, PASSWORD).await;
    (desk, session)
}

/// A hub session token for `email` (the tests' password), signed in through `client`.
pub async fn hub_token(client: &HubClient, email: &str) -> Secret {
    let signed_in = client
        .sign_in(&SignInInput {
            workspace_id: None,
            email: email.into(),
            password: Secret::new(PASSWORD),
        })
        .await
        .expect("sign in at the hub");
    let roster_core::sync::HubSignIn::SignedIn { token, .. } = signed_in else {
        panic!("one Workspace");
    };
    Secret::verbatim(&token)
}

/// Ada signed in on the hub's own database (what the hub's services run as).
pub async fn hub_side(db: &HubDatabase) -> (Roster, Session) {
    let roster = Roster::connect(&db.url).await.expect("hub database");
    let (session, _) = roster
        .sign_in(SignInInput {
            workspace_id: None,
            email: ADA.into(),
            password: Secret::new(PASSWORD),
        })
        .await
        .expect("Ada on the hub");
    (roster, session)
}
