//! The workshop exercises at `/workshop/`, rendered from `docs/` when the binary was built.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// Every file of the rendered site: path relative to `/workshop/`, content type, bytes.
static FILES: &[(&str, &str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/workshop_files.rs"));

/// Routes for `/workshop`, `/workshop/` and every file below it.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/workshop", get(redirect_to_index))
        .route("/workshop/", get(|| async { file("index.html") }))
        .route(
            "/workshop/{*path}",
            get(|Path(path): Path<String>| async move { file(&path) }),
        )
}

/// Redirects with 301, like the API's paths without a trailing slash, because the pages' links
/// are relative to `/workshop/`.
async fn redirect_to_index() -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, "/workshop/")],
    )
        .into_response()
}

fn file(path: &str) -> Response {
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *bytes,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><title>Not found</title><p>No workshop page at this address. \
             Start from <a href=\"/workshop/\">the index</a>.</p>",
        )
            .into_response(),
    }
}
