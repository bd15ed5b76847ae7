//! `/auth/*`: registration, activation, invitations and the local Twitter sign-in.

mod common;

use common::{
    database, get_json, send_form, send_json, spawn_app, status_and_json, with_token, TestApp,
    ADMIN, FORBIDDEN, NONAPPROVER,
};
use reqwest::Method;
use serde_json::{json, Value};

/// Returns the key from the newest e-mail to `recipient` in the outbox.
async fn key_from_outbox(app: &TestApp, recipient: &str) -> String {
    let pool = database(app).await;
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")
            .bind(recipient)
            .fetch_one(&pool)
            .await
            .expect("an e-mail in the outbox");
    let (_, key) = body.split_once("key=").expect("a key in the e-mail");
    key.chars().take_while(char::is_ascii_hexdigit).collect()
}

async fn register(app: &TestApp, body: Value) -> (u16, String) {
    let response = app.post("/auth/register").json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn register_then_activate_then_login() {
    let app = spawn_app().await;
    let account = json!({"email": "new@example.com", "password": "pw", "organization": "New Org"});

    let (status, body) = register(&app, account.clone()).await;
    let inactive = app
        .post("/api-token-auth/")
        .form(&[("username", "new@example.com"), ("password", "pw")])
        .send()
        .await
        .unwrap();
    let (inactive_status, inactive_body) = status_and_json(inactive).await;
    let key = key_from_outbox(&app, "new@example.com").await;
    let activation = app
        .get(&format!("/auth/activate?key={key}"))
        .send()
        .await
        .unwrap();
    let (activate_status, activated) = status_and_json(activation).await;
    let token = app.token(("new@example.com", "pw")).await;
    let (_, users) = get_json(&app, "/api/users/", &token).await;
    let reuse = app
        .get(&format!("/auth/activate?key={key}"))
        .send()
        .await
        .unwrap();

    assert_eq!(status, 200);
    assert_eq!(body, "");
    assert_eq!(inactive_status, 400);
    assert_eq!(
        inactive_body,
        json!({"non_field_errors": ["Unable to log in with provided credentials."]})
    );
    assert_eq!(activate_status, 200);
    assert_eq!(activated, json!({"token": token}));
    assert_eq!(users[0]["is_approver"], true);
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(reuse.status().as_u16(), 400);
}

#[tokio::test]
async fn register_rejects_duplicate_and_invalid() {
    let app = spawn_app().await;
    let account = json!({"email": "new@example.com", "password": "pw", "organization": "New Org"});
    register(&app, account.clone()).await;

    let (duplicate_status, duplicate) = register(&app, account).await;
    let (invalid_status, invalid) = register(&app, json!({"email": "not-an-email"})).await;

    assert_eq!(duplicate_status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&duplicate).unwrap(),
        json!({"error": "Email address new@example.com already has a TweetCheck account."})
    );
    assert_eq!(invalid_status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&invalid).unwrap().to_string(),
        json!({"email": ["Enter a valid email address."], "password": ["This field is required."], "organization": ["This field is required."]}).to_string()
    );
}

#[tokio::test]
async fn invite_and_activate_invitation() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;

    let (status, invited) = send_form(
        &app,
        Method::POST,
        "/auth/invite",
        &admin,
        &[("email", "friend@tweetcheck.com")],
    )
    .await;
    let first_key = key_from_outbox(&app, "friend@tweetcheck.com").await;
    let (reinvite_status, _) = send_form(
        &app,
        Method::POST,
        "/auth/reinvite",
        &admin,
        &[("email", "friend@tweetcheck.com")],
    )
    .await;
    let key = key_from_outbox(&app, "friend@tweetcheck.com").await;
    let old_key = app
        .post("/auth/activate-invitation")
        .form(&[("key", first_key.as_str()), ("password", "secret")])
        .send()
        .await
        .unwrap();
    let activation = app
        .post("/auth/activate-invitation")
        .form(&[("key", key.as_str()), ("password", "secret")])
        .send()
        .await
        .unwrap();
    let (activate_status, activated) = status_and_json(activation).await;
    let token = app.token(("friend@tweetcheck.com", "secret")).await;
    let (_, handles) = get_json(&app, "/api/handles/", &token).await;

    assert_eq!(status, 201);
    assert_eq!(invited["email"], "friend@tweetcheck.com");
    assert_eq!(reinvite_status, 200);
    assert_ne!(first_key, key);
    assert_eq!(old_key.status().as_u16(), 400);
    assert_eq!(activate_status, 200);
    assert_eq!(activated, json!({"token": token}));
    assert_eq!(handles[0]["organization"], "Test Org");
}

#[tokio::test]
async fn invite_requires_an_approver_token() {
    let app = spawn_app().await;
    let nonapprover = app.token(NONAPPROVER).await;

    let anonymous = app
        .post("/auth/invite")
        .form(&[("email", "x@tweetcheck.com")])
        .send()
        .await
        .unwrap();
    let anonymous_reinvite = app
        .post("/auth/reinvite")
        .form(&[("email", "x@tweetcheck.com")])
        .send()
        .await
        .unwrap();
    let (status, body) = send_form(
        &app,
        Method::POST,
        "/auth/invite",
        &nonapprover,
        &[("email", "x@tweetcheck.com")],
    )
    .await;
    let (reinvite_status, _) = send_form(
        &app,
        Method::POST,
        "/auth/reinvite",
        &nonapprover,
        &[("email", "x@tweetcheck.com")],
    )
    .await;

    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(anonymous_reinvite.status().as_u16(), 401);
    assert_eq!(status, 403);
    assert_eq!(body, json!({"detail": FORBIDDEN}));
    assert_eq!(reinvite_status, 403);
}

#[tokio::test]
async fn invite_rejects_existing_account() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;

    let (status, body) = send_json(
        &app,
        Method::POST,
        "/auth/invite",
        &admin,
        json!({"email": "nonapprover@tweetcheck.com"}),
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "Email address nonapprover@tweetcheck.com already has a TweetCheck account."})
    );
}

#[tokio::test]
async fn twitter_signin_adds_a_local_handle() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;

    let (status, body) = get_json(&app, "/auth/request", &admin).await;
    let url = body["authorizationUrl"].as_str().unwrap().to_owned();
    let path = url
        .strip_prefix(&app.base)
        .expect("a URL on this server")
        .to_owned();
    let callback = with_token(app.get(&format!("{path}&screen_name=locust")), &admin)
        .send()
        .await
        .unwrap();
    let (callback_status, handle) = status_and_json(callback).await;
    let missing = with_token(app.get(&path), &admin).send().await.unwrap();

    assert_eq!(status, 200);
    assert!(
        url.starts_with(&format!("{}/auth/callback?oauth_token=local-", app.base)),
        "{url}"
    );
    assert_eq!(callback_status, 201);
    assert_eq!(handle["screen_name"], "locust");
    assert_eq!(handle["organization"], "Test Org");
    assert_eq!(missing.status().as_u16(), 400);
}
