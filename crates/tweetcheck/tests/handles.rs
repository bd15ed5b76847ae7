//! `/api/handles/` and `/api/handles/{id}/`.

mod common;

use common::{delete, get_json, send_form, spawn_app, ADMIN, NONAPPROVER, SCHEDULER};
use reqwest::Method;
use serde_json::json;

fn seeded_handle() -> serde_json::Value {
    json!({
        "id": 1,
        "screen_name": "tweetcheck",
        "organization": "Test Org",
        "name_with_organization": "tweetcheck (@tweetcheck)",
        "user_id": 2742041292_i64,
        "name": "tweetcheck",
        "profile_image_url": "https://pbs.twimg.com/profile_images/0/tweetcheck_normal.png",
    })
}

#[tokio::test]
async fn handles_list_shows_seeded_handle() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = get_json(&app, "/api/handles/", &token).await;

    assert_eq!(status, 200);
    assert_eq!(body.to_string(), json!([seeded_handle()]).to_string());
}

#[tokio::test]
async fn handles_create_in_callers_organization() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = send_form(
        &app,
        Method::POST,
        "/api/handles/",
        &token,
        &[("screen_name", "other")],
    )
    .await;
    let (_, list) = get_json(&app, "/api/handles/", &token).await;

    assert_eq!(status, 201);
    assert_eq!(body["id"], 2);
    assert_eq!(body["screen_name"], "other");
    assert_eq!(body["organization"], "Test Org");
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn handles_create_requires_screen_name() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = send_form(
        &app,
        Method::POST,
        "/api/handles/",
        &token,
        &[("name", "x")],
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(body, json!({"screen_name": ["This field is required."]}));
}

#[tokio::test]
async fn handles_patch_saves_fields_as_sent() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = send_form(
        &app,
        Method::PATCH,
        "/api/handles/1/",
        &token,
        &[("name", "Renamed")],
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(body["name"], "Renamed");
    assert_eq!(body["name_with_organization"], "Renamed (@tweetcheck)");
    assert_eq!(body["screen_name"], "tweetcheck");
}

#[tokio::test]
async fn handles_patch_rejects_bad_user_id() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = send_form(
        &app,
        Method::PATCH,
        "/api/handles/1/",
        &token,
        &[("user_id", "abc")],
    )
    .await;
    let (_, unchanged) = get_json(&app, "/api/handles/1/", &token).await;

    assert_eq!(status, 400);
    assert_eq!(body, json!({"user_id": ["A valid integer is required."]}));
    assert_eq!(unchanged, seeded_handle());
}

#[tokio::test]
async fn handles_of_other_organizations_are_404() {
    let app = spawn_app().await;
    let scheduler = app.token(SCHEDULER).await;

    let (list_status, list) = get_json(&app, "/api/handles/", &scheduler).await;
    let (detail_status, _) = get_json(&app, "/api/handles/1/", &scheduler).await;
    let delete_status = delete(&app, "/api/handles/1/", &scheduler).await;
    let (create_status, _) = send_form(
        &app,
        Method::POST,
        "/api/handles/",
        &scheduler,
        &[("screen_name", "x")],
    )
    .await;

    assert_eq!(list_status, 200);
    assert_eq!(list, json!([]));
    assert_eq!(detail_status, 404);
    assert_eq!(delete_status, 404);
    assert_eq!(create_status, 403);
}

#[tokio::test]
async fn handles_delete_removes_its_tweets() {
    let app = spawn_app().await;
    let token = app.token(NONAPPROVER).await;
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[("handle", "1"), ("body", "x")],
    )
    .await;

    let status = delete(&app, "/api/handles/1/", &token).await;
    let (_, tweets) = get_json(&app, "/api/tweets/", &token).await;
    let (_, handles) = get_json(&app, "/api/handles/", &token).await;

    assert_eq!(status, 204);
    assert_eq!(tweets, json!([]));
    assert_eq!(handles, json!([]));
}
