//! The hub's HTTP API, each handler a few lines around one core service:
//!
//! | method and path | body / query | answer |
//! |---|---|---|
//! | `GET /health` | | `{"status":"ok"}` when the database answers, else 503 |
//! | `POST /v1/sessions` | `{email, password, workspaceId?}` | `HubSignIn` |
//! | `DELETE /v1/sessions/current` | bearer token | `{}` |
//! | `GET /v1/feed` | bearer token; `cursor`, `limit`, `wait` (seconds, long poll) | `FeedPage` |
//! | `POST /v1/push` | bearer token; `{clientId, ops: [{seq, opId, op}]}` | `{results: [OpOutcome]}` |
//! | `POST /v1/invitations/preview` | `{token}` | `InvitationPreview` |
//! | `POST /v1/invitations/accept` | `{token, password, confirmPassword}` | `HubSignIn` |
//! | `POST /v1/password` | bearer token; `{currentPassword, newPassword, confirmPassword}` | `PasswordChanged` |
//! | `POST /v1/email-settings` | bearer token; Settings → Email as saved | `EmailSettings` |
//! | `POST /v1/email-settings/test` | bearer token; `{to}` | `{}` |
//! | `POST /v1/publish/start` | `{code, workspace}` | `{}` |
//! | `POST /v1/publish/rows` | `{code, records}` | `{}` |
//! | `POST /v1/publish/finish` | `{code, publisherId}` | `PublishedWorkspace` |
//!
//! Errors are `{code, message, field, targetId}` with the status of [`crate::errors::status`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::HeaderMap;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use roster_core::model::{
    EmailSettings, EmailSettingsInput, InvitationAcceptance, InvitationPreview, OwnPasswordChange,
    SignInInput,
};
use roster_core::sync::{
    FeedPage, HubSignIn, OpOutcome, PasswordChanged, PublishedWorkspace, PushedOp, Record,
    WorkspaceRecord,
};
use roster_core::{Error, Roster, Secret, Session};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use crate::body::Body;
use crate::errors::ApiError;
use crate::guesses::Guesses;

/// The longest long poll a client may ask for, in seconds.
const MAX_WAIT_SECONDS: u64 = 55;

/// A publish page of 1,000 users with their hashes is about 0.5 MB; the limit leaves room
/// and still refuses a body no Roster sends.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What every handler shares: the core on PostgreSQL and the wake-ups of long polls.
#[derive(Clone)]
pub struct Hub {
    /// The core, on the hub's database.
    pub roster: Roster,
    /// Workspace ids whose feed moved (an empty id: any may have).
    pub wake: broadcast::Sender<String>,
    /// Turns true when the process is shutting down: long polls answer at once.
    pub closing: watch::Receiver<bool>,
    /// Failed invitation codes by client address.
    pub guesses: Arc<Guesses>,
}

type Answer<T> = Result<Json<T>, ApiError>;

/// The routes.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/sessions", post(sign_in))
        .route("/v1/sessions/current", delete(sign_out))
        .route("/v1/feed", get(feed))
        .route("/v1/push", post(push))
        .route("/v1/invitations/preview", post(invitation_preview))
        .route("/v1/invitations/accept", post(accept_invitation))
        .route("/v1/password", post(change_own_password))
        .route("/v1/email-settings", post(save_email_settings))
        .route("/v1/email-settings/test", post(send_test_email))
        .route("/v1/publish/start", post(publish_start))
        .route("/v1/publish/rows", post(publish_rows))
        .route("/v1/publish/finish", post(publish_finish))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(hub)
}

/// The bearer token of the request. A missing or malformed header is `UNAUTHENTICATED`.
fn bearer(headers: &HeaderMap) -> Result<Secret, ApiError> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(Secret::verbatim)
        .ok_or(ApiError(Error::Unauthenticated))
}

async fn session(hub: &Hub, headers: &HeaderMap) -> Result<Session, ApiError> {
    let token = bearer(headers)?;
    Ok(hub.roster.hub_session(token.expose()).await?)
}

async fn health(State(hub): State<Arc<Hub>>) -> Answer<Value> {
    hub.roster.check_database().await?;
    Ok(Json(json!({ "status": "ok" })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInBody {
    workspace_id: Option<String>,
    email: String,
    password: Secret,
}

async fn sign_in(State(hub): State<Arc<Hub>>, Body(body): Body<SignInBody>) -> Answer<HubSignIn> {
    let input = SignInInput {
        workspace_id: body.workspace_id,
        email: body.email,
        password: body.password,
    };
    Ok(Json(hub.roster.hub_sign_in(input).await?))
}

async fn sign_out(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Answer<Value> {
    let token = bearer(&headers)?;
    hub.roster.hub_sign_out(token.expose()).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
struct FeedQuery {
    cursor: Option<String>,
    limit: Option<usize>,
    wait: Option<u64>,
}

/// A page of the feed. With `wait`, an empty page is held until the Workspace's feed moves
/// (a NOTIFY from any hub process) or the wait ends; the subscription is taken before the
/// first read, so a change committed in between still wakes it.
async fn feed(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    Query(query): Query<FeedQuery>,
) -> Answer<FeedPage> {
    let session = session(&hub, &headers).await?;
    let limit = query.limit.unwrap_or(roster_core::sync::PAGE_LIMIT);
    let mut woken = hub.wake.subscribe();
    let page = hub
        .roster
        .pull(&session, query.cursor.as_deref(), limit)
        .await?;
    let wait = query.wait.unwrap_or(0).min(MAX_WAIT_SECONDS);
    if !page.records.is_empty() || page.reset || wait == 0 {
        return Ok(Json(page));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    let mut closing = hub.closing.clone();
    loop {
        tokio::select! {
            message = woken.recv() => match message {
                Ok(id) if id.is_empty() || id == session.workspace_id => break,
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(_)) => break,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            () = tokio::time::sleep_until(deadline) => return Ok(Json(page)),
            _ = closing.wait_for(|closing| *closing) => return Ok(Json(page)),
        }
    }
    let page = hub
        .roster
        .pull(&session, query.cursor.as_deref(), limit)
        .await?;
    Ok(Json(page))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PushBody {
    client_id: String,
    ops: Vec<PushedOp>,
}

#[derive(serde::Serialize)]
struct PushAnswer {
    results: Vec<OpOutcome>,
}

async fn push(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    Body(body): Body<PushBody>,
) -> Answer<PushAnswer> {
    let session = session(&hub, &headers).await?;
    let results = hub
        .roster
        .push(&session, &body.client_id, &body.ops)
        .await?;
    Ok(Json(PushAnswer { results }))
}

#[derive(Deserialize)]
struct PreviewBody {
    token: String,
}

/// What an invitation code is for; the code is the credential (256 random bits, so a guess
/// cannot find one), and an address that keeps sending unknown codes is held back as a
/// sign-in is (see `guesses`).
async fn invitation_preview(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(body): Body<PreviewBody>,
) -> Answer<InvitationPreview> {
    hub.guesses.check(peer.ip())?;
    let answer = hub.roster.invitation_preview(&body.token).await;
    hub.guesses.record(peer.ip(), answer.as_ref().err());
    Ok(Json(answer?))
}

/// "Accept invitation" from a computer that has no copy of the Workspace yet: the answer is
/// a hub session for the new member, who joins with it.
async fn accept_invitation(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(body): Body<InvitationAcceptance>,
) -> Answer<HubSignIn> {
    hub.guesses.check(peer.ip())?;
    let answer = hub.roster.hub_accept_invitation(body).await;
    hub.guesses.record(peer.ip(), answer.as_ref().err());
    Ok(Json(answer?))
}

/// The signed-in user's own password; every other hub session of theirs ends.
async fn change_own_password(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    Body(body): Body<OwnPasswordChange>,
) -> Answer<PasswordChanged> {
    let session = session(&hub, &headers).await?;
    Ok(Json(
        hub.roster.hub_change_own_password(&session, body).await?,
    ))
}

/// Settings → Email of a replica: the SMTP password is sealed here, never kept there.
async fn save_email_settings(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    Body(body): Body<EmailSettingsInput>,
) -> Answer<EmailSettings> {
    let session = session(&hub, &headers).await?;
    Ok(Json(hub.roster.save_email_settings(&session, body).await?))
}

#[derive(Deserialize)]
struct TestEmailBody {
    to: String,
}

/// "Send test email" of a replica, sent with the password only the hub holds.
async fn send_test_email(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    Body(body): Body<TestEmailBody>,
) -> Answer<Value> {
    let session = session(&hub, &headers).await?;
    hub.roster.send_test_email(&session, &body.to).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
struct PublishStart {
    code: String,
    workspace: WorkspaceRecord,
}

async fn publish_start(
    State(hub): State<Arc<Hub>>,
    Body(body): Body<PublishStart>,
) -> Answer<Value> {
    hub.roster
        .publish_start(&body.code, &body.workspace)
        .await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
struct PublishRows {
    code: String,
    records: Vec<Record>,
}

async fn publish_rows(State(hub): State<Arc<Hub>>, Body(body): Body<PublishRows>) -> Answer<Value> {
    hub.roster.publish_rows(&body.code, &body.records).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublishFinish {
    code: String,
    publisher_id: String,
}

async fn publish_finish(
    State(hub): State<Arc<Hub>>,
    Body(body): Body<PublishFinish>,
) -> Answer<PublishedWorkspace> {
    Ok(Json(
        hub.roster
            .publish_finish(&body.code, &body.publisher_id)
            .await?,
    ))
}
