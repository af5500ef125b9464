//! Settings → Email: reading and saving the Workspace's SMTP settings (the password goes to
//! the secret store, never to SQLite) and "Send test email".

use std::time::Duration;

use sqlx::SqliteConnection;

use super::smtp::{self, Outgoing, Smtp};
use crate::audit::{self, Entry};
use crate::error::{Error, Field, Result};
use crate::model::{EmailSettings, EmailSettingsInput, SmtpSecurity};
use crate::passwords::{Credential, Secret};
use crate::permissions::{Permission, Session};
use crate::text::trim_input;
use crate::{Roster, actor, store, validation};

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

#[derive(sqlx::FromRow)]
struct SettingsRow {
    host: String,
    port: i64,
    security: String,
    username: String,
    sender_name: String,
    sender_address: String,
    invitation_days: i64,
    timeout_seconds: i64,
    version: i64,
}

async fn read(conn: &mut SqliteConnection, workspace_id: &str) -> Result<Option<SettingsRow>> {
    Ok(sqlx::query_as(
        "SELECT host, port, security, username, sender_name, sender_address, invitation_days,
                timeout_seconds, version
         FROM email_settings WHERE workspace_id = ?",
    )
    .bind(workspace_id)
    .fetch_optional(conn)
    .await?)
}

/// The SMTP settings of a Workspace with its password from the secret store, or
/// [`Error::EmailNotConfigured`]; also the invitation validity in days.
pub(crate) async fn smtp_for(
    roster: &Roster,
    conn: &mut SqliteConnection,
    workspace_id: &str,
) -> Result<(Smtp, u32)> {
    let row = read(conn, workspace_id)
        .await?
        .ok_or(Error::EmailNotConfigured)?;
    let password = roster.secret(&password_name(workspace_id)).await?;
    let days = u32::try_from(row.invitation_days).unwrap_or(DEFAULT_INVITATION_DAYS);
    Ok((
        Smtp {
            host: row.host,
            port: u16::try_from(row.port).unwrap_or(DEFAULT_PORT),
            security: SmtpSecurity::parse(&row.security),
            username: row.username,
            password,
            sender_name: row.sender_name,
            sender_address: row.sender_address,
            timeout: Duration::from_secs(
                u64::try_from(row.timeout_seconds).unwrap_or(u64::from(DEFAULT_TIMEOUT_SECONDS)),
            ),
        },
        days,
    ))
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
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            Field::SmtpHost,
            "Enter the mail server's host name, like smtp.example.com",
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
            "Without encryption the password and invitations would cross the network in \
             clear: choose STARTTLS or TLS (no encryption only for localhost)",
        ));
    }
    if !(1..=90).contains(&input.invitation_days) {
        return Err(Error::invalid(
            Field::InvitationDays,
            "Invitations can stay valid for 1 to 90 days",
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
        username: trim_input(&input.username).to_owned(),
        sender_name: validation::required_name(Field::SenderName, &input.sender_name)?,
        sender_address: validation::email(&input.sender_address).map_err(|_| {
            Error::invalid(
                Field::SenderAddress,
                "Enter the sender's address, like team@example.com",
            )
        })?,
    })
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
        let mut conn = self.pool.acquire().await?;
        let actor = actor::load_ready(&mut conn, session).await?;
        actor.require(Permission::SettingsManage)?;
        let row = read(&mut conn, &actor.workspace_id).await?;
        let has_password = self
            .secret(&password_name(&actor.workspace_id))
            .await?
            .is_some();
        let password_storage = self.secrets.storage();
        Ok(match row {
            Some(r) => EmailSettings {
                host: r.host,
                port: u16::try_from(r.port).unwrap_or(DEFAULT_PORT),
                security: SmtpSecurity::parse(&r.security),
                username: r.username,
                has_password,
                password_storage,
                sender_name: r.sender_name,
                sender_address: r.sender_address,
                invitation_days: u32::try_from(r.invitation_days)
                    .unwrap_or(DEFAULT_INVITATION_DAYS),
                timeout_seconds: u32::try_from(r.timeout_seconds)
                    .unwrap_or(DEFAULT_TIMEOUT_SECONDS),
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
    /// store (the keychain, or memory for this session when there is none); an empty one
    /// forgets it; `null` keeps it. Errors: field validation (security `none` only for
    /// localhost), [`Error::Conflict`] when `expected_version` is stale, [`Error::Keychain`].
    pub async fn save_email_settings(
        &self,
        session: &Session,
        input: EmailSettingsInput,
    ) -> Result<EmailSettings> {
        let valid = validate(&input)?;
        // The keychain is written before the database transaction: it may block (an unlock
        // prompt) and cannot be rolled back, so it must neither hold the write lock nor follow
        // a commit that could still fail.
        let password = input.password.map(Credential::into_secret);
        if let Some(password) = &password {
            let mut conn = self.pool.acquire().await?;
            let actor = actor::load_ready(&mut conn, session).await?;
            actor.require(Permission::SettingsManage)?;
            let secret = (!password.expose().is_empty()).then(|| password.clone());
            self.store_secret(&password_name(&actor.workspace_id), secret)
                .await?;
        }
        let mut tx = store::begin_write(&self.pool).await?;
        let actor = actor::load_ready(&mut tx, session).await?;
        actor.require(Permission::SettingsManage)?;
        let before = read(&mut tx, &actor.workspace_id).await?;
        let version = before.as_ref().map_or(0, |r| r.version);
        if version != input.expected_version {
            return Err(Error::Conflict);
        }
        let now = self.now();
        sqlx::query(
            "INSERT INTO email_settings (workspace_id, host, port, security, username, sender_name,
                 sender_address, invitation_days, timeout_seconds, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (workspace_id) DO UPDATE SET host = excluded.host, port = excluded.port,
                 security = excluded.security, username = excluded.username,
                 sender_name = excluded.sender_name, sender_address = excluded.sender_address,
                 invitation_days = excluded.invitation_days,
                 timeout_seconds = excluded.timeout_seconds, version = version + 1,
                 updated_at = excluded.updated_at",
        )
        .bind(&actor.workspace_id)
        .bind(&valid.host)
        .bind(input.port)
        .bind(input.security.as_str())
        .bind(&valid.username)
        .bind(&valid.sender_name)
        .bind(&valid.sender_address)
        .bind(input.invitation_days)
        .bind(input.timeout_seconds)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let mut fields: Vec<&'static str> = match &before {
            None => vec![
                "host", "port", "security", "username", "sender", "validity", "timeout",
            ],
            Some(b) => [
                ("host", b.host != valid.host),
                ("port", b.port != i64::from(input.port)),
                ("security", b.security != input.security.as_str()),
                ("username", b.username != valid.username),
                (
                    "sender",
                    b.sender_name != valid.sender_name || b.sender_address != valid.sender_address,
                ),
                (
                    "validity",
                    b.invitation_days != i64::from(input.invitation_days),
                ),
                (
                    "timeout",
                    b.timeout_seconds != i64::from(input.timeout_seconds),
                ),
            ]
            .into_iter()
            .filter_map(|(field, changed)| changed.then_some(field))
            .collect(),
        };
        if password.is_some() {
            fields.push("password");
        }
        audit::record(
            &mut tx,
            Entry {
                workspace_id: &actor.workspace_id,
                actor_id: Some(&actor.user_id),
                action: "settings.email",
                target_type: "workspace",
                target_id: &actor.workspace_id,
                fields: &fields,
                at: &now,
                seats: 0,
            },
        )
        .await?;
        tx.commit().await?;
        self.email_settings(session).await
    }

    /// "Send test email": sends a short message to `to` with the saved settings and reports
    /// the exact failure ([`Error::Mail`]). Needs `settings.manage`.
    pub async fn send_test_email(&self, session: &Session, to: &str) -> Result<()> {
        let to = validation::email(to)?;
        let (smtp, _) = {
            let mut conn = self.pool.acquire().await?;
            let actor = actor::load_ready(&mut conn, session).await?;
            actor.require(Permission::SettingsManage)?;
            smtp_for(self, &mut conn, &actor.workspace_id).await?
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
