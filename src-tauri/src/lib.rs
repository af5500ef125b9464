//! Roster desktop shell: opens the database, holds the session, registers the commands.
//! Every rule lives in `roster-core`; commands only adapt.

mod commands;
mod import;
mod launch;
mod links;
mod mail;
mod preferences;
mod save_dialog;
mod state;
mod sync;
mod updates;

use tauri::Manager;
use tauri_plugin_window_state::StateFlags;

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
        .plugin(window_state(&options))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(updates::Pending::default())
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

/// Remembers the window's size, place and maximised state between runs (not whether it was
/// hidden: Roster always opens visible). With `--data-dir` the state is kept in that folder
/// (portable installs, tests); otherwise in the OS config folder, as the plugin does.
fn window_state(options: &launch::Options) -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let builder = tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    match options.window_state_file() {
        // The plugin joins its file name to the config folder; an absolute path replaces it.
        Some(path) => builder.with_filename(path.to_string_lossy()),
        None => builder,
    }
    .build()
}
