//! Command-line options: `--data-dir DIR` (or `ROSTER_DATA_DIR`) and `--demo`.

use std::path::PathBuf;

/// Where the database lives and whether to open the demo Workspace.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--data-dir DIR` / `--data-dir=DIR`, else `ROSTER_DATA_DIR`; `None` means the OS
    /// application-data directory.
    pub data_dir: Option<PathBuf>,
    /// `--demo`: a separate `demo/` folder inside the data directory, seeded with sample users.
    pub demo: bool,
}

impl Options {
    /// Reads the options from the arguments after the program name; unknown arguments are
    /// ignored (WebDriver and OS launchers add their own).
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Self {
        let mut options = Self {
            data_dir: std::env::var_os("ROSTER_DATA_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            demo: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--demo" {
                options.demo = true;
            } else if arg == "--data-dir" {
                options.data_dir = args.next().map(PathBuf::from);
            } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
                options.data_dir = Some(PathBuf::from(dir));
            }
        }
        options
    }

    /// The folder that holds `roster.db`, given the OS default.
    pub fn data_dir(&self, os_default: PathBuf) -> PathBuf {
        let base = self.data_dir.clone().unwrap_or(os_default);
        if self.demo { base.join("demo") } else { base }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::from_args(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn reads_data_dir_and_demo_in_both_spellings() {
        assert_eq!(
            parse(&["--data-dir", "/tmp/r"]).data_dir,
            Some(PathBuf::from("/tmp/r"))
        );
        assert_eq!(
            parse(&["--data-dir=/tmp/r"]).data_dir,
            Some(PathBuf::from("/tmp/r"))
        );
        let demo = parse(&["--demo", "--data-dir", "/tmp/r"]);
        assert!(demo.demo);
        assert_eq!(
            demo.data_dir(PathBuf::from("/os")),
            PathBuf::from("/tmp/r/demo")
        );
        assert_eq!(
            parse(&[]).data_dir(PathBuf::from("/os")),
            PathBuf::from("/os")
        );
    }
}
