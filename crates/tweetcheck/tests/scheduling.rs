//! The scheduler: scheduled tweets are posted at their eta, also after a restart.

mod common;

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use common::{get_json, send_form, spawn_app, spawn_app_on, TestApp, ADMIN};
use reqwest::Method;
use serde_json::Value;

fn eta_in(seconds: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Polls the tweet until `done` holds, for at most 10 seconds.
async fn wait_for(app: &TestApp, token: &str, id: i64, done: impl Fn(&Value) -> bool) -> Value {
    let path = format!("/api/tweets/{id}/");
    for _ in 0..100 {
        let (_, tweet) = get_json(app, &path, token).await;
        if done(&tweet) {
            return tweet;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("tweet {id} did not reach the expected state in 10 s");
}

#[tokio::test]
async fn scheduled_tweet_is_posted_at_eta() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let eta = eta_in(1);

    let (status, created) = send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[
            ("handle", "1"),
            ("body", "later"),
            ("status", "3"),
            ("eta", &eta),
        ],
    )
    .await;
    let posted = wait_for(&app, &token, 1, |tweet| tweet["status"] == 1).await;

    assert_eq!(status, 201);
    assert_eq!(created["status"], 3);
    assert!(!posted["twitter_id"].as_str().unwrap().is_empty());
    assert_eq!(posted["last_editor"], "scheduler");
    let (_, actions) = get_json(&app, "/api/actions/?tweet=1", &token).await;
    assert_eq!(actions["results"][0]["action"], "posted");
    assert_eq!(actions["results"][0]["actor"], "scheduler");
    assert_eq!(actions["results"][1]["action"], "scheduled");
}

#[tokio::test]
async fn schedule_survives_restart() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let eta = eta_in(2);
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[
            ("handle", "1"),
            ("body", "after restart"),
            ("status", "3"),
            ("eta", &eta),
        ],
    )
    .await;

    let (dir, database_url) = app.stop().await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let restarted = spawn_app_on(dir, database_url).await;
    let posted = wait_for(&restarted, &token, 1, |tweet| tweet["status"] == 1).await;

    assert_eq!(posted["body"], "after restart");
}

#[tokio::test]
async fn pending_tweet_loses_passed_eta() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let eta = eta_in(1);

    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[("handle", "1"), ("body", "pending"), ("eta", &eta)],
    )
    .await;
    let cleared = wait_for(&app, &token, 1, |tweet| tweet["eta"].is_null()).await;

    assert_eq!(cleared["status"], 0);
}

#[tokio::test]
async fn unscheduled_tweet_is_not_posted() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let eta = eta_in(1);
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[
            ("handle", "1"),
            ("body", "cancelled"),
            ("status", "3"),
            ("eta", &eta),
        ],
    )
    .await;

    send_form(
        &app,
        Method::PATCH,
        "/api/tweets/1/",
        &token,
        &[("status", "0"), ("eta", "")],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, tweet) = get_json(&app, "/api/tweets/1/", &token).await;

    assert_eq!(tweet["status"], 0);
    assert_eq!(tweet["twitter_id"], "");
}
