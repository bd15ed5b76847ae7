//! The result of every API handler, before it is rendered in the negotiated format.

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::Value;

/// A status, a JSON value (none for 204) and extra headers. Handlers return it, and
/// [`super::render`] turns it into bytes for the format that the client accepts.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: HeaderMap,
}

impl ApiResponse {
    pub fn new(status: StatusCode, body: Value) -> ApiResponse {
        ApiResponse {
            status,
            body: Some(body),
            headers: HeaderMap::new(),
        }
    }

    pub fn ok(body: Value) -> ApiResponse {
        ApiResponse::new(StatusCode::OK, body)
    }

    pub fn created(body: Value) -> ApiResponse {
        ApiResponse::new(StatusCode::CREATED, body)
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
