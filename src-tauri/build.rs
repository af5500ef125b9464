//! Generates one permission per app command, so capabilities can grant exactly the commands
//! the UI uses (everything else is denied).

/// Every command the UI may call; keep in step with `commands::handler()`.
const COMMANDS: &[&str] = &[
    "app_launch_state",
    "workspace_create",
    "session_sign_in",
    "session_sign_out",
    "users_list",
    "users_count",
    "users_get",
    "users_check_new",
    "users_create",
    "users_update",
    "users_remove",
    "users_restore",
    "users_reset_password",
    "password_generate",
    "profile_update",
    "profile_change_password",
    "preferences_language_get",
    "preferences_language_set",
    "users_export",
    "users_export_cancel",
    "export_reveal",
    "users_import_open",
    "users_import_preview",
    "users_import_rows",
    "users_import_apply",
    "users_import_cancel",
    "users_import_report",
    "users_import_close",
    "roles_list",
    "roles_create",
    "roles_update",
    "roles_delete",
    "reports_seats",
    "users_activity",
    "invitations_ready",
    "users_invite",
    "invitations_resend",
    "invitations_revoke",
    "invitations_preview",
    "invitations_accept",
    "invitations_take_link",
    "settings_email_get",
    "settings_email_save",
    "settings_email_test",
    "hub_share",
    "hub_join",
    "hub_leave",
    "hub_sign_in_again",
    "sync_status",
    "sync_now",
    "sync_changes_not_applied",
    "sync_change_retry",
    "sync_change_discard",
    "update_check",
    "update_install",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
