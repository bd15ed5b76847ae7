//! Overrides in form bodies that let the browsable API's plain HTML forms, which can only send
//! GET and POST, send any method and any body.
//!
//! A form-encoded POST may carry these fields, which are removed before the API reads the body:
//! - `_method`: the method to use instead, such as `PUT`, `DELETE` or `OPTIONS`;
//! - `_content` and `_content_type`: a raw body and its media type, which replace the form;
//! - `csrfmiddlewaretoken`: the CSRF token, stored as a [`FormToken`] for the session check.
//!
//! NOTE: multipart bodies are not searched, so a session-authenticated multipart request must
//! send its CSRF token in the `X-CSRFToken` header.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::LengthLimitError;
use serde_json::json;

use crate::auth::csrf::{FormToken, FORM_FIELD};

/// The largest form body read for overrides, the same limit as the API's own.
const BODY_LIMIT: usize = crate::api::MAX_BODY_BYTES;

const METHOD_FIELD: &str = "_method";
const CONTENT_FIELD: &str = "_content";
const CONTENT_TYPE_FIELD: &str = "_content_type";

/// The methods that `_method` may select.
const METHODS: [Method; 5] = [
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// An override that cannot be applied, or a form body that cannot be read. It becomes a 400
/// response with the message as its `detail`, or 413 for a body over the size limit.
#[derive(Debug)]
pub struct InvalidOverride(String);

/// The reason [`apply`] rejected a request.
#[derive(Debug)]
pub enum TunnelError {
    Invalid(InvalidOverride),
    /// A form body over [`BODY_LIMIT`].
    TooLarge,
}

impl From<InvalidOverride> for TunnelError {
    fn from(error: InvalidOverride) -> TunnelError {
        TunnelError::Invalid(error)
    }
}

impl IntoResponse for TunnelError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            TunnelError::Invalid(InvalidOverride(message)) => (StatusCode::BAD_REQUEST, message),
            TunnelError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                crate::api::too_large_message(),
            ),
        };
        (status, Json(json!({ "detail": detail }))).into_response()
    }
}

/// Applies the overrides of a form-encoded POST. Other requests pass unchanged.
pub async fn apply(request: Request) -> Result<Request, TunnelError> {
    if request.method() != Method::POST || !is_form(&request) {
        return Ok(request);
    }
    let (mut parts, body) = request.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|error| {
        let error = error.into_inner();
        if error.is::<LengthLimitError>() {
            return TunnelError::TooLarge;
        }
        TunnelError::Invalid(InvalidOverride(format!(
            "Failed to read the form body: {error}"
        )))
    })?;

    // Most form posts come from scripts and load tests and have no special field, so a search
    // of the raw bytes lets them pass as they are, without decoding.
    if !mentions_special_field(&bytes) {
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(&bytes).into_owned().collect();
    let mut take = |name: &str| {
        let value = pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone());
        pairs.retain(|(key, _)| key != name);
        value
    };
    let method = take(METHOD_FIELD);
    let content = take(CONTENT_FIELD);
    let content_type = take(CONTENT_TYPE_FIELD);
    let token = take(FORM_FIELD);

    if let Some(token) = token {
        parts.extensions.insert(FormToken(token));
    }
    if let Some(method) = method {
        parts.method = parse_method(&method)?;
    }
    parts.headers.remove(header::CONTENT_LENGTH);

    let body = match content {
        Some(content) => {
            let content_type = content_type.unwrap_or_else(|| String::from("application/json"));
            let value = HeaderValue::from_str(&content_type).map_err(|_| {
                InvalidOverride(format!(
                    "Invalid _content_type {content_type:?}: expected a media type such as \
                     application/json."
                ))
            })?;
            parts.headers.insert(header::CONTENT_TYPE, value);
            Body::from(content)
        }
        None => {
            let form = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            Body::from(form)
        }
    };
    Ok(Request::from_parts(parts, body))
}

/// Returns whether the raw form body contains the name of a special field. A name written
/// with percent escapes (`%5Fmethod`) is not found, so it stays an ordinary field.
fn mentions_special_field(body: &[u8]) -> bool {
    [METHOD_FIELD, CONTENT_FIELD, FORM_FIELD]
        .iter()
        .any(|name| {
            body.windows(name.len())
                .any(|window| window == name.as_bytes())
        })
}

fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| {
            media_type
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn parse_method(text: &str) -> Result<Method, InvalidOverride> {
    METHODS
        .into_iter()
        .find(|method| method.as_str().eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            InvalidOverride(format!(
                "Invalid _method {text:?}: expected POST, PUT, PATCH, DELETE or OPTIONS."
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_post(body: &'static str) -> Request {
        Request::post("/api/tweets/1/")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    }

    async fn body_text(request: Request) -> String {
        let bytes = to_bytes(request.into_body(), BODY_LIMIT).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn method_field_changes_the_method() {
        let request = apply(form_post("_method=PUT&body=hi&handle=1"))
            .await
            .unwrap();

        assert_eq!(request.method(), Method::PUT);
        assert_eq!(body_text(request).await, "body=hi&handle=1");
    }

    #[tokio::test]
    async fn content_fields_replace_the_body() {
        let request = apply(form_post(
            "_content_type=application%2Fjson&_content=%7B%22body%22%3A1%7D",
        ))
        .await
        .unwrap();

        assert_eq!(request.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(body_text(request).await, "{\"body\":1}");
    }

    #[tokio::test]
    async fn csrf_field_moves_to_extensions() {
        let request = apply(form_post("csrfmiddlewaretoken=abc&body=hi"))
            .await
            .unwrap();

        let token = request
            .extensions()
            .get::<FormToken>()
            .map(|token| token.0.clone());
        assert_eq!(token.as_deref(), Some("abc"));
        assert_eq!(body_text(request).await, "body=hi");
    }

    #[tokio::test]
    async fn unknown_method_is_rejected() {
        let error = apply(form_post("_method=BREW")).await.unwrap_err();

        let TunnelError::Invalid(InvalidOverride(message)) = &error else {
            panic!("expected an invalid override, got {error:?}");
        };
        assert!(message.contains("\"BREW\""), "{error:?}");
        assert_eq!(error.into_response().status(), StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn plain_form_passes_unchanged() {
        let request = apply(form_post("body=a%20b&handle=1")).await.unwrap();

        assert_eq!(request.method(), Method::POST);
        assert_eq!(body_text(request).await, "body=a%20b&handle=1");
    }
}
