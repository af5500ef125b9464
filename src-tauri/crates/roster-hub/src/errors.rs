//! The core's errors as HTTP answers: the status says what kind of failure it is (so proxies
//! and clients can tell a refusal from an outage), the body is the same `{code, message,
//! field, targetId}` the desktop UI receives.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use roster_core::{AppError, Error, ErrorCode};

/// A core error on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self(error)
    }
}

/// The status for a code. Refusals a retry cannot fix are 4xx; only `INTERNAL` (a database
/// outage, a bug) is 5xx, which a client treats as "not tried, retry later".
pub fn status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Validation
        | ErrorCode::WeakPassword
        | ErrorCode::EnrolmentInvalid
        | ErrorCode::InvitationNotFound => StatusCode::BAD_REQUEST,
        ErrorCode::InvalidCredentials | ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden | ErrorCode::PasswordChangeRequired => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict
        | ErrorCode::EmailTaken
        | ErrorCode::EmailOfRemovedUser
        | ErrorCode::LastSuperUser => StatusCode::CONFLICT,
        ErrorCode::InvitationExpired
        | ErrorCode::InvitationUsed
        | ErrorCode::InvitationReplaced
        | ErrorCode::InvitationRevoked => StatusCode::GONE,
        ErrorCode::LockedOut => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyRows | ErrorCode::Cancelled | ErrorCode::Io | ErrorCode::ImportFile => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        // The desktop shell's own codes; a hub never answers with them.
        ErrorCode::EmailNotConfigured
        | ErrorCode::Mail
        | ErrorCode::Keychain
        | ErrorCode::UpdateUnreachable
        | ErrorCode::UpdateUnverified
        | ErrorCode::UpdateFailed => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::HubUnreachable | ErrorCode::Internal => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = AppError::from(self.0);
        (status(body.code), Json(body)).into_response()
    }
}
