//! The result of every API handler, before it is rendered in the negotiated format.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::Value;

/// A status, a body (none for 204) and extra headers. Handlers return it, and
/// [`super::render`] turns it into bytes for the format that the client accepts.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub body: Option<Payload>,
    pub headers: HeaderMap,
}

/// The body of an [`ApiResponse`].
#[derive(Clone, Debug)]
pub enum Payload {
    Value(Value),
    /// A JSON document that the handler serialized itself, for large responses where building
    /// a [`Value`] first would cost more than writing the bytes.
    Serialized(Bytes),
}

impl Payload {
    /// Converts the payload into a [`Value`], parsing serialized JSON again. Only the browsable
    /// API needs the value, so JSON clients never take this path.
    pub fn into_value(self) -> Value {
        match self {
            Payload::Value(value) => value,
            Payload::Serialized(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::error!(%error, "a handler serialized invalid JSON");
                Value::Null
            }),
        }
    }

    /// Returns the payload as JSON bytes.
    pub fn into_bytes(self) -> Bytes {
        match self {
            Payload::Value(value) => Bytes::from(serde_json::to_vec(&value).unwrap_or_default()),
            Payload::Serialized(bytes) => bytes,
        }
    }
}

impl ApiResponse {
    pub fn new(status: StatusCode, body: Value) -> ApiResponse {
        ApiResponse {
            status,
            body: Some(Payload::Value(body)),
            headers: HeaderMap::new(),
        }
    }

    pub fn ok(body: Value) -> ApiResponse {
        ApiResponse::new(StatusCode::OK, body)
    }

    pub fn created(body: Value) -> ApiResponse {
        ApiResponse::new(StatusCode::CREATED, body)
    }

    /// Builds a response whose body is `json`, a JSON document serialized by the handler.
    pub fn serialized(status: StatusCode, json: Vec<u8>) -> ApiResponse {
        ApiResponse {
            status,
            body: Some(Payload::Serialized(Bytes::from(json))),
            headers: HeaderMap::new(),
        }
    }

    pub fn no_content() -> ApiResponse {
        ApiResponse::empty(StatusCode::NO_CONTENT)
    }

    /// Builds a response without a body.
    pub fn empty(status: StatusCode) -> ApiResponse {
        ApiResponse {
            status,
            body: None,
            headers: HeaderMap::new(),
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiResponse {
        self.headers.insert(name, value);
        self
    }
}

/// Carries an [`ApiResponse`] through axum's `Response` to the rendering middleware.
#[derive(Clone, Debug)]
pub(super) struct Unrendered(pub ApiResponse);

impl IntoResponse for ApiResponse {
    /// Produces a placeholder with the status only. The rendering middleware, which every API
    /// route has, replaces it with the rendered body.
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(Unrendered(self));
        response
    }
}
