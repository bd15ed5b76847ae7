//! Errors that API handlers return, each with the status and body that Django REST Framework
//! gives it.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};
use serde_json::{json, Map, Value};

use super::ApiResponse;
use crate::auth::password::HashError;
use crate::auth::AuthError;

/// Validation errors by field name, in the order they were found: `{"body": ["..."]}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    /// Adds `message` to the errors of `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let messages = self
            .0
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(messages) = messages {
            messages.push(Value::String(message.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Returns `Err` with these errors unless there are none.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self))
        }
    }
}

/// One field's error as a complete error value.
pub fn field_error(field: &str, message: impl Into<String>) -> ApiError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    ApiError::Invalid(errors)
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Unauthenticated(#[from] AuthError),
    #[error("You do not have permission to perform this action.")]
    PermissionDenied,
    #[error("Not found.")]
    NotFound,
    #[error("Invalid page.")]
    InvalidPage,
    #[error("Method \"{0}\" not allowed.")]
    MethodNotAllowed(Method),
    #[error("Could not satisfy the request Accept header.")]
    NotAcceptable,
    #[error("Unsupported media type \"{0}\" in request.")]
    UnsupportedMediaType(String),
    /// A body that is not valid in its declared content type, with the parser's message.
    #[error("{0}")]
    MalformedBody(String),
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// A request that cannot be valid, rendered as `{"non_field_errors": [...]}`.
    #[error("{0}")]
    NonField(String),
    /// A body that axum could not read, such as one over the size limit.
    #[error("{message}")]
    Rejected { status: StatusCode, message: String },
    /// Any other client error with its own body, such as `{"error": "..."}` from `/auth/*`.
    #[error("{body}")]
    Custom {
        status: StatusCode,
        body: serde_json::Value,
    },
    /// Too many password checks are waiting: 503 with `Retry-After`.
    #[error("The server is busy checking other passwords. Retry in a few seconds.")]
    Overloaded,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    DirectQuery(#[from] crate::db::direct::DirectError),
    #[error("{0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated(AuthError::Database(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unauthenticated(AuthError::Csrf(_)) => StatusCode::FORBIDDEN,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::PermissionDenied => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::InvalidPage => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MalformedBody(_) | ApiError::Invalid(_) | ApiError::NonField(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Rejected { status, .. } | ApiError::Custom { status, .. } => *status,
            ApiError::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Database(_) | ApiError::DirectQuery(_) | ApiError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// Converts the error into the response that renders it, logging server-side failures
    /// with their cause.
    pub fn into_api_response(self) -> ApiResponse {
        let status = self.status();
        let body = match self {
            ApiError::Invalid(errors) => Value::Object(errors.0),
            ApiError::NonField(message) => json!({ "non_field_errors": [message] }),
            ApiError::Custom { body, .. } => body,
            ApiError::Unauthenticated(AuthError::Database(_))
            | ApiError::Database(_)
            | ApiError::DirectQuery(_)
            | ApiError::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                json!({ "detail": "A server error occurred." })
            }
            _ => json!({ "detail": self.to_string() }),
        };

        let mut response = ApiResponse::new(status, body);
        if status == StatusCode::UNAUTHORIZED {
            response =
                response.with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response = response.with_header(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

impl From<HashError> for ApiError {
    fn from(error: HashError) -> ApiError {
        match error {
            HashError::Overloaded(queued) => {
                tracing::warn!(queued, "rejected a password check: the queue is full");
                ApiError::Overloaded
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.into_api_response().into_response()
    }
}
