//! Requests that match no route: a redirect to the path with its trailing slash, or 404.

use std::sync::OnceLock;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};
use regex::Regex;
use serde_json::json;

/// Paths of routes that end with a slash, without that slash.
const SLASHLESS_ROUTES: &str =
    r"^/(api|api-token-auth|api/(tweets|handles|users|devices|actions)(/[^/]+)?|api/counts)$";

/// Redirects a path that lacks only its trailing slash, keeping the query: 301 for GET and
/// HEAD, and 308 for other methods so that clients repeat the method and body instead of
/// silently dropping them. Anything else is 404 `{"detail": "Not found."}`.
pub async fn fallback(request: Request) -> Response {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| Regex::new(SLASHLESS_ROUTES).expect("a valid regex"));

    let path = request.uri().path();
    if pattern.is_match(path) {
        let location = match request.uri().query() {
            Some(query) => format!("{path}/?{query}"),
            None => format!("{path}/"),
        };
        let status = if request.method() == Method::GET || request.method() == Method::HEAD {
            StatusCode::MOVED_PERMANENTLY
        } else {
            StatusCode::PERMANENT_REDIRECT
        };
        if let Ok(location) = HeaderValue::try_from(location) {
            return (status, [(header::LOCATION, location)]).into_response();
        }
    }

    let body = axum::Json(json!({ "detail": "Not found." }));
    (StatusCode::NOT_FOUND, body).into_response()
}
