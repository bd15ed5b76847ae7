//! `/api/actions/`: the paginated, read-only audit log.

mod common;

use common::{get_json, send_form, spawn_app, status_and_json, with_token, ADMIN, SCHEDULER};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn actions_paginate_newest_first() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    for index in 1..=12 {
        let body = format!("filler tweet {index}");
        send_form(
            &app,
            Method::POST,
            "/api/tweets/",
            &token,
            &[("handle", "1"), ("body", &body)],
        )
        .await;
    }
    let base = &app.base;

    let (status, first) = get_json(&app, "/api/actions/", &token).await;
    let (_, second) = get_json(&app, "/api/actions/?page=2", &token).await;
    let (_, last) = get_json(&app, "/api/actions/?page=last", &token).await;
    let (beyond_status, beyond) = get_json(&app, "/api/actions/?page=3", &token).await;
    let (text_status, _) = get_json(&app, "/api/actions/?page=abc", &token).await;

    assert_eq!(status, 200);
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["count", "next", "previous", "results"]);
    assert_eq!(first["count"], 12);
    assert_eq!(first["next"], format!("{base}/api/actions/?page=2"));
    assert_eq!(first["previous"], json!(null));
    assert_eq!(first["results"].as_array().unwrap().len(), 10);
    assert_eq!(first["results"][0]["id"], 12);
    assert_eq!(first["results"][0]["body"], "filler tweet 12");
    assert_eq!(first["results"][0]["actor"], "admin");
    assert_eq!(first["results"][0]["action"], "created");
    assert_eq!(second["previous"], format!("{base}/api/actions/"));
    assert_eq!(second["next"], json!(null));
    assert_eq!(second["results"].as_array().unwrap().len(), 2);
    assert_eq!(last, second);
    assert_eq!(beyond_status, 404);
    assert_eq!(beyond, json!({"detail": "Invalid page."}));
    assert_eq!(text_status, 404);
}

#[tokio::test]
async fn actions_filter_by_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[("handle", "1"), ("body", "one")],
    )
    .await;
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[("handle", "1"), ("body", "two")],
    )
    .await;
    send_form(
        &app,
        Method::PATCH,
        "/api/tweets/1/",
        &token,
        &[("body", "one edited")],
    )
    .await;

    let (status, body) = get_json(&app, "/api/actions/?tweet=1", &token).await;

    assert_eq!(status, 200);
    assert_eq!(body["count"], 2);
    let kinds: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["edited", "created"]);
    assert_eq!(body["results"][0]["body"], "one edited");
}

#[tokio::test]
async fn actions_are_read_only() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.post("/api/actions/"), &token)
        .form(&[("body", "x")])
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 405);
    assert_eq!(allow, "GET, HEAD, OPTIONS");
    assert_eq!(body, json!({"detail": "Method \"POST\" not allowed."}));
}

#[tokio::test]
async fn actions_detail_and_scoping() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let scheduler = app.token(SCHEDULER).await;
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[("handle", "1"), ("body", "one")],
    )
    .await;

    let (status, action) = get_json(&app, "/api/actions/1/", &token).await;
    let (hidden_status, _) = get_json(&app, "/api/actions/1/", &scheduler).await;
    let (_, hidden_list) = get_json(&app, "/api/actions/", &scheduler).await;

    assert_eq!(status, 200);
    let keys: Vec<&str> = action
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "organization",
            "handle",
            "actor",
            "action",
            "tweet",
            "body",
            "timestamp"
        ]
    );
    assert_eq!(action["organization"], 1);
    assert_eq!(action["tweet"], 1);
    assert_eq!(hidden_status, 404);
    assert_eq!(
        hidden_list,
        json!({"count": 0, "next": null, "previous": null, "results": []})
    );
}
