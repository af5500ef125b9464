//! Writing a file so it appears whole or not at all: a temporary file in the target's folder,
//! flushed and synced, then renamed over the target.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// A file being written. Dropping it without [`Target::commit`] deletes the temporary file.
pub(crate) struct Target {
    path: PathBuf,
    temp: NamedTempFile,
}

impl Target {
    /// Creates `.<name>.<random>.part` next to `path`.
    pub(crate) fn create(path: &Path) -> Result<Self> {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        // A temporary file is private (0600) by default, and the rename keeps its mode; a
        // download is an ordinary document, so it gets the mode the user's other new files get
        // (0666 less the umask, which the OS applies at creation), as `File::create` would.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(folder).map_err(|e| failure(path, &e))?;
        Ok(Self {
            path: path.to_owned(),
            temp,
        })
    }

    /// A buffered writer into the temporary file (a second handle on it, so the writer can
    /// own its output while the target keeps the right to rename).
    pub(crate) fn writer(&self) -> Result<BufWriter<File>> {
        let file = self
            .temp
            .as_file()
            .try_clone()
            .map_err(|e| failure(&self.path, &e))?;
        Ok(BufWriter::with_capacity(256 * 1024, file))
    }

    /// The target path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs what was written so far to disk (the file is still the temporary one).
    pub(crate) fn sync(&self) -> Result<()> {
        self.temp
            .as_file()
            .sync_data()
            .map_err(|e| failure(&self.path, &e))
    }

    /// Syncs the data to disk and renames the temporary file to the target (replacing it).
    pub(crate) fn commit(self) -> Result<PathBuf> {
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| failure(&self.path, &e))?;
        let path = self.path.clone();
        self.temp
            .persist(&path)
            .map_err(|e| failure(&path, &e.error))?;
        Ok(path)
    }
}

/// An IO error as the user should read it: the file, what happened, and a hint.
pub(crate) fn failure(path: &Path, error: &io::Error) -> Error {
    let hint = match error.kind() {
        io::ErrorKind::PermissionDenied => {
            " — you may not write there, or the file is open in another program (close it in Excel and try again)"
        }
        io::ErrorKind::StorageFull => " — the disk is full",
        io::ErrorKind::NotFound => " — the folder does not exist",
        _ => "",
    };
    Error::FileWrite {
        path: path.display().to_string(),
        reason: format!("{error}{hint}"),
    }
}
