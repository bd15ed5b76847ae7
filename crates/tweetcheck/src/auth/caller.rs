//! The `Caller` extractor: the user behind the request's `Authorization: Token ...` header.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use http::header::AUTHORIZATION;
use http::request::Parts;
use http::HeaderMap;

use crate::api::ApiError;
use crate::state::AppState;

/// A user as the API needs it for permission checks.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub is_admin: bool,
    pub is_approver: bool,
    pub is_active: bool,
    pub organization_id: Option<i64>,
}

impl User {
    /// The part of the e-mail address before the `@`, which the API shows as the author of a
    /// tweet and the actor of an action.
    pub fn email_without_domain(&self) -> &str {
        email_without_domain(&self.email)
    }
}

/// The part of `email` before the last `@`, or all of it without an `@`.
pub fn email_without_domain(email: &str) -> &str {
    email.rsplit_once('@').map_or(email, |(local, _)| local)
}

/// The authenticated user of a request. Extracting it fails with 401 when the request carries
/// no valid credentials.
#[derive(Clone, Debug)]
pub struct Caller(pub Arc<User>);

/// Why a request could not be authenticated. The messages are those of Django REST
/// Framework's token authentication.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("Authentication credentials were not provided.")]
    NotProvided,
    #[error("Invalid token header. No credentials provided.")]
    NoCredentials,
    #[error("Invalid token header. Token string should not contain spaces.")]
    ContainsSpaces,
    #[error("Invalid token header. Token string should not contain invalid characters.")]
    InvalidCharacters,
    #[error("Invalid token.")]
    InvalidToken,
    #[error("User inactive or deleted.")]
    Inactive,
    /// A session-authenticated unsafe request without the session's CSRF token (403).
    #[error(transparent)]
    Csrf(#[from] super::csrf::CsrfError),
    #[error("failed to look up a token: {0}")]
    Database(#[from] sqlx::Error),
}

/// Authenticates a request from its headers. Returns `Ok(None)` when it carries no token
/// credentials at all (no `Authorization` header, or another scheme such as Basic).
pub async fn authenticate(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<Arc<User>>, AuthError> {
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let bytes = header.as_bytes();
    let mut words = bytes
        .split(|byte| byte.is_ascii_whitespace())
        .filter(|word| !word.is_empty());
    match words.next() {
        Some(scheme) if scheme.eq_ignore_ascii_case(b"token") => {}
        _ => return Ok(None),
    }
    let Some(token) = words.next() else {
        return Err(AuthError::NoCredentials);
    };
    if words.next().is_some() {
        return Err(AuthError::ContainsSpaces);
    }
    let Ok(token) = std::str::from_utf8(token) else {
        return Err(AuthError::InvalidCharacters);
    };

    let user = lookup(token, state).await?.ok_or(AuthError::InvalidToken)?;
    if !user.is_active {
        return Err(AuthError::Inactive);
    }
    Ok(Some(user))
}

async fn lookup(token: &str, state: &AppState) -> Result<Option<Arc<User>>, sqlx::Error> {
    let generation = match state.tokens.get(token) {
        Ok(user) => return Ok(Some(user)),
        Err(generation) => generation,
    };
    // Every token is 40 characters, so anything else needs no query.
    if token.len() != 40 {
        return Ok(None);
    }

    let user: Option<User> = sqlx::query_as(
        "SELECT users.id, users.email, users.is_admin, users.is_approver, users.is_active, \
         users.organization_id \
         FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.key = ?",
    )
    .bind(token)
    .fetch_optional(&state.db.reader)
    .await?;
    let Some(user) = user else {
        return Ok(None);
    };

    let user = Arc::new(user);
    state.tokens.insert(token, Arc::clone(&user), generation);
    Ok(Some(user))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    /// Reuses the caller that the API's middleware authenticated, or authenticates now.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        match authenticate(&parts.headers, state).await? {
            Some(user) => Ok(Caller(user)),
            None => Err(AuthError::NotProvided.into()),
        }
    }
}
