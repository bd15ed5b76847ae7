//! `/api-auth/login/` and `/api-auth/logout/`: the session login of the browsable API.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::nav::Nav;
use super::{message_page, Message, MessageAction, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::auth::csrf::{self, FormToken};
use crate::auth::password::{self, HashError};
use crate::auth::session;
use crate::state::AppState;

/// The redirect target of a login whose request names no safe `next`.
const DEFAULT_NEXT: &str = "/api/";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    csrf_token: String,
    next: String,
    username: String,
    error: Option<&'static str>,
    admin_email: &'static str,
    admin_password: &'static str,
}

/// Returns the `next` parameter of a query string.
fn next_in(query: Option<String>) -> Option<String> {
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value.into_owned())
}

/// The login form. Every field is optional so that a missing one shows the form again with an
/// error instead of a bare rejection.
#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    username: Option<String>,
    password: Option<String>,
    csrfmiddlewaretoken: Option<String>,
    next: Option<String>,
}

/// `GET /api-auth/login/`: the login form.
pub async fn show(headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let next = safe_next(next_in(query).as_deref());
    let (csrf_token, new_cookie) = match csrf::from_cookie(&headers) {
        Some(token) => (token, None),
        None => {
            let token = csrf::generate();
            let cookie = csrf::set_cookie(&token);
            (token, Some(cookie))
        }
    };

    let page = login_page(csrf_token, next, String::new(), None);
    let mut response = page_response(StatusCode::OK, page.render());
    if let Some(cookie) = new_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /api-auth/login/`: checks the CSRF token and the credentials, then starts a session
/// and redirects to `next`. Wrong credentials show the form again with an error (200, as in
/// Django).
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: LoginForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let next = safe_next(form.next.as_deref());

    let Some(cookie_token) = csrf::from_cookie(&headers) else {
        return csrf_failure("The CSRF cookie is not set. Open the login page again, with cookies enabled, and resubmit.");
    };
    let form_token = form.csrfmiddlewaretoken.map(FormToken);
    if let Err(error) = csrf::check(&cookie_token, &headers, form_token.as_ref()) {
        return csrf_failure(&format!("{error} Open the login page again and resubmit."));
    }

    let username = form.username.unwrap_or_default().trim().to_owned();
    let password = form.password.unwrap_or_default();
    let user_id = match check_credentials(&state, &username, password).await {
        Ok(Some(user_id)) => user_id,
        Ok(None) => {
            tracing::info!(username, "session login failed: invalid credentials");
            let error = "Invalid e-mail address or password. The password is case-sensitive.";
            let page = login_page(cookie_token, next, username, Some(error));
            return page_response(StatusCode::OK, page.render());
        }
        Err(error) => {
            if let Some(HashError::Overloaded(queued)) = error.downcast_ref::<HashError>() {
                tracing::warn!(queued, "session login rejected: the password queue is full");
                return busy();
            }
            tracing::error!(%error, "session login failed");
            return server_error();
        }
    };

    if let Some(old) = session::id_from_cookie(&headers) {
        if let Err(error) = session::delete(&state.db.writer, old).await {
            tracing::error!(%error, user_id, "failed to delete the previous session at login");
        }
    }
    let (session_id, csrf_token) = match session::create(&state.db.writer, user_id).await {
        Ok(created) => created,
        Err(error) => {
            tracing::error!(%error, user_id, "failed to store a new session");
            return server_error();
        }
    };
    tracing::info!(user_id, "session login");

    let mut response = Redirect::to(&next).into_response();
    *response.status_mut() = StatusCode::FOUND;
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, session::set_cookie(&session_id));
    headers.append(header::SET_COOKIE, csrf::set_cookie(&csrf_token));
    no_cache(headers);
    response
}

/// Returns the id of the active user with these credentials, if any. Unknown users cost as
/// much time as wrong passwords.
async fn check_credentials(
    state: &AppState,
    username: &str,
    password: String,
) -> anyhow::Result<Option<i64>> {
    let user: Option<(i64, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, is_active FROM users WHERE email = ?")
            .bind(username)
            .fetch_optional(&state.db.reader)
            .await?;
    let stored = user.as_ref().map(|(_, hash, _)| hash.clone());
    let matches = password::verify(password, stored).await?;

    Ok(match user {
        Some((id, _, true)) if matches => Some(id),
        _ => None,
    })
}

/// `GET /api-auth/logout/`: a page with the logout button. Logging out takes a POST, so that
/// another site cannot log a user out with a link or an image.
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let next = safe_next(next_in(query).as_deref());
    let nav = Nav::for_request(&state.db, &headers, &next).await;
    let message = if nav.user.is_some() {
        Message {
            heading: "Log out",
            message: String::from("End this browser's session?"),
            action: Some(MessageAction {
                url: "/api-auth/logout/",
                label: "Log out",
                next: next.clone(),
            }),
            link_url: next,
            link_label: "Stay logged in",
            nav,
        }
    } else {
        Message {
            heading: "Logged out",
            message: String::from("This browser has no session."),
            action: None,
            link_url: format!("/api-auth/login/?next={}", nav.next_encoded),
            link_label: "Log in",
            nav,
        }
    };
    let mut response = message_page(StatusCode::OK, &message);
    no_cache(response.headers_mut());
    response
}

/// `POST /api-auth/logout/`: ends the session and redirects to `next`. A browser with a
/// session must send its CSRF token, like every unsafe request that a session authenticates.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: LoginForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let next = form
        .next
        .as_deref()
        .map_or_else(|| String::from("/"), |next| safe_next(Some(next)));

    let current = match session::from_headers(&state.db.reader, &headers).await {
        Ok(current) => current,
        Err(error) => {
            tracing::error!(%error, "failed to look up the session at logout");
            return server_error();
        }
    };
    if let Some(current) = current {
        let form_token = form.csrfmiddlewaretoken.map(FormToken);
        if let Err(error) = csrf::check(&current.csrf_token, &headers, form_token.as_ref()) {
            return csrf_failure(&format!("{error} Reload the page and log out again."));
        }
        if let Err(error) = session::delete(&state.db.writer, &current.id).await {
            tracing::error!(%error, user_id = current.user.id, "failed to delete a session");
            return server_error();
        }
        tracing::info!(user_id = current.user.id, "session logout");
    }

    let mut response = Redirect::to(&next).into_response();
    *response.status_mut() = StatusCode::FOUND;
    response
        .headers_mut()
        .append(header::SET_COOKIE, session::clear_cookie());
    no_cache(response.headers_mut());
    response
}

fn login_page(
    csrf_token: String,
    next: String,
    username: String,
    error: Option<&'static str>,
) -> LoginPage {
    LoginPage {
        nav: Nav::new(None, &next),
        csrf_token,
        next,
        username,
        error,
        admin_email: ADMIN_EMAIL,
        admin_password: ADMIN_PASSWORD,
    }
}

/// Returns `next` when it is a path on this server, else the API root. A value such as
/// `//evil.example/` or `https://evil.example/` would send the browser to another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && !next.chars().any(char::is_control) =>
        {
            next.to_owned()
        }
        _ => String::from(DEFAULT_NEXT),
    }
}

fn page_response(status: StatusCode, rendered: askama::Result<String>) -> Response {
    match rendered {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            no_cache(response.headers_mut());
            response
        }
        Err(error) => {
            tracing::error!(%error, "failed to render the login page");
            server_error()
        }
    }
}

fn csrf_failure(reason: &str) -> Response {
    let message = Message {
        heading: "CSRF verification failed",
        message: reason.to_owned(),
        action: None,
        link_url: String::from("/api-auth/login/"),
        link_label: "Back to the login page",
        nav: Nav::new(None, "/"),
    };
    message_page(StatusCode::FORBIDDEN, &message)
}

/// Builds the 503 response, with `Retry-After`, for a login rejected by the full queue.
fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("1"))],
        "The server is busy checking other passwords. Retry in a few seconds.",
    )
        .into_response()
}

fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "A server error occurred. The server log has the cause.",
    )
        .into_response()
}

/// Marks a response as private and never to be cached, because it depends on the session.
fn no_cache(headers: &mut HeaderMap) {
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=0, no-cache, no-store, must-revalidate, private"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_next_keeps_local_paths() {
        assert_eq!(
            safe_next(Some("/api/tweets/?status=0")),
            "/api/tweets/?status=0"
        );
    }

    #[test]
    fn safe_next_rejects_other_sites() {
        for next in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "api/",
        ] {
            assert_eq!(safe_next(Some(next)), DEFAULT_NEXT, "next = {next:?}");
        }
        assert_eq!(safe_next(None), DEFAULT_NEXT);
    }
}
