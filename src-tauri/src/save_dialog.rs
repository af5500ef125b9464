//! The native "Save as" dialog for downloads (rfd, awaited so the window stays responsive,
//! parented to the window, starting in the Downloads folder).

use std::path::PathBuf;

use roster_core::model::ExportFormat;
use tauri::{Manager, Runtime, WebviewWindow};

/// Asks where to save a download of `format`, suggesting `file_name`; `None` when the user
/// cancels.
pub async fn ask_where_to_save<R: Runtime>(
    window: &WebviewWindow<R>,
    file_name: String,
    format: ExportFormat,
) -> Option<PathBuf> {
    let (filter_name, extension) = match format {
        ExportFormat::Xlsx => ("Excel workbook", "xlsx"),
        ExportFormat::Csv => ("CSV (comma-separated values)", "csv"),
    };
    let folder = window
        .path()
        .download_dir()
        .or_else(|_| window.path().home_dir());
    let mut dialog = rfd::AsyncFileDialog::new();
    if let Ok(folder) = folder {
        dialog = dialog.set_directory(folder);
    }
    dialog
        .set_title("Download users")
        .set_file_name(file_name)
        .add_filter(filter_name, &[extension])
        .set_parent(window)
        .save_file()
        .await
        .map(|chosen| chosen.path().to_owned())
}
