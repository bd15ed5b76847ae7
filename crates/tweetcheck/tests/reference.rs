//! The original API's recorded session, replayed in order on one server: every request of the
//! recording with its status and JSON body. Where the original was wrong, the expectation is
//! the correction instead (marked "corrected").
//!
//! Datetimes and Twitter ids differ from run to run, so [`normalize`] checks their format and
//! replaces them with `"<time>"` and `"<twitter id>"` before the comparison.

mod common;

use common::{spawn_app, TestApp, ADMIN, FORBIDDEN, NONAPPROVER, SCHEDULER};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

const LOCUST_BODY: &str = "This tweet brought to you by Locust";
const NOT_PROVIDED: &str = "Authentication credentials were not provided.";

/// Returns the body of the recording's tweet 2: a URL of 100 characters that counts as 23, a space and
/// 110 characters, so 134 in Twitter's count and 211 in length.
fn url_body() -> String {
    format!("https://example.com/{} {}", "a".repeat(80), "b".repeat(110))
}

/// Who sends a request.
#[derive(Clone, Copy)]
enum Auth<'a> {
    None,
    Token(&'a str),
}

/// A response's status, headers and body (parsed as JSON when it is JSON).
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Value,
    text: String,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(request: RequestBuilder, auth: Auth<'_>) -> Reply {
    let request = match auth {
        Auth::None => request,
        Auth::Token(token) => request.header("Authorization", format!("Token {token}")),
    };
    let response = request
        .header("Accept", "application/json")
        .send()
        .await
        .expect("send the request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("read the body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// Replaces datetimes and Twitter ids, after checking their format, so that bodies compare.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(fields) => {
            let mut normalized = serde_json::Map::new();
            for (name, field) in fields {
                let replaced = match (name.as_str(), field) {
                    ("created" | "last_modified" | "timestamp", Value::String(text)) => {
                        assert!(is_utc_datetime(text), "{name} {text:?} is not UTC ISO 8601");
                        json!("<time>")
                    }
                    ("twitter_id", Value::String(text)) if !text.is_empty() => {
                        assert!(
                            text.chars().all(|c| c.is_ascii_digit()),
                            "twitter_id {text:?} is not a number"
                        );
                        json!("<twitter id>")
                    }
                    _ => normalize(field),
                };
                normalized.insert(name.clone(), replaced);
            }
            Value::Object(normalized)
        }
        other => other.clone(),
    }
}

/// Checks whether `text` looks like `2026-12-04T15:35:38.400760Z` (the fraction is optional).
fn is_utc_datetime(text: &str) -> bool {
    let Some(text) = text.strip_suffix('Z') else {
        return false;
    };
    let whole = text.split('.').next().unwrap_or("");
    chrono::NaiveDateTime::parse_from_str(whole, "%Y-%m-%dT%H:%M:%S").is_ok()
}

/// Checks the status and the normalized JSON body of `reply`, naming `case` on failure.
fn expect(case: &str, reply: &Reply, status: u16, body: Value) {
    assert_eq!(reply.status, status, "{case}: status, body {}", reply.text);
    let normalized = normalize(&reply.body);
    assert_eq!(normalized, body, "{case}: body");
    // Equal maps may still differ in order, which clients of the original may rely on.
    assert_eq!(
        normalized.to_string(),
        body.to_string(),
        "{case}: field order"
    );
}

/// Builds a tweet as the API shows it, with normalized datetimes.
fn tweet(id: i64, body: &str, status: i64, eta: Value, author: &str, editor: &str) -> Value {
    let twitter_id = if status == 1 { "<twitter id>" } else { "" };
    json!({
        "id": id, "handle": 1, "screen_name": "tweetcheck", "body": body, "status": status,
        "eta": eta, "twitter_id": twitter_id, "author": author, "created": "<time>",
        "last_editor": editor, "last_modified": "<time>",
    })
}

/// Builds an action as the API shows it, with a normalized timestamp.
fn action(id: i64, handle: Value, actor: &str, kind: &str, tweet: Value, body: &str) -> Value {
    json!({
        "id": id, "organization": 1, "handle": handle, "actor": actor, "action": kind,
        "tweet": tweet, "body": body, "timestamp": "<time>",
    })
}

fn admin_user() -> Value {
    json!({"id": 1, "email": "admin@tweetcheck.com", "email_without_domain": "admin",
           "organization": 1, "is_approver": true, "is_active": true})
}

fn nonapprover_user(is_approver: bool) -> Value {
    json!({"id": 3, "email": "nonapprover@tweetcheck.com", "email_without_domain": "nonapprover",
           "organization": 1, "is_approver": is_approver, "is_active": true})
}

fn seeded_handle(name: &str) -> Value {
    json!({"id": 1, "screen_name": "tweetcheck", "organization": "Test Org",
           "name_with_organization": format!("{name} (@tweetcheck)"), "user_id": 2742041292u64,
           "name": name,
           "profile_image_url": "https://pbs.twimg.com/profile_images/0/tweetcheck_normal.png"})
}

/// Builds the OPTIONS description of a tweet's fields.
fn tweet_fields() -> Value {
    json!({
        "id": {"type": "integer", "required": false, "read_only": true, "label": "ID"},
        "handle": {"type": "field", "required": true, "read_only": false, "label": "Handle",
                   "choices": [{"value": "1", "display_name": "tweetcheck (@tweetcheck)"}]},
        "screen_name": {"type": "string", "required": false, "read_only": true,
                        "label": "Screen name"},
        "body": {"type": "string", "required": true, "read_only": false, "label": "Body",
                 "max_length": 250},
        "status": {"type": "choice", "required": false, "read_only": false, "label": "Status",
                   "choices": [{"value": 0, "display_name": "pending"},
                               {"value": 1, "display_name": "posted"},
                               {"value": -1, "display_name": "rejected"},
                               {"value": 3, "display_name": "scheduled"}]},
        "eta": {"type": "datetime", "required": false, "read_only": false, "label": "Eta"},
        "twitter_id": {"type": "string", "required": false, "read_only": true,
                       "label": "Twitter id"},
        "author": {"type": "string", "required": false, "read_only": true, "label": "Author"},
        "created": {"type": "datetime", "required": false, "read_only": true,
                    "label": "Created"},
        "last_editor": {"type": "string", "required": false, "read_only": true,
                        "label": "Last editor"},
        "last_modified": {"type": "datetime", "required": false, "read_only": true,
                          "label": "Last modified"},
    })
}

fn options_body(name: &str, method: &str, fields: Value) -> Value {
    json!({
        "name": name,
        "description": "",
        "renders": ["application/json", "text/html"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
        "actions": {method: fields},
    })
}

struct Tokens {
    admin: String,
    nonapprover: String,
    scheduler: String,
}

async fn tokens(app: &TestApp) -> Tokens {
    Tokens {
        admin: app.token(ADMIN).await,
        nonapprover: app.token(NONAPPROVER).await,
        scheduler: app.token(SCHEDULER).await,
    }
}

/// The API root, authentication failures and `/api-token-auth/`.
#[tokio::test]
async fn reference_root_and_token_auth() {
    let app = spawn_app().await;
    let Tokens { admin, .. } = tokens(&app).await;
    let a = Auth::Token(&admin);

    let reply = send(app.get("/api/"), a).await;
    let links = json!({
        "users": app.url("/api/users/"), "devices": app.url("/api/devices/"),
        "actions": app.url("/api/actions/"), "tweets": app.url("/api/tweets/"),
        "handles": app.url("/api/handles/"),
    });
    expect("root with a token", &reply, 200, links);
    assert_eq!(
        reply.header("allow"),
        "GET, HEAD, OPTIONS",
        "root with a token: Allow"
    );

    let reply = send(app.get("/api/"), Auth::None).await;
    expect(
        "root without credentials",
        &reply,
        401,
        json!({"detail": NOT_PROVIDED}),
    );
    assert_eq!(
        reply.header("www-authenticate"),
        "Token",
        "root without credentials"
    );

    let login = [("username", ADMIN.0), ("password", ADMIN.1)];
    let reply = send(app.post("/api-token-auth/").form(&login), Auth::None).await;
    expect("token auth, form", &reply, 200, json!({"token": admin}));
    assert_eq!(
        reply.header("allow"),
        "POST, OPTIONS",
        "token auth, form: Allow"
    );

    let wrong = [("username", ADMIN.0), ("password", "wrong")];
    let reply = send(app.post("/api-token-auth/").form(&wrong), Auth::None).await;
    let unable = json!({"non_field_errors": ["Unable to log in with provided credentials."]});
    expect("token auth, wrong password", &reply, 400, unable);

    let body = json!({"username": ADMIN.0, "password": ADMIN.1});
    let reply = send(app.post("/api-token-auth/").json(&body), Auth::None).await;
    expect("token auth, JSON", &reply, 200, json!({"token": admin}));

    let empty = app
        .post("/api-token-auth/")
        .header("Content-Type", "application/x-www-form-urlencoded");
    let reply = send(empty, Auth::None).await;
    let required = json!(["This field is required."]);
    expect(
        "token auth, empty form",
        &reply,
        400,
        json!({"username": required, "password": required}),
    );

    let reply = send(
        app.post("/api-token-auth/").form(&[("username", ADMIN.0)]),
        Auth::None,
    )
    .await;
    expect(
        "token auth, no password",
        &reply,
        400,
        json!({"password": required}),
    );

    let blank = [("username", ""), ("password", "")];
    let reply = send(app.post("/api-token-auth/").form(&blank), Auth::None).await;
    let blank_error = json!(["This field may not be blank."]);
    expect(
        "token auth, blank fields",
        &reply,
        400,
        json!({"username": blank_error, "password": blank_error}),
    );
}

/// Tweets, actions and counts, in the recording's order, so that
/// ids match the recording's.
#[tokio::test]
async fn reference_tweet_session() {
    let app = spawn_app().await;
    let tokens = tokens(&app).await;
    let a = Auth::Token(&tokens.admin);
    let n = Auth::Token(&tokens.nonapprover);
    let s = Auth::Token(&tokens.scheduler);
    let pending = |id, body: &str| tweet(id, body, 0, Value::Null, "admin", "admin");

    let reply = send(app.get("/api/tweets/"), a).await;
    expect("empty tweet list", &reply, 200, json!([]));
    assert_eq!(
        reply.header("allow"),
        "GET, POST, HEAD, OPTIONS",
        "empty tweet list: Allow"
    );

    let form = [("handle", "1"), ("body", LOCUST_BODY)];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    expect("create tweet, form", &reply, 201, pending(1, LOCUST_BODY));

    let too_long = "x".repeat(200);
    let form = [("handle", "1"), ("body", too_long.as_str())];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    expect(
        "body over 140",
        &reply,
        400,
        json!({"body": ["Tweet body is too long"]}),
    );

    let too_long = "y".repeat(260);
    let form = [("handle", "1"), ("body", too_long.as_str())];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    let both = json!({"body": ["Tweet body is too long",
                               "Ensure this field has no more than 250 characters."]});
    expect("body over 250", &reply, 400, both);

    let form = [("handle", "1"), ("body", "")];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    expect(
        "blank body",
        &reply,
        400,
        json!({"body": ["This field may not be blank."]}),
    );

    let reply = send(app.post("/api/tweets/").form(&[("body", LOCUST_BODY)]), a).await;
    expect(
        "missing handle",
        &reply,
        400,
        json!({"handle": ["This field is required."]}),
    );

    let form = [("handle", "999"), ("body", LOCUST_BODY)];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    let invalid_pk = json!({"handle": ["Invalid pk \"999\" - object does not exist."]});
    expect("unknown handle", &reply, 400, invalid_pk);

    let empty = app
        .post("/api/tweets/")
        .header("Content-Type", "application/x-www-form-urlencoded");
    let reply = send(empty, a).await;
    let required = json!(["This field is required."]);
    expect(
        "empty create",
        &reply,
        400,
        json!({"handle": required, "body": required}),
    );

    let url_body = url_body();
    let form = [("handle", "1"), ("body", url_body.as_str())];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    expect(
        "tweet 2, a shortened URL",
        &reply,
        201,
        pending(2, &url_body),
    );

    let json_body = format!("{LOCUST_BODY} (JSON)");
    let body = json!({"handle": 1, "body": json_body});
    let reply = send(app.post("/api/tweets/").json(&body), a).await;
    expect("create tweet, JSON", &reply, 201, pending(3, &json_body));

    let three = json!([
        pending(1, LOCUST_BODY),
        pending(2, &url_body),
        pending(3, &json_body)
    ]);
    let reply = send(app.get("/api/tweets/"), a).await;
    expect("tweet list", &reply, 200, three.clone());
    let reply = send(app.get("/api/tweets/?status=0"), a).await;
    expect("tweets with status 0", &reply, 200, three);

    let reply = send(app.get("/api/tweets/1/"), a).await;
    expect("tweet detail", &reply, 200, pending(1, LOCUST_BODY));
    assert_eq!(
        reply.header("allow"),
        "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
        "tweet detail: Allow"
    );

    let patch = |path: &str| app.request(Method::PATCH, path);
    let put = |path: &str| app.request(Method::PUT, path);
    let delete = |path: &str| app.request(Method::DELETE, path);

    let reply = send(patch("/api/tweets/1/").form(&[("status", "1")]), a).await;
    let posted = tweet(1, LOCUST_BODY, 1, Value::Null, "admin", "admin");
    expect("approver posts", &reply, 200, posted);

    let reply = send(patch("/api/tweets/1/").form(&[("status", "1")]), n).await;
    expect(
        "non-approver posts",
        &reply,
        403,
        json!({"detail": FORBIDDEN}),
    );

    let reply = send(delete("/api/tweets/1/"), a).await;
    assert_eq!(reply.status, 204, "delete tweet: status");
    assert_eq!(reply.text, "", "delete tweet: body");

    let reply = send(app.get("/api/tweets/1/"), a).await;
    expect(
        "deleted tweet",
        &reply,
        404,
        json!({"detail": "Not found."}),
    );

    let reply = send(app.get("/api/actions/"), a).await;
    let actions = json!({"count": 4, "next": null, "previous": null, "results": [
        action(4, Value::Null, "admin", "posted", Value::Null, LOCUST_BODY),
        action(3, json!(1), "admin", "created", json!(3), &json_body),
        action(2, json!(1), "admin", "created", json!(2), &url_body),
        action(1, Value::Null, "admin", "created", Value::Null, LOCUST_BODY),
    ]});
    expect("action list", &reply, 200, actions);

    let reply = send(app.get("/api/counts/"), a).await;
    expect("counts", &reply, 200, json!({"pending": 2, "scheduled": 0}));

    let reply = send(app.get("/api/tweets/?status=1"), a).await;
    expect("tweets with status 1", &reply, 200, json!([]));

    let reply = send(app.get("/api/tweets/999/"), a).await;
    expect(
        "unknown tweet",
        &reply,
        404,
        json!({"detail": "Not found."}),
    );

    let form = [("handle", "1"), ("body", "hello"), ("status", "7")];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    expect(
        "invalid status",
        &reply,
        400,
        json!({"status": ["\"7\" is not a valid choice."]}),
    );

    let form = [("handle", "1"), ("body", "eta-test"), ("eta", "tomorrow")];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    let eta_error = "Datetime has wrong format. Use one of these formats instead: \
        YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z], MM/DD/YYYY hh:mm [AM|PM].";
    expect("invalid eta", &reply, 400, json!({"eta": [eta_error]}));

    // The recording's tweet 4 has a pending eta far in the future, given as MM/DD/YYYY.
    let form = [
        ("handle", "1"),
        ("body", "eta-test"),
        ("eta", "12/25/2030 03:30 PM"),
    ];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    let eta_test = tweet(
        4,
        "eta-test",
        0,
        json!("2030-12-25T15:30:00Z"),
        "admin",
        "admin",
    );
    expect(
        "tweet 4, an eta as MM/DD/YYYY",
        &reply,
        201,
        eta_test.clone(),
    );

    // Corrected: the approval rule applies to a create as well.
    let form = [
        ("handle", "1"),
        ("body", "posted without approval"),
        ("status", "1"),
    ];
    let reply = send(app.post("/api/tweets/").form(&form), n).await;
    expect(
        "non-approver creates posted (corrected)",
        &reply,
        403,
        json!({"detail": FORBIDDEN}),
    );
    // An approver posts it instead, so that the later ids match the recording's.
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    let posted_5 = tweet(
        5,
        "posted without approval",
        1,
        Value::Null,
        "admin",
        "admin",
    );
    expect(
        "non-approver creates posted, posted by an approver",
        &reply,
        201,
        posted_5.clone(),
    );

    let form = [("body", "edited by nonapprover")];
    let reply = send(patch("/api/tweets/3/").form(&form), n).await;
    let edited = |status, eta: Value, editor| {
        tweet(3, "edited by nonapprover", status, eta, "admin", editor)
    };
    expect(
        "non-approver edits body",
        &reply,
        200,
        edited(0, Value::Null, "nonapprover"),
    );

    // Corrected: a form-encoded "0" is the pending status, as in JSON.
    let reply = send(patch("/api/tweets/3/").form(&[("status", "0")]), n).await;
    expect(
        "non-approver sets pending, form (corrected)",
        &reply,
        200,
        edited(0, Value::Null, "nonapprover"),
    );

    let reply = send(patch("/api/tweets/3/").json(&json!({"status": 0})), n).await;
    expect(
        "non-approver sets pending, JSON",
        &reply,
        200,
        edited(0, Value::Null, "nonapprover"),
    );

    let reply = send(patch("/api/tweets/2/").form(&[("status", "-1")]), a).await;
    let rejected = tweet(2, &url_body, -1, Value::Null, "admin", "admin");
    expect("approver rejects", &reply, 200, rejected);

    let schedule = json!({"status": 3, "eta": "2030-01-01T12:00:00Z"});
    let reply = send(patch("/api/tweets/3/").json(&schedule), a).await;
    let eta_2030 = json!("2030-01-01T12:00:00Z");
    expect(
        "approver schedules",
        &reply,
        200,
        edited(3, eta_2030.clone(), "admin"),
    );

    let reply = send(put("/api/tweets/3/").form(&[("body", "put-body")]), a).await;
    expect(
        "PUT without handle",
        &reply,
        400,
        json!({"handle": ["This field is required."]}),
    );

    let form = [("handle", "1"), ("body", "put-body")];
    let reply = send(put("/api/tweets/3/").form(&form), a).await;
    let put_body = tweet(3, "put-body", 3, eta_2030.clone(), "admin", "admin");
    expect("PUT with handle and body", &reply, 200, put_body.clone());

    let reply = send(delete("/api/tweets/2/"), n).await;
    assert_eq!(reply.status, 204, "non-approver deletes: status");

    let reply = send(app.get("/api/counts/"), a).await;
    expect(
        "counts after scheduling",
        &reply,
        200,
        json!({"pending": 1, "scheduled": 1}),
    );

    let reply = send(app.get("/api/counts/"), Auth::None).await;
    expect(
        "counts without credentials",
        &reply,
        401,
        json!({"detail": NOT_PROVIDED}),
    );

    // Corrected: a user without an organization has nothing to count.
    let reply = send(app.get("/api/counts/"), s).await;
    expect(
        "counts without organization (corrected)",
        &reply,
        200,
        json!({"pending": 0, "scheduled": 0}),
    );

    let reply = send(app.get("/api/counts/anything"), a).await;
    expect(
        "counts under a longer path",
        &reply,
        200,
        json!({"pending": 1, "scheduled": 1}),
    );

    let reply = send(app.get("/api/tweets/"), s).await;
    expect("tweets without organization", &reply, 200, json!([]));

    let reply = send(app.request(Method::OPTIONS, "/api/tweets/3/"), a).await;
    expect(
        "OPTIONS tweet detail",
        &reply,
        200,
        options_body("Tweet Instance", "PUT", tweet_fields()),
    );

    // The session post and eight filler tweets bring the log to the recording's 20 actions.
    // Here the accepted form-encoded pending status added an edit, so the log has 21.
    let form = [("handle", "1"), ("body", "session-post")];
    let reply = send(app.post("/api/tweets/").form(&form), a).await;
    expect(
        "session post, as a token post",
        &reply,
        201,
        pending(6, "session-post"),
    );
    for number in 1..=8 {
        let body = format!("filler tweet {number}");
        let form = [("handle", "1"), ("body", body.as_str())];
        let reply = send(app.post("/api/tweets/").form(&form), a).await;
        assert_eq!(reply.status, 201, "filler tweet {number}");
    }

    let reply = send(app.get("/api/actions/"), a).await;
    let first_page = normalize(&reply.body);
    assert_eq!(reply.status, 200, "action page 1: status");
    assert_eq!(first_page["count"], 21, "action page 1: count");
    assert_eq!(
        first_page["next"],
        app.url("/api/actions/?page=2"),
        "action page 1: next"
    );
    assert_eq!(
        first_page["previous"],
        Value::Null,
        "action page 1: previous"
    );
    assert_eq!(
        first_page["results"][0],
        action(
            21,
            json!(1),
            "admin",
            "created",
            json!(14),
            "filler tweet 8"
        ),
        "action page 1: newest first"
    );
    assert_eq!(
        first_page["results"].as_array().map(Vec::len),
        Some(10),
        "action page 1: page size"
    );

    let reply = send(app.get("/api/actions/?page=2"), a).await;
    assert_eq!(reply.status, 200, "action page 2: status");
    assert_eq!(
        reply.body["previous"],
        app.url("/api/actions/"),
        "action page 2: previous"
    );
    assert_eq!(
        reply.body["next"],
        app.url("/api/actions/?page=3"),
        "action page 2: next"
    );

    let reply = send(app.get("/api/actions/?page=last"), a).await;
    let last_page = json!({
        "count": 21,
        "next": null,
        "previous": app.url("/api/actions/?page=2"),
        "results": [action(1, Value::Null, "admin", "created", Value::Null, LOCUST_BODY)],
    });
    expect("?page=last", &reply, 200, last_page);

    let reply = send(app.get("/api/actions/?tweet=3"), a).await;
    let edits_of_3 = json!({"count": 6, "next": null, "previous": null, "results": [
        action(12, json!(1), "admin", "edited", json!(3), "put-body"),
        action(11, json!(1), "admin", "scheduled", json!(3), "edited by nonapprover"),
        action(9, json!(1), "nonapprover", "edited", json!(3), "edited by nonapprover"),
        action(8, json!(1), "nonapprover", "edited", json!(3), "edited by nonapprover"),
        action(7, json!(1), "nonapprover", "edited", json!(3), "edited by nonapprover"),
        action(3, json!(1), "admin", "created", json!(3), &json_body),
    ]});
    expect("actions by tweet", &reply, 200, edits_of_3);

    let reply = send(app.post("/api/actions/").form(&[("body", "x")]), a).await;
    expect(
        "POST actions",
        &reply,
        405,
        json!({"detail": "Method \"POST\" not allowed."}),
    );
    assert_eq!(
        reply.header("allow"),
        "GET, HEAD, OPTIONS",
        "POST actions: Allow"
    );

    let reply = send(app.get("/api/tweets/"), a).await;
    let mut final_list = vec![put_body, eta_test, posted_5, pending(6, "session-post")];
    for (id, number) in (7..=14).zip(1..) {
        final_list.push(pending(id, &format!("filler tweet {number}")));
    }
    expect("final tweet list", &reply, 200, Value::Array(final_list));
}

/// Handles, users and devices.
#[tokio::test]
async fn reference_handles_users_devices() {
    let app = spawn_app().await;
    let tokens = tokens(&app).await;
    let a = Auth::Token(&tokens.admin);
    let n = Auth::Token(&tokens.nonapprover);
    let s = Auth::Token(&tokens.scheduler);
    let patch = |path: &str| app.request(Method::PATCH, path);

    let reply = send(app.get("/api/handles/"), a).await;
    expect(
        "handle list",
        &reply,
        200,
        json!([seeded_handle("tweetcheck")]),
    );

    let reply = send(app.get("/api/users/"), a).await;
    expect(
        "user list",
        &reply,
        200,
        json!([admin_user(), nonapprover_user(false)]),
    );

    let reply = send(app.get("/api/devices/"), a).await;
    expect("device list", &reply, 200, json!([]));

    // Corrected: the handle belongs to the caller's organization.
    let reply = send(
        app.post("/api/handles/").form(&[("screen_name", "other")]),
        a,
    )
    .await;
    assert_eq!(
        reply.status, 201,
        "create handle (corrected): {}",
        reply.text
    );
    assert_eq!(
        reply.body["screen_name"], "other",
        "create handle: screen_name"
    );
    assert_eq!(
        reply.body["organization"], "Test Org",
        "create handle: organization"
    );

    // Corrected: the fields are saved as sent.
    let reply = send(patch("/api/handles/1/").form(&[("name", "Renamed")]), a).await;
    expect(
        "rename handle (corrected)",
        &reply,
        200,
        seeded_handle("Renamed"),
    );

    // Corrected: approvers create users in their organization, others may not.
    let form = [("email", "new@tweetcheck.com")];
    let reply = send(app.post("/api/users/").form(&form), n).await;
    expect(
        "create user, non-approver",
        &reply,
        403,
        json!({"detail": FORBIDDEN}),
    );
    let reply = send(app.post("/api/users/").form(&form), a).await;
    let new_user = json!({"id": 4, "email": "new@tweetcheck.com", "email_without_domain": "new",
                          "organization": 1, "is_approver": false, "is_active": true});
    expect("create user (corrected)", &reply, 201, new_user);

    let path = format!("/api/users/?token={}", tokens.nonapprover);
    let reply = send(app.get(&path), a).await;
    expect(
        "users by token",
        &reply,
        200,
        json!([nonapprover_user(false)]),
    );

    let reply = send(app.get("/api/users/?is_approver=False"), a).await;
    let new_user = json!({"id": 4, "email": "new@tweetcheck.com", "email_without_domain": "new",
                          "organization": 1, "is_approver": false, "is_active": true});
    expect(
        "users by is_approver",
        &reply,
        200,
        json!([nonapprover_user(false), new_user]),
    );

    let reply = send(patch("/api/users/1/").form(&[("is_approver", "false")]), n).await;
    expect(
        "non-approver changes another user",
        &reply,
        403,
        json!({"detail": FORBIDDEN}),
    );

    // Corrected: only approvers change `is_approver`, so no one promotes themselves.
    let reply = send(patch("/api/users/3/").form(&[("is_approver", "true")]), n).await;
    expect(
        "non-approver promotes self (corrected)",
        &reply,
        403,
        json!({"detail": FORBIDDEN}),
    );

    let reply = send(patch("/api/users/3/").form(&[("is_approver", "false")]), a).await;
    expect("approver demotes", &reply, 200, nonapprover_user(false));

    let reply = send(patch("/api/users/3/").form(&[("is_approver", "maybe")]), a).await;
    let not_boolean = json!({"is_approver": ["\"maybe\" is not a valid boolean."]});
    expect("invalid boolean", &reply, 400, not_boolean);

    let reply = send(patch("/api/handles/1/").form(&[("user_id", "abc")]), a).await;
    let not_integer = json!({"user_id": ["A valid integer is required."]});
    expect("invalid user_id", &reply, 400, not_integer);

    // Corrected: a user without an organization gets only themselves.
    let reply = send(app.get("/api/users/"), s).await;
    let scheduler = json!([{"id": 2, "email": "scheduler@tweetcheck.com",
                            "email_without_domain": "scheduler", "organization": null,
                            "is_approver": true, "is_active": true}]);
    expect(
        "users without organization (corrected)",
        &reply,
        200,
        scheduler,
    );

    let token_only = [("token", "abcdef0123456789")];
    let reply = send(app.post("/api/devices/").form(&token_only), a).await;
    expect(
        "device without user",
        &reply,
        400,
        json!({"user": ["This field is required."]}),
    );

    let form = [("token", "abcdef0123456789"), ("user", "1")];
    let reply = send(app.post("/api/devices/").form(&form), a).await;
    let device = json!({"token": "abcdef0123456789", "user": 1});
    expect("create device", &reply, 201, device.clone());

    let reply = send(app.get("/api/devices/?token=abcdef0123456789"), a).await;
    expect("devices by token", &reply, 200, json!([device]));

    // Corrected: the user choices are the caller's organization's, not every user's.
    let reply = send(app.request(Method::OPTIONS, "/api/devices/"), a).await;
    let device_fields = json!({
        "token": {"type": "string", "required": true, "read_only": false, "label": "Token",
                  "max_length": 64},
        "user": {"type": "field", "required": true, "read_only": false, "label": "User",
                 "choices": [{"value": "1", "display_name": "admin@tweetcheck.com"},
                             {"value": "3", "display_name": "nonapprover@tweetcheck.com"},
                             {"value": "4", "display_name": "new@tweetcheck.com"}]},
    });
    expect(
        "OPTIONS device list (corrected)",
        &reply,
        200,
        options_body("Device List", "POST", device_fields),
    );
}

/// OPTIONS, errors, redirects and content negotiation.
#[tokio::test]
async fn reference_errors_and_negotiation() {
    let app = spawn_app().await;
    let Tokens { admin, .. } = tokens(&app).await;
    let a = Auth::Token(&admin);

    let reply = send(app.request(Method::OPTIONS, "/api/tweets/"), a).await;
    expect(
        "OPTIONS tweet list",
        &reply,
        200,
        options_body("Tweet List", "POST", tweet_fields()),
    );

    // Corrected: JSON clients get a JSON 404 instead of Django's HTML page.
    let reply = send(app.get("/api/nonexistent/"), a).await;
    expect(
        "unknown path (corrected)",
        &reply,
        404,
        json!({"detail": "Not found."}),
    );

    let reply = send(app.request(Method::PUT, "/api/"), a).await;
    expect(
        "PUT root",
        &reply,
        405,
        json!({"detail": "Method \"PUT\" not allowed."}),
    );
    assert_eq!(
        reply.header("allow"),
        "GET, HEAD, OPTIONS",
        "PUT root: Allow"
    );

    let reply = send(app.request(Method::PUT, "/api/"), Auth::None).await;
    expect(
        "PUT root without credentials",
        &reply,
        401,
        json!({"detail": NOT_PROVIDED}),
    );
    assert_eq!(
        reply.header("www-authenticate"),
        "Token",
        "PUT root without credentials"
    );

    let reply = send(
        app.get("/api/").header("Authorization", "Token abc"),
        Auth::None,
    )
    .await;
    expect(
        "invalid token",
        &reply,
        401,
        json!({"detail": "Invalid token."}),
    );
    assert_eq!(reply.header("www-authenticate"), "Token", "invalid token");

    let reply = send(
        app.get("/api/").header("Authorization", "Token"),
        Auth::None,
    )
    .await;
    let no_key = json!({"detail": "Invalid token header. No credentials provided."});
    expect("token header without key", &reply, 401, no_key);

    let basic = app.get("/api/").basic_auth(ADMIN.0, Some(ADMIN.1));
    let reply = send(basic, Auth::None).await;
    expect(
        "Basic credentials",
        &reply,
        401,
        json!({"detail": NOT_PROVIDED}),
    );

    let malformed = app
        .post("/api/tweets/")
        .header("Content-Type", "application/json")
        .body("{\"handle\": 1, \"body\": ");
    let reply = send(malformed, a).await;
    assert_eq!(reply.status, 400, "malformed JSON: status");
    let detail = reply.body["detail"].as_str().unwrap_or("");
    assert!(
        detail.starts_with("JSON parse error - "),
        "malformed JSON: detail {detail:?}"
    );

    let reply = send(app.get("/api/tweets"), a).await;
    assert_eq!(reply.status, 301, "path without slash: status");
    assert_eq!(
        reply.header("location"),
        "/api/tweets/",
        "path without slash: Location"
    );

    let reply = send(app.request(Method::OPTIONS, "/api/tweets/"), Auth::None).await;
    expect(
        "OPTIONS without credentials",
        &reply,
        401,
        json!({"detail": NOT_PROVIDED}),
    );

    let reply = send(app.get("/api-token-auth/"), Auth::None).await;
    expect(
        "GET token auth",
        &reply,
        405,
        json!({"detail": "Method \"GET\" not allowed."}),
    );
    assert_eq!(
        reply.header("allow"),
        "POST, OPTIONS",
        "GET token auth: Allow"
    );
}
