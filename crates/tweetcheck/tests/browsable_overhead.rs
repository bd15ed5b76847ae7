//! The cost of the browsable API's layer for JSON clients, which is on the path of every load
//! test request. Ignored by default because it measures instead of checking.
//!
//! Run it with optimizations, for example
//! `CARGO_PROFILE_DEV_OPT_LEVEL=3 cargo test -p tweetcheck --test browsable_overhead -- --ignored --nocapture`.
//! It prints the time per request through a trivial router with and without the layer,
//! measured alternately in the same run, and their difference.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower::ServiceExt;
use tweetcheck::db::Db;
use tweetcheck::AppState;

/// Requests per measured batch.
const BATCH: u32 = 20_000;

/// Batches per variant, alternating between the variants.
const ROUNDS: u32 = 5;

fn router() -> Router {
    Router::new().route(
        "/api/tweets/",
        get(|| async { Json(json!({"id": 1, "body": "hello"})) })
            .post(|body: String| async move { Json(json!({ "length": body.len() })) }),
    )
}

fn get_request() -> Request {
    Request::get("/api/tweets/")
        .header("Accept", "application/json")
        .header("Authorization", format!("Token {}", "0".repeat(40)))
        .body(Body::empty())
        .unwrap()
}

fn form_request() -> Request {
    Request::post("/api/tweets/")
        .header("Accept", "application/json")
        .header("Authorization", format!("Token {}", "0".repeat(40)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(Body::from(
            "handle=1&body=This+tweet+brought+to+you+by+the+workshop",
        ))
        .unwrap()
}

async fn run_batch(app: &Router, request: fn() -> Request) -> Duration {
    let started = Instant::now();
    for _ in 0..BATCH {
        let response = app.clone().oneshot(request()).await.unwrap();
        assert_eq!(response.status(), 200);
        let _ = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
    }
    started.elapsed()
}

#[tokio::test]
#[ignore = "a measurement, not a check: run with --ignored --nocapture"]
async fn layer_cost_per_json_request() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("overhead.db").display());
    let state = AppState::new(Db::open(&url).await.unwrap());
    let plain = router();
    let wrapped = tweetcheck::html::wrap(router(), state);

    for (name, request) in [
        ("GET", get_request as fn() -> Request),
        ("form POST", form_request),
    ] {
        let (mut without, mut with) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..ROUNDS {
            without += run_batch(&plain, request).await;
            with += run_batch(&wrapped, request).await;
        }
        let per_request = |total: Duration| total.as_nanos() as f64 / f64::from(BATCH * ROUNDS);
        let (base, layered) = (per_request(without), per_request(with));
        println!(
            "{name}: {base:.0} ns without the layer, {layered:.0} ns with it, \
             +{:.0} ns ({:.2}x)",
            layered - base,
            layered / base
        );
    }
}
