//! `/api/counts/`.

mod common;

use common::{get_json, send_form, spawn_app, status_and_json, ADMIN, SCHEDULER};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn counts_pending_and_scheduled() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    for body in ["one", "two", "three"] {
        send_form(
            &app,
            Method::POST,
            "/api/tweets/",
            &token,
            &[("handle", "1"), ("body", body)],
        )
        .await;
    }
    send_form(
        &app,
        Method::PATCH,
        "/api/tweets/2/",
        &token,
        &[("status", "3"), ("eta", "2030-01-01T12:00:00Z")],
    )
    .await;
    send_form(
        &app,
        Method::PATCH,
        "/api/tweets/3/",
        &token,
        &[("status", "1")],
    )
    .await;

    let (status, body) = get_json(&app, "/api/counts/", &token).await;
    let (suffix_status, suffix_body) = get_json(&app, "/api/counts/anything", &token).await;

    assert_eq!(status, 200);
    assert_eq!(
        body.to_string(),
        json!({"pending": 1, "scheduled": 1}).to_string()
    );
    assert_eq!(suffix_status, 200);
    assert_eq!(suffix_body, body);
}

#[tokio::test]
async fn counts_for_user_without_organization_are_zero() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let scheduler = app.token(SCHEDULER).await;
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &admin,
        &[("handle", "1"), ("body", "one")],
    )
    .await;

    let (status, body) = get_json(&app, "/api/counts/", &scheduler).await;

    assert_eq!(status, 200);
    assert_eq!(body, json!({"pending": 0, "scheduled": 0}));
}

#[tokio::test]
async fn counts_require_authentication() {
    let app = spawn_app().await;

    let response = app.get("/api/counts/").send().await.unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"detail": "Authentication credentials were not provided."})
    );
}
