//! `roster-hub`: shares Workspaces between Rosters. `serve` answers Rosters over HTTPS (or
//! plain HTTP on a loopback address, behind a proxy that terminates TLS); `enrol` prints a
//! one-time code that lets a Roster publish a Workspace; `migrate` brings the database's
//! schema up to date and exits. Every command takes the PostgreSQL address from
//! `--database` or `ROSTER_HUB_DATABASE_URL`. How to run it: docs/hub.md.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod api;
mod body;
mod errors;
mod guesses;
mod mail;
mod sealed;
mod serve;
mod wake;

/// The Roster hub. Logs go to standard error as JSON lines; `ROSTER_HUB_LOG` sets the level
/// (error, warn, info — the default — or debug).
#[derive(Debug, Parser)]
#[command(name = "roster-hub", version, about)]
struct Cli {
    /// PostgreSQL address, e.g. postgres://roster@db.internal/roster. Its password belongs in
    /// the environment or ~/.pgpass, never on a command line others can read.
    #[arg(
        long,
        env = "ROSTER_HUB_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves Rosters until SIGTERM or Ctrl+C, then finishes the requests under way.
    Serve {
        /// Address and port to listen on.
        #[arg(
            long,
            env = "ROSTER_HUB_LISTEN",
            default_value = "127.0.0.1:8443",
            hide_env_values = true
        )]
        listen: SocketAddr,
        /// TLS certificate chain (PEM). Without it the hub speaks plain HTTP, which it allows
        /// only on a loopback address (behind a proxy that terminates TLS).
        #[arg(
            long,
            env = "ROSTER_HUB_TLS_CERT",
            requires = "tls_key",
            hide_env_values = true
        )]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(
            long,
            env = "ROSTER_HUB_TLS_KEY",
            requires = "tls_cert",
            hide_env_values = true
        )]
        tls_key: Option<PathBuf>,
        /// A file of 32 random bytes (or 64 hexadecimal digits) that seals the SMTP passwords
        /// the hub keeps for its Workspaces. Without it the hub refuses to save one, and
        /// sends no invitation that needs one. Keep it out of the database's backups.
        #[arg(long, env = "ROSTER_HUB_SECRET_KEY_FILE", hide_env_values = true)]
        secret_key_file: Option<PathBuf>,
        /// The address Rosters reach this hub at, written into invitation links (e.g.
        /// https://roster.example.org); by default https:// or http:// and the listen address.
        #[arg(long, env = "ROSTER_HUB_PUBLIC_ADDRESS", hide_env_values = true)]
        public_address: Option<String>,
    },
    /// Prints a one-time enrolment code (valid for 24 hours) for publishing one Workspace.
    Enrol,
    /// Brings the database's schema up to date and exits.
    Migrate,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ROSTER_HUB_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let Some(database) = cli.database else {
        eprintln!(
            "roster-hub: give the PostgreSQL address with --database or ROSTER_HUB_DATABASE_URL"
        );
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("roster-hub: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        match cli.command {
            Command::Serve {
                listen,
                tls_cert,
                tls_key,
                secret_key_file,
                public_address,
            } => {
                let tls = tls_cert.zip(tls_key);
                let public_address = public_address.unwrap_or_else(|| {
                    let scheme = if tls.is_some() { "https" } else { "http" };
                    format!("{scheme}://{listen}")
                });
                let settings = serve::Settings {
                    listen,
                    tls,
                    secret_key_file,
                    public_address,
                };
                serve::run(&database, settings).await
            }
            Command::Enrol => enrol(&database).await,
            Command::Migrate => roster_core::Roster::connect(&database)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("roster-hub: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn enrol(database: &str) -> Result<(), String> {
    let roster = roster_core::Roster::connect(database)
        .await
        .map_err(|e| e.to_string())?;
    let enrolment = roster.create_enrolment().await.map_err(|e| e.to_string())?;
    println!("{}", enrolment.code);
    eprintln!(
        "Enrolment code above: valid until {} for publishing one Workspace. Give it only to the person who shares it.",
        enrolment.expires_at
    );
    Ok(())
}
