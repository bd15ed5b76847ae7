//! Browser-like helpers for the browsable API's tests: a session login through the real login
//! form, and the cookies it sets.

#![allow(dead_code)]

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{RequestBuilder, Response};

use crate::common::TestApp;

/// The `Accept` header that Chromium sends for a page.
pub const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// The cookies of a logged-in browser.
#[derive(Clone, Debug)]
pub struct Session {
    pub session_id: String,
    pub csrf_token: String,
}

impl Session {
    /// Adds both cookies to `request`, as a browser would.
    pub fn cookies(&self, request: RequestBuilder) -> RequestBuilder {
        request.header(
            "Cookie",
            format!(
                "sessionid={}; csrftoken={}",
                self.session_id, self.csrf_token
            ),
        )
    }
}

/// Returns the value of cookie `name` among the response's `Set-Cookie` headers.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    set_cookie_line(headers, name).map(|line| {
        let pair = line.split(';').next().unwrap_or("");
        pair.split_once('=')
            .map(|(_, value)| value.to_owned())
            .unwrap_or_default()
    })
}

/// Returns the whole `Set-Cookie` header for cookie `name`, attributes included.
pub fn set_cookie_line(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|line| line.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// Opens the login page and returns the CSRF token of its cookie.
pub async fn login_page_token(app: &TestApp) -> String {
    let response = app.get("/api-auth/login/").send().await.unwrap();
    assert_eq!(response.status(), 200, "the login page should open");
    set_cookie(response.headers(), "csrftoken").expect("the login page sets a csrftoken cookie")
}

/// Posts the login form with the cookie's CSRF token and returns the response.
pub async fn post_login(app: &TestApp, (email, password): (&str, &str), next: &str) -> Response {
    let token = login_page_token(app).await;
    app.post("/api-auth/login/")
        .header("Cookie", format!("csrftoken={token}"))
        .form(&[
            ("username", email),
            ("password", password),
            ("csrfmiddlewaretoken", token.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

/// Logs in through the login form and returns the session's cookies.
pub async fn login(app: &TestApp, credentials: (&str, &str)) -> Session {
    let response = post_login(app, credentials, "/api/").await;
    assert_eq!(response.status(), 302, "login as {} failed", credentials.0);
    Session {
        session_id: set_cookie(response.headers(), "sessionid").expect("a sessionid cookie"),
        csrf_token: set_cookie(response.headers(), "csrftoken").expect("a csrftoken cookie"),
    }
}

/// Returns the response's `Content-Type`, or an empty string without one.
pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned()
}
