//! The native file dialogs (rfd, awaited so the window stays responsive, parented to the
//! window): "Save as" for downloads and the files Import writes, "Open" for the file to
//! import. Both start in the Downloads folder.

use std::path::PathBuf;

use roster_core::model::ExportFormat;
use tauri::{Manager, Runtime, WebviewWindow};

/// A dialog parented to `window`, starting in the Downloads folder (or home).
fn dialog<R: Runtime>(window: &WebviewWindow<R>, title: &str) -> rfd::AsyncFileDialog {
    let folder = window
        .path()
        .download_dir()
        .or_else(|_| window.path().home_dir());
    let mut dialog = rfd::AsyncFileDialog::new();
    if let Ok(folder) = folder {
        dialog = dialog.set_directory(folder);
    }
    dialog.set_title(title).set_parent(window)
}

/// Asks where to save a file of `format` (the dialog titled `title`), suggesting
/// `file_name`; `None` when the user cancels.
pub async fn ask_where_to_save<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    file_name: String,
    format: ExportFormat,
) -> Option<PathBuf> {
    let (filter_name, extension) = match format {
        ExportFormat::Xlsx => ("Excel workbook", "xlsx"),
        ExportFormat::Csv => ("CSV (comma-separated values)", "csv"),
    };
    dialog(window, title)
        .set_file_name(file_name)
        .add_filter(filter_name, &[extension])
        .save_file()
        .await
        .map(|chosen| chosen.path().to_owned())
}

/// Asks which file to import (CSV, Excel, Keycloak JSON); `None` when the user cancels.
pub async fn ask_which_file<R: Runtime>(window: &WebviewWindow<R>) -> Option<PathBuf> {
    dialog(window, "Import users")
        .add_filter(
            "Users (CSV, Excel, Keycloak JSON)",
            &["csv", "txt", "xlsx", "json"],
        )
        .add_filter("All files", &["*"])
        .pick_file()
        .await
        .map(|chosen| chosen.path().to_owned())
}
