//! Signed updates (issue 13) against an update server on loopback: a newer release signed with
//! the key Roster trusts is offered and, on consent, installed over the running copy; one signed
//! with another key is refused and the copy stays as it was; with no server there is no noise
//! until someone asks.
//!
//! Each test runs a hard link of the built app from a folder of its own, so an install replaces
//! the link and never `target/debug/roster`. The "new version" is `/bin/true`: an executable the
//! updater accepts as an AppImage, which exits at once when Roster restarts into it.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::app::{App, built_app};

const NEW_VERSION: &str = "9.9.9";

/// The Tauri CLI from `ui/node_modules` (`npm ci` in ui/), as the release workflow signs.
fn tauri_cli() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/.bin/tauri")
}

/// A minisign key pair made by `tauri signer generate`, without a password.
struct Key {
    private: PathBuf,
    /// The public key as `plugins.updater.pubkey` holds it.
    public: String,
}

fn generate_key(dir: &Path, name: &str) -> Key {
    let private = dir.join(name);
    let status = Command::new(tauri_cli())
        .args(["signer", "generate", "--ci", "-p", "", "-w"])
        .arg(&private)
        .output()
        .expect("tauri signer generate");
    assert!(status.status.success(), "tauri signer generate");
    let mut public = private.as_os_str().to_owned();
    public.push(".pub");
    let public = std::fs::read_to_string(public).expect("public key");
    Key {
        private,
        public: public.trim().to_owned(),
    }
}

/// The `.sig` of `file` for `version`, as `tauri build` makes for updater artifacts.
fn sign(key: &Key, file: &Path, version: &str) -> String {
    let out = Command::new(tauri_cli())
        .args(["signer", "sign", "-p", "", "--app-version", version, "-f"])
        .arg(&key.private)
        .arg(file)
        .output()
        .expect("tauri signer sign");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut sig = file.as_os_str().to_owned();
    sig.push(".sig");
    std::fs::read_to_string(sig).expect("signature")
}

/// An update server on a loopback port: `/latest.json` announces `NEW_VERSION` with `signature`
/// and the URL of `/roster.AppImage`, which serves `artifact`. Every response closes its
/// connection; the thread ends with the test process.
fn serve(artifact: Vec<u8>, signature: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let manifest = serde_json::json!({
        "version": NEW_VERSION,
        "notes": "Spanish throughout.\nThe window remembers its size.",
        "pub_date": "2026-12-01T09:00:00Z",
        "platforms": {
            "linux-x86_64": { "signature": signature, "url": format!("{base}/roster.AppImage") }
        }
    })
    .to_string()
    .into_bytes();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let (status, body, kind): (&str, &[u8], &str) = match request.split(' ').nth(1) {
                Some("/latest.json") => ("200 OK", &manifest, "application/json"),
                Some("/roster.AppImage") => ("200 OK", &artifact, "application/octet-stream"),
                _ => ("404 Not Found", b"", "text/plain"),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let mut stream = &stream;
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    format!("{base}/latest.json")
}

/// A hard link of the built app in `dir`: what the updater replaces.
fn linked_copy(dir: &Path) -> PathBuf {
    let copy = dir.join("roster");
    std::fs::hard_link(built_app(), &copy).expect("hard link of target/debug/roster");
    copy
}

fn update_env(endpoint: &str, pubkey: &str) -> Vec<(&'static str, OsString)> {
    vec![
        ("ROSTER_UPDATE_ENDPOINT", endpoint.into()),
        ("ROSTER_UPDATE_PUBKEY", pubkey.into()),
    ]
}

fn as_env<'a>(env: &'a [(&'static str, OsString)]) -> Vec<(&'static str, &'a OsStr)> {
    env.iter().map(|(k, v)| (*k, v.as_os_str())).collect()
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn a_newer_signed_release_is_offered_and_installed_on_consent() {
    let dir = tempfile::tempdir().expect("dir");
    let key = generate_key(dir.path(), "trusted.key");
    let new_version = dir.path().join("roster.AppImage");
    std::fs::copy("/bin/true", &new_version).expect("/bin/true");
    let signature = sign(&key, &new_version, NEW_VERSION);
    let endpoint = serve(std::fs::read(&new_version).expect("artifact"), signature);
    let copy = linked_copy(dir.path());
    let env = update_env(&endpoint, &key.public);

    let mut app = App::launch_binary("updates-install", &copy, &as_env(&env)).await;
    app.heading("Create your Workspace").await;
    let notice = app.testid("update-notice").await;
    let text = notice.text().await.expect("notice");
    assert!(text.starts_with("Roster 9.9.9 is available."), "{text}");
    app.screenshot("update-notice").await;
    app.click("See what's new").await;
    app.see("Roster 9.9.9 is available. You have 0.1.0.").await;
    app.see("The window remembers its size.").await;
    app.screenshot("update-dialog").await;
    app.click("Install and restart").await;

    // Installed over the copy, which Roster then restarted into (and which exits at once).
    let installed = std::fs::read(&new_version).expect("artifact");
    for _ in 0..100 {
        if std::fs::read(&copy).is_ok_and(|bytes| bytes == installed) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(
        std::fs::read(&copy).expect("copy"),
        installed,
        "the new version is in place"
    );
    app.log_says("update installed, restarting").await;
    app.quit().await;
    assert!(
        std::fs::metadata(built_app()).expect("built app").len() > installed.len() as u64,
        "target/debug/roster itself was not touched"
    );
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn a_release_signed_with_another_key_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let trusted = generate_key(dir.path(), "trusted.key");
    let other = generate_key(dir.path(), "other.key");
    let new_version = dir.path().join("roster.AppImage");
    std::fs::copy("/bin/true", &new_version).expect("/bin/true");
    let signature = sign(&other, &new_version, NEW_VERSION);
    let endpoint = serve(std::fs::read(&new_version).expect("artifact"), signature);
    let copy = linked_copy(dir.path());
    let before = std::fs::metadata(&copy).expect("copy").len();
    let env = update_env(&endpoint, &trusted.public);

    let mut app = App::launch_binary("updates-refused", &copy, &as_env(&env)).await;
    app.click("See what's new").await;
    app.click("Install and restart").await;
    app.see("The downloaded update is not signed with Roster's update key, so it was not installed. Roster was not changed.")
        .await;
    app.button("Try again").await;
    app.screenshot("update-refused").await;
    assert_eq!(
        std::fs::metadata(&copy).expect("copy").len(),
        before,
        "the running copy is unchanged"
    );
    app.click("Close").await;
    app.heading("Create your Workspace").await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn no_update_server_means_no_noise_until_someone_asks() {
    let dir = tempfile::tempdir().expect("dir");
    let key = generate_key(dir.path(), "trusted.key");
    // A port nothing listens on: the listener is dropped before Roster asks.
    let closed = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let endpoint = format!("http://{closed}/latest.json");
    let copy = linked_copy(dir.path());
    let env = update_env(&endpoint, &key.public);

    let mut app = App::launch_binary("updates-offline", &copy, &as_env(&env)).await;
    app.fill_first_run("ana@acme.example", "Quartz-Meadow-Lantern-42")
        .await;
    app.click("Create Workspace").await;
    app.heading("Users").await;
    app.log_says("update check failed").await;
    app.gone("is available").await;
    app.gone("update server").await;

    app.click("Ana Silva").await;
    app.click("Check for updates").await;
    app.see("Roster could not reach its update server. Check the internet connection and try again later.")
        .await;
    app.screenshot("update-unreachable").await;
    app.click("Close").await;
    app.quit().await;
}
