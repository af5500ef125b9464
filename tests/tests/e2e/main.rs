//! End-to-end: the real Roster binary in a real WebKit window, driven through tauri-driver and
//! WebKitWebDriver on a fresh data directory. Run by `scripts/test` under Xvfb:
//! `xvfb-run -a cargo test -p roster-tests --test e2e -- --ignored`.

mod app;
mod demo;
mod download;
mod hub;
mod hub_server;
mod import;
mod installed;
mod invitations;
mod keyboard;
mod roles;
mod sessions;
mod spanish;
mod updates;
mod users_flow;
