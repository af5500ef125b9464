//! One SMTP conversation with lettre over rustls, driven step by step (lettre's
//! `SmtpConnection`: connect and greeting, STARTTLS, AUTH, MAIL/RCPT/DATA) so that Roster
//! knows which step failed and can say what a person needs to hear — and no more.
//!
//! Every step has the settings' timeout: lettre's blocking connection sets it on the socket for
//! every read and write, so the conversation runs on a blocking thread. The whole conversation
//! is capped as well, so a server that never answers (or speaks implicit TLS to a STARTTLS
//! client) fails in bounded time and the window never waits on it.
//!
//! What failures say (issue 9: "Send test email" must not be a port scanner). Until a mail
//! server has greeted, every failure — nothing listening, a silent or filtered port, a service
//! that is not SMTP, a name that does not resolve, TLS that fails on "TLS from the start" —
//! reads as the same sentence, so the answer does not tell apart what listens on the network.
//! Only once a peer has proven to be an SMTP server are its own replies and TLS errors shown.
//! Time still tells a refused port (at once) from a filtered one (after the timeout); that
//! needs `settings.manage` and is written down in docs/threat-model.md.
//!
//! Addresses go out in their sendable form (`validation::sendable`: the domain in ASCII,
//! UTS #46). A local part with non-ASCII letters needs SMTPUTF8 (RFC 6531 §3.4): when the
//! server does not offer it the recipient can never be reached through it, which is a
//! permanent failure, said once.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::{ClientId, Extension};
use lettre::{Address, Message};

use crate::model::SmtpSecurity;
use crate::passwords::Secret;
use crate::validation;

/// Steps of one conversation (connect, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA,
/// QUIT): the cap on the whole send is this many step timeouts.
const STEPS: u32 = 9;

/// What a send needs: the server, how to reach it, and who sends.
#[derive(Debug, Clone)]
pub(crate) struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: Option<Secret>,
    pub sender_name: String,
    pub sender_address: String,
    pub timeout: Duration,
}

/// A message to send.
pub(crate) struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

/// Why a send failed, in words for the user (never a secret), and whether trying again later
/// can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub reason: String,
    pub permanent: bool,
}

fn failure(reason: impl Into<String>, permanent: bool) -> Failure {
    Failure {
        reason: reason.into(),
        permanent,
    }
}

/// The name to connect to and to check the certificate against: an IP address as is (with
/// or without brackets), a host name in ASCII (UTS #46 ToASCII with the STD3 rules and DNS
/// lengths); `None` when `host` is neither.
pub(crate) fn server_name(host: &str) -> Option<String> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Some(ip.to_string());
    }
    idna::domain_to_ascii_strict(host).ok()
}

/// Whether a send stopped on a socket timeout: lettre reports its own timeouts, while a
/// socket read that outlived `set_read_timeout` surfaces as an I/O error of kind
/// `WouldBlock` (EAGAIN on Unix) or `TimedOut` (Windows) somewhere in the source chain.
fn timed_out(error: &SmtpError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        {
            return true;
        }
        source = current.source();
    }
    error.is_timeout()
}

/// Where a conversation stopped.
enum Stop {
    /// Before a mail server greeted: connecting, implicit TLS, the greeting or EHLO.
    Unreached,
    /// STARTTLS was refused or the secure connection failed.
    Starttls(SmtpError),
    /// The server does not offer SMTPUTF8 and the sender address needs it.
    SenderNeedsUtf8,
    /// The server does not offer SMTPUTF8 and the recipient address needs it.
    RecipientNeedsUtf8,
    /// AUTH failed.
    Auth(SmtpError),
    /// MAIL, RCPT or DATA failed.
    Send(SmtpError),
}

/// The sentence for every failure before a mail server greeted (see the module comment).
fn unreached(smtp: &Smtp) -> Failure {
    failure(
        format!(
            "no mail server answered at {}:{}. Check the SMTP host, the port and the \
             security: port 465 usually needs “TLS from the start”, port 587 “STARTTLS”{}",
            smtp.host,
            smtp.port,
            if smtp.security == SmtpSecurity::Tls {
                "; with TLS from the start, this computer must also trust the server's \
                 certificate"
            } else {
                ""
            }
        ),
        false,
    )
}

fn describe(stop: Stop, smtp: &Smtp) -> Failure {
    let server = format!("{}:{}", smtp.host, smtp.port);
    let waited = smtp.timeout.as_secs();
    match stop {
        Stop::Unreached => unreached(smtp),
        Stop::Starttls(e) if timed_out(&e) => failure(
            format!("{server} stopped answering during STARTTLS (waited {waited} s)"),
            false,
        ),
        Stop::Starttls(e) if e.is_tls() => failure(
            format!("the secure connection to {server} failed: {e}"),
            false,
        ),
        Stop::Starttls(e) if e.is_client() => failure(
            format!(
                "{server} does not offer STARTTLS: if it expects TLS on this port, choose \
                 “TLS from the start”"
            ),
            false,
        ),
        Stop::Starttls(e) => failure(format!("{server} refused STARTTLS: {e}"), false),
        Stop::SenderNeedsUtf8 => failure(
            format!(
                "the sender address has non-ASCII letters before the @ and {server} does not \
                 offer SMTPUTF8 (RFC 6531): change the sender address in Settings → Email"
            ),
            false,
        ),
        Stop::RecipientNeedsUtf8 => failure(
            format!(
                "{server} cannot send to an address with non-ASCII letters before the @: it \
                 does not offer SMTPUTF8 (RFC 6531). Ask for another address, or use a mail \
                 server that offers SMTPUTF8 and press Resend"
            ),
            true,
        ),
        Stop::Auth(e) if timed_out(&e) => failure(
            format!("{server} stopped answering while signing in (waited {waited} s)"),
            false,
        ),
        Stop::Auth(e) if e.is_client() => failure(
            format!(
                "{server} offers no sign-in Roster can use (PLAIN or LOGIN) on this \
                 connection: check the security"
            ),
            false,
        ),
        Stop::Auth(e) => failure(
            format!("{server} did not accept the username and password: {e}"),
            false,
        ),
        Stop::Send(e) if timed_out(&e) => failure(
            format!("{server} stopped answering (waited {waited} s)"),
            false,
        ),
        Stop::Send(e) if e.is_permanent() => {
            failure(format!("{server} refused the message: {e}"), true)
        }
        Stop::Send(e) if e.is_transient() => {
            failure(format!("{server} asked to try again later: {e}"), false)
        }
        Stop::Send(e) if e.is_client() => {
            failure(format!("{server} cannot take this message: {e}"), true)
        }
        Stop::Send(e) => failure(format!("the connection to {server} broke off: {e}"), false),
    }
}

/// One conversation, run on a blocking thread.
struct Conversation {
    host: String,
    port: u16,
    security: SmtpSecurity,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    sender_utf8: bool,
    recipient_utf8: bool,
    envelope: Envelope,
    bytes: Vec<u8>,
    timeout: Duration,
    /// Set once a mail server greeted (and answered EHLO).
    greeted: Arc<AtomicBool>,
}

impl Conversation {
    fn run(self) -> Result<(), Stop> {
        let hello = ClientId::default();
        let wrapper = match self.security {
            SmtpSecurity::Tls => self.tls.as_ref(),
            SmtpSecurity::Starttls | SmtpSecurity::None => None,
        };
        let mut connection = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &hello,
            wrapper,
            None,
        )
        .map_err(|_| Stop::Unreached)?;
        self.greeted.store(true, Ordering::SeqCst);
        if let (SmtpSecurity::Starttls, Some(tls)) = (self.security, &self.tls) {
            connection.starttls(tls, &hello).map_err(Stop::Starttls)?;
        }
        let utf8 = connection
            .server_info()
            .supports_feature(Extension::SmtpUtfEight);
        if !utf8 && (self.sender_utf8 || self.recipient_utf8) {
            let _ = connection.quit();
            return Err(if self.sender_utf8 {
                Stop::SenderNeedsUtf8
            } else {
                Stop::RecipientNeedsUtf8
            });
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(DEFAULT_MECHANISMS, credentials)
                .map_err(Stop::Auth)?;
        }
        connection
            .send(&self.envelope, &self.bytes)
            .map_err(Stop::Send)?;
        let _ = connection.quit();
        Ok(())
    }
}

/// The sendable form of `text`; `permanent` when no later attempt can change it.
fn address(text: &str, what: &str, permanent: bool) -> Result<Address, Failure> {
    validation::sendable(text).ok_or_else(|| {
        failure(
            format!("the {what} address {text:?} cannot be mailed"),
            permanent,
        )
    })
}

/// Sends `message`; `Err` says why, and whether it is worth retrying.
pub(crate) async fn send(smtp: &Smtp, message: &Outgoing<'_>) -> Result<(), Failure> {
    let from = address(&smtp.sender_address, "sender", false)?;
    let to = address(message.to, "recipient", true)?;
    let sender_utf8 = !from.user().is_ascii();
    let recipient_utf8 = !to.user().is_ascii();
    let email = Message::builder()
        .from(Mailbox::new(Some(smtp.sender_name.clone()), from))
        .to(Mailbox::new(None, to))
        .subject(message.subject)
        .multipart(MultiPart::alternative_plain_html(
            message.text.to_owned(),
            message.html.to_owned(),
        ))
        .map_err(|e| failure(format!("the message could not be built: {e}"), true))?;
    let credentials = if smtp.username.is_empty() {
        None
    } else {
        let password = smtp.password.as_ref().ok_or_else(|| {
            failure(
                format!(
                    "no SMTP password is saved for {} at {}:{}: enter it in Settings → Email",
                    smtp.username, smtp.host, smtp.port
                ),
                false,
            )
        })?;
        Some(Credentials::new(
            smtp.username.clone(),
            password.expose().to_owned(),
        ))
    };
    let host = server_name(&smtp.host)
        .ok_or_else(|| failure("the SMTP host is not valid: see Settings → Email", false))?;
    let tls = match smtp.security {
        SmtpSecurity::Starttls | SmtpSecurity::Tls => Some(
            TlsParameters::new(host.clone())
                .map_err(|e| failure(format!("TLS could not be set up: {e}"), false))?,
        ),
        SmtpSecurity::None => None,
    };
    let greeted = Arc::new(AtomicBool::new(false));
    let conversation = Conversation {
        host,
        port: smtp.port,
        security: smtp.security,
        tls,
        credentials,
        sender_utf8,
        recipient_utf8,
        envelope: email.envelope().clone(),
        bytes: email.formatted(),
        timeout: smtp.timeout,
        greeted: greeted.clone(),
    };
    let task = tokio::task::spawn_blocking(move || conversation.run());
    match tokio::time::timeout(smtp.timeout * STEPS, task).await {
        Ok(Ok(outcome)) => outcome.map_err(|stop| describe(stop, smtp)),
        Ok(Err(join)) => Err(failure(format!("the send stopped: {join}"), false)),
        Err(_) if greeted.load(Ordering::SeqCst) => Err(failure(
            format!(
                "{}:{} did not finish within {} s",
                smtp.host,
                smtp.port,
                (smtp.timeout * STEPS).as_secs()
            ),
            false,
        )),
        Err(_) => Err(unreached(smtp)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_are_ip_addresses_or_ascii_host_names() {
        assert_eq!(
            server_name("smtp.example.com").as_deref(),
            Some("smtp.example.com")
        );
        assert_eq!(
            server_name("SMTP.Bücher.example").as_deref(),
            Some("smtp.xn--bcher-kva.example")
        );
        assert_eq!(server_name("[::1]").as_deref(), Some("::1"));
        assert_eq!(server_name("10.0.0.5").as_deref(), Some("10.0.0.5"));
        for bad in [
            "",
            "smtp example.com",
            "smtp_relay.example.com",
            "a..b",
            "-x.example",
        ] {
            assert_eq!(server_name(bad), None, "{bad:?}");
        }
    }
}
