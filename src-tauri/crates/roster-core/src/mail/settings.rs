//! Settings → Email: reading and saving the Workspace's SMTP settings (the password goes to
//! the secret store, never to SQLite) and "Send test email".
//!
//! The saved password is bound to its destination (case I5): it is stored together with the
//! host, port, security and user name it was saved for, and it is handed only to a
//! conversation with exactly those. A save that changes any of them forgets it unless a new
//! one is typed in the same save, and a destination changed any other way (another window,
//! an older Roster) finds no password to use: mail waits until one is saved for it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::smtp::{self, Outgoing, Smtp};
use crate::changes::{self, By, Change};
use crate::error::{Error, Field, Result};
use crate::model::{EmailSettings, EmailSettingsInput, SecretStorage, SmtpSecurity};
use crate::passwords::{Credential, Secret};
use crate::permissions::{Permission, Session};
use crate::store::{SettingsRow, Tx};
use crate::text::trim_input;
use crate::{Roster, actor, validation};

/// Port suggested before the first save (SMTP submission with STARTTLS, RFC 6409).
const DEFAULT_PORT: u16 = 587;
/// Days an invitation stays valid unless set otherwise.
pub const DEFAULT_INVITATION_DAYS: u32 = 7;
/// Seconds per SMTP step unless set otherwise.
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 15;

/// The name the SMTP password of a Workspace is kept under in the secret store.
pub(crate) fn password_name(workspace_id: &str) -> String {
    format!("smtp:{workspace_id}")
}

/// Where a saved password may go: the settings it was saved with (the host as saved, not
/// resolved — a name that later points elsewhere is the mail server's DNS to answer for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Destination {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
}

/// What the secret store holds for a Workspace: the password with its destination.
#[derive(Serialize, Deserialize)]
struct Bound {
    destination: Destination,
    password: String,
}

/// Marks the stored form, so a password saved before passwords were bound (plain text) is
/// never read as bound to anything.
const BOUND_PREFIX: &str = "roster-smtp-bound-v1:";

fn bind_secret(destination: &Destination, password: &Secret) -> Result<Secret> {
    let bound = Bound {
        destination: destination.clone(),
        password: password.expose().to_owned(),
    };
    let json = serde_json::to_string(&bound).map_err(|_| Error::Keychain {
        reason: "the password could not be prepared for the keychain".into(),
    })?;
    Ok(Secret::verbatim(&format!("{BOUND_PREFIX}{json}")))
}

/// The password in `stored` if it was saved for `destination`. Anything else — another
/// destination, an unbound legacy entry, unreadable text — is no password (and no parse
/// error is kept: its text could quote the secret).
fn password_for(stored: &Secret, destination: &Destination) -> Option<Secret> {
    let json = stored.expose().strip_prefix(BOUND_PREFIX)?;
    let bound: Bound = serde_json::from_str(json).ok()?;
    (bound.destination == *destination).then(|| Secret::verbatim(&bound.password))
}

fn destination(row: &SettingsRow) -> Destination {
    Destination {
        host: row.host.clone(),
        port: row.port,
        security: row.security,
        username: row.username.clone(),
    }
}

pub(crate) async fn smtp_for(
    roster: &Roster,
    tx: &mut dyn Tx,
    workspace_id: &str,
) -> Result<(Smtp, u32)> {
    let row = tx
        .email_settings(workspace_id)
        .await?
        .ok_or(Error::EmailNotConfigured)?;
    let password = saved_password(roster, workspace_id, &row).await?;
    let days = row.invitation_days;
    Ok((
        Smtp {
            host: row.host,
            port: row.port,
            security: row.security,
            username: row.username,
            password,
            sender_name: row.sender_name,
            sender_address: row.sender_address,
            timeout: Duration::from_secs(u64::from(row.timeout_seconds)),
        },
        days,
    ))
}

/// The password saved for the destination of `row`, if any.
async fn saved_password(
    roster: &Roster,
    workspace_id: &str,
    row: &SettingsRow,
) -> Result<Option<Secret>> {
    if row.username.is_empty() {
        return Ok(None);
    }
    Ok(roster
        .secret(&password_name(workspace_id))
        .await?
        .and_then(|stored| password_for(&stored, &destination(row))))
}

fn is_local(host: &str) -> bool {
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]"
    )
}

/// A validated [`EmailSettingsInput`] without its password.
struct Valid {
    host: String,
    username: String,
    sender_name: String,
    sender_address: String,
}

fn validate(input: &EmailSettingsInput) -> Result<Valid> {
    let host = trim_input(&input.host).to_owned();
    if smtp::server_name(&host).is_none() {
        return Err(Error::invalid(
            Field::SmtpHost,
            "Enter the SMTP host, like smtp.example.com",
        ));
    }
    if input.port == 0 {
        return Err(Error::invalid(
            Field::SmtpPort,
            "Enter a port from 1 to 65535",
        ));
    }
    if input.security == SmtpSecurity::None && !is_local(&host) {
        return Err(Error::invalid(
            Field::SmtpSecurity,
            "Choose STARTTLS or TLS as security: without encryption the password and \
             invitations would cross the network in clear (no encryption only for localhost)",
        ));
    }
    let username = trim_input(&input.username).to_owned();
    if username.chars().any(char::is_control) {
        return Err(Error::invalid(
            Field::SmtpUsername,
            "Write the username on a single line, without tabs or other control characters",
        ));
    }
    // A password is only ever sent with a username (SMTP AUTH), so one without it would be
    // kept and never used.
    if username.is_empty()
        && input
            .password
            .as_ref()
            .is_some_and(|p| !p.clone().into_secret().expose().is_empty())
    {
        return Err(Error::invalid(
            Field::SmtpUsername,
            "Enter the username that goes with the password",
        ));
    }
    if !(1..=90).contains(&input.invitation_days) {
        return Err(Error::invalid(
            Field::InvitationDays,
            "Set an invitation validity of 1 to 90 days",
        ));
    }
    if !(1..=300).contains(&input.timeout_seconds) {
        return Err(Error::invalid(
            Field::TimeoutSeconds,
            "Use a timeout from 1 to 300 seconds",
        ));
    }
    Ok(Valid {
        host,
        username,
        sender_name: validation::required_name(Field::SenderName, &input.sender_name)?,
        sender_address: validation::address(Field::SenderAddress, &input.sender_address)?,
    })
}

impl Valid {
    fn destination(&self, input: &EmailSettingsInput) -> Destination {
        Destination {
            host: self.host.clone(),
            port: input.port,
            security: input.security,
            username: self.username.clone(),
        }
    }
}

impl Roster {
    /// The secret saved under `name`, read off the async runtime (keychains block).
    pub(crate) async fn secret(&self, name: &str) -> Result<Option<Secret>> {
        let secrets = self.secrets.clone();
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || secrets.get(&name))
            .await
            .map_err(|e| Error::Keychain {
                reason: e.to_string(),
            })?
    }

    /// Where secrets go on this computer, asked off the async runtime (the first secret
    /// access probes the keychain).
    pub(crate) async fn secret_storage(&self) -> Result<SecretStorage> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || secrets.storage())
            .await
            .map_err(|e| Error::Keychain {
                reason: e.to_string(),
            })
    }

    async fn store_secret(&self, name: &str, secret: Option<Secret>) -> Result<()> {
        let secrets = self.secrets.clone();
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || match secret {
            Some(secret) => secrets.set(&name, &secret),
            None => secrets.delete(&name),
        })
        .await
        .map_err(|e| Error::Keychain {
            reason: e.to_string(),
        })?
    }

    /// Settings → Email as saved (defaults before the first save). Needs `settings.manage`.
    pub async fn email_settings(&self, session: &Session) -> Result<EmailSettings> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::SettingsManage)?;
        let row = tx.email_settings(&actor.workspace_id).await?;
        let has_password = match &row {
            Some(row) => saved_password(self, &actor.workspace_id, row)
                .await?
                .is_some(),
            None => false,
        };
        // A replica never holds the SMTP password: its hub does.
        let at_hub = crate::sync::is_replica(&mut *tx, &actor.workspace_id).await?;
        let password_storage = match at_hub {
            true => SecretStorage::Hub,
            false => self.secret_storage().await?,
        };
        Ok(match row {
            Some(r) => EmailSettings {
                host: r.host,
                port: r.port,
                security: r.security,
                username: r.username,
                has_password,
                password_storage,
                sender_name: r.sender_name,
                sender_address: r.sender_address,
                invitation_days: r.invitation_days,
                timeout_seconds: r.timeout_seconds,
                version: r.version,
            },
            None => EmailSettings {
                host: String::new(),
                port: DEFAULT_PORT,
                security: SmtpSecurity::Starttls,
                username: String::new(),
                has_password,
                password_storage,
                sender_name: String::new(),
                sender_address: String::new(),
                invitation_days: DEFAULT_INVITATION_DAYS,
                timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
                version: 0,
            },
        })
    }

    /// Saves Settings → Email. Needs `settings.manage`. A new password goes to the secret
    /// store (the keychain, or memory for this session when there is none), bound to the
    /// host, port, security and user name of this save; an empty one forgets it; `null`
    /// keeps it only while all four stay as they were — changing any of them forgets it
    /// (case I5). Errors: field validation (security `none` only for localhost),
    /// [`Error::Conflict`] when `expected_version` is stale, [`Error::Keychain`].
    pub async fn save_email_settings(
        &self,
        session: &Session,
        input: EmailSettingsInput,
    ) -> Result<EmailSettings> {
        let valid = validate(&input)?;
        let destination = valid.destination(&input);
        // The keychain is written before the database transaction: it may block (an unlock
        // prompt) and cannot be rolled back, so it must neither hold the write lock nor follow
        // a commit that could still fail. A stale form is refused before it touches the
        // keychain; the transaction checks the version again.
        let password = input.password.map(Credential::into_secret);
        let forgets_password = {
            let mut tx = self.read().await?;
            let actor = actor::load_ready(&mut *tx, session).await?;
            // Before the keychain: a replica's SMTP password is sealed at its hub, never here.
            crate::sync::ensure_not_replica(&mut *tx, &actor.workspace_id).await?;
            actor.require(Permission::SettingsManage)?;
            let before = tx.email_settings(&actor.workspace_id).await?;
            if before.as_ref().map_or(0, |r| r.version) != input.expected_version {
                return Err(Error::Conflict);
            }
            let moved = before.is_some_and(|b| self::destination(&b) != destination);
            let name = password_name(&actor.workspace_id);
            match &password {
                Some(typed) if !typed.expose().is_empty() => {
                    self.store_secret(&name, Some(bind_secret(&destination, typed)?))
                        .await?;
                    false
                }
                Some(_) => {
                    self.store_secret(&name, None).await?;
                    false
                }
                None if moved => {
                    self.store_secret(&name, None).await?;
                    true
                }
                None => false,
            }
        };
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::SettingsManage)?;
        let before = tx.email_settings(&actor.workspace_id).await?;
        let version = before.as_ref().map_or(0, |r| r.version);
        if version != input.expected_version {
            return Err(Error::Conflict);
        }
        let now = self.now();
        let row = SettingsRow {
            host: valid.host.clone(),
            port: input.port,
            security: input.security,
            username: valid.username.clone(),
            sender_name: valid.sender_name.clone(),
            sender_address: valid.sender_address.clone(),
            invitation_days: input.invitation_days,
            timeout_seconds: input.timeout_seconds,
            version,
        };
        tx.save_email_settings(&actor.workspace_id, &row, &now)
            .await?;
        let mut fields: Vec<&'static str> = match &before {
            None => vec![
                "host", "port", "security", "username", "sender", "validity", "timeout",
            ],
            Some(b) => [
                ("host", b.host != valid.host),
                ("port", b.port != input.port),
                ("security", b.security != input.security),
                ("username", b.username != valid.username),
                (
                    "sender",
                    b.sender_name != valid.sender_name || b.sender_address != valid.sender_address,
                ),
                ("validity", b.invitation_days != input.invitation_days),
                ("timeout", b.timeout_seconds != input.timeout_seconds),
            ]
            .into_iter()
            .filter_map(|(field, changed)| changed.then_some(field))
            .collect(),
        };
        if password.is_some() || forgets_password {
            fields.push("password");
        }
        let by = By {
            workspace_id: &actor.workspace_id,
            actor_id: Some(&actor.user_id),
            at: &now,
        };
        let changed = Change::EmailSettingsChanged { fields: &fields };
        changes::record(&mut *tx, by, changed).await?;
        tx.commit().await?;
        self.email_settings(session).await
    }

    /// Keeps here the settings the hub saved for the replica `workspace_id` (with the hub's
    /// version, so the next form is based on it), without any password.
    #[cfg(feature = "hub-client")]
    pub(crate) async fn keep_hub_email_settings(
        &self,
        workspace_id: &str,
        saved: &EmailSettings,
    ) -> Result<()> {
        let row = SettingsRow {
            host: saved.host.clone(),
            port: saved.port,
            security: saved.security,
            username: saved.username.clone(),
            sender_name: saved.sender_name.clone(),
            sender_address: saved.sender_address.clone(),
            invitation_days: saved.invitation_days,
            timeout_seconds: saved.timeout_seconds,
            version: saved.version,
        };
        let now = self.now();
        let mut tx = self.write().await?;
        tx.copy_email_settings(workspace_id, &row, &now).await?;
        tx.commit().await
    }

    /// "Send test email": sends a short message to `to` with the saved settings. Needs
    /// `settings.manage`. A failure ([`Error::Mail`]) says what a person can fix, and no
    /// more before a mail server has greeted: refused, silent, filtered and non-SMTP ports
    /// all read the same, so the button cannot tell apart what listens on the office network
    /// (see `smtp::describe`).
    pub async fn send_test_email(&self, session: &Session, to: &str) -> Result<()> {
        let to = validation::email(to)?;
        let (smtp, _) = {
            let mut tx = self.read().await?;
            let actor = actor::load_ready(&mut *tx, session).await?;
            actor.require(Permission::SettingsManage)?;
            smtp_for(self, &mut *tx, &actor.workspace_id).await?
        };
        let text = "This is a test email from Roster. Email invitations can be sent.";
        smtp::send(
            &smtp,
            &Outgoing {
                to: &to,
                subject: "Roster test email",
                text,
                html: &format!("<p>{text}</p>"),
            },
        )
        .await
        .map_err(|failure| Error::Mail {
            reason: failure.reason,
        })
    }
}
