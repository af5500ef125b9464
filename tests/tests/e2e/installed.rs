//! The installed package (issue 13): `scripts/test` builds the `.deb` with `scripts/package
//! --debug`, installs it with `apt-get install`, and runs this test alone, under a D-Bus session
//! (the second start that a `roster://` link makes finds the first one on the session bus).
//! What a person who installed the package meets: the launcher's entry and its icon, the first
//! screen, and an invitation link opened from another program reaching the running Roster.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::app::App;

/// Where the package puts its launcher entry (the Freedesktop Desktop Entry Specification's
/// `$XDG_DATA_DIRS/applications`).
const DESKTOP_ENTRY: &str = "/usr/share/applications/Roster.desktop";

/// The keys of `[Desktop Entry]`, in order.
fn desktop_entry() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(DESKTOP_ENTRY)
        .unwrap_or_else(|e| panic!("{DESKTOP_ENTRY}: {e} (install the .deb first)"));
    text.lines()
        .skip_while(|line| line.trim() != "[Desktop Entry]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect()
}

fn key<'a>(entry: &'a [(String, String)], name: &str) -> &'a str {
    entry
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{DESKTOP_ENTRY} has no {name}"))
}

/// The program a launcher's `Exec` names, found on `PATH` as the launcher would.
fn program(exec: &str) -> PathBuf {
    let name = exec
        .split_whitespace()
        .next()
        .expect("Exec names a program");
    let found = Command::new("sh")
        .args(["-c", &format!("command -v '{name}'")])
        .output()
        .expect("sh");
    let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
    assert!(!path.is_empty(), "{name} is not on PATH");
    PathBuf::from(path)
}

/// Width and height from a PNG's IHDR chunk (PNG specification, §11.2.2).
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (word(16), word(20))
}

#[tokio::test]
#[ignore = "installed package: run by scripts/test after apt-get install of the .deb"]
async fn the_installed_package_has_a_launcher_and_opens_roster_links() {
    let entry = desktop_entry();
    let validate = Command::new("desktop-file-validate")
        .arg(DESKTOP_ENTRY)
        .output()
        .expect("desktop-file-validate (apt install desktop-file-utils)");
    assert!(
        validate.status.success() && validate.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&validate.stdout)
    );
    assert_eq!(key(&entry, "Name"), "Roster");
    assert_eq!(key(&entry, "Type"), "Application");
    assert_eq!(key(&entry, "Categories"), "Office;");
    assert!(
        key(&entry, "MimeType")
            .split(';')
            .any(|t| t == "x-scheme-handler/roster"),
        "the launcher declares roster:// links"
    );
    let binary = program(key(&entry, "Exec"));
    assert_eq!(binary, Path::new("/usr/bin/roster"));

    // The icon the launcher names, in the sizes the hicolor theme looks up.
    let icon = key(&entry, "Icon");
    for (dir, size) in [("32x32", 32), ("128x128", 128), ("256x256@2", 256)] {
        let path = PathBuf::from(format!("/usr/share/icons/hicolor/{dir}/apps/{icon}.png"));
        assert_eq!(png_size(&path), (size, size), "{}", path.display());
    }

    // A person who never ran Roster: their own folders hold no registration of it, so the
    // package's entry alone must make Roster the handler of roster:// links.
    let home = tempfile::tempdir().expect("home");
    let data_home = home.path().join(".local/share");
    let config_home = home.path().join(".config");
    let env: [(&str, &OsStr); 3] = [
        ("HOME", home.path().as_os_str()),
        ("XDG_DATA_HOME", data_home.as_os_str()),
        ("XDG_CONFIG_HOME", config_home.as_os_str()),
    ];
    let handler = Command::new("xdg-mime")
        .args(["query", "default", "x-scheme-handler/roster"])
        .envs(env.iter().copied())
        .output()
        .expect("xdg-mime (apt install xdg-utils)");
    assert_eq!(
        String::from_utf8_lossy(&handler.stdout).trim(),
        "Roster.desktop"
    );

    let mut app = App::launch_binary("installed", &binary, &env).await;
    app.heading("Create your Workspace").await;
    app.screenshot("installed-first-run").await;

    // An invitation link opened elsewhere (a mail program runs xdg-open): the second start
    // hands it to the running Roster, which shows it.
    let opened = Command::new("xdg-open")
        .arg("roster://accept-invitation?token=not-a-real-code")
        .envs(env.iter().copied())
        .status()
        .expect("xdg-open");
    assert!(opened.success(), "xdg-open: {opened}");
    app.heading("Accept invitation").await;
    app.see("This invitation code is not valid.").await;
    app.screenshot("installed-invitation-link").await;
    app.quit().await;
}

/// The packages `scripts/package --debug` built, from the workspace's `target/debug/bundle`.
fn package(kind: &str, ext: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../target/debug/bundle/{kind}"));
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/package --debug)", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "one .{ext} in {}", dir.display());
    found.remove(0)
}

/// The files (not folders) a package lists, as absolute paths, sorted.
fn listed(program: &str, args: &[&str], package: &Path) -> Vec<String> {
    let out = Command::new(program)
        .args(args)
        .arg(package)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        // dpkg-deb lists folders too, as `ls -l` does (`drwxr-xr-x …`); rpm lists paths only.
        .filter(|line| !line.starts_with('d'))
        .map(|line| line.split_whitespace().last().unwrap_or_default())
        // dpkg-deb writes `usr/…` (or `./usr/…`), rpm `/usr/…`.
        .map(|path| format!("/{}", path.trim_start_matches('.').trim_start_matches('/')))
        .filter(|path| path.starts_with("/usr/"))
        .collect();
    files.sort();
    files
}

#[tokio::test]
#[ignore = "packages: run by scripts/test after scripts/package --debug"]
async fn the_rpm_installs_the_same_files_as_the_deb() {
    let deb = listed("dpkg-deb", &["--contents"], &package("deb", "deb"));
    let rpm = listed("rpm", &["-qlp"], &package("rpm", "rpm"));
    assert!(deb.contains(&"/usr/bin/roster".to_owned()), "{deb:?}");
    assert_eq!(rpm, deb);
}
