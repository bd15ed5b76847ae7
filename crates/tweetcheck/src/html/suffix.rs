//! Format suffixes: `/api/tweets.json` is `/api/tweets/` rendered as JSON, and
//! `/api/tweets/1.api` is `/api/tweets/1/` rendered as the browsable API.
//!
//! The suffix may be followed by a slash (`/api/tweets.json/`), and the API root takes it
//! after its slash (`/api/.json`), as Django REST Framework's routers accept them. Paths with
//! other suffixes are left alone, so they match no route and get 404.

use axum::extract::Request;
use axum::http::uri::{PathAndQuery, Uri};

use crate::api::render::{Format, SuffixFormat};

const SUFFIXES: [(&str, Format); 2] = [(".json", Format::Json), (".api", Format::BrowsableApi)];

/// Removes a format suffix from the path of an API request and records its format as a
/// [`SuffixFormat`] extension. Other requests pass unchanged.
pub fn apply(mut request: Request) -> Request {
    let Some((path, format)) = strip(request.uri().path()) else {
        return request;
    };
    let target = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let Ok(path_and_query) = PathAndQuery::try_from(target) else {
        return request;
    };

    let mut parts = request.uri().clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    if let Ok(uri) = Uri::from_parts(parts) {
        *request.uri_mut() = uri;
        request.extensions_mut().insert(SuffixFormat(format));
    }
    request
}

/// Returns the path without its format suffix, ending in a slash, and the suffix's format.
fn strip(path: &str) -> Option<(String, Format)> {
    if !path.starts_with("/api/") {
        return None;
    }
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let (stem, format) = SUFFIXES
        .iter()
        .find_map(|(suffix, format)| Some((trimmed.strip_suffix(suffix)?, *format)))?;
    let stem = stem.strip_suffix('/').unwrap_or(stem);
    if stem.len() < "/api".len() {
        return None;
    }
    Some((format!("{stem}/"), format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_handles_lists_details_and_root() {
        let cases = [
            ("/api/tweets.json", "/api/tweets/", Format::Json),
            ("/api/tweets.json/", "/api/tweets/", Format::Json),
            ("/api/tweets/1.api", "/api/tweets/1/", Format::BrowsableApi),
            ("/api/.json", "/api/", Format::Json),
        ];
        for (path, expected, format) in cases {
            assert_eq!(
                strip(path),
                Some((expected.to_owned(), format)),
                "path {path}"
            );
        }
    }

    #[test]
    fn strip_leaves_other_paths_alone() {
        for path in [
            "/api/tweets/",
            "/api/tweets.xml",
            "/static/x.json",
            "/.json",
        ] {
            assert_eq!(strip(path), None, "path {path}");
        }
    }

    #[test]
    fn apply_keeps_the_query_string() {
        let request = Request::get("/api/tweets.json?status=0")
            .body(axum::body::Body::empty())
            .unwrap();

        let request = apply(request);

        assert_eq!(request.uri(), "/api/tweets/?status=0");
        assert!(request.extensions().get::<SuffixFormat>().is_some());
    }
}
