//! A real `roster-hub` on loopback for the end-to-end tests: its own PostgreSQL database
//! (made and dropped with `psql`), a process that can be stopped and started again on the same
//! port, and a cable that cuts one machine's network while the others stay online.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The server the tests create their databases on (`ROSTER_TEST_PG_URL` overrides it).
const DEFAULT_PG_URL: &str = "postgres://roster:roster@127.0.0.1:5432/postgres";

fn server_url() -> String {
    std::env::var("ROSTER_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

fn psql(sql: &str) {
    let status = Command::new("psql")
        .args([&server_url(), "-qtA", "-c", sql])
        .stdout(Stdio::null())
        .status()
        .expect("psql (apt install postgresql-client)");
    assert!(status.success(), "psql {sql}");
}

fn binary() -> PathBuf {
    let path = std::env::var_os("ROSTER_HUB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/roster-hub")
        });
    path.canonicalize()
        .expect("build the hub first: cargo build -p roster-hub")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A hub process on a database of its own; the database is dropped with it.
pub struct HubServer {
    database: String,
    url: String,
    port: u16,
    process: Option<Child>,
}

impl HubServer {
    /// Makes the database and starts the hub on a free loopback port.
    pub fn start() -> Self {
        let database = format!(
            "roster_e2e_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_nanos()
        );
        psql(&format!("CREATE DATABASE {database}"));
        let (base, _) = server_url()
            .rsplit_once('/')
            .map(|(b, d)| (b.to_owned(), d.to_owned()))
            .expect("a database in the URL");
        let mut hub = Self {
            url: format!("{base}/{database}"),
            database,
            port: free_port(),
            process: None,
        };
        hub.resume();
        hub
    }

    /// The address the desktop types: `http://127.0.0.1:<port>`.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The hub's socket, for a [`Cable`] in front of it.
    pub fn socket(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// `roster-hub enrol`: a one-time code, as the operator would hand it over.
    pub fn enrol(&self) -> String {
        let output = Command::new(binary())
            .arg("enrol")
            .env("ROSTER_HUB_DATABASE_URL", &self.url)
            .output()
            .expect("run roster-hub enrol");
        assert!(output.status.success(), "enrol failed: {output:?}");
        String::from_utf8(output.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    /// Ends the process at once (`kill -9`): the hub is away.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the process again on the same port and waits until it takes connections.
    pub fn resume(&mut self) {
        let child = Command::new(binary())
            .args(["serve", "--listen", &self.socket().to_string()])
            .env("ROSTER_HUB_DATABASE_URL", &self.url)
            .env("ROSTER_HUB_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start roster-hub");
        self.process = Some(child);
        for _ in 0..200 {
            if TcpStream::connect(self.socket()).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("roster-hub did not listen on {}", self.socket());
    }
}

impl Drop for HubServer {
    fn drop(&mut self) {
        self.stop();
        psql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.database
        ));
    }
}

/// One machine's network cable to the hub: a loopback port that forwards to the hub while
/// plugged in; unplugged, it drops every open connection and refuses new ones.
pub struct Cable {
    port: u16,
    plugged: Arc<AtomicBool>,
    /// Moves on with each unplugging, so connections made before it end.
    epoch: Arc<AtomicU64>,
}

impl Cable {
    /// A cable to `hub`, plugged in.
    pub async fn to(hub: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("cable port");
        let port = listener.local_addr().expect("address").port();
        let plugged = Arc::new(AtomicBool::new(true));
        let epoch = Arc::new(AtomicU64::new(0));
        let (on, era) = (plugged.clone(), epoch.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !on.load(Ordering::SeqCst) {
                    continue;
                }
                let (on, era) = (on.clone(), era.clone());
                let born = era.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(hub).await else {
                        return;
                    };
                    let copy = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    let cut = async {
                        while on.load(Ordering::SeqCst) && era.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    };
                    tokio::select! {
                        _ = copy => {}
                        () = cut => {}
                    }
                });
            }
        });
        Self {
            port,
            plugged,
            epoch,
        }
    }

    /// The hub's address through this cable.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The machine goes offline.
    pub fn unplug(&self) {
        self.plugged.store(false, Ordering::SeqCst);
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// The machine is back online.
    pub fn plug(&self) {
        self.plugged.store(true, Ordering::SeqCst);
    }
}
