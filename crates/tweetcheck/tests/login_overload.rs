//! Logins beyond the password queue get 503 with `Retry-After` instead of piling up.
//!
//! The password pool is shared by the whole process, so this file contains a single test, which
//! shrinks the pool to one computation and no queue before any server starts.

mod common;

use std::num::NonZeroUsize;

use common::{spawn_app, status_and_json, ADMIN};
use serde_json::json;
use tweetcheck::auth::password::PasswordPool;

#[tokio::test]
async fn token_auth_beyond_queue_is_503() {
    PasswordPool::set_shared(PasswordPool::new(NonZeroUsize::MIN, 0))
        .expect("no password was hashed before this test");
    let app = spawn_app().await;

    let logins = (0..20).map(|_| {
        app.post("/api-token-auth/")
            .form(&[("username", ADMIN.0), ("password", ADMIN.1)])
            .send()
    });
    let responses = futures::future::join_all(logins).await;

    let mut accepted = 0;
    let mut rejected = 0;
    for response in responses {
        let response = response.expect("send the login");
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|value| value.to_str().unwrap().to_owned());
        let (status, body) = status_and_json(response).await;
        match status {
            200 => {
                accepted += 1;
                assert!(body["token"].is_string(), "200 without a token: {body}");
            }
            503 => {
                rejected += 1;
                assert_eq!(retry_after.as_deref(), Some("1"), "503 without Retry-After");
                assert_eq!(
                    body,
                    json!({"detail": "The server is busy checking other passwords. Retry in a few seconds."})
                );
            }
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert!(accepted >= 1, "no login got through");
    assert!(rejected >= 1, "no login was rejected");
}
