//! Errors as JSON: `{"error": "<code>", "message": "<what was wrong>", "where": "<body:LINE>"}`
//! with the HTTP status saying which kind (400 bad input, 401 no or wrong token, 404 unknown
//! id, 409 an id already indexed, 413 body too large, 415 wrong content type, 500 the store
//! failed).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code: `bad_request`, `unauthorized`, `not_found`, `conflict`,
    /// `payload_too_large`, `unsupported_media_type`, `internal`.
    pub error: String,
    /// What was wrong, for a person.
    pub message: String,
    /// Where in the request (e.g. `body:3` for the third line of a batch), when known.
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// An error answer.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let error = match status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::CONFLICT => "conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            _ => "internal",
        };
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                message: message.into(),
                location: None,
            },
        }
    }

    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// Say where.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.body.location = Some(location.into());
        self
    }
}

impl From<storyfold::Error> for ApiError {
    fn from(e: storyfold::Error) -> Self {
        use storyfold::Error as E;
        let status = match &e {
            E::NotFound { .. } => StatusCode::NOT_FOUND,
            E::AlreadyExists { .. } => StatusCode::CONFLICT,
            E::Invalid { .. } | E::Config { .. } | E::Ingest(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("{e}");
        }
        match e {
            E::Ingest(ie) => ApiError::bad_request(ie.kind.to_string()).at(ie.location.to_string()),
            e => ApiError::new(status, e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
