//! Settings → Email as the UI sees it: the SMTP server, the sender and the invitation
//! validity (the password itself goes to the OS keychain).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::passwords::Credential;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS before authenticating (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: only for a server on this computer (localhost).
    None,
}

impl SmtpSecurity {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starttls => "starttls",
            Self::Tls => "tls",
            Self::None => "none",
        }
    }

    /// The security stored as `text`; unknown text reads as STARTTLS, never as none.
    pub fn parse(text: &str) -> Self {
        match text {
            "tls" => Self::Tls,
            "none" => Self::None,
            _ => Self::Starttls,
        }
    }
}

/// Where the SMTP password is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SecretStorage {
    /// The OS keychain (Keychain, Credential Manager, Secret Service).
    Keychain,
    /// No keychain answered the round-trip check: kept in memory until Roster closes.
    Session,
    /// Sealed by the hub that shares the Workspace, with a key of the hub's own
    /// configuration; never on this computer.
    Hub,
}

/// Settings → Email, as the form shows it. The password itself never leaves the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmailSettings {
    /// SMTP host name.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// User name for SMTP authentication ("" for none).
    pub username: String,
    /// A password is available for this session (saved in the keychain or typed).
    pub has_password: bool,
    /// Where passwords are kept on this computer.
    pub password_storage: SecretStorage,
    /// Name shown as the sender.
    pub sender_name: String,
    /// Address the invitations come from.
    pub sender_address: String,
    /// Days an invitation stays valid (1..=90, default 7).
    pub invitation_days: u32,
    /// Seconds each SMTP step may take: connect, TLS, each command (1..=300, default 15).
    pub timeout_seconds: u32,
    /// Row version; pass back as `expectedVersion` (0 before the first save).
    #[ts(type = "number")]
    pub version: i64,
}

/// "Save" in Settings → Email.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmailSettingsInput {
    /// SMTP host name.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Connection security; `none` only for localhost.
    pub security: SmtpSecurity,
    /// User name ("" for none).
    pub username: String,
    /// A new password, kept exactly as typed; `null` keeps the one saved.
    #[ts(type = "string | null")]
    pub password: Option<Credential>,
    /// Name shown as the sender.
    pub sender_name: String,
    /// Address the invitations come from.
    pub sender_address: String,
    /// Days an invitation stays valid (1..=90).
    pub invitation_days: u32,
    /// Seconds each SMTP step may take (1..=300).
    pub timeout_seconds: u32,
    /// The `version` the form was loaded with (0 before the first save).
    #[ts(type = "number")]
    pub expected_version: i64,
}
