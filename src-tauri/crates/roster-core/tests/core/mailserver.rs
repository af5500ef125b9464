//! Email settings that point the core at the test SMTP server (`roster_tests::mail`).

use roster_core::model::{EmailSettingsInput, SmtpSecurity};
pub use roster_tests::mail::{MailServer, Mode, closed_port, code_in, code_in_text};

/// Settings that reach a running test server.
pub trait ServerSettings {
    /// Settings that reach this server from `host` with `security`.
    fn settings(&self, host: &str, security: SmtpSecurity) -> EmailSettingsInput;
}

impl ServerSettings for MailServer {
    fn settings(&self, host: &str, security: SmtpSecurity) -> EmailSettingsInput {
        settings_for(self.port, host, security)
    }
}

/// Settings for a server on `port` of `host`, 2 s per step, no user name.
pub fn settings_for(port: u16, host: &str, security: SmtpSecurity) -> EmailSettingsInput {
    EmailSettingsInput {
        host: host.into(),
        port,
        security,
        username: String::new(),
        password: None,
        sender_name: "Acme People Team".into(),
        sender_address: "people@acme.example".into(),
        invitation_days: 7,
        timeout_seconds: 2,
        expected_version: 0,
    }
}
