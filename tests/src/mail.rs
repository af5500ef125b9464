//! A real SMTP server on loopback for email tests (aiosmtpd through `tests/smtp_server.py`),
//! started per test and stopped when dropped; shared by the core's service tests and the
//! end-to-end tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// How the server behaves (see `smtp_server.py`).
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// SMTP without TLS and without SMTPUTF8; AUTH accepts user "mailer" with the given
    /// password (in clear: loopback only).
    Plain,
    /// [`Mode::Plain`] that also offers SMTPUTF8 (RFC 6531).
    Utf8,
    /// STARTTLS required before AUTH, which accepts user "mailer" with the given password.
    Starttls,
    /// TLS from the first byte.
    Implicit,
    /// Accepts connections and never answers.
    Silent,
}

/// A running server; every message it accepts lands in its own temporary folder.
pub struct MailServer {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
    maildir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl MailServer {
    /// Starts the server; `tls` names the certificate and key for the TLS modes, and
    /// `password` is what the STARTTLS mode accepts for user "mailer".
    pub fn start(mode: Mode, tls: Option<(&Path, &Path)>, password: &str) -> Self {
        Self::start_on(free_port(), mode, tls, password)
    }

    /// [`MailServer::start`] on a chosen port (to come back where a test's settings point).
    pub fn start_on(port: u16, mode: Mode, tls: Option<(&Path, &Path)>, password: &str) -> Self {
        let maildir = tempfile::tempdir().expect("maildir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp_server.py");
        let mode_name = match mode {
            Mode::Plain => "plain",
            Mode::Utf8 => "utf8",
            Mode::Starttls => "starttls",
            Mode::Implicit => "implicit",
            Mode::Silent => "silent",
        };
        // Debian's own Python carries python3-aiosmtpd; a pyenv or venv `python3` first on
        // PATH would not.
        let python = if Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3"
        } else {
            "python3"
        };
        let mut command = Command::new(python);
        command
            .arg(script)
            .arg(mode_name)
            .arg(port.to_string())
            .arg(maildir.path())
            .env("ROSTER_SMTP_PASSWORD", password)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some((cert, key)) = tls {
            command.arg(cert).arg(key);
        }
        let mut child = command
            .spawn()
            .expect("python3 with aiosmtpd (apt install python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server output");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self {
            child,
            port,
            maildir,
        }
    }

    /// Every message received so far, as raw RFC 5322 text, oldest first.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.maildir.path())
            .expect("maildir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort_by_key(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<u32>().ok())
        });
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("message"))
            .collect()
    }

    /// Every AUTH attempt so far, accepted or not, as (user name, password), oldest first.
    pub fn auth_attempts(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(self.maildir.path().join("auth.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(login, password)| (login.to_owned(), password.to_owned()))
            .collect()
    }

    /// The envelope recipients (RCPT TO) of message number `n` (1-based), as received.
    pub fn recipients(&self, n: usize) -> Vec<String> {
        std::fs::read_to_string(self.maildir.path().join(format!("{n}.rcpt")))
            .expect("recipients of a received message")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits up to 30 s for message number `n` (1-based) and returns it.
    pub async fn message(&self, n: usize) -> String {
        let path = self.maildir.path().join(format!("{n}.eml"));
        for _ in 0..150 {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("message {n} never arrived");
    }
}

/// A loopback port where nothing listens (connections are refused at once).
pub fn closed_port() -> u16 {
    free_port()
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The invitation code in a received message: quoted-printable (how lettre sends long lines)
/// is undone first — soft line breaks and `=3D` — and only then is the code read.
pub fn code_in(message: &str) -> String {
    if message.contains("Content-Transfer-Encoding: quoted-printable") {
        let decoded = message
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        code_in_text(&decoded)
    } else {
        code_in_text(message)
    }
}

/// The invitation code in plain text (a message body as queued): what follows `token=`.
pub fn code_in_text(text: &str) -> String {
    let start = text
        .find("token=")
        .map(|i| i + "token=".len())
        .expect("a link in the message");
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
