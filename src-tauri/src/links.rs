//! `roster://accept-invitation?token=…` links: opened from the invitation email, they start
//! Roster or reach the running one (single instance), which shows "Accept invitation".

use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

/// What "Accept invitation" is given for a link, if it is one of ours: its code, or the
/// whole link when it names the hub that shares the Workspace (the code alone would not say
/// where to accept it).
fn invitation_token(url: &str) -> Option<String> {
    let rest = url.strip_prefix(roster_core::ACCEPT_LINK)?;
    let token = rest.split('&').next().unwrap_or_default();
    if token.is_empty() {
        return None;
    }
    match roster_core::hub_in_link(url) {
        Some(_) => Some(url.to_owned()),
        None => Some(token.to_owned()),
    }
}

/// Keeps the code for the UI and tells it to look.
fn arrived(app: &AppHandle, urls: impl IntoIterator<Item = String>) {
    for url in urls {
        if let Some(token) = invitation_token(&url) {
            app.state::<AppState>().set_invitation_link(token);
            if let Err(error) = app.emit("invitation-link", ()) {
                tracing::warn!(%error, "could not tell the window about an invitation link");
            }
        }
    }
}

/// Registers the scheme and listens for links, including the one Roster was started with.
/// macOS registers from the bundle's Info.plist, a `.deb` or `.rpm` from its launcher entry
/// (`MimeType=x-scheme-handler/roster`) and the Windows installers in the registry; a copy that
/// was not installed from a package (built from source, an AppImage, a portable copy) registers
/// itself for the signed-in user at run time.
pub fn listen(app: &AppHandle) {
    #[cfg(any(target_os = "linux", windows))]
    if !installed_by_a_package_that_registers_links()
        && let Err(error) = app.deep_link().register_all()
    {
        tracing::warn!(%error, "could not register roster:// links");
    }
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        arrived(&handle, event.urls().iter().map(ToString::to_string));
    });
    match app.deep_link().get_current() {
        Ok(Some(urls)) => arrived(app, urls.iter().map(ToString::to_string)),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not read the link Roster was opened with"),
    }
}

/// Whether a package manager or installer put Roster here and registered its scheme
/// (`tauri build` writes the bundle type into the binary it packs).
#[cfg(any(target_os = "linux", windows))]
fn installed_by_a_package_that_registers_links() -> bool {
    use tauri::utils::{config::BundleType, platform::bundle_type};
    matches!(
        bundle_type(),
        Some(BundleType::Deb | BundleType::Rpm | BundleType::Msi | BundleType::Nsis)
    )
}

/// A second start (e.g. a link clicked while Roster runs) brings the window forward; the
/// deep-link plugin hands its link to [`listen`]'s handler.
pub fn focus(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_invitation_links_carry_a_code() {
        assert_eq!(
            invitation_token("roster://accept-invitation?token=abc_DEF-1"),
            Some("abc_DEF-1".into())
        );
        assert_eq!(
            invitation_token("roster://accept-invitation?token=abc&utm=x"),
            Some("abc".into())
        );
        assert_eq!(invitation_token("roster://accept-invitation?token="), None);
        let shared = "roster://accept-invitation?token=abc&hub=https%3A%2F%2Fhub.example";
        assert_eq!(invitation_token(shared), Some(shared.into()));
        assert_eq!(invitation_token("https://example.com/?token=abc"), None);
    }
}
