//! Rendering: the one place where an [`ApiResponse`] becomes bytes, in the format negotiated
//! from the format suffix, the `?format=` parameter or the `Accept` header.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::{json, Value};

use super::response::{Payload, Unrendered};
use super::{ApiError, ApiResponse};
use crate::auth::{self, AuthError, Caller};
use crate::state::AppState;

/// What the renderer needs to know about a route besides the handler's result.
#[derive(Debug)]
pub struct Resource {
    /// The view's name, shown by OPTIONS and the browsable API ("Tweet List").
    pub name: &'static str,
    pub description: &'static str,
    /// The `Allow` header of every response from this route.
    pub allow: &'static str,
    /// Whether every method, OPTIONS included, needs an authenticated caller.
    pub requires_auth: bool,
}

/// The formats a client can get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    /// Django REST Framework's browsable API: HTML pages for browsers.
    BrowsableApi,
}

/// The format that the request's path suffix (`/api/tweets.json`) selected, stored in the
/// request's extensions by the path rewriting in front of the router.
#[derive(Clone, Copy, Debug)]
pub struct SuffixFormat(pub Format);

const MEDIA_TYPES: [(&str, Format); 2] = [
    ("application/json", Format::Json),
    ("text/html", Format::BrowsableApi),
];

/// Chooses the response format. Explicit choices win: the path suffix, then `?format=`, then
/// the `Accept` header, where more specific media ranges take precedence (as in Django REST
/// Framework, which ignores `q` weights except `q=0`).
pub fn negotiate(request: &Request) -> Result<Format, ApiError> {
    if let Some(SuffixFormat(format)) = request.extensions().get::<SuffixFormat>() {
        return Ok(*format);
    }

    if let Some(query) = request.uri().query() {
        let requested = url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "format")
            .map(|(_, value)| value);
        if let Some(requested) = requested {
            return match requested.as_ref() {
                "json" => Ok(Format::Json),
                "api" => Ok(Format::BrowsableApi),
                _ => Err(ApiError::NotFound),
            };
        }
    }

    let accept = request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect::<Vec<_>>();
    if accept.is_empty() {
        return Ok(Format::Json);
    }
    negotiate_accept(&accept).ok_or(ApiError::NotAcceptable)
}

fn negotiate_accept(ranges: &[&str]) -> Option<Format> {
    let mut ranges: Vec<(u8, &str)> = ranges
        .iter()
        .filter_map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media_range = parts.next()?.to_ascii_lowercase();
            let rejected = parts.any(|parameter| {
                parameter
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            if media_range.is_empty() || rejected {
                return None;
            }
            let precedence = match media_range.as_str() {
                "*/*" => 0,
                range if range.ends_with("/*") => 1,
                _ => 2,
            };
            Some((precedence, range.split(';').next().unwrap_or("").trim()))
        })
        .collect();
    // A stable sort keeps the client's order among ranges of equal precedence.
    ranges.sort_by_key(|(precedence, _)| std::cmp::Reverse(*precedence));

    ranges.iter().find_map(|(_, range)| {
        let range = range.to_ascii_lowercase();
        MEDIA_TYPES.iter().find_map(|(media_type, format)| {
            let (kind, _) = media_type.split_once('/')?;
            let matches =
                range == "*/*" || range == *media_type || range.strip_suffix("/*") == Some(kind);
            matches.then_some(*format)
        })
    })
}

/// The middleware on every API route: negotiates the format, authenticates the caller when
/// the route requires it, answers OPTIONS for routes without their own handler, and renders
/// the handler's [`ApiResponse`] (or error).
pub async fn middleware(
    State((state, resource)): State<(AppState, &'static Resource)>,
    mut request: Request,
    next: Next,
) -> Response {
    let format = match negotiate(&request) {
        Ok(format) => format,
        // The 406 itself is rendered as JSON, the one format every client can read.
        Err(error) => return render(error.into_api_response(), Format::Json, resource),
    };

    if resource.requires_auth {
        let (method, headers) = (request.method(), request.headers());
        match auth::session::authenticate(method, headers, request.extensions(), &state).await {
            Ok(Some(user)) => {
                request.extensions_mut().insert(Caller(user));
            }
            Ok(None) => {
                let error = ApiError::from(AuthError::NotProvided);
                return render(error.into_api_response(), format, resource);
            }
            Err(error) => {
                return render(ApiError::from(error).into_api_response(), format, resource);
            }
        }
    }

    let method = request.method().clone();
    let mut response = next.run(request).await;

    if let Some(Unrendered(result)) = response.extensions_mut().remove::<Unrendered>() {
        return render(result, format, resource);
    }
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        if method == Method::OPTIONS {
            return render(ApiResponse::ok(metadata(resource)), format, resource);
        }
        let error = ApiError::MethodNotAllowed(method);
        return render(error.into_api_response(), format, resource);
    }
    response
}

/// The OPTIONS body that every resource has. Routes that accept writes add `actions`.
pub fn metadata(resource: &Resource) -> Value {
    json!({
        "name": resource.name,
        "description": resource.description,
        "renders": ["application/json", "text/html"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    })
}

/// Renders `result` in `format` for a response from `resource`.
pub fn render(result: ApiResponse, format: Format, resource: &Resource) -> Response {
    let ApiResponse {
        status,
        body,
        headers: extra_headers,
    } = result;

    let mut headers = HeaderMap::new();
    headers.insert(header::ALLOW, HeaderValue::from_static(resource.allow));
    // Session cookies authenticate too, so responses vary with `Cookie` as well.
    headers.insert(header::VARY, HeaderValue::from_static("Accept, Cookie"));

    // The browsable API's layer turns the JSON into an HTML page with this data.
    let page = (format == Format::BrowsableApi).then(|| {
        let value = body.clone().map(Payload::into_value);
        crate::html::PageData::new(value, resource)
    });
    let body = match body {
        Some(payload) => {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Body::from(payload.into_bytes())
        }
        None => Body::empty(),
    };
    headers.extend(extra_headers);

    let mut response = (status, body).into_response();
    response.headers_mut().extend(headers);
    if let Some(page) = page {
        response.extensions_mut().insert(page);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_prefers_specific_ranges() {
        let browser = [
            "text/html",
            "application/xhtml+xml",
            "application/xml;q=0.9",
            "*/*;q=0.8",
        ];

        assert_eq!(negotiate_accept(&browser), Some(Format::BrowsableApi));
        assert_eq!(
            negotiate_accept(&["*/*", "application/json"]),
            Some(Format::Json)
        );
        assert_eq!(negotiate_accept(&["application/*"]), Some(Format::Json));
        assert_eq!(negotiate_accept(&["*/*"]), Some(Format::Json));
    }

    #[test]
    fn accept_without_match_is_none() {
        assert_eq!(negotiate_accept(&["text/plain"]), None);
        assert_eq!(negotiate_accept(&["application/json;q=0"]), None);
    }
}
