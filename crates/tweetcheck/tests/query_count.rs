//! Every list costs one SQL statement, whatever its length.
//!
//! sqlx reports each statement it runs as a `tracing` event with the target `sqlx::query`, and
//! the statements that the server steps itself log one under `db::direct::LOG_TARGET`. The
//! server runs in this process, so a subscriber that counts those events counts the server's
//! statements. The subscriber is global, so this file contains a single test: another test running
//! beside it would add its own statements.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{send_form, spawn_app, with_token, TestApp, ADMIN};
use reqwest::Method;
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Counts the statements that sqlx runs.
struct StatementCounter(Arc<AtomicUsize>);

impl<S: Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let target = event.metadata().target();
        if target == "sqlx::query" || target == tweetcheck::db::direct::LOG_TARGET {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

const LISTS: [&str; 6] = [
    "/api/tweets/",
    "/api/tweets/?status=0",
    "/api/handles/",
    "/api/users/",
    "/api/devices/",
    "/api/actions/",
];

/// Returns the number of statements that `GET path` ran: the fewest of three requests, because
/// the server's scheduler may run a statement of its own during any one of them.
async fn statements_for(app: &TestApp, token: &str, path: &str, counter: &AtomicUsize) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        let before = counter.load(Ordering::SeqCst);
        let response = with_token(app.get(path), token).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.bytes().await.unwrap();
        fewest = fewest.min(counter.load(Ordering::SeqCst) - before);
    }
    fewest
}

async fn create(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) {
    let (status, body) = send_form(app, Method::POST, path, token, form).await;
    assert_eq!(status, 201, "POST {path}: {body}");
}

#[tokio::test]
async fn every_list_is_one_statement() {
    let counter = Arc::new(AtomicUsize::new(0));
    tracing_subscriber::registry()
        .with(StatementCounter(Arc::clone(&counter)))
        .init();
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    // The first request reads the token from the database, later ones from the cache.
    statements_for(&app, &token, "/api/", &counter).await;

    let mut short = Vec::new();
    for path in LISTS {
        short.push(statements_for(&app, &token, path, &counter).await);
    }
    for number in 0..12 {
        let body = format!("tweet {number}");
        create(
            &app,
            &token,
            "/api/tweets/",
            &[("handle", "1"), ("body", &body)],
        )
        .await;
    }
    for number in 0..3 {
        let name = format!("handle{number}");
        create(&app, &token, "/api/handles/", &[("screen_name", &name)]).await;
        let email = format!("user{number}@tweetcheck.com");
        create(&app, &token, "/api/users/", &[("email", &email)]).await;
        let device = format!("device{number}");
        create(
            &app,
            &token,
            "/api/devices/",
            &[("token", &device), ("user", "1")],
        )
        .await;
    }

    for (path, short_count) in LISTS.into_iter().zip(short) {
        let long_count = statements_for(&app, &token, path, &counter).await;

        assert_eq!(short_count, 1, "GET {path} with few rows");
        assert_eq!(long_count, 1, "GET {path} with more rows");
    }
}
