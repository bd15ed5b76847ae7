//! `/api/devices/` and `/api/devices/{id}/`.

mod common;

use common::{delete, get_json, send_form, spawn_app, ADMIN, SCHEDULER};
use reqwest::Method;
use serde_json::json;

const TOKEN: &str = "abcdef0123456789";

#[tokio::test]
async fn devices_create_list_and_filter() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;

    let (empty_status, empty) = get_json(&app, "/api/devices/", &admin).await;
    let (status, created) = send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", TOKEN), ("user", "1")],
    )
    .await;
    send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", "other"), ("user", "3")],
    )
    .await;
    let (_, filtered) = get_json(&app, &format!("/api/devices/?token={TOKEN}"), &admin).await;
    let (_, all) = get_json(&app, "/api/devices/", &admin).await;

    assert_eq!(empty_status, 200);
    assert_eq!(empty, json!([]));
    assert_eq!(status, 201);
    assert_eq!(
        created.to_string(),
        json!({"token": TOKEN, "user": 1}).to_string()
    );
    assert_eq!(filtered, json!([{"token": TOKEN, "user": 1}]));
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn devices_create_requires_user() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;

    let (status, body) = send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", TOKEN)],
    )
    .await;
    let (other_org_status, other_org) = send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", TOKEN), ("user", "2")],
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(body, json!({"user": ["This field is required."]}));
    assert_eq!(other_org_status, 400);
    assert_eq!(
        other_org,
        json!({"user": ["Invalid pk \"2\" - object does not exist."]})
    );
}

#[tokio::test]
async fn devices_token_is_unique() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", TOKEN), ("user", "1")],
    )
    .await;

    let (status, body) = send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", TOKEN), ("user", "3")],
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"token": ["device with this token already exists."]})
    );
}

#[tokio::test]
async fn devices_detail_update_delete() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let scheduler = app.token(SCHEDULER).await;
    send_form(
        &app,
        Method::POST,
        "/api/devices/",
        &admin,
        &[("token", TOKEN), ("user", "1")],
    )
    .await;

    let (status, device) = get_json(&app, "/api/devices/1/", &admin).await;
    let (hidden_status, _) = get_json(&app, "/api/devices/1/", &scheduler).await;
    let (patch_status, patched) = send_form(
        &app,
        Method::PATCH,
        "/api/devices/1/",
        &admin,
        &[("user", "3")],
    )
    .await;
    let delete_status = delete(&app, "/api/devices/1/", &admin).await;
    let (after_status, _) = get_json(&app, "/api/devices/1/", &admin).await;

    assert_eq!(status, 200);
    assert_eq!(device, json!({"token": TOKEN, "user": 1}));
    assert_eq!(hidden_status, 404);
    assert_eq!(patch_status, 200);
    assert_eq!(patched, json!({"token": TOKEN, "user": 3}));
    assert_eq!(delete_status, 204);
    assert_eq!(after_status, 404);
}
