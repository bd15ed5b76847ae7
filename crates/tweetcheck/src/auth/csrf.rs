//! CSRF protection for the browsable API.
//!
//! A browser sends the session cookie with every request to this server, including requests
//! that another site makes it send. So an unsafe request (anything but GET, HEAD, OPTIONS and
//! TRACE) that authenticates with a session must also carry the session's CSRF token, which
//! another site cannot read. Scripts send it in the `X-CSRFToken` header, and the browsable
//! API's forms send it in the `csrfmiddlewaretoken` field. The token is also in the
//! `csrftoken` cookie, which is not HttpOnly, so that scripts on our pages can copy it into the
//! header. Before login, when there is no session yet, the login form's field must match that
//! cookie instead. Token authentication needs none of this because browsers never add an
//! `Authorization: Token` header on their own.

use axum::http::{header, HeaderMap, HeaderValue, Method};
use rand::distributions::Alphanumeric;
use rand::Rng;

/// The cookie that carries the CSRF token. The name is Django's, which clients already know.
pub const COOKIE_NAME: &str = "csrftoken";

/// The request header that scripts put the token in.
pub const HEADER_NAME: &str = "x-csrftoken";

/// The form field that HTML forms put the token in.
pub const FORM_FIELD: &str = "csrfmiddlewaretoken";

/// The lifetime of the `csrftoken` cookie in seconds: one year (52 weeks), Django's default.
const COOKIE_MAX_AGE: u32 = 31_449_600;

/// The length of a token in characters, each one of 62 letters and digits.
const TOKEN_LENGTH: usize = 32;

/// A token taken from the `csrfmiddlewaretoken` field of a form body. The HTML layer, which
/// reads form bodies, stores it in the request's extensions for [`check`].
#[derive(Clone, Debug)]
pub struct FormToken(pub String);

/// The reason a request failed the CSRF check. The messages are Django REST Framework's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsrfError {
    #[error("CSRF Failed: CSRF token missing.")]
    Missing,
    #[error("CSRF Failed: CSRF token incorrect.")]
    Incorrect,
}

/// Generates a new random token.
pub fn generate() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(TOKEN_LENGTH)
        .map(char::from)
        .collect()
}

/// Returns whether `method` may change state, so that a session-authenticated request needs a token.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Checks that the request carries `expected` in the `X-CSRFToken` header or, failing that, in
/// a form field recorded as a [`FormToken`].
pub fn check(
    expected: &str,
    headers: &HeaderMap,
    form_token: Option<&FormToken>,
) -> Result<(), CsrfError> {
    let submitted = headers
        .get(HEADER_NAME)
        .map(HeaderValue::as_bytes)
        .or_else(|| form_token.map(|FormToken(token)| token.as_bytes()));
    match submitted {
        None => Err(CsrfError::Missing),
        Some(b"") => Err(CsrfError::Missing),
        Some(submitted) if constant_time_eq(submitted, expected.as_bytes()) => Ok(()),
        Some(_) => Err(CsrfError::Incorrect),
    }
}

/// Returns the token in the request's `csrftoken` cookie, if it has a well-formed one.
pub fn from_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE_NAME)
        .filter(|token| {
            token.len() == TOKEN_LENGTH && token.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .map(str::to_owned)
}

/// Builds the `Set-Cookie` value that stores `token` in the browser.
pub fn set_cookie(token: &str) -> HeaderValue {
    let cookie = format!("{COOKIE_NAME}={token}; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax");
    // A token contains only letters and digits, so the value is always a valid header.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Returns the value of the cookie `name` from the request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// Compares two byte strings in time that depends only on their lengths, so that timing does
/// not reveal how much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn generate_returns_distinct_alphanumeric_tokens() {
        let token = generate();

        assert_eq!(token.len(), TOKEN_LENGTH);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(token, generate());
    }

    #[test]
    fn check_accepts_header_or_form_field() {
        let token = generate();
        let form = FormToken(token.clone());

        assert_eq!(
            check(&token, &headers(&[(HEADER_NAME, &token)]), None),
            Ok(())
        );
        assert_eq!(check(&token, &HeaderMap::new(), Some(&form)), Ok(()));
    }

    #[test]
    fn check_reports_missing_and_incorrect_tokens() {
        let token = generate();
        let wrong = FormToken(generate());

        assert_eq!(
            check(&token, &HeaderMap::new(), None),
            Err(CsrfError::Missing)
        );
        assert_eq!(
            check(&token, &headers(&[(HEADER_NAME, "")]), None),
            Err(CsrfError::Missing)
        );
        assert_eq!(
            check(&token, &HeaderMap::new(), Some(&wrong)),
            Err(CsrfError::Incorrect)
        );
    }

    #[test]
    fn from_cookie_finds_token_among_cookies() {
        let token = generate();
        let cookies = format!("sessionid=abc; {COOKIE_NAME}={token}; other=1");

        assert_eq!(from_cookie(&headers(&[("cookie", &cookies)])), Some(token));
        assert_eq!(
            from_cookie(&headers(&[("cookie", "csrftoken=short")])),
            None
        );
    }

    #[test]
    fn unsafe_methods_are_those_that_change_state() {
        assert!(is_unsafe(&Method::POST));
        assert!(is_unsafe(&Method::DELETE));
        assert!(!is_unsafe(&Method::GET));
        assert!(!is_unsafe(&Method::OPTIONS));
    }
}
