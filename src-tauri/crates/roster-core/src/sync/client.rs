//! Talking to a Roster hub (feature `hub-client`): HTTPS with rustls, certificates checked
//! against the OS trust store plus an optional office CA file; plain `http://` only for this
//! computer. Each call maps the hub's answer back to the core's errors: the hub's own error
//! as [`Error::Remote`], anything that did not get an answer as [`Error::HubUnreachable`]
//! (transient: nothing was lost, try again later).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::feed::FeedPage;
use super::hub::{HubSignIn, PasswordChanged, PublishedWorkspace};
use super::push::{OpOutcome, PushedOp};
use super::records::{Record, WorkspaceRecord};
use crate::error::{AppError, Error, Field, Result};
use crate::model::{
    EmailSettings, EmailSettingsInput, InvitationAcceptance, InvitationPreview, OwnPasswordChange,
    SignInInput,
};
use crate::passwords::Secret;

/// How long one request may take, long polls aside: a hub that does not answer in this time
/// counts as unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Seconds a long poll waits at the hub for a change before it answers with an empty page.
/// Below common proxy idle timeouts (60 s).
pub const LONG_POLL_SECONDS: u64 = 25;

/// A hub at one address.
#[derive(Debug, Clone)]
pub struct HubClient {
    address: String,
    http: reqwest::Client,
}

/// Checks a hub address as typed: `https://host[:port][/path]`, or `http://` to
/// `localhost`, `127.0.0.1` or `[::1]` only (a hub behind a proxy on the same computer).
/// Returns it without a trailing `/`. Errors on [`Field::HubAddress`].
pub fn hub_address(typed: &str) -> Result<String> {
    let trimmed = typed.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed).map_err(|_| {
        Error::invalid(
            Field::HubAddress,
            "Enter the hub's address, like https://roster.example.org",
        )
    })?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => {
            return Err(Error::invalid(
                Field::HubAddress,
                "A hub on another computer needs an https:// address",
            ));
        }
        _ => {
            return Err(Error::invalid(
                Field::HubAddress,
                "The hub's address starts with https://",
            ));
        }
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(
            Field::HubAddress,
            "Enter the hub's address without a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(
            Field::HubAddress,
            "Enter the hub's address without ? or #",
        ));
    }
    Ok(trimmed.to_owned())
}

/// TLS for hubs: rustls with the *ring* provider, the OS trust store, and the certificates
/// of `office_ca` (a PEM file) for an office's own certificate authority.
fn tls_config(office_ca: Option<&Path>) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = office_ca {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| {
                Error::invalid(
                    Field::HubAddress,
                    format!("The CA file {} cannot be read: {e}", path.display()),
                )
            })?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| {
                Error::invalid(
                    Field::HubAddress,
                    format!("The CA file {} is not PEM: {e}", path.display()),
                )
            })?;
        roots.add_parsable_certificates(certs);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::HubUnreachable {
            reason: format!("TLS set-up failed: {e}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn unreachable(error: &reqwest::Error) -> Error {
    // The source chain says what failed (a certificate, a reset) without any secret: no
    // request body or header is part of it.
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        chain = format!("{chain}: {inner}");
        source = inner.source();
    }
    let reason = if chain.to_lowercase().contains("certificate") {
        format!(
            "its certificate is not trusted on this computer ({}); if your office has its own certificate authority, give Roster its CA file",
            chain.rsplit(": ").next().unwrap_or("invalid certificate")
        )
    } else if error.is_timeout() {
        "it did not answer in time".to_owned()
    } else if error.is_connect() {
        "no connection (check the address and the network)".to_owned()
    } else {
        chain
    };
    Error::HubUnreachable { reason }
}

impl HubClient {
    /// A client for the hub at `address` (checked by [`hub_address`]), trusting the OS's
    /// certificate authorities and those in `office_ca`.
    pub fn new(address: &str, office_ca: Option<&Path>) -> Result<Self> {
        let address = hub_address(address)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config(office_ca)?)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("Roster/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| unreachable(&e))?;
        Ok(Self { address, http })
    }

    /// The hub's address, as checked.
    pub fn address(&self) -> &str {
        &self.address
    }

    async fn answer<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|e| unreachable(&e));
        }
        match response.json::<AppError>().await {
            Ok(error) => Err(Error::Remote(error)),
            Err(_) => Err(Error::HubUnreachable {
                reason: format!("the hub answered {status}"),
            }),
        }
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&Secret>,
        body: &B,
    ) -> Result<T> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.address))
            .timeout(REQUEST_TIMEOUT)
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        let response = request.send().await.map_err(|e| unreachable(&e))?;
        Self::answer(response).await
    }

    /// `GET /health`: Ok when the hub and its database answer.
    pub async fn health(&self) -> Result<()> {
        let response = self
            .http
            .get(format!("{}/health", self.address))
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        Self::answer::<serde_json::Value>(response).await.map(drop)
    }

    /// Signs in at the hub (see the hub's `Roster::hub_sign_in`).
    pub async fn sign_in(&self, input: &SignInInput) -> Result<HubSignIn> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            workspace_id: Option<&'a str>,
            email: &'a str,
            password: &'a str,
        }
        let body = Body {
            workspace_id: input.workspace_id.as_deref(),
            email: &input.email,
            password: input.password.expose(),
        };
        self.post("/v1/sessions", None, &body).await
    }

    /// Ends the hub session of `token`.
    pub async fn sign_out(&self, token: &Secret) -> Result<()> {
        let response = self
            .http
            .delete(format!("{}/v1/sessions/current", self.address))
            .timeout(REQUEST_TIMEOUT)
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        Self::answer::<serde_json::Value>(response).await.map(drop)
    }

    /// A page of the feed after `cursor`; with `wait`, the hub holds an empty answer until a
    /// change arrives or `wait` passes (long poll).
    pub async fn pull(
        &self,
        token: &Secret,
        cursor: Option<&str>,
        wait: Option<Duration>,
    ) -> Result<FeedPage> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        if let Some(wait) = wait {
            query.push(("wait", wait.as_secs().to_string()));
        }
        let timeout = REQUEST_TIMEOUT + wait.unwrap_or_default();
        let response = self
            .http
            .get(format!("{}/v1/feed", self.address))
            .query(&query)
            .timeout(timeout)
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        Self::answer(response).await
    }

    /// Sends a batch of a replica's operations; the answers come in the same order.
    pub async fn push(
        &self,
        token: &Secret,
        client_id: &str,
        ops: &[PushedOp],
    ) -> Result<Vec<OpOutcome>> {
        #[derive(serde::Deserialize)]
        struct Answer {
            results: Vec<OpOutcome>,
        }
        let answer: Answer = self
            .post(
                "/v1/push",
                Some(token),
                &serde_json::json!({ "clientId": client_id, "ops": ops }),
            )
            .await?;
        Ok(answer.results)
    }

    /// What an invitation code is for (see the hub's `Roster::invitation_preview`).
    pub async fn invitation_preview(&self, code: &str) -> Result<InvitationPreview> {
        self.post(
            "/v1/invitations/preview",
            None,
            &serde_json::json!({ "token": code }),
        )
        .await
    }

    /// Accepts an invitation at the hub; the answer is a hub session for the new member.
    pub async fn accept_invitation(&self, input: &InvitationAcceptance) -> Result<HubSignIn> {
        let body = serde_json::json!({
            "token": input.token,
            "password": input.password.expose(),
            "confirmPassword": input.confirm_password.expose(),
        });
        self.post("/v1/invitations/accept", None, &body).await
    }

    /// Changes the signed-in user's own password at the hub.
    pub async fn change_own_password(
        &self,
        token: &Secret,
        input: &OwnPasswordChange,
    ) -> Result<PasswordChanged> {
        let body = serde_json::json!({
            "currentPassword": input.current_password.expose(),
            "newPassword": input.new_password.expose(),
            "confirmPassword": input.confirm_password.expose(),
        });
        self.post("/v1/password", Some(token), &body).await
    }

    /// Saves Settings → Email at the hub, the SMTP password with it (over this connection
    /// only: it is never queued on this computer).
    pub async fn save_email_settings(
        &self,
        token: &Secret,
        input: EmailSettingsInput,
    ) -> Result<EmailSettings> {
        let password = input
            .password
            .map(crate::passwords::Credential::into_secret);
        let body = serde_json::json!({
            "host": input.host,
            "port": input.port,
            "security": input.security,
            "username": input.username,
            "password": password.as_ref().map(Secret::expose),
            "senderName": input.sender_name,
            "senderAddress": input.sender_address,
            "invitationDays": input.invitation_days,
            "timeoutSeconds": input.timeout_seconds,
            "expectedVersion": input.expected_version,
        });
        self.post("/v1/email-settings", Some(token), &body).await
    }

    /// Has the hub send a test email to `to` with the Workspace's settings.
    pub async fn send_test_email(&self, token: &Secret, to: &str) -> Result<()> {
        self.post::<_, serde_json::Value>(
            "/v1/email-settings/test",
            Some(token),
            &serde_json::json!({ "to": to }),
        )
        .await
        .map(drop)
    }

    /// Starts publishing a Workspace with an enrolment code.
    pub async fn publish_start(&self, code: &str, workspace: &WorkspaceRecord) -> Result<()> {
        self.post::<_, serde_json::Value>(
            "/v1/publish/start",
            None,
            &serde_json::json!({ "code": code, "workspace": workspace }),
        )
        .await
        .map(drop)
    }

    /// Sends one page of a Workspace being published.
    pub async fn publish_rows(&self, code: &str, records: &[Record]) -> Result<()> {
        self.post::<_, serde_json::Value>(
            "/v1/publish/rows",
            None,
            &serde_json::json!({ "code": code, "records": records }),
        )
        .await
        .map(drop)
    }

    /// Ends publishing; `publisher_id` is the super-user who shares the Workspace.
    pub async fn publish_finish(
        &self,
        code: &str,
        publisher_id: &str,
    ) -> Result<PublishedWorkspace> {
        self.post(
            "/v1/publish/finish",
            None,
            &serde_json::json!({ "code": code, "publisherId": publisher_id }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_addresses_are_https_or_this_computer() {
        assert_eq!(
            hub_address(" https://roster.example.org/ ").ok().as_deref(),
            Some("https://roster.example.org")
        );
        assert!(hub_address("http://127.0.0.1:8080").is_ok());
        assert!(hub_address("http://localhost:8080/hub").is_ok());
        assert!(hub_address("http://[::1]:8080").is_ok());
        for bad in [
            "http://roster.example.org",
            "http://127.0.0.1.example.org",
            "ftp://roster.example.org",
            "https://user:secret@roster.example.org",
            "https://roster.example.org/?x=1",
            "roster.example.org",
            "",
        ] {
            let error = hub_address(bad).expect_err(bad);
            assert_eq!(error.field(), Some(Field::HubAddress), "{bad}");
        }
    }
}
