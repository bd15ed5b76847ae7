//! The stylesheet, compiled into the binary so that pages work offline.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The URL path of the stylesheet.
pub const STYLESHEET_PATH: &str = "/static/tweetcheck.css";

const STYLESHEET: &str = include_str!("../../static/tweetcheck.css");

pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        STYLESHEET,
    )
        .into_response()
}
