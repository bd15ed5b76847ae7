//! The one way tests start TweetCheck: the real server on an ephemeral loopback port, with a
//! fresh SQLite file in a temporary directory.

#![allow(dead_code)]

use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;
use tempfile::TempDir;

pub const ADMIN: (&str, &str) = ("admin@tweetcheck.com", "admin");
pub const NONAPPROVER: (&str, &str) = ("nonapprover@tweetcheck.com", "nonapprover");
pub const SCHEDULER: (&str, &str) = ("scheduler@tweetcheck.com", "scheduler");

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub database_url: String,
    pub running: Option<tweetcheck::Running>,
    // Kept so the database file lives as long as the app.
    pub dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let database_url = format!("sqlite://{}", dir.path().join("tweetcheck.db").display());
    spawn_app_on(dir, database_url).await
}

/// Starts the server on an existing database, for tests that restart it.
pub async fn spawn_app_on(dir: TempDir, database_url: String) -> TestApp {
    let running = tweetcheck::start(tweetcheck::Config {
        bind: "127.0.0.1:0".to_owned(),
        database_url: database_url.clone(),
    })
    .await
    .expect("start the server");
    let base = format!("http://{}", running.local_addr());
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("build an HTTP client");
    TestApp {
        base,
        client,
        database_url,
        running: Some(running),
        dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Logs in through `/api-token-auth/` and returns the token.
    pub async fn token(&self, (email, password): (&str, &str)) -> String {
        let response = self
            .post("/api-token-auth/")
            .form(&[("username", email), ("password", password)])
            .send()
            .await
            .expect("send the login request");
        assert_eq!(response.status(), 200, "login as {email} failed");
        let body: Value = response.json().await.expect("a JSON login response");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// Stops the server gracefully and returns the database directory, for a restart.
    pub async fn stop(mut self) -> (TempDir, String) {
        if let Some(running) = self.running.take() {
            running.shutdown().await.expect("shut the server down");
        }
        (self.dir, self.database_url)
    }
}

/// Adds `Authorization: Token <token>`.
pub fn with_token(request: RequestBuilder, token: &str) -> RequestBuilder {
    request.header("Authorization", format!("Token {token}"))
}

/// Reads the status and the JSON body of a response.
pub async fn status_and_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("read the response body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("response body is not JSON ({error}): {text}"));
    (status, body)
}

/// Sends `GET path` with a token and reads the JSON response.
pub async fn get_json(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = with_token(app.get(path), token)
        .send()
        .await
        .expect("send GET");
    status_and_json(response).await
}

/// Sends a form-encoded request with a token and reads the JSON response.
pub async fn send_form(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = with_token(app.request(method, path), token)
        .form(form)
        .send()
        .await
        .expect("send a form");
    status_and_json(response).await
}

/// Sends a JSON request with a token and reads the JSON response.
pub async fn send_json(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let response = with_token(app.request(method, path), token)
        .json(&body)
        .send()
        .await
        .expect("send JSON");
    status_and_json(response).await
}

/// Sends `DELETE path` with a token and returns the status.
pub async fn delete(app: &TestApp, path: &str, token: &str) -> u16 {
    let response = with_token(app.request(reqwest::Method::DELETE, path), token)
        .send()
        .await
        .expect("send DELETE");
    response.status().as_u16()
}

/// Opens the test server's database directly, to check what a request stored.
pub async fn database(app: &TestApp) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&app.database_url)
        .await
        .expect("open the test database")
}

pub const FORBIDDEN: &str = "You do not have permission to perform this action.";
