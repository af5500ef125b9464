//! Roster desktop shell: opens the database, holds the session, registers the commands.
//! Every rule lives in `roster-core`; commands only adapt.

mod commands;
mod import;
mod launch;
mod links;
mod mail;
mod save_dialog;
mod state;
mod sync;

use tauri::Manager;

pub use commands::LaunchState;

/// Builds and runs the app until its window closes.
///
/// # Panics
/// When the Tauri runtime cannot start (no display, broken WebKit install): there is no
/// window to report it in, so the message goes to standard error.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "roster=info,roster_core=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let options = launch::Options::from_args(std::env::args().skip(1));
    if options.help {
        print!("{}", launch::USAGE);
        return;
    }
    // GTK would panic with a backtrace; say what is missing instead.
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("Roster needs a graphical desktop: neither DISPLAY nor WAYLAND_DISPLAY is set.");
        std::process::exit(1);
    }
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            links::focus(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .setup(move |app| {
            let data_dir = options.data_dir(app.path().app_data_dir()?);
            let state =
                tauri::async_runtime::block_on(state::AppState::open(&data_dir, options.demo))?;
            tracing::info!(data_dir = %data_dir.display(), demo = options.demo, "database open");
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(mail::run(
                state.roster.clone(),
                state.mail.clone(),
                move || sync::announce_everything(&handle),
            ));
            app.manage(state);
            tauri::async_runtime::spawn(sync::run(app.handle().clone()));
            links::listen(app.handle());
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        panic!("Roster could not start: {error}");
    }
}
