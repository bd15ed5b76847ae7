//! `GET /`: what this server is, with links to the API, the workshop and the login.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::nav::Nav;
use super::{ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    admin_email: &'static str,
    admin_password: &'static str,
    /// This server's URL as the browser reached it, for the example commands.
    base_url: String,
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let page = HomePage {
        nav: Nav::for_request(&state.db, &headers, "/").await,
        admin_email: ADMIN_EMAIL,
        admin_password: ADMIN_PASSWORD,
        base_url: base_url(&headers),
    };
    match page.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Cookie"));
            response
        }
        Err(error) => {
            tracing::error!(%error, "failed to render the home page");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "A server error occurred.",
            )
                .into_response()
        }
    }
}

/// Returns the scheme and authority of this server as the request's `Host` header names it.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty())
        .unwrap_or("127.0.0.1:8000");
    format!("http://{host}")
}
