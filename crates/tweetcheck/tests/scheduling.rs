//! The scheduler: scheduled tweets are posted at their eta, also after a restart.

mod common;

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use common::{get_json, send_form, spawn_app, spawn_app_on, TestApp, ADMIN};
use reqwest::Method;
use serde_json::Value;

const ETA_FORMAT_ERROR: &str = "Datetime has wrong format. Use one of these formats instead: \
    YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z], MM/DD/YYYY hh:mm [AM|PM].";

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

#[tokio::test]
async fn eta_outside_years_1_to_9999_is_rejected() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let cases = [
        ("9999-12-31T23:59-23:59", "Datetime value out of range."),
        ("0001-01-01T00:00+00:01", "Datetime value out of range."),
        ("0000-01-01T00:00", ETA_FORMAT_ERROR),
    ];

    for (eta, message) in cases {
        let (status, body) = send_form(
            &app,
            Method::POST,
            "/api/tweets/",
            &token,
            &[
                ("handle", "1"),
                ("body", "far away"),
                ("status", "3"),
                ("eta", eta),
            ],
        )
        .await;

        assert_eq!(status, 400, "eta {eta:?}: {body}");
        assert_eq!(body, serde_json::json!({ "eta": [message] }), "eta {eta:?}");
    }
}

#[tokio::test]
async fn eta_with_five_digit_year_is_not_due() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[
            ("handle", "1"),
            ("body", "far future"),
            ("status", "3"),
            ("eta", "2030-01-01T00:00Z"),
        ],
    )
    .await;
    // The API rejects such an eta, so the test writes it straight into the database, as a
    // database from an older version could hold it. Its text, starting with `+`, sorts
    // before every four-digit year.
    let db = common::database(&app).await;
    sqlx::query("UPDATE tweets SET eta = '+10000-01-01T23:58:00.000000Z' WHERE id = 1")
        .execute(&db)
        .await
        .unwrap();

    let eta = eta_in(1);
    send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[
            ("handle", "1"),
            ("body", "soon"),
            ("status", "3"),
            ("eta", &eta),
        ],
    )
    .await;
    wait_for(&app, &token, 2, |tweet| tweet["status"] == 1).await;
    let (_, far) = get_json(&app, "/api/tweets/1/", &token).await;

    assert_eq!(far["status"], 3);
    assert_eq!(far["twitter_id"], "");
}
