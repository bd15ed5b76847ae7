//! HTTP basic authentication for the web UI (`--web-auth user:password`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

/// The one user name and password that the web UI accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    user: String,
    password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// A `--web-auth` value without a colon or with an empty user name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --web-auth value: expected user:password, such as admin:secret")]
pub struct InvalidCredentials;

impl std::str::FromStr for Credentials {
    type Err = InvalidCredentials;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            Some((user, password)) if !user.is_empty() => Ok(Credentials {
                user: user.to_owned(),
                password: password.to_owned(),
            }),
            _ => Err(InvalidCredentials),
        }
    }
}

impl Credentials {
    /// Checks an `Authorization: Basic ...` header value. The comparison takes the same time
    /// whether the first or the last byte differs, so timing reveals nothing of the password.
    fn accepts(&self, header_value: &HeaderValue) -> bool {
        let Some(encoded) = header_value
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Basic "))
        else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let expected = format!("{}:{}", self.user, self.password);
        constant_time_eq(&decoded, expected.as_bytes())
    }
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = given.len() ^ expected.len();
    for (index, byte) in given.iter().enumerate() {
        let other = expected.get(index).copied().unwrap_or(0);
        difference |= usize::from(byte ^ other);
    }
    std::hint::black_box(difference) == 0
}

/// Rejects requests without the right credentials with 401 and a `WWW-Authenticate` challenge.
pub async fn require_basic_auth(
    State(credentials): State<Arc<Credentials>>,
    request: Request,
    next: Next,
) -> Response {
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|value| credentials.accepts(value));
    if authorized {
        return next.run(request).await;
    }

    tracing::debug!(
        "rejected {} {}: missing or wrong credentials",
        request.method(),
        request.uri().path()
    );
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"swarm\"")],
        "Authentication required: sign in with the user and password given to --web-auth.\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_parse_user_and_password() {
        let credentials: Credentials = "admin:pa:ss".parse().unwrap();
        assert_eq!(credentials.user, "admin");
        assert_eq!(credentials.password, "pa:ss");
    }

    #[test]
    fn credentials_reject_missing_colon_or_user() {
        assert_eq!("admin".parse::<Credentials>(), Err(InvalidCredentials));
        assert_eq!(":secret".parse::<Credentials>(), Err(InvalidCredentials));
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"admin:secret", b"admin:secret"));
        assert!(!constant_time_eq(b"admin:secre", b"admin:secret"));
        assert!(!constant_time_eq(b"admin:secrets", b"admin:secret"));
        assert!(!constant_time_eq(b"admin:secreT", b"admin:secret"));
        assert!(!constant_time_eq(b"", b"admin:secret"));
    }

    #[test]
    fn debug_output_hides_password() {
        let credentials: Credentials = "admin:hunter2".parse().unwrap();
        assert!(!format!("{credentials:?}").contains("hunter2"));
    }
}
