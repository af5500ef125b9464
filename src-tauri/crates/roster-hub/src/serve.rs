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
use tokio::sync::{broadcast, watch};

use crate::api::{self, Hub};
use crate::wake;

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

/// Serves until a shutdown signal. Plain HTTP only on a loopback address.
pub async fn run(
    database: &str,
    listen: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
) -> Result<(), String> {
    if tls.is_none() && !listen.ip().is_loopback() {
        return Err(format!(
            "{listen} is reachable from other computers: give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a proxy that terminates TLS"
        ));
    }
    let roster = Roster::connect(database)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let (wake, _) = broadcast::channel(1024);
    let (close, closing) = watch::channel(false);
    tokio::spawn(wake::listen(database.to_owned(), wake.clone()));
    let hub = Arc::new(Hub {
        roster: roster.clone(),
        wake,
        closing,
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
    let service = app.into_make_service();
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
    roster.close().await;
    served.map_err(|e| format!("{listen}: {e}"))
}
