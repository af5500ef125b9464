//! One SMTP conversation with lettre over rustls. Every step — connect, TLS, each command —
//! has the settings' timeout: lettre's blocking transport sets it on the socket for every
//! read and write (its async transport bounds only the connect), so it runs on a blocking
//! thread. The whole conversation is capped as well, so a server that never answers (or
//! speaks implicit TLS to a STARTTLS client) fails in bounded time and the window never
//! waits on it.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::model::SmtpSecurity;
use crate::passwords::Secret;

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

/// Whether a send stopped on a socket timeout: lettre reports its own timeouts, while a
/// socket read that outlived `set_read_timeout` surfaces as an I/O error of kind
/// `WouldBlock` (EAGAIN on Unix) or `TimedOut` (Windows) somewhere in the source chain.
fn timed_out(error: &lettre::transport::smtp::Error) -> bool {
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

fn describe(error: &lettre::transport::smtp::Error, smtp: &Smtp) -> Failure {
    let server = format!("{}:{}", smtp.host, smtp.port);
    if timed_out(error) {
        return failure(
            format!(
                "{server} did not answer within {} s{}",
                smtp.timeout.as_secs(),
                match smtp.security {
                    SmtpSecurity::Starttls =>
                        " (if it expects TLS from the start, choose implicit TLS)",
                    _ => "",
                }
            ),
            false,
        );
    }
    if error.is_permanent() {
        return failure(format!("{server} refused the message: {error}"), true);
    }
    if error.is_transient() {
        return failure(format!("{server} asked to try again later: {error}"), false);
    }
    if error.is_tls() {
        return failure(
            format!("secure connection to {server} failed: {error}"),
            false,
        );
    }
    failure(format!("could not reach {server}: {error}"), false)
}

/// Sends `message`; `Err` says why, and whether it is worth retrying.
pub(crate) async fn send(smtp: &Smtp, message: &Outgoing<'_>) -> Result<(), Failure> {
    let parse = |address: &str, what: &str| {
        address.parse().map_err(|e| {
            failure(
                format!("the {what} address {address:?} is not valid: {e}"),
                true,
            )
        })
    };
    let from = Mailbox::new(
        Some(smtp.sender_name.clone()),
        parse(&smtp.sender_address, "sender")?,
    );
    let to = Mailbox::new(None, parse(message.to, "recipient")?);
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject(message.subject)
        .multipart(MultiPart::alternative_plain_html(
            message.text.to_owned(),
            message.html.to_owned(),
        ))
        .map_err(|e| failure(format!("the message could not be built: {e}"), true))?;

    let tls = |host: &str| {
        TlsParameters::new(host.to_owned())
            .map_err(|e| failure(format!("TLS could not be set up: {e}"), true))
    };
    let tls = match smtp.security {
        SmtpSecurity::Starttls => Tls::Required(tls(&smtp.host)?),
        SmtpSecurity::Tls => Tls::Wrapper(tls(&smtp.host)?),
        SmtpSecurity::None => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(smtp.timeout));
    if !smtp.username.is_empty() {
        let password = smtp.password.as_ref().ok_or_else(|| {
            failure(
                "no SMTP password for this session: enter it in Settings → Email",
                false,
            )
        })?;
        builder = builder.credentials(Credentials::new(
            smtp.username.clone(),
            password.expose().to_owned(),
        ));
    }
    let transport = builder.build();
    let conversation = tokio::task::spawn_blocking(move || transport.send(&email));
    match tokio::time::timeout(smtp.timeout * STEPS, conversation).await {
        Ok(Ok(Ok(_))) => Ok(()),
        Ok(Ok(Err(error))) => Err(describe(&error, smtp)),
        Ok(Err(join)) => Err(failure(format!("the send stopped: {join}"), false)),
        Err(_) => Err(failure(
            format!(
                "{}:{} did not finish within {} s",
                smtp.host,
                smtp.port,
                (smtp.timeout * STEPS).as_secs()
            ),
            false,
        )),
    }
}
