//! Starting the app under tauri-driver, finding controls by the words users see, screenshots.

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long to wait for a control to appear.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct App {
    pub client: Client,
    driver: Child,
    pub _data_dir: tempfile::TempDir,
    shots: PathBuf,
    shot_count: usize,
    /// Every password and code typed or read during the test, for [`App::quit`]'s scan.
    secrets: Mutex<Vec<String>>,
    /// Folders besides the data directory that the scan reads (downloads).
    scanned: Mutex<Vec<PathBuf>>,
    /// The X display the app shows on (`DISPLAY`, or a screen of its own).
    display: String,
    /// The app's own Xvfb, when it has one ([`App::launch_apart`]).
    screen: Option<Child>,
}

/// axe-core's run over the whole document, answering each violation as its rule, impact, help
/// text and the selectors of the elements that break it.
const AXE_RUN: &str = "const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then((r) => done(r.violations.map((v) => ({ rule: v.id, impact: v.impact, help: v.help,
    elements: v.nodes.map((n) => n.target.join(' ') + ' ' + n.failureSummary.replace(/\\s+/g, ' ')) }))))
  .catch((e) => done([{ rule: 'axe-core failed', help: String(e) }]));";

/// The app's standard error (its log), kept in the data directory so the scan reads it.
const LOG_FILE: &str = "app.log";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The app the test suite built: `target/debug/roster`, or `ROSTER_APP`.
pub fn built_app() -> PathBuf {
    std::env::var_os("ROSTER_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/roster"))
        .canonicalize()
        .expect("build the app first: cargo build -p roster-app")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl App {
    /// Starts tauri-driver and the app binary (`target/debug/roster`, or `ROSTER_APP`) on a new
    /// empty data directory, with `args` on its command line. Screenshots go to
    /// `target/e2e-screenshots/<light|dark>/<test>/` (dark when `GTK_THEME` ends in `:dark`).
    pub async fn launch(test: &str, args: &[&str]) -> App {
        let display = std::env::var("DISPLAY").expect("run under Xvfb (xvfb-run -a)");
        Self::launch_on(test, args, display, None, &built_app(), &[]).await
    }

    /// Starts `binary` (an installed Roster, or a copy of the built one) on a new empty data
    /// directory, with `env` added for the app and what it starts (a fresh `HOME`, an update
    /// server).
    pub async fn launch_binary(test: &str, binary: &Path, env: &[(&str, &OsStr)]) -> App {
        let display = std::env::var("DISPLAY").expect("run under Xvfb (xvfb-run -a)");
        Self::launch_on(test, &[], display, None, binary, env).await
    }

    /// Like [`App::launch`], on an Xvfb screen of its own: one of several machines in a test,
    /// whose screenshots show only its window (Xvfb has no window manager to raise one).
    pub async fn launch_apart(test: &str, args: &[&str]) -> App {
        let (display, screen) = own_screen();
        Self::launch_on(test, args, display, Some(screen), &built_app(), &[]).await
    }

    async fn launch_on(
        test: &str,
        args: &[&str],
        display: String,
        screen: Option<Child>,
        binary: &Path,
        env: &[(&str, &OsStr)],
    ) -> App {
        let data_dir = tempfile::tempdir().expect("data dir");
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("ROSTER_DATA_DIR", data_dir.path())
            .env("DISPLAY", &display)
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data_dir.path().join(LOG_FILE)).expect("log file"))
            .process_group(0)
            .spawn()
            .expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
        let caps = json!({ "tauri:options": { "application": binary, "args": args } });
        let caps = caps.as_object().cloned().expect("object");
        let url = format!("http://127.0.0.1:{port}");
        let mut client = None;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if let Ok(c) = ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                client = Some(c);
                break;
            }
        }
        let theme = match std::env::var("GTK_THEME") {
            Ok(t) if t.ends_with(":dark") => "dark",
            _ => "light",
        };
        let shots = workspace_root()
            .join("target/e2e-screenshots")
            .join(theme)
            .join(test);
        std::fs::create_dir_all(&shots).expect("screenshot dir");
        App {
            client: client.expect("connect to tauri-driver"),
            driver,
            _data_dir: data_dir,
            shots,
            shot_count: 0,
            secrets: Mutex::new(Vec::new()),
            scanned: Mutex::new(Vec::new()),
            display,
            screen,
        }
    }

    /// Remembers a secret the test saw (a generated password, an invitation code): after the
    /// run it must appear in no file Roster wrote.
    pub fn secret(&self, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.secrets.lock().expect("secrets").push(value.to_owned());
        }
    }

    /// Adds a folder (where downloads were saved) to the scan after the run.
    pub fn scan_also(&self, dir: &Path) {
        self.scanned.lock().expect("scanned").push(dir.to_owned());
    }

    pub async fn find(&self, locator: Locator<'_>) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(locator)
            .await
            .unwrap_or_else(|e| panic!("{locator:?} did not appear: {e}"))
    }

    /// A button (or menu item, or link) by its visible text or accessible name.
    pub async fn button(&self, name: &str) -> Element {
        let xpath = format!(
            "//*[(self::button or @role='menuitem' or @role='tab' or self::a) and not(@disabled) and \
             (normalize-space(.)={q} or @aria-label={q})]",
            q = xpath_literal(name)
        );
        self.find(Locator::XPath(&xpath)).await
    }

    /// Clicks a button by its name, scrolled to the middle of its scroll area first as a person
    /// would (WebKitWebDriver does not scroll inside nested scroll areas, e.g. a tall panel).
    pub async fn click(&self, name: &str) {
        let button = self.button(name).await;
        let arg = serde_json::to_value(&button).expect("element reference");
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center' });",
                vec![arg],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to {name}: {e}"));
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {name}: {e}"));
    }

    /// An input by its label text (label with `for`, wrapping label, or aria-label).
    pub async fn field(&self, label: &str) -> Element {
        let q = xpath_literal(label);
        let xpath = format!(
            "//input[@id=//label[normalize-space(.)={q} or normalize-space(text())={q}]/@for] | \
             //label[normalize-space(text())={q}]//input | //input[@aria-label={q}] | \
             //textarea[@id=//label[normalize-space(.)={q}]/@for]"
        );
        self.find(Locator::XPath(&xpath)).await
    }

    /// Picks the radio button or checkbox labelled `label` by clicking its label, as a user
    /// does (styled choices hide the input itself).
    pub async fn choose(&self, label: &str) {
        let xpath = format!("//label[normalize-space(.)={}]", xpath_literal(label));
        let element = self.find(Locator::XPath(&xpath)).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("choose {label}: {e}"));
    }

    /// Replaces the text of the field labelled `label`: empties it with an `input` event (which
    /// WebDriver's own clear does not send, so the page would keep the old value), then types.
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        let empty = "arguments[0].value = ''; \
                     arguments[0].dispatchEvent(new Event('input', { bubbles: true }));";
        let arg = serde_json::to_value(&field).expect("element reference");
        self.client
            .execute(empty, vec![arg])
            .await
            .unwrap_or_else(|e| panic!("empty {label}: {e}"));
        let label_lower = label.to_lowercase();
        if label_lower.contains("password") || label_lower.contains("code") {
            self.secret(value);
        }
        if !value.is_empty() {
            field
                .send_keys(value)
                .await
                .unwrap_or_else(|e| panic!("type into {label}: {e}"));
        }
    }

    /// Waits for the top-level heading `text`, i.e. for a screen.
    pub async fn heading(&self, text: &str) {
        let xpath = format!("//h1[normalize-space()={}]", xpath_literal(text));
        self.find(Locator::XPath(&xpath)).await;
    }

    /// Waits until the element with `data-testid=id` reads exactly `expected`.
    pub async fn expect_text(&self, id: &str, expected: &str) {
        let mut last = String::new();
        for _ in 0..50 {
            last = self.testid(id).await.text().await.unwrap_or_default();
            if last == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{id} reads {last:?}, expected {expected:?}");
    }

    /// Waits until the list renders exactly `count` user rows.
    pub async fn expect_rows(&self, count: usize) {
        let mut last = 0;
        for _ in 0..50 {
            last = self
                .client
                .find_all(Locator::Css("[data-testid='user-row']"))
                .await
                .map(|rows| rows.len())
                .unwrap_or_default();
            if last == count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the list shows {last} rows, expected {count}");
    }

    pub async fn testid(&self, id: &str) -> Element {
        self.find(Locator::Css(&format!("[data-testid='{id}']")))
            .await
    }

    /// Waits until some element contains `text`.
    pub async fn see(&self, text: &str) -> Element {
        let xpath = format!("//*[contains(normalize-space(.), {})]", xpath_literal(text));
        self.find(Locator::XPath(&xpath)).await
    }

    /// Waits until nothing contains `text`.
    pub async fn gone(&self, text: &str) {
        let xpath = format!("//*[contains(normalize-space(.), {})]", xpath_literal(text));
        for _ in 0..100 {
            if self
                .client
                .find_all(Locator::XPath(&xpath))
                .await
                .map(|v| v.is_empty())
                .unwrap_or(false)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{text:?} is still shown");
    }

    /// Fills the first-run form (Workspace "Acme Ltd", the admin Ana Silva); the caller
    /// presses "Create Workspace" (after a screenshot, if it wants one).
    pub async fn fill_first_run(&self, email: &str, password: &str) {
        self.heading("Create your Workspace").await;
        self.fill("Workspace name", "Acme Ltd").await;
        self.fill("Your email", email).await;
        self.fill("First name", "Ana").await;
        self.fill("Last name", "Silva").await;
        self.fill("Password", password).await;
        self.fill("Confirm password", password).await;
    }

    /// Signs in from the sign-in screen (what follows depends on the user: callers wait).
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.heading("Sign in").await;
        self.fill("Email", email).await;
        self.fill("Password", password).await;
        self.click("Sign in").await;
    }

    /// Signs out through the menu under the user's name.
    pub async fn sign_out(&self, display_name: &str) {
        self.click(display_name).await;
        self.click("Sign out").await;
    }

    /// Waits until the app's log holds `text` (something it did out of sight, e.g. a check).
    pub async fn log_says(&self, text: &str) {
        let path = self._data_dir.path().join(LOG_FILE);
        for _ in 0..100 {
            if std::fs::read_to_string(&path).is_ok_and(|log| log.contains(text)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the app's log never said {text:?}");
    }

    /// The text of the open user panel.
    pub async fn panel_text(&self) -> String {
        self.testid("user-panel")
            .await
            .text()
            .await
            .expect("panel text")
    }

    /// Saves the Xvfb screen as `target/e2e-screenshots/NN-name.png` for people to look at, and
    /// checks what it shows with axe-core: every screen and dialog a test photographs must pass
    /// (issue 13).
    pub async fn screenshot(&mut self, name: &str) {
        self.save_screen(name).await;
        self.assert_accessible(name).await;
    }

    /// A screenshot while a native dialog (GTK's file chooser) is open: the window behind it
    /// cannot run scripts until the dialog answers, and axe-core cannot read GTK anyway.
    pub async fn screenshot_native_dialog(&mut self, name: &str) {
        self.save_screen(name).await;
    }

    async fn save_screen(&mut self, name: &str) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        self.shot_count += 1;
        let path = self
            .shots
            .join(format!("{:02}-{name}.png", self.shot_count));
        assert!(capture(&self.display, &path), "screenshot {name}");
    }

    /// Runs axe-core (from `ui/node_modules`) on the window's document with its default rules —
    /// WCAG 2.2 A and AA, and axe's best practices — and fails with each violation and the
    /// elements it found, if there is any.
    pub async fn assert_accessible(&self, screen: &str) {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .expect("ask for axe");
        if loaded != serde_json::Value::Bool(true) {
            let path = workspace_root().join("ui/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (npm ci in ui/)", path.display()));
            self.client
                .execute(&format!("{source}\nreturn true;"), vec![])
                .await
                .expect("load axe-core");
        }
        let found = self
            .client
            .execute_async(AXE_RUN, vec![])
            .await
            .expect("run axe-core");
        let violations = found
            .as_array()
            .unwrap_or_else(|| panic!("axe-core did not answer with its violations: {found}"));
        assert!(
            violations.is_empty(),
            "axe-core on {screen}:\n{}",
            violations
                .iter()
                .map(|v| format!("- {v}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// Closes the app, then reads every file it wrote — the database with its `-wal` and
    /// `-shm`, the log, and the downloads — and fails if any holds a password or code the
    /// test typed or saw (issue 9).
    pub async fn quit(mut self) {
        let _ = self.client.clone().close().await;
        // Give the app a moment to close its database as a person quitting it would.
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.stop_driver();
        let log = std::fs::read_to_string(self._data_dir.path().join(LOG_FILE)).unwrap_or_default();
        assert!(
            log.contains("database open"),
            "the app's log reaches {LOG_FILE}, so the scan reads it"
        );
        let mut dirs = vec![self._data_dir.path().to_owned()];
        dirs.extend(self.scanned.lock().expect("scanned").iter().cloned());
        let secrets = self.secrets.lock().expect("secrets").clone();
        let leaks = leaked(&dirs, &secrets);
        assert!(leaks.is_empty(), "secrets found on disk: {leaks:?}");
    }

    fn stop_driver(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `file: secret #n` for every file under `dirs` that contains one of `secrets` (the secret
/// itself is not printed).
fn leaked(dirs: &[PathBuf], secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = dirs.to_vec();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("read folder");
            pending.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        for (n, secret) in secrets.iter().enumerate() {
            if bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes())
            {
                found.push(format!("{}: secret #{n}", path.display()));
            }
        }
    }
    found
}

impl Drop for App {
    /// Stops tauri-driver (and with it WebKitWebDriver and the app) also when a step panics,
    /// so `xvfb-run` does not wait for orphans.
    fn drop(&mut self) {
        if std::thread::panicking() {
            capture(&self.display, &self.shots.join("failure.png"));
        }
        self.stop_driver();
        if let Some(mut screen) = self.screen.take() {
            let _ = screen.kill();
            let _ = screen.wait();
        }
    }
}

/// Waits up to 10 s for the file a dialog was answered with to be written.
pub async fn wait_for_file(path: &Path) {
    for _ in 0..100 {
        if path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} was not written", path.display());
}

/// Answers the native GTK save dialog titled "Download users" (see [`answer_file_dialog`]).
pub fn answer_save_dialog(path: Option<&Path>) {
    answer_file_dialog("Download users", FileDialog::Save, path);
}

/// Which kind of file dialog is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileDialog {
    /// Open: the path goes into the location field (Ctrl+L).
    Open,
    /// Save as: the path replaces the suggested name.
    Save,
}

/// Answers the native GTK file dialog titled `title` with xdotool, as a person at the
/// keyboard would: `Some(path)` types the path — into the name field of a save dialog (all of
/// it selected first), into the location field of an open dialog — and presses Return;
/// `None` presses Escape.
pub fn answer_file_dialog(title: &str, kind: FileDialog, path: Option<&Path>) {
    let found = Command::new("xdotool")
        .args(["search", "--sync", "--onlyvisible", "--name", title])
        .output()
        .expect("xdotool (apt install xdotool)");
    let window = String::from_utf8_lossy(&found.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(!window.is_empty(), "the dialog {title:?} did not open");
    std::thread::sleep(Duration::from_millis(700));
    let xdotool = |args: &[&str]| {
        let status = Command::new("xdotool")
            .args(args)
            .status()
            .expect("xdotool");
        assert!(status.success(), "xdotool {args:?}");
    };
    // Xvfb runs no window manager, so focus the dialog directly instead of "activating" it.
    xdotool(&["windowfocus", "--sync", &window]);
    match path {
        Some(path) => {
            let select = match kind {
                FileDialog::Open => "ctrl+l",
                FileDialog::Save => "ctrl+a",
            };
            xdotool(&["key", select]);
            xdotool(&["type", "--delay", "20", &path.display().to_string()]);
            // The location field of an open dialog may take the first Return for its
            // completion; press it again while the dialog stays.
            for _ in 0..3 {
                std::thread::sleep(Duration::from_millis(400));
                xdotool(&["key", "Return"]);
                std::thread::sleep(Duration::from_millis(600));
                let open = Command::new("xdotool")
                    .args(["search", "--onlyvisible", "--name", title])
                    .output()
                    .expect("xdotool");
                if String::from_utf8_lossy(&open.stdout).trim().is_empty() {
                    break;
                }
            }
        }
        None => xdotool(&["key", "Escape"]),
    }
}

/// Saves the Xvfb screen as a PNG; false when the tools failed.
fn capture(display: &str, path: &Path) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "xwd -root -silent -display '{display}' | convert xwd:- '{}'",
            path.display()
        ))
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts an Xvfb on the first free display from :120 (the size `scripts/test` gives
/// `xvfb-run`) and waits for it to take connections.
fn own_screen() -> (String, Child) {
    let number = (120..400)
        .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .expect("a free X display");
    let display = format!(":{number}");
    let mut screen = Command::new("Xvfb")
        .args([
            display.as_str(),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (apt install xvfb)");
    let socket = format!("/tmp/.X11-unix/X{number}");
    for _ in 0..100 {
        if Path::new(&socket).exists() {
            return (display, screen);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = screen.kill();
    let _ = screen.wait();
    panic!("Xvfb did not start on {display}");
}

fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
