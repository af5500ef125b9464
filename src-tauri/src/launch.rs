//! Command-line options: `--data-dir DIR` (or `ROSTER_DATA_DIR`), `--demo` and `--help`.

use std::path::PathBuf;

/// Where the database lives and whether to open the demo Workspace.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--data-dir DIR` / `--data-dir=DIR`, else `ROSTER_DATA_DIR`; `None` means the OS
    /// application-data directory.
    pub data_dir: Option<PathBuf>,
    /// `--demo`: a separate `demo/` folder inside the data directory, seeded with sample users.
    pub demo: bool,
    /// `--help` / `-h`: print [`USAGE`] instead of opening the window.
    pub help: bool,
}

/// What `roster --help` prints.
pub const USAGE: &str = "\
Roster: manage the users of your Workspace.

Usage: roster [--data-dir DIR] [--demo]

  --data-dir DIR  keep the database in DIR (also ROSTER_DATA_DIR); by default the OS
                  application-data folder
  --demo          open a separate demo Workspace with sample users (sign in as
                  admin@demo.example with Demo-Roster-2031!)
  -h, --help      print this and exit
";

impl Options {
    /// Reads the options from the arguments after the program name; unknown arguments are
    /// ignored (WebDriver and OS launchers add their own). When the first argument is a
    /// `roster:` link the OS is handing over, no option is read at all: the rest of the
    /// command line came with the link, and a crafted link must not choose the database
    /// (on Windows, a file on a network share) or the demo.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Self {
        let mut options = Self {
            data_dir: std::env::var_os("ROSTER_DATA_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            demo: false,
            help: false,
        };
        let mut args = args.into_iter().peekable();
        if args.peek().is_some_and(|first| is_link(first)) {
            return options;
        }
        while let Some(arg) = args.next() {
            if arg == "--demo" {
                options.demo = true;
            } else if arg == "--help" || arg == "-h" {
                options.help = true;
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

    /// Where the window's size and place are kept when the data folder was chosen
    /// (`<data dir>/window-state.json`, the demo's in its `demo/` folder); `None` means the
    /// plugin's default in the OS config folder.
    pub fn window_state_file(&self) -> Option<PathBuf> {
        let base = self.data_dir.clone()?;
        Some(self.data_dir(base).join("window-state.json"))
    }
}

/// Whether `arg` is a link of Roster's URL scheme (schemes are case-insensitive, RFC 3986
/// §3.1), however it is followed.
fn is_link(arg: &str) -> bool {
    arg.get(..LINK_SCHEME.len())
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case(LINK_SCHEME))
}

/// The scheme of invitation links (`roster://accept-invitation?token=…`), with its colon.
const LINK_SCHEME: &str = "roster:";

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

    #[test]
    fn the_window_state_stays_with_a_chosen_data_dir() {
        assert_eq!(
            parse(&["--data-dir", "/tmp/r"]).window_state_file(),
            Some(PathBuf::from("/tmp/r/window-state.json"))
        );
        assert_eq!(
            parse(&["--data-dir", "/tmp/r", "--demo"]).window_state_file(),
            Some(PathBuf::from("/tmp/r/demo/window-state.json"))
        );
        assert_eq!(parse(&["--demo"]).window_state_file(), None);
    }

    #[test]
    fn help_in_both_spellings_and_not_through_a_link() {
        assert!(parse(&["--help"]).help);
        assert!(parse(&["-h", "--demo"]).help);
        assert!(!parse(&["--demo"]).help);
        assert!(!parse(&["roster://accept-invitation?token=abc", "--help"]).help);
    }

    #[test]
    fn a_link_as_first_argument_reads_no_option() {
        for link in [
            "roster://accept-invitation?token=abc",
            "ROSTER://accept-invitation?token=abc",
            "roster:accept-invitation",
        ] {
            let options = parse(&[link, "--data-dir", "//server/share/evil", "--demo"]);
            assert!(!options.demo, "{link}");
            assert_eq!(
                options.data_dir(PathBuf::from("/os")),
                PathBuf::from("/os"),
                "{link}"
            );
            let glued = parse(&[link, "--data-dir=//server/share/evil"]);
            assert_eq!(glued.data_dir, None, "{link}");
        }
        let typed = parse(&["--demo", "roster://accept-invitation?token=abc"]);
        assert!(typed.demo, "options typed before a link still count");
    }
}
