//! Behaviour shared by every route: trailing-slash redirects, 404, HEAD, OPTIONS, `?format=`.

mod common;

use common::{spawn_app, status_and_json, with_token, ADMIN};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn missing_slash_redirects_get_with_301() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    for (path, location) in [
        ("/api/tweets", "/api/tweets/"),
        ("/api/tweets/1", "/api/tweets/1/"),
        ("/api/actions?page=2", "/api/actions/?page=2"),
        ("/api", "/api/"),
    ] {
        let response = with_token(app.get(path), &token).send().await.unwrap();

        assert_eq!(response.status().as_u16(), 301, "{path}");
        assert_eq!(response.headers()["location"], location, "{path}");
    }
}

#[tokio::test]
async fn missing_slash_redirects_post_with_308() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.post("/api/tweets"), &token)
        .form(&[("handle", "1"), ("body", "x")])
        .send()
        .await
        .unwrap();
    let (_, list) = status_and_json(
        with_token(app.get("/api/tweets/"), &token)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(response.status().as_u16(), 308);
    assert_eq!(response.headers()["location"], "/api/tweets/");
    assert_eq!(
        list,
        json!([]),
        "a redirected POST must not create anything"
    );
}

#[tokio::test]
async fn unknown_path_is_json_404() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/nonexistent/"), &token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 404);
    assert_eq!(body, json!({"detail": "Not found."}));
}

#[tokio::test]
async fn head_returns_headers_without_body() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.request(Method::HEAD, "/api/tweets/"), &token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.bytes().await.unwrap();

    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json");
    assert!(body.is_empty());
}

#[tokio::test]
async fn options_without_own_handler_shows_metadata() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.request(Method::OPTIONS, "/api/"), &token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "name": "Api Root",
            "description": "",
            "renders": ["application/json", "text/html"],
            "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
        })
    );
}

#[tokio::test]
async fn format_query_overrides_accept() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/tweets/?format=json"), &token)
        .header("Accept", "text/plain")
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;
    let unknown = with_token(app.get("/api/tweets/?format=xml"), &token)
        .send()
        .await
        .unwrap();

    assert_eq!(status, 200);
    assert_eq!(body, json!([]));
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn format_suffix_selects_json() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/tweets.json"), &token)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn options_describes_detail_and_devices() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    with_token(app.post("/api/tweets/"), &token)
        .form(&[("handle", "1"), ("body", "x")])
        .send()
        .await
        .unwrap();

    let detail = with_token(app.request(Method::OPTIONS, "/api/tweets/1/"), &token)
        .send()
        .await
        .unwrap();
    let detail_allow = detail.headers()["allow"].to_str().unwrap().to_owned();
    let (detail_status, detail_body) = status_and_json(detail).await;
    let devices = with_token(app.request(Method::OPTIONS, "/api/devices/"), &token)
        .send()
        .await
        .unwrap();
    let (devices_status, devices_body) = status_and_json(devices).await;

    assert_eq!(detail_status, 200);
    assert_eq!(detail_allow, "GET, PUT, PATCH, DELETE, HEAD, OPTIONS");
    assert_eq!(detail_body["name"], "Tweet Instance");
    let fields: Vec<&str> = detail_body["actions"]["PUT"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "handle",
            "screen_name",
            "body",
            "status",
            "eta",
            "twitter_id",
            "author",
            "created",
            "last_editor",
            "last_modified"
        ]
    );
    assert_eq!(devices_status, 200);
    assert_eq!(devices_body["name"], "Device List");
    assert_eq!(
        devices_body["actions"]["POST"]["token"],
        json!({"type": "string", "required": true, "read_only": false, "label": "Token", "max_length": 64})
    );
    assert_eq!(
        devices_body["actions"]["POST"]["user"]["choices"],
        json!([
            {"value": "1", "display_name": "admin@tweetcheck.com"},
            {"value": "3", "display_name": "nonapprover@tweetcheck.com"}
        ])
    );
}
