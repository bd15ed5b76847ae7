//! `/auth/request` and `/auth/callback`: a local stand-in for signing in with Twitter, which
//! attached a Twitter account (a handle) to the caller's organization. No request leaves the
//! machine.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::routing::{get, MethodRouter};
use serde_json::json;

use super::root::base_url;
use super::{field_error, handles, query, ApiError, ApiResponse, Resource};
use crate::auth::{token, Caller};
use crate::state::AppState;

pub static REQUEST: Resource = Resource {
    name: "Twitter Request",
    description: "Starts the local stand-in for signing in with Twitter.",
    allow: "GET, HEAD, OPTIONS",
    requires_auth: true,
};

pub static CALLBACK: Resource = Resource {
    name: "Twitter Callback",
    description: "Completes the local Twitter sign-in and adds the handle `screen_name`.",
    allow: "GET, HEAD, OPTIONS",
    requires_auth: true,
};

pub fn request_handlers() -> MethodRouter<AppState> {
    get(request)
}

pub fn callback_handlers() -> MethodRouter<AppState> {
    get(callback)
}

/// Returns the URL to continue at, like Twitter's authorization URL but on this server.
async fn request(_caller: Caller, headers: HeaderMap) -> ApiResponse {
    let request_token = format!("local-{}", token::generate());
    let url = format!(
        "{}/auth/callback?oauth_token={request_token}&oauth_verifier=local",
        base_url(&headers)
    );
    ApiResponse::ok(json!({ "authorizationUrl": url }))
}

/// Adds the handle named by `?screen_name=` to the caller's organization.
async fn callback(
    State(state): State<AppState>,
    Caller(user): Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<ApiResponse, ApiError> {
    let raw_query = raw_query.as_deref();
    if query::param(raw_query, "oauth_token").is_none_or(|token| token.is_empty()) {
        return Err(field_error("oauth_token", "This field is required."));
    }
    let screen_name = query::param(raw_query, "screen_name")
        .map(|name| name.trim().trim_start_matches('@').to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| field_error("screen_name", "This field is required."))?;
    if screen_name.chars().count() > handles::MAX_SCREEN_NAME {
        return Err(field_error(
            "screen_name",
            format!(
                "Ensure this field has no more than {} characters.",
                handles::MAX_SCREEN_NAME
            ),
        ));
    }

    handles::create_signed_in(&state, &user, screen_name).await
}
