//! `GET /api/` and the token authentication every API route shares.

mod common;

use common::{spawn_app, status_and_json, with_token, ADMIN};
use serde_json::json;

#[tokio::test]
async fn root_lists_links_from_host() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/"), &token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    let (status, body) = status_and_json(response).await;

    let base = &app.base;
    let expected = json!({
        "users": format!("{base}/api/users/"),
        "devices": format!("{base}/api/devices/"),
        "actions": format!("{base}/api/actions/"),
        "tweets": format!("{base}/api/tweets/"),
        "handles": format!("{base}/api/handles/"),
    });
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json");
    assert_eq!(allow, "GET, HEAD, OPTIONS");
    assert_eq!(body.to_string(), expected.to_string());
}

#[tokio::test]
async fn root_without_credentials_is_401() {
    let app = spawn_app().await;

    let response = app.get("/api/").send().await.unwrap();
    let www_authenticate = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 401);
    assert_eq!(www_authenticate, "Token");
    assert_eq!(
        body,
        json!({ "detail": "Authentication credentials were not provided." })
    );
}

#[tokio::test]
async fn root_rejects_bad_authorization_headers() {
    let app = spawn_app().await;
    let cases = [
        ("Token abc", 401, "Invalid token."),
        (
            "Token 0123456789012345678901234567890123456789",
            401,
            "Invalid token.",
        ),
        (
            "Token",
            401,
            "Invalid token header. No credentials provided.",
        ),
        (
            "Token a b",
            401,
            "Invalid token header. Token string should not contain spaces.",
        ),
        // Basic authentication is not enabled, so the request counts as anonymous.
        (
            "Basic YWRtaW5AdHdlZXRjaGVjay5jb206YWRtaW4=",
            401,
            "Authentication credentials were not provided.",
        ),
    ];

    for (header, expected_status, detail) in cases {
        let response = app
            .get("/api/")
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, expected_status, "header {header:?}");
        assert_eq!(body, json!({ "detail": detail }), "header {header:?}");
    }
}

#[tokio::test]
async fn root_put_is_405_after_authentication() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let anonymous = app
        .request(reqwest::Method::PUT, "/api/")
        .send()
        .await
        .unwrap();
    let (anonymous_status, _) = status_and_json(anonymous).await;
    let response = with_token(app.request(reqwest::Method::PUT, "/api/"), &token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(anonymous_status, 401);
    assert_eq!(status, 405);
    assert_eq!(body, json!({ "detail": "Method \"PUT\" not allowed." }));
}

#[tokio::test]
async fn root_rejects_unacceptable_accept() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/"), &token)
        .header("Accept", "text/plain")
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 406);
    assert_eq!(
        body,
        json!({ "detail": "Could not satisfy the request Accept header." })
    );
}

#[tokio::test]
async fn server_shuts_down_gracefully() {
    let app = spawn_app().await;
    let address = app.base.clone();

    app.stop().await;

    let result = reqwest::get(format!("{address}/api/")).await;
    assert!(result.is_err(), "the server still answers after shutdown");
}
