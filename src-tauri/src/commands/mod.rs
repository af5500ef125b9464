//! Tauri commands, one file per screen area. Each takes the state, the session and its
//! arguments, calls one core service and maps the error; nothing else. Names read noun_verb.

mod app;
mod export;
mod hub;
mod import;
mod invitations;
mod preferences;
mod profile;
mod reports;
mod roles;
mod session;
mod settings;
mod sync;
mod updates;
mod users;

pub use app::LaunchState;

/// The invoke handler with every command; `build.rs` lists the same names for permissions.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app::app_launch_state,
        app::workspace_create,
        session::session_sign_in,
        session::session_sign_out,
        users::users_list,
        users::users_count,
        users::users_get,
        users::users_check_new,
        users::users_create,
        users::users_update,
        users::users_remove,
        users::users_restore,
        users::users_reset_password,
        users::password_generate,
        profile::profile_update,
        profile::profile_change_password,
        preferences::preferences_language_get,
        preferences::preferences_language_set,
        export::users_export,
        export::users_export_cancel,
        export::export_reveal,
        import::users_import_open,
        import::users_import_preview,
        import::users_import_rows,
        import::users_import_apply,
        import::users_import_cancel,
        import::users_import_report,
        import::users_import_close,
        roles::roles_list,
        roles::roles_create,
        roles::roles_update,
        roles::roles_delete,
        reports::reports_seats,
        reports::users_activity,
        invitations::invitations_ready,
        invitations::users_invite,
        invitations::invitations_resend,
        invitations::invitations_revoke,
        invitations::invitations_preview,
        invitations::invitations_accept,
        invitations::invitations_take_link,
        settings::settings_email_get,
        settings::settings_email_save,
        settings::settings_email_test,
        hub::hub_share,
        hub::hub_join,
        hub::hub_leave,
        hub::hub_sign_in_again,
        sync::sync_status,
        sync::sync_now,
        sync::sync_changes_not_applied,
        sync::sync_change_retry,
        sync::sync_change_discard,
        updates::update_check,
        updates::update_install,
    ]
}
