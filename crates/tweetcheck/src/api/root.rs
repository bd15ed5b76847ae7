//! `GET /api/`: links to the resource lists.

use axum::routing::{get, MethodRouter};
use http::{header, HeaderMap};
use serde_json::json;

use super::{ApiResponse, Resource};
use crate::auth::Caller;
use crate::state::AppState;

pub static RESOURCE: Resource = Resource {
    name: "Api Root",
    description: "",
    allow: "GET, HEAD, OPTIONS",
    requires_auth: true,
};

pub fn handlers() -> MethodRouter<AppState> {
    get(root)
}

async fn root(_caller: Caller, headers: HeaderMap) -> ApiResponse {
    let base = base_url(&headers);
    ApiResponse::ok(json!({
        "users": format!("{base}/api/users/"),
        "devices": format!("{base}/api/devices/"),
        "actions": format!("{base}/api/actions/"),
        "tweets": format!("{base}/api/tweets/"),
        "handles": format!("{base}/api/handles/"),
    }))
}

/// The scheme and authority that absolute URLs in responses start with, taken from the
/// request's `Host` header like the original did.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty())
        .unwrap_or("localhost");
    format!("http://{host}")
}
