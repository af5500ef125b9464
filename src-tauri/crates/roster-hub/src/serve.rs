//! `roster-hub serve`: migrations (under PostgreSQL's advisory lock, so several processes
//! may start at once), the feed listener, HTTPS or loopback HTTP, request logs, and a
//! graceful shutdown on SIGTERM or Ctrl+C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use roster_core::Roster;
use roster_core::secrets::SecretStore;
use tokio::sync::{broadcast, watch};

use crate::api::{self, Hub};
use crate::{mail, sealed, wake};

/// How long requests under way may take to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(20);

/// One line per request: method, path (never the query or a header, where a cursor or a
/// token travels), status and duration.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        millis = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// How `serve` was asked to run.
pub struct Settings {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Certificate chain and key (PEM), for HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The key that seals SMTP passwords (see `sealed`).
    pub secret_key_file: Option<PathBuf>,
    /// The address written into invitation links.
    pub public_address: String,
}

/// Where the SMTP passwords go: sealed in the database with the configured key, or nowhere.
async fn secrets(
    database: &str,
    key_file: Option<&std::path::Path>,
) -> Result<Arc<dyn SecretStore>, String> {
    let Some(path) = key_file else {
        tracing::info!(
            "no {}: email settings with a password cannot be saved",
            sealed::KEY_FLAG
        );
        return Ok(Arc::new(sealed::NoSecretKey));
    };
    let key = sealed::read_key(path)?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(database)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let runtime = tokio::runtime::Handle::current();
    Ok(Arc::new(sealed::SealedSecrets::new(&key, pool, runtime)))
}

/// Serves until a shutdown signal. Plain HTTP only on a loopback address.
pub async fn run(database: &str, settings: Settings) -> Result<(), String> {
    let Settings {
        listen,
        tls,
        secret_key_file,
        public_address,
    } = settings;
    if tls.is_none() && !listen.ip().is_loopback() {
        return Err(format!(
            "{listen} is reachable from other computers: give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a proxy that terminates TLS"
        ));
    }
    let roster = Roster::connect(database)
        .await
        .map_err(|e| format!("database: {e}"))?
        .with_secrets(secrets(database, secret_key_file.as_deref()).await?)
        .with_public_address(&public_address);
    let (wake, _) = broadcast::channel(1024);
    let (close, closing) = watch::channel(false);
    tokio::spawn(wake::listen(database.to_owned(), wake.clone()));
    let mail_loop = tokio::spawn(mail::run(roster.clone(), wake.subscribe(), closing.clone()));
    let hub = Arc::new(Hub {
        roster: roster.clone(),
        wake,
        closing,
        guesses: Arc::default(),
    });
    let app = api::router(hub).layer(middleware::from_fn(log_request));

    let handle = Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing the requests under way");
        let _ = close.send(true);
        stopping.graceful_shutdown(Some(DRAIN));
    });
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let served = match tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|e| format!("TLS certificate or key: {e}"))?;
            tracing::info!(%listen, "serving HTTPS");
            axum_server::bind_rustls(listen, config)
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            tracing::info!(%listen, "serving HTTP on a loopback address");
            axum_server::bind(listen)
                .handle(handle)
                .serve(service)
                .await
        }
    };
    // A failed start never signalled the loop to stop; a shutdown did, and a send under way
    // finishes.
    if served.is_err() {
        mail_loop.abort();
    }
    let _ = mail_loop.await;
    roster.close().await;
    served.map_err(|e| format!("{listen}: {e}"))
}
