//! The browsable API: HTML pages for browsers on every API route, the session login, the home
//! page and the stylesheet.
//!
//! Pages are askama templates in `templates/`, so every value is HTML-escaped unless a
//! template marks it safe. The one value marked safe is the JSON body, which
//! [`json::to_html`] escapes itself.

mod assets;
mod filters;
mod forms;
mod home;
mod json;
mod layer;
mod login;
mod nav;
mod page;
mod suffix;
mod tunnel;

use askama::Template;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use tower::Layer;

use crate::api::Resource;
// The workshop's login, which the home and login pages show.
use crate::db::{ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::state::AppState;

pub use layer::{Browsable, BrowsableLayer};

/// The data that the browsable API needs from an API response besides its status and headers. The
/// API's renderer attaches it to responses for which it negotiated the browsable API.
#[derive(Clone, Debug)]
pub struct PageData {
    pub body: Option<Value>,
    /// The view's name, such as "Tweet List".
    pub name: &'static str,
    pub description: &'static str,
}

impl PageData {
    /// Creates the data of a page for `resource` showing `body`.
    pub fn new(body: Option<Value>, resource: &Resource) -> PageData {
        PageData {
            body,
            name: resource.name,
            description: resource.description,
        }
    }

    /// Creates the data of the page for a path that no route matches.
    fn not_found() -> PageData {
        PageData {
            body: Some(serde_json::json!({ "detail": "Not found." })),
            name: "Not Found",
            description: "",
        }
    }
}

/// Routes the pages that are not API routes: the home page, the login and logout pages and the
/// stylesheet.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route(assets::STYLESHEET_PATH, get(assets::stylesheet))
        .route("/api-auth/login/", get(login::show).post(login::submit))
        .route("/api-auth/logout/", get(login::confirm).post(login::logout))
        .layer(map_response(with_security_headers))
}

/// Adds headers that limit what a page can do if an escaping bug ever lets markup through:
/// no scripts, no plugins, forms only to this server, and no framing by other sites.
fn add_security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'self'",
        ),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

async fn with_security_headers(mut response: Response) -> Response {
    add_security_headers(response.headers_mut());
    response
}

/// Wraps `app`, the whole router, so that browsers get HTML pages from the API.
pub fn wrap(app: Router, state: AppState) -> Router {
    Router::new().fallback_service(BrowsableLayer::new(state).layer(app))
}

/// A short page with a heading, a message, an optional button and a link.
#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    nav: nav::Nav,
    heading: &'static str,
    message: String,
    action: Option<MessageAction>,
    link_url: String,
    link_label: &'static str,
}

/// A button on a [`Message`] page that posts a form with the CSRF token and `next`.
struct MessageAction {
    url: &'static str,
    label: &'static str,
    next: String,
}

fn message_page(status: StatusCode, message: &Message) -> Response {
    match message.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "failed to render a message page");
            (status, message.message.clone()).into_response()
        }
    }
}
