//! A certificate authority and a `localhost` certificate it signed, made with the `openssl`
//! command for each test (TLS to a mail server, HTTPS to a hub).

/// A certificate authority and a `localhost` certificate it signed, made with openssl.
pub struct Certificates {
    _dir: tempfile::TempDir,
    /// The authority's certificate (PEM).
    pub ca: std::path::PathBuf,
    /// The `localhost` certificate (PEM).
    pub leaf: std::path::PathBuf,
    /// Its private key (PEM).
    pub key: std::path::PathBuf,
}

impl Certificates {
    /// Makes the authority and the certificate in a temporary folder.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("cert dir");
        let p = |name: &str| dir.path().join(name);
        let run = |args: &[&str]| {
            let status = std::process::Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("openssl (apt install openssl)");
            assert!(status.success(), "openssl {args:?}");
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Roster Test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        std::fs::write(
            p("leaf.ext"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .expect("ext");
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ]);
        Self {
            ca: p("ca.pem"),
            leaf: p("leaf.pem"),
            key: p("leaf.key"),
            _dir: dir,
        }
    }
}
