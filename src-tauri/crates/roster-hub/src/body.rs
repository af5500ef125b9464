//! Request bodies. axum's own `Json` answers a body it cannot read with 400/415/422 in plain
//! text; a Roster (or anyone reading docs/hub.md) expects every refusal in the one error shape
//! `{code, message, field, targetId}`, so a malformed body is a `VALIDATION` refusal, 400.

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use roster_core::{AppError, ErrorCode};
use serde::de::DeserializeOwned;

/// A JSON body of type `T`.
pub struct Body<T>(pub T);

/// A body that is not JSON, or not the JSON the endpoint takes.
pub struct BadBody(String);

impl IntoResponse for BadBody {
    fn into_response(self) -> Response {
        let body = AppError {
            code: ErrorCode::Validation,
            message: self.0,
            field: None,
            target_id: None,
        };
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    }
}

impl<S, T> FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = BadBody;

    async fn from_request(request: Request, state: &S) -> Result<Self, BadBody> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            // The rejection's words say what is wrong (a missing field, a wrong type) without
            // repeating the body, so they may go back to the sender.
            Err(rejection) => Err(BadBody(format!(
                "The request's body cannot be read: {}",
                rejection.body_text()
            ))),
        }
    }
}
