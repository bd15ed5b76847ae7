//! Request bodies over the size limit get 413 whatever their content type.

mod common;

use common::{spawn_app, status_and_json, with_token, ADMIN};
use serde_json::json;

const LIMIT: usize = 2 << 20;

const TOO_LARGE: &str = "Request body is too large. The limit is 2 MiB (2097152 bytes).";

#[tokio::test]
async fn body_over_limit_gets_413() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let padding = "x".repeat(LIMIT + 1024);
    let form = format!("handle=1&body={padding}");
    let json_body = json!({"handle": 1, "body": padding}).to_string();
    let cases = [
        ("application/x-www-form-urlencoded", form),
        ("application/json", json_body),
    ];

    for (content_type, body) in cases {
        let response = with_token(app.post("/api/tweets/"), &token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, detail) = status_and_json(response).await;

        assert_eq!(status, 413, "{content_type}: {detail}");
        assert_eq!(detail, json!({ "detail": TOO_LARGE }), "{content_type}");
    }

    let multipart = reqwest::multipart::Form::new()
        .text("handle", "1")
        .text("body", padding.clone());
    let response = with_token(app.post("/api/tweets/"), &token)
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    let (status, detail) = status_and_json(response).await;

    assert_eq!(status, 413, "multipart: {detail}");
    assert_eq!(detail, json!({ "detail": TOO_LARGE }), "multipart");
}

#[tokio::test]
async fn form_under_limit_reaches_validation() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    // Over 1 MiB, so a separate, smaller limit for forms would reject it.
    let form = format!("handle=1&body={}", "x".repeat(LIMIT - 1024));

    let response = with_token(app.post("/api/tweets/"), &token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"body": ["Tweet body is too long", "Ensure this field has no more than 250 characters."]})
    );
}
