//! The one error type of the API: client errors say what was wrong; internal errors are logged
//! with their detail and answered with a bare 500, so paths and SQL never reach a client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Everything a handler can answer with instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token, or one that is not in the token table.
    #[error("a valid token is required (Authorization: Bearer <token>)")]
    Unauthorized,
    /// The token's role is too weak for this route.
    #[error("role {have} may not do this; it needs {need}")]
    Forbidden {
        /// The caller's role.
        have: &'static str,
        /// What the route needs.
        need: &'static str,
    },
    /// No such site, track, alert, sensor or route.
    #[error("{0}")]
    NotFound(String),
    /// The request was malformed (bad query, bad body).
    #[error("{0}")]
    BadRequest(String),
    /// The pipeline refused the command (e.g. acknowledging a resolved alert).
    #[error("{0}")]
    Conflict(String),
    /// The site's pipeline did not answer in time, or the feature is not configured.
    #[error("{0}")]
    Unavailable(String),
    /// A WebSocket route was called without the upgrade handshake.
    #[error("this route is a WebSocket: {0}")]
    UpgradeRequired(String),
    /// Something on our side failed; the detail is logged, not sent.
    #[error("internal error")]
    Internal(String),
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    status: u16,
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::UpgradeRequired(_) => StatusCode::UPGRADE_REQUIRED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<picket_store::StoreError> for ApiError {
    fn from(e: picket_store::StoreError) -> Self {
        ApiError::Internal(format!("store: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error answering an API request");
        }
        let status = self.status();
        let text = self.to_string();
        let mut response = (
            status,
            Json(Body {
                error: &text,
                status: status.as_u16(),
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
