//! Request bodies: JSON, form-urlencoded or multipart, parsed into one map of fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use http::header::CONTENT_TYPE;
use http::StatusCode;
use serde_json::{Map, Value};

use super::ApiError;
use crate::state::AppState;

/// The maximum size of a request body in bytes, whatever its content type: 2 MiB, axum's
/// default. Larger bodies get 413 with [`too_large_message`].
pub const MAX_BODY_BYTES: usize = 2 << 20;

/// Returns the `detail` of a 413 response for a body over [`MAX_BODY_BYTES`].
pub fn too_large_message() -> String {
    format!("Request body is too large. The limit is 2 MiB ({MAX_BODY_BYTES} bytes).")
}

fn too_large() -> ApiError {
    ApiError::Rejected {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: too_large_message(),
    }
}

/// The fields of a request body. Form and multipart values are strings, JSON values keep
/// their type. A repeated form field keeps its last value, as Django's `QueryDict` does.
#[derive(Clone, Debug, Default)]
pub struct Fields(pub Map<String, Value>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

impl FromRequest<AppState> for Fields {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Fields, ApiError> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let Some(content_type) = content_type else {
            // Without a content type Django REST Framework parses nothing.
            return Ok(Fields::default());
        };
        let media_type = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();

        match media_type.as_str() {
            "application/json" => {
                let bytes = read_bytes(request, state).await?;
                parse_json(&bytes)
            }
            "application/x-www-form-urlencoded" => {
                let bytes = read_bytes(request, state).await?;
                Ok(parse_form(&bytes))
            }
            "multipart/form-data" => parse_multipart(request, state).await,
            _ => Err(ApiError::UnsupportedMediaType(content_type)),
        }
    }
}

async fn read_bytes(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                return too_large();
            }
            ApiError::Rejected {
                status: rejection.status(),
                message: rejection.body_text(),
            }
        })
}

/// Parses a JSON body, which must be an object (or empty, which counts as no fields).
pub fn parse_json(bytes: &[u8]) -> Result<Fields, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Fields::default());
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| ApiError::MalformedBody(format!("JSON parse error - {error}")))?;
    match value {
        Value::Object(fields) => Ok(Fields(fields)),
        other => Err(ApiError::NonField(format!(
            "Invalid data. Expected a dictionary, but got {}.",
            super::fields::python_type_name(&other)
        ))),
    }
}

fn parse_form(bytes: &[u8]) -> Fields {
    let fields = url::form_urlencoded::parse(bytes)
        .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())))
        .collect();
    Fields(fields)
}

async fn parse_multipart(request: Request, state: &AppState) -> Result<Fields, ApiError> {
    let malformed = |message: String| {
        ApiError::MalformedBody(format!("Multipart form parse error - {message}"))
    };
    let field_error = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return too_large();
        }
        malformed(error.body_text())
    };
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| malformed(rejection.body_text()))?;

    let mut fields = Map::new();
    while let Some(field) = multipart.next_field().await.map_err(field_error)? {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        let value = field.text().await.map_err(field_error)?;
        fields.insert(name, Value::String(value));
    }
    Ok(Fields(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keeps_last_repeated_value() {
        let fields = parse_form(b"body=one&body=two&handle=1");

        assert_eq!(fields.get("body"), Some(&Value::String("two".into())));
        assert_eq!(fields.get("handle"), Some(&Value::String("1".into())));
    }

    #[test]
    fn json_list_is_rejected_with_its_type() {
        let error = parse_json(b"[1]").unwrap_err();

        assert_eq!(
            error.to_string(),
            "Invalid data. Expected a dictionary, but got list."
        );
    }
}
