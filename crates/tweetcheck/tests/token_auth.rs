//! `POST /api-token-auth/`.

mod common;

use common::{spawn_app, status_and_json, ADMIN};
use serde_json::json;

#[tokio::test]
async fn token_auth_form_returns_token() {
    let app = spawn_app().await;

    let response = app
        .post("/api-token-auth/")
        .form(&[("username", ADMIN.0), ("password", ADMIN.1)])
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 40);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
}

#[tokio::test]
async fn token_auth_json_returns_same_token() {
    let app = spawn_app().await;
    let form_token = app.token(ADMIN).await;

    let response = app
        .post("/api-token-auth/")
        .json(&json!({ "username": ADMIN.0, "password": ADMIN.1 }))
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(body, json!({ "token": form_token }));
}

#[tokio::test]
async fn token_auth_multipart_returns_token() {
    let app = spawn_app().await;
    let expected = app.token(ADMIN).await;
    let form = reqwest::multipart::Form::new()
        .text("username", ADMIN.0)
        .text("password", ADMIN.1);

    let response = app
        .post("/api-token-auth/")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(body, json!({ "token": expected }));
}

#[tokio::test]
async fn token_auth_rejects_wrong_password() {
    let app = spawn_app().await;

    let response = app
        .post("/api-token-auth/")
        .form(&[("username", ADMIN.0), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({ "non_field_errors": ["Unable to log in with provided credentials."] })
    );
}

#[tokio::test]
async fn token_auth_rejects_unknown_user() {
    let app = spawn_app().await;

    let response = app
        .post("/api-token-auth/")
        .form(&[("username", "nobody@tweetcheck.com"), ("password", "admin")])
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({ "non_field_errors": ["Unable to log in with provided credentials."] })
    );
}

#[tokio::test]
async fn token_auth_missing_and_blank_fields() {
    let app = spawn_app().await;
    let cases: [(&str, serde_json::Value); 3] = [
        (
            "",
            json!({"username": ["This field is required."], "password": ["This field is required."]}),
        ),
        (
            "username=admin%40tweetcheck.com",
            json!({"password": ["This field is required."]}),
        ),
        (
            "username=&password=",
            json!({"username": ["This field may not be blank."], "password": ["This field may not be blank."]}),
        ),
    ];

    for (form, expected) in cases {
        let response = app
            .post("/api-token-auth/")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, 400, "form {form:?}");
        assert_eq!(body, expected, "form {form:?}");
        // Field order matters to clients that compare text.
        assert_eq!(body.to_string(), expected.to_string(), "form {form:?}");
    }
}

#[tokio::test]
async fn token_auth_get_is_405_with_allow() {
    let app = spawn_app().await;

    let response = app.get("/api-token-auth/").send().await.unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 405);
    assert_eq!(allow, "POST, OPTIONS");
    assert_eq!(body, json!({ "detail": "Method \"GET\" not allowed." }));
}

#[tokio::test]
async fn token_auth_burst_gets_one_token() {
    let app = spawn_app().await;

    let logins = (0..30).map(|_| {
        app.post("/api-token-auth/")
            .form(&[("username", ADMIN.0), ("password", ADMIN.1)])
            .send()
    });
    let responses = futures::future::join_all(logins).await;

    let mut tokens = Vec::new();
    for response in responses {
        let (status, body) = status_and_json(response.expect("send the login")).await;
        assert_eq!(status, 200, "{body}");
        tokens.push(body["token"].as_str().unwrap().to_owned());
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "concurrent logins got different tokens");
}
