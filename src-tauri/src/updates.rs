//! Signed updates through tauri-plugin-updater: where Roster looks, the offer it keeps between
//! the check and the install, and what each failure means to the person who asked.
//!
//! Every download is checked against the minisign public key in `tauri.conf.json`
//! (`plugins.updater.pubkey`) before anything is installed, and the signature must name the
//! version the server announced (`requireSignedVersion`), so a server cannot pass an older,
//! validly signed release off as a newer one. The private key never enters the repository: the
//! release workflow signs with it from a secret (docs/releasing.md).

use std::sync::Mutex;
use std::time::Duration;

use roster_core::{AppError, ErrorCode};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error, Update, Updater, UpdaterExt};
use ts_rs::TS;

/// How long one request to the update server may take before the check counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What "Check for updates" found.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum UpdateCheck {
    /// No newer release than the running one.
    #[serde(rename_all = "camelCase")]
    UpToDate {
        /// The running version (semver, e.g. `0.1.0`).
        current_version: String,
    },
    /// A newer signed release can be installed.
    Available(UpdateOffer),
}

/// A newer release, as its server announced it (the signature is checked at download).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateOffer {
    /// The new version (semver).
    pub version: String,
    /// The running version (semver).
    pub current_version: String,
    /// What is new, as the release wrote it (plain text or Markdown); `None` when it says nothing.
    pub notes: Option<String>,
    /// When it was published (RFC 3339), if the server says.
    pub date: Option<String>,
}

/// How far "Install and restart" has got.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "phase")]
#[ts(export)]
pub enum UpdateProgress {
    /// Bytes received so far, of `total` when the server sent a length.
    #[serde(rename_all = "camelCase")]
    Downloading {
        #[ts(type = "number")]
        received: u64,
        #[ts(type = "number | null")]
        total: Option<u64>,
    },
    /// The download's signature was verified; the new version is being put in place.
    Installing,
}

/// The release the last check offered, kept for "Install and restart".
#[derive(Default)]
pub struct Pending(Mutex<Option<Update>>);

impl Pending {
    pub fn keep(&self, update: Option<Update>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = update;
        }
    }

    /// The offer, taken so that a second click cannot start a second install.
    pub fn take(&self) -> Option<Update> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// The updater for this copy of Roster, or `None` when it has nowhere to look: builds from
/// source carry no endpoint, only the release workflow's configuration does.
///
/// Debug builds also read `ROSTER_UPDATE_ENDPOINT` (a URL; plain `http` is allowed there) and
/// `ROSTER_UPDATE_PUBKEY` (a minisign public key as `tauri signer generate` writes it), for
/// the end-to-end tests' update server on loopback. Release builds ignore both.
pub fn updater<R: Runtime>(app: &AppHandle<R>) -> Result<Option<Updater>, AppError> {
    let builder = app.updater_builder().timeout(TIMEOUT);
    #[cfg(debug_assertions)]
    let builder = test_server(builder)?;
    match builder.build() {
        Ok(updater) => Ok(Some(updater)),
        Err(Error::EmptyEndpoints) => Ok(None),
        Err(error) => Err(failed(error)),
    }
}

#[cfg(debug_assertions)]
fn test_server(
    builder: tauri_plugin_updater::UpdaterBuilder,
) -> Result<tauri_plugin_updater::UpdaterBuilder, AppError> {
    let Some(endpoint) = std::env::var_os("ROSTER_UPDATE_ENDPOINT") else {
        return Ok(builder);
    };
    let url = endpoint
        .to_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| unreachable_server("ROSTER_UPDATE_ENDPOINT is not a URL"))?;
    let builder = builder.endpoints(vec![url]).map_err(failed)?;
    Ok(match std::env::var("ROSTER_UPDATE_PUBKEY") {
        Ok(key) => builder.pubkey(key),
        Err(_) => builder,
    })
}

/// Asks the update server; an offer is kept for [`install`].
///
/// # Errors
/// `UPDATE_UNREACHABLE` when the server does not answer or answers with nothing Roster can
/// read; `UPDATE_FAILED` otherwise (e.g. no release for this kind of computer).
pub async fn check(updater: &Updater, pending: &Pending) -> Result<UpdateCheck, AppError> {
    let found = updater.check().await.map_err(|error| {
        tracing::info!(%error, "update check failed");
        failed(error)
    })?;
    let answer = match &found {
        None => UpdateCheck::UpToDate {
            current_version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        Some(update) => UpdateCheck::Available(UpdateOffer {
            version: update.version.clone(),
            current_version: update.current_version.clone(),
            notes: update.body.clone().filter(|notes| !notes.trim().is_empty()),
            date: update.date.and_then(|date| {
                chrono::DateTime::from_timestamp(date.unix_timestamp(), 0)
                    .map(|utc| utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            }),
        }),
    };
    pending.keep(found);
    Ok(answer)
}

/// Downloads the offered release, verifies its signature, and installs it; the caller
/// restarts Roster afterwards. On failure the offer is kept, so "Try again" needs no new check.
///
/// # Errors
/// `UPDATE_UNVERIFIED` when the download is not signed with Roster's key for the announced
/// version (nothing was installed); `UPDATE_UNREACHABLE` when the download broke off;
/// `UPDATE_FAILED` when there is no offer or installing failed.
pub async fn install(
    pending: &Pending,
    mut report: impl FnMut(UpdateProgress),
) -> Result<(), AppError> {
    let update = pending.take().ok_or_else(|| AppError {
        code: ErrorCode::UpdateFailed,
        message: "There is no update to install. Check for updates again.".to_owned(),
        field: None,
        target_id: None,
    })?;
    let mut received = 0u64;
    let result = async {
        let bytes = update
            .download(
                |chunk, total| {
                    received += chunk as u64;
                    report(UpdateProgress::Downloading { received, total });
                },
                || {},
            )
            .await?;
        report(UpdateProgress::Installing);
        update.install(bytes)
    }
    .await;
    result.map_err(|error| {
        tracing::warn!(%error, version = %update.version, "update not installed");
        pending.keep(Some(update));
        failed(error)
    })
}

/// Words and a code for a failure, in terms of what the person can do about it.
fn failed(error: Error) -> AppError {
    let (code, message) = match &error {
        Error::Reqwest(_)
        | Error::Network(_)
        | Error::ReleaseNotFound
        | Error::Serialization(_) => (
            ErrorCode::UpdateUnreachable,
            "Roster could not reach its update server. Check the internet connection and try \
             again later."
                .to_owned(),
        ),
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => (
            ErrorCode::UpdateUnverified,
            "The downloaded update is not signed with Roster's update key, so it was not \
             installed. Roster was not changed."
                .to_owned(),
        ),
        Error::TargetNotFound(_) | Error::TargetsNotFound(_) => (
            ErrorCode::UpdateFailed,
            "The new version is not published for this kind of computer yet. Roster was not \
             changed."
                .to_owned(),
        ),
        Error::InvalidUpdaterFormat | Error::BinaryNotFoundInArchive => (
            ErrorCode::UpdateFailed,
            "This copy of Roster cannot update itself (it was not installed from a Roster \
             package). Install the new version from Roster's download page. Roster was not \
             changed."
                .to_owned(),
        ),
        Error::AuthenticationFailed => (
            ErrorCode::UpdateFailed,
            "Installing needs an administrator's password, and none was given. Roster was not \
             changed."
                .to_owned(),
        ),
        other => (
            ErrorCode::UpdateFailed,
            format!("The update could not be installed: {other}."),
        ),
    };
    AppError {
        code,
        message,
        field: None,
        target_id: None,
    }
}

fn unreachable_server(why: &str) -> AppError {
    AppError {
        code: ErrorCode::UpdateUnreachable,
        message: format!("Roster could not reach its update server: {why}."),
        field: None,
        target_id: None,
    }
}
