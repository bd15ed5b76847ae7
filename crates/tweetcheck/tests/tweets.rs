//! `/api/tweets/` and `/api/tweets/{id}/`.

mod common;

use common::{
    get_json, send_json, spawn_app, status_and_json, with_token, TestApp, ADMIN, NONAPPROVER,
    SCHEDULER,
};
use reqwest::Method;
use serde_json::{json, Value};

const LOCUST_BODY: &str = "This tweet brought to you by Locust";

async fn post_form(app: &TestApp, token: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = with_token(app.post("/api/tweets/"), token)
        .form(form)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

fn assert_utc_datetime(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a datetime: {value}"));
    assert!(text.ends_with('Z'), "{text} is not UTC with Z");
    assert!(
        chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "{text} is not ISO 8601"
    );
}

#[tokio::test]
async fn list_is_empty_at_start() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = get_json(&app, "/api/tweets/", &token).await;

    assert_eq!(status, 200);
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn create_form_returns_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = post_form(&app, &token, &[("handle", "1"), ("body", LOCUST_BODY)]).await;

    assert_eq!(status, 201);
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
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
    assert_eq!(body["id"], 1);
    assert_eq!(body["handle"], 1);
    assert_eq!(body["screen_name"], "tweetcheck");
    assert_eq!(body["body"], LOCUST_BODY);
    assert_eq!(body["status"], 0);
    assert_eq!(body["eta"], Value::Null);
    assert_eq!(body["twitter_id"], "");
    assert_eq!(body["author"], "admin");
    assert_eq!(body["last_editor"], "admin");
    assert_utc_datetime(&body["created"]);
    assert_eq!(body["created"], body["last_modified"]);
}

#[tokio::test]
async fn create_json_returns_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = send_json(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        json!({"handle": 1, "body": "This tweet brought to you by Locust (JSON)"}),
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(body["body"], "This tweet brought to you by Locust (JSON)");
    assert_eq!(body["handle"], 1);
}

#[tokio::test]
async fn create_multipart_returns_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let form = reqwest::multipart::Form::new()
        .text("handle", "1")
        .text("body", "multipart");

    let response = with_token(app.post("/api/tweets/"), &token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 201);
    assert_eq!(body["body"], "multipart");
}

#[tokio::test]
async fn body_length_counts_combined_accents_once() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    // "e" followed by U+0301 COMBINING ACUTE ACCENT shows as one "é" but is two code points.
    let visible_100 = "e\u{301}".repeat(100);
    let visible_141 = "e\u{301}".repeat(141);

    let (status, created) =
        post_form(&app, &token, &[("handle", "1"), ("body", &visible_100)]).await;
    let (too_long_status, too_long) =
        post_form(&app, &token, &[("handle", "1"), ("body", &visible_141)]).await;

    assert_eq!(status, 201, "{created}");
    assert_eq!(created["body"], visible_100.as_str());
    assert_eq!(too_long_status, 400);
    // The 250-character column limit counts code points as sent, as Django's `max_length` did.
    assert_eq!(
        too_long,
        json!({"body": ["Tweet body is too long", "Ensure this field has no more than 250 characters."]})
    );
}

#[tokio::test]
async fn create_rejects_invalid_fields() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let long_url_body = format!("https://example.com/{} {}", "a".repeat(80), "b".repeat(110));
    let x200 = "x".repeat(200);
    let y260 = "y".repeat(260);
    let cases: Vec<(Vec<(&str, &str)>, Value)> = vec![
        (
            vec![("handle", "1"), ("body", &x200)],
            json!({"body": ["Tweet body is too long"]}),
        ),
        (
            vec![("handle", "1"), ("body", &y260)],
            json!({"body": ["Tweet body is too long", "Ensure this field has no more than 250 characters."]}),
        ),
        (
            vec![("handle", "1"), ("body", "")],
            json!({"body": ["This field may not be blank."]}),
        ),
        (
            vec![("body", LOCUST_BODY)],
            json!({"handle": ["This field is required."]}),
        ),
        (
            vec![("handle", "999"), ("body", LOCUST_BODY)],
            json!({"handle": ["Invalid pk \"999\" - object does not exist."]}),
        ),
        (
            vec![("handle", "abc"), ("body", LOCUST_BODY)],
            json!({"handle": ["Incorrect type. Expected pk value, received str."]}),
        ),
        (
            vec![("handle", "1"), ("body", "hello"), ("status", "7")],
            json!({"status": ["\"7\" is not a valid choice."]}),
        ),
        (
            vec![("handle", "1"), ("body", "eta-test"), ("eta", "tomorrow")],
            json!({"eta": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z], MM/DD/YYYY hh:mm [AM|PM]."]}),
        ),
        (
            vec![("handle", "1"), ("body", "no eta"), ("status", "3")],
            json!({"eta": ["A scheduled tweet needs an eta."]}),
        ),
        // The handle is checked before the schedule, and with the other fields.
        (
            vec![("handle", "999"), ("body", "no eta"), ("status", "3")],
            json!({"handle": ["Invalid pk \"999\" - object does not exist."]}),
        ),
        (
            vec![("handle", "999"), ("body", "")],
            json!({
                "handle": ["Invalid pk \"999\" - object does not exist."],
                "body": ["This field may not be blank."]
            }),
        ),
    ];

    for (form, expected) in cases {
        let (status, body) = post_form(&app, &token, &form).await;

        assert_eq!(status, 400, "form {form:?}");
        assert_eq!(body.to_string(), expected.to_string(), "form {form:?}");
    }
    let (status, _) = post_form(&app, &token, &[("handle", "1"), ("body", &long_url_body)]).await;
    assert_eq!(status, 201, "a long URL counts as 23 characters");
    let (_, list) = get_json(&app, "/api/tweets/", &token).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "a rejected tweet was stored"
    );
}

#[tokio::test]
async fn create_empty_form_lists_required_fields() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.post("/api/tweets/"), &token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 400);
    assert_eq!(
        body.to_string(),
        json!({"handle": ["This field is required."], "body": ["This field is required."]})
            .to_string()
    );
}

#[tokio::test]
async fn create_rejects_bad_bodies() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let cases = [
        (
            "application/json",
            "{\"handle\": 1, \"body\": ",
            400,
            "JSON parse error - ",
        ),
        (
            "application/json",
            "[1, 2]",
            400,
            "Invalid data. Expected a dictionary, but got list.",
        ),
        (
            "text/plain",
            "handle=1",
            415,
            "Unsupported media type \"text/plain\" in request.",
        ),
        (
            "multipart/form-data",
            "garbage",
            400,
            "Multipart form parse error - ",
        ),
    ];

    for (content_type, raw, expected_status, message) in cases {
        let response = with_token(app.post("/api/tweets/"), &token)
            .header("Content-Type", content_type)
            .body(raw)
            .send()
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, expected_status, "{content_type} {raw:?}");
        let text = body["detail"]
            .as_str()
            .or_else(|| body["non_field_errors"][0].as_str())
            .unwrap_or_else(|| panic!("no message in {body}"));
        assert!(
            text.starts_with(message),
            "{text:?} does not start with {message:?}"
        );
    }
}

#[tokio::test]
async fn create_rejects_null_status() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let response = with_token(app.post("/api/tweets/"), &token)
        .json(&json!({"handle": 1, "body": "null status", "status": null}))
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body, json!({"status": ["This field may not be null."]}));
}

#[tokio::test]
async fn create_writes_one_action() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (_, tweet) = post_form(&app, &token, &[("handle", "1"), ("body", LOCUST_BODY)]).await;

    let tweet_id = tweet["id"].as_i64().unwrap();
    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    let actions: Vec<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT action, tweet_id, body FROM actions")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [("created".to_owned(), Some(tweet_id), LOCUST_BODY.to_owned())]
    );
}

#[tokio::test]
async fn create_records_action_of_its_status() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let cases = [
        (vec![("handle", "1"), ("body", "pending")], "created"),
        (
            vec![("handle", "1"), ("body", "posted"), ("status", "1")],
            "posted",
        ),
        (
            vec![("handle", "1"), ("body", "rejected"), ("status", "-1")],
            "rejected",
        ),
        (
            vec![
                ("handle", "1"),
                ("body", "scheduled"),
                ("status", "3"),
                ("eta", "2099-01-01T12:00:00Z"),
            ],
            "scheduled",
        ),
    ];

    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    for (form, expected_action) in cases {
        let (status, tweet) = post_form(&app, &token, &form).await;
        assert_eq!(status, 201, "{tweet}");

        let tweet_id = tweet["id"].as_i64().unwrap();
        let action: (String, i64, i64, i64, String) = sqlx::query_as(
            "SELECT action, organization_id, handle_id, actor_id, body FROM actions \
             WHERE tweet_id = ?",
        )
        .bind(tweet_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(action.0, expected_action, "{form:?}");
        assert_eq!((action.1, action.2, action.3), (1, 1, 1), "{form:?}");
        assert_eq!(action.4, tweet["body"].as_str().unwrap(), "{form:?}");
        assert_eq!(tweet["screen_name"], "tweetcheck");
    }
}

#[tokio::test]
async fn create_with_foreign_handle_writes_nothing() {
    let app = spawn_app().await;
    // The scheduler belongs to no organization, so handle 1 is not one of its handles.
    let scheduler = app.token(SCHEDULER).await;
    let admin = app.token(ADMIN).await;

    let (status, body) = post_form(&app, &scheduler, &[("handle", "1"), ("body", "x")]).await;
    let (missing_status, _) = post_form(&app, &admin, &[("handle", "2"), ("body", "x")]).await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"handle": ["Invalid pk \"1\" - object does not exist."]})
    );
    assert_eq!(missing_status, 400);
    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    let (tweets,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tweets")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (actions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM actions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tweets, 0);
    assert_eq!(actions, 0);
    // The writer connection is usable after the rolled-back transaction.
    let (created, _) = post_form(&app, &admin, &[("handle", "1"), ("body", "x")]).await;
    assert_eq!(created, 201);
}

#[tokio::test]
async fn list_returns_tweets_in_order_and_filters_status() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    for body in ["first", "second", "third"] {
        post_form(&app, &token, &[("handle", "1"), ("body", body)]).await;
    }
    send_json(
        &app,
        Method::PATCH,
        "/api/tweets/2/",
        &token,
        json!({"status": 1}),
    )
    .await;

    let (status, all) = get_json(&app, "/api/tweets/", &token).await;
    let (_, pending) = get_json(&app, "/api/tweets/?status=0", &token).await;
    let (_, posted) = get_json(&app, "/api/tweets/?status=1", &token).await;
    let (invalid_status, invalid) = get_json(&app, "/api/tweets/?status=abc", &token).await;

    let bodies = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["body"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(status, 200);
    assert_eq!(bodies(&all), ["first", "second", "third"]);
    assert_eq!(bodies(&pending), ["first", "third"]);
    assert_eq!(bodies(&posted), ["second"]);
    assert_eq!(invalid_status, 400);
    assert_eq!(
        invalid,
        json!({"status": ["Select a valid choice. abc is not one of the available choices."]})
    );
}

/// Returns the raw body of `GET path`.
async fn get_bytes(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let response = with_token(app.get(path), token).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn list_bytes_match_details_and_compact_json() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let bodies = [
        "plain",
        "quotes \" and \\ backslash",
        "line\nbreak and tab\t and \u{1} control",
        "</script> & <b>markup</b>",
        "non-ASCII: caf\u{e9}, \u{1f600}, \u{2028}",
    ];
    for body in bodies {
        let (status, created) = post_form(&app, &token, &[("handle", "1"), ("body", body)]).await;
        assert_eq!(status, 201, "{created}");
    }
    // A posted tweet has a twitter_id, a scheduled one an eta with a fraction of zero.
    send_json(
        &app,
        Method::PATCH,
        "/api/tweets/2/",
        &token,
        json!({"status": 1}),
    )
    .await;
    send_json(
        &app,
        Method::PATCH,
        "/api/tweets/3/",
        &token,
        json!({"status": 3, "eta": "2099-01-01T12:00:00Z"}),
    )
    .await;

    let list = get_bytes(&app, "/api/tweets/", &token).await;
    let mut details = Vec::new();
    for id in 1..=bodies.len() {
        details.push(get_bytes(&app, &format!("/api/tweets/{id}/"), &token).await);
    }

    let expected = [b"[".to_vec(), details.join(&b","[..]), b"]".to_vec()].concat();
    assert_eq!(
        String::from_utf8_lossy(&list),
        String::from_utf8_lossy(&expected)
    );
    // serde_json writes a parsed value back in the same compact form and field order.
    let value: Value = serde_json::from_slice(&list).unwrap();
    assert_eq!(serde_json::to_vec(&value).unwrap(), list);
    let keys: Vec<&str> = value[2]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
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
    assert_eq!(value[1]["body"], bodies[1]);
    assert_eq!(value[2]["eta"], "2099-01-01T12:00:00Z");
    assert_eq!(value[0]["author"], "admin");
}

#[tokio::test]
async fn list_requires_a_valid_token() {
    let app = spawn_app().await;

    let anonymous = app.get("/api/tweets/").send().await.unwrap();
    let (anonymous_status, anonymous_body) = status_and_json(anonymous).await;
    let invalid = app
        .get("/api/tweets/")
        .header("Authorization", "Token abc")
        .send()
        .await
        .unwrap();
    let (invalid_status, invalid_body) = status_and_json(invalid).await;
    let create = app
        .post("/api/tweets/")
        .form(&[("handle", "1"), ("body", "x")])
        .send()
        .await
        .unwrap();
    let (create_status, _) = status_and_json(create).await;

    assert_eq!(anonymous_status, 401);
    assert_eq!(
        anonymous_body,
        json!({"detail": "Authentication credentials were not provided."})
    );
    assert_eq!(invalid_status, 401);
    assert_eq!(invalid_body, json!({"detail": "Invalid token."}));
    assert_eq!(create_status, 401);
}

#[tokio::test]
async fn detail_get_and_404() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let (_, created) = post_form(&app, &token, &[("handle", "1"), ("body", LOCUST_BODY)]).await;

    let (status, body) = get_json(&app, "/api/tweets/1/", &token).await;
    let (missing_status, missing) = get_json(&app, "/api/tweets/999/", &token).await;
    let (text_status, _) = get_json(&app, "/api/tweets/abc/", &token).await;

    assert_eq!(status, 200);
    assert_eq!(body, created);
    assert_eq!(missing_status, 404);
    assert_eq!(missing, json!({"detail": "Not found."}));
    assert_eq!(text_status, 404);
}

#[tokio::test]
async fn patch_status_posted_assigns_twitter_id() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    post_form(&app, &token, &[("handle", "1"), ("body", LOCUST_BODY)]).await;

    let response = with_token(app.request(Method::PATCH, "/api/tweets/1/"), &token)
        .form(&[("status", "1")])
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(body["status"], 1);
    let twitter_id = body["twitter_id"].as_str().unwrap();
    assert!(
        twitter_id.len() >= 18 && twitter_id.parse::<u64>().is_ok(),
        "{twitter_id}"
    );
    assert_utc_datetime(&body["last_modified"]);
    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    let kinds: Vec<(String,)> = sqlx::query_as("SELECT action FROM actions ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kinds, [("created".to_owned(),), ("posted".to_owned(),)]);
}

#[tokio::test]
async fn nonapprover_may_not_set_other_statuses() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let nonapprover = app.token(NONAPPROVER).await;
    post_form(&app, &admin, &[("handle", "1"), ("body", LOCUST_BODY)]).await;
    let forbidden = json!({"detail": "You do not have permission to perform this action."});

    for status_value in ["1", "-1", "3", "7"] {
        let response = with_token(app.request(Method::PATCH, "/api/tweets/1/"), &nonapprover)
            .form(&[("status", status_value)])
            .send()
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;
        assert_eq!(status, 403, "status {status_value}");
        assert_eq!(body, forbidden);
    }
    let (create_status, create_body) = post_form(
        &app,
        &nonapprover,
        &[
            ("handle", "1"),
            ("body", "posted without approval"),
            ("status", "1"),
        ],
    )
    .await;
    assert_eq!(create_status, 403);
    assert_eq!(create_body, forbidden);
    let (_, tweet) = get_json(&app, "/api/tweets/1/", &admin).await;
    assert_eq!(tweet["status"], 0);
}

#[tokio::test]
async fn nonapprover_may_edit_and_set_pending() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let nonapprover = app.token(NONAPPROVER).await;
    post_form(&app, &admin, &[("handle", "1"), ("body", LOCUST_BODY)]).await;

    let edit = with_token(app.request(Method::PATCH, "/api/tweets/1/"), &nonapprover)
        .form(&[("body", "edited by nonapprover")])
        .send()
        .await
        .unwrap();
    let (edit_status, edited) = status_and_json(edit).await;
    let form_pending = with_token(app.request(Method::PATCH, "/api/tweets/1/"), &nonapprover)
        .form(&[("status", "0")])
        .send()
        .await
        .unwrap();
    let (form_status, _) = status_and_json(form_pending).await;
    let (json_status, _) = send_json(
        &app,
        Method::PATCH,
        "/api/tweets/1/",
        &nonapprover,
        json!({"status": 0}),
    )
    .await;

    assert_eq!(edit_status, 200);
    assert_eq!(edited["body"], "edited by nonapprover");
    assert_eq!(edited["author"], "admin");
    assert_eq!(edited["last_editor"], "nonapprover");
    assert_eq!(form_status, 200);
    assert_eq!(json_status, 200);
}

#[tokio::test]
async fn admin_rejects_and_schedules() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    post_form(&app, &token, &[("handle", "1"), ("body", "one")]).await;
    post_form(&app, &token, &[("handle", "1"), ("body", "two")]).await;

    let (reject_status, rejected) = send_json(
        &app,
        Method::PATCH,
        "/api/tweets/1/",
        &token,
        json!({"status": -1}),
    )
    .await;
    let (schedule_status, scheduled) = send_json(
        &app,
        Method::PATCH,
        "/api/tweets/2/",
        &token,
        json!({"status": 3, "eta": "2030-01-01T12:00:00Z"}),
    )
    .await;

    assert_eq!(reject_status, 200);
    assert_eq!(rejected["status"], -1);
    assert_eq!(schedule_status, 200);
    assert_eq!(scheduled["status"], 3);
    assert_eq!(scheduled["eta"], "2030-01-01T12:00:00Z");
}

#[tokio::test]
async fn put_requires_handle_and_keeps_status() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    post_form(&app, &token, &[("handle", "1"), ("body", "one")]).await;
    send_json(
        &app,
        Method::PATCH,
        "/api/tweets/1/",
        &token,
        json!({"status": 3, "eta": "2030-01-01T12:00:00Z"}),
    )
    .await;

    let partial = with_token(app.request(Method::PUT, "/api/tweets/1/"), &token)
        .form(&[("body", "put-body")])
        .send()
        .await
        .unwrap();
    let (partial_status, partial_body) = status_and_json(partial).await;
    let full = with_token(app.request(Method::PUT, "/api/tweets/1/"), &token)
        .form(&[("handle", "1"), ("body", "put-body")])
        .send()
        .await
        .unwrap();
    let (full_status, full_body) = status_and_json(full).await;

    assert_eq!(partial_status, 400);
    assert_eq!(partial_body, json!({"handle": ["This field is required."]}));
    assert_eq!(full_status, 200);
    assert_eq!(full_body["body"], "put-body");
    assert_eq!(full_body["status"], 3);
    assert_eq!(full_body["eta"], "2030-01-01T12:00:00Z");
}

#[tokio::test]
async fn delete_removes_tweet_and_keeps_actions() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let nonapprover = app.token(NONAPPROVER).await;
    post_form(&app, &admin, &[("handle", "1"), ("body", "one")]).await;
    post_form(&app, &admin, &[("handle", "1"), ("body", "two")]).await;

    let response = with_token(app.request(Method::DELETE, "/api/tweets/1/"), &admin)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    let by_nonapprover = with_token(app.request(Method::DELETE, "/api/tweets/2/"), &nonapprover)
        .send()
        .await
        .unwrap();
    let (after_status, _) = get_json(&app, "/api/tweets/1/", &admin).await;

    assert_eq!(status, 204);
    assert!(body.is_empty());
    assert_eq!(by_nonapprover.status().as_u16(), 204);
    assert_eq!(after_status, 404);
    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    let actions: Vec<(Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT tweet_id, handle_id FROM actions")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(actions, [(None, None), (None, None)]);
}

#[tokio::test]
async fn user_without_organization_sees_no_tweets() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let scheduler = app.token(SCHEDULER).await;
    post_form(&app, &admin, &[("handle", "1"), ("body", "one")]).await;

    let (status, list) = get_json(&app, "/api/tweets/", &scheduler).await;
    let (detail_status, _) = get_json(&app, "/api/tweets/1/", &scheduler).await;
    let (create_status, create_body) =
        post_form(&app, &scheduler, &[("handle", "1"), ("body", "x")]).await;

    assert_eq!(status, 200);
    assert_eq!(list, json!([]));
    assert_eq!(detail_status, 404);
    assert_eq!(create_status, 400);
    assert_eq!(
        create_body,
        json!({"handle": ["Invalid pk \"1\" - object does not exist."]})
    );
}

#[tokio::test]
async fn options_describes_fields() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.request(Method::OPTIONS, "/api/tweets/"), &token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;
    let anonymous = app
        .request(Method::OPTIONS, "/api/tweets/")
        .send()
        .await
        .unwrap();

    assert_eq!(status, 200);
    assert_eq!(body["name"], "Tweet List");
    assert_eq!(
        body["actions"]["POST"]["handle"]["choices"],
        json!([{"value": "1", "display_name": "tweetcheck (@tweetcheck)"}])
    );
    assert_eq!(body["actions"]["POST"]["body"]["max_length"], 250);
    assert_eq!(
        body["actions"]["POST"]["status"]["choices"][2],
        json!({"value": -1, "display_name": "rejected"})
    );
    assert_eq!(anonymous.status().as_u16(), 401);
}

/// Regression: an eta ending in a multi-byte character used to panic the handler.
#[tokio::test]
async fn create_rejects_eta_ending_in_multibyte_character() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let (status, body) = post_form(
        &app,
        &token,
        &[("handle", "1"), ("body", "x"), ("eta", "a€")],
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        body["eta"][0].as_str().unwrap(),
        "Datetime has wrong format. Use one of these formats instead: \
         YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z], MM/DD/YYYY hh:mm [AM|PM]."
    );
}

/// Lists longer than the rows read on the async thread finish in `block_in_place`, which only
/// the multi-thread runtime (the one `tweetcheck serve` runs) allows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_list_keeps_every_tweet() {
    const COUNT: i64 = 2_500;
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
         INSERT INTO tweets (handle_id, body, status, twitter_id, author_id, created, \
         last_editor_id, last_modified) \
         SELECT 1, 'tweet ' || i, 0, '', 1, '2026-12-04T12:00:00.000000Z', 1, \
         '2026-12-04T12:00:00.000000Z' FROM n",
    )
    .bind(COUNT)
    .execute(&pool)
    .await
    .unwrap();

    let (status, list) = get_json(&app, "/api/tweets/", &token).await;
    assert_eq!(status, 200, "{list}");
    let bodies: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|tweet| tweet["body"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (1..=COUNT).map(|i| format!("tweet {i}")).collect();
    assert_eq!(bodies, expected);
}
