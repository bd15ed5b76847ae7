//! Sessions of the browsable API's login, stored in the `sessions` table.
//!
//! A session id is 32 random bytes (64 hex characters) and is as secret as a password: it goes
//! only into an HttpOnly cookie and is never logged. Each session has its own CSRF token (see
//! [`super::csrf`]) and expires 14 days after login, Django's default.

use std::sync::Arc;

use axum::http::{Extensions, HeaderMap, HeaderValue, Method};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sqlx::SqlitePool;

use super::csrf::{self, FormToken};
use super::{AuthError, User};
use crate::db::time;
use crate::state::AppState;

/// The cookie that carries the session id. The name is Django's.
pub const COOKIE_NAME: &str = "sessionid";

/// How long a session lasts after login, in seconds: two weeks.
const LIFETIME_SECONDS: i64 = 1_209_600;

/// A logged-in browser: the user, and the CSRF token that its unsafe requests must carry.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub user: Arc<User>,
    pub csrf_token: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    email: String,
    is_admin: bool,
    is_approver: bool,
    is_active: bool,
    organization_id: Option<i64>,
    csrf_token: String,
}

/// Starts a session for `user_id`, deleting expired sessions on the way. Returns the new
/// session's id and CSRF token.
pub async fn create(writer: &SqlitePool, user_id: i64) -> sqlx::Result<(String, String)> {
    let mut id = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let id = hex::encode(id);
    let csrf_token = csrf::generate();
    let now = Utc::now();

    sqlx::query("DELETE FROM sessions WHERE expires <= ?")
        .bind(time::format(now))
        .execute(writer)
        .await?;
    sqlx::query("INSERT INTO sessions (id, user_id, csrf_token, expires) VALUES (?, ?, ?, ?)")
        .bind(&id)
        .bind(user_id)
        .bind(&csrf_token)
        .bind(time::format(expiry(now)))
        .execute(writer)
        .await?;
    Ok((id, csrf_token))
}

/// Returns the unexpired session with `id`, if its user is still active.
pub async fn find(reader: &SqlitePool, id: &str) -> sqlx::Result<Option<Session>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT users.id, users.email, users.is_admin, users.is_approver, users.is_active, \
         users.organization_id, sessions.csrf_token \
         FROM sessions JOIN users ON users.id = sessions.user_id \
         WHERE sessions.id = ? AND sessions.expires > ? AND users.is_active",
    )
    .bind(id)
    .bind(time::now())
    .fetch_optional(reader)
    .await?;

    Ok(row.map(|row| Session {
        id: id.to_owned(),
        user: Arc::new(User {
            id: row.id,
            email: row.email,
            is_admin: row.is_admin,
            is_approver: row.is_approver,
            is_active: row.is_active,
            organization_id: row.organization_id,
        }),
        csrf_token: row.csrf_token,
    }))
}

/// Ends the session with `id`. Deleting a session that does not exist is not an error.
pub async fn delete(writer: &SqlitePool, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = ?")
        .bind(id)
        .execute(writer)
        .await?;
    Ok(())
}

/// Returns the session of the request's `sessionid` cookie, if it names a live session.
pub async fn from_headers(
    reader: &SqlitePool,
    headers: &HeaderMap,
) -> sqlx::Result<Option<Session>> {
    match id_from_cookie(headers) {
        Some(id) => find(reader, id).await,
        None => Ok(None),
    }
}

/// Returns the session id in the request's cookie, if it has the shape of one.
pub fn id_from_cookie(headers: &HeaderMap) -> Option<&str> {
    csrf::cookie_value(headers, COOKIE_NAME)
        .filter(|id| id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Authenticates an API request: by its `Authorization: Token` header when it has one, else by
/// its session cookie. A session-authenticated unsafe request must carry the session's CSRF
/// token, else it fails with [`AuthError::Csrf`]. Returns `Ok(None)` without credentials.
///
/// It takes the request's parts rather than the request, whose body is not `Sync`, so that the
/// future stays `Send`.
pub async fn authenticate(
    method: &Method,
    headers: &HeaderMap,
    extensions: &Extensions,
    state: &AppState,
) -> Result<Option<Arc<User>>, AuthError> {
    if let Some(user) = super::authenticate(headers, state).await? {
        return Ok(Some(user));
    }
    let Some(session) = from_headers(&state.db.reader, headers).await? else {
        return Ok(None);
    };

    if csrf::is_unsafe(method) {
        let form_token = extensions.get::<FormToken>();
        csrf::check(&session.csrf_token, headers, form_token)?;
    }
    Ok(Some(session.user))
}

/// Builds the `Set-Cookie` value for a new session: HttpOnly so that scripts cannot read it,
/// SameSite=Lax so that other sites' forms do not send it, and expiring with the session.
pub fn set_cookie(id: &str) -> HeaderValue {
    let expires = expiry(Utc::now()).format("%a, %d %b %Y %H:%M:%S GMT");
    // NOTE: the cookie lacks `Secure` because the workshop serves plain HTTP on loopback.
    let cookie = format!(
        "{COOKIE_NAME}={id}; Expires={expires}; HttpOnly; Max-Age={LIFETIME_SECONDS}; \
         Path=/; SameSite=Lax"
    );
    // A session id contains only hex digits, so the value is always a valid header.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Builds the `Set-Cookie` value that removes the session cookie from the browser.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "sessionid=\"\"; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=0; Path=/; \
         SameSite=Lax",
    )
}

fn expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::seconds(LIFETIME_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_from_cookie_accepts_only_hex_ids() {
        let id = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.insert(
            "cookie",
            HeaderValue::from_str(&format!("sessionid={id}")).unwrap(),
        );
        let mut bad = HeaderMap::new();
        bad.insert("cookie", HeaderValue::from_static("sessionid=../../etc"));

        assert_eq!(id_from_cookie(&headers), Some(id.as_str()));
        assert_eq!(id_from_cookie(&bad), None);
    }

    #[test]
    fn set_cookie_is_http_only_and_lax() {
        let cookie = set_cookie(&"0".repeat(64));
        let cookie = cookie.to_str().unwrap();

        assert!(cookie.starts_with("sessionid=0000"));
        assert!(cookie.contains("; HttpOnly;"));
        assert!(cookie.contains("; SameSite=Lax"));
        assert!(cookie.contains("; Max-Age=1209600;"));
    }
}
