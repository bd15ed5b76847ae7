//! Property-based fuzzing of every route: random methods, ids, query strings, headers and
//! bodies must never produce a 500 or kill the connection (which a panic would).
//!
//! Each route gets its own server and 48 cases (`FUZZ_CASES` overrides that), so a run stays
//! within seconds.

mod common;

use common::{spawn_app, TestApp, ADMIN, NONAPPROVER};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

const FIELD_NAMES: [&str; 16] = [
    "handle",
    "body",
    "status",
    "eta",
    "email",
    "password",
    "username",
    "token",
    "user",
    "is_approver",
    "is_active",
    "screen_name",
    "user_id",
    "key",
    "organization",
    "name",
];

const CONTENT_TYPES: [Option<&str>; 7] = [
    None,
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    Some("multipart/form-data; boundary=XyZ"),
    Some("multipart/form-data"),
    Some("text/plain"),
    Some("application/json; charset=latin-1"),
];

#[derive(Clone, Debug)]
struct FuzzRequest {
    method: &'static str,
    /// Replaces `{id}` in the route's path.
    id: String,
    query: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    /// 0: none, 1: admin token, 2: non-approver token, 3: the random `authorization` text.
    auth: u8,
    authorization: String,
    accept: Option<String>,
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1.0e20f64..1.0e20).prop_map(Value::from),
        "\\PC{0,300}".prop_map(Value::String),
        prop_oneof![
            Just("1"),
            Just("0"),
            Just("-1"),
            Just("3"),
            Just("2030-01-01T12:00:00Z"),
            Just("a@b.co")
        ]
        .prop_map(|text| Value::String(text.to_owned())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(&FIELD_NAMES[..]).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..300),
        btree_map(field_name(), json_value(), 0..6).prop_map(|map| {
            let object: serde_json::Map<String, Value> = map.into_iter().collect();
            serde_json::to_vec(&object).unwrap()
        }),
        json_value().prop_map(|value| serde_json::to_vec(&value).unwrap()),
        vec((field_name(), "\\PC{0,60}"), 0..6).prop_map(|pairs| {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in &pairs {
                form.append_pair(name, value);
            }
            form.finish().into_bytes()
        }),
        vec((field_name(), "\\PC{0,60}"), 0..4).prop_map(|pairs| {
            let mut text = String::new();
            for (name, value) in &pairs {
                text.push_str(&format!(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                ));
            }
            text.push_str("--XyZ--\r\n");
            text.into_bytes()
        }),
    ]
}

fn request() -> impl Strategy<Value = FuzzRequest> {
    (
        proptest::sample::select(&METHODS[..]),
        prop_oneof!["[0-9]{1,3}", "-?[0-9]{1,20}", "[a-zA-Z0-9._~-]{1,12}"],
        prop_oneof![
            Just(String::new()),
            "[a-z_]{1,10}=[a-zA-Z0-9%._-]{0,12}(&[a-z_]{1,10}=[a-zA-Z0-9%._-]{0,12}){0,3}",
            "(status|page|tweet|token|is_approver|format|key|screen_name|oauth_token)=[a-zA-Z0-9%._-]{0,12}",
        ],
        proptest::sample::select(&CONTENT_TYPES[..]),
        body(),
        0u8..4,
        "[ -~]{0,60}",
        proptest::option::of("[ -~]{0,40}"),
    )
        .prop_map(
            |(method, id, query, content_type, body, auth, authorization, accept)| FuzzRequest {
                method,
                id,
                query,
                content_type,
                body,
                auth,
                authorization,
                accept,
            },
        )
}

async fn send(
    app: &TestApp,
    tokens: &[String; 2],
    path: &str,
    fuzz: &FuzzRequest,
) -> Result<u16, String> {
    let mut url = format!("{}{}", app.base, path.replace("{id}", &fuzz.id));
    if !fuzz.query.is_empty() {
        url = format!("{url}?{}", fuzz.query);
    }
    let method = reqwest::Method::from_bytes(fuzz.method.as_bytes()).unwrap();
    let mut request = app.client.request(method, url).body(fuzz.body.clone());
    if let Some(content_type) = fuzz.content_type {
        request = request.header("Content-Type", content_type);
    }
    if let Some(accept) = &fuzz.accept {
        request = request.header("Accept", accept.as_str());
    }
    request = match fuzz.auth {
        1 => request.header("Authorization", format!("Token {}", tokens[0])),
        2 => request.header("Authorization", format!("Token {}", tokens[1])),
        3 => request.header("Authorization", fuzz.authorization.as_str()),
        _ => request,
    };
    let response = request
        .send()
        .await
        .map_err(|error| format!("request failed: {error}"))?;
    let status = response.status().as_u16();
    response
        .bytes()
        .await
        .map_err(|error| format!("reading the body failed: {error}"))?;
    Ok(status)
}

/// Sends random requests to `path` and fails on any 500 or broken connection.
fn fuzz(path: &'static str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (app, tokens) = runtime.block_on(async {
        let app = spawn_app().await;
        let admin = app.token(ADMIN).await;
        let nonapprover = app.token(NONAPPROVER).await;
        (app, [admin, nonapprover])
    });
    // `FUZZ_CASES` raises the number of cases for a longer search.
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(48);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);

    let result = runner.run(&request(), |fuzz_request| {
        let status = runtime
            .block_on(send(&app, &tokens, path, &fuzz_request))
            .map_err(TestCaseError::fail)?;
        prop_assert_ne!(status, 500, "{:?} on {}", fuzz_request, path);
        Ok(())
    });

    if let Err(error) = result {
        panic!("fuzzing {path} found: {error}");
    }
}

macro_rules! fuzz_tests {
    ($($name:ident => $path:expr,)*) => {
        $(
            #[test]
            fn $name() {
                fuzz($path);
            }
        )*
    };
}

fuzz_tests! {
    fuzz_root => "/api/",
    fuzz_token_auth => "/api-token-auth/",
    fuzz_tweets_list => "/api/tweets/",
    fuzz_tweet_detail => "/api/tweets/{id}/",
    fuzz_handles_list => "/api/handles/",
    fuzz_handle_detail => "/api/handles/{id}/",
    fuzz_users_list => "/api/users/",
    fuzz_user_detail => "/api/users/{id}/",
    fuzz_devices_list => "/api/devices/",
    fuzz_device_detail => "/api/devices/{id}/",
    fuzz_actions_list => "/api/actions/",
    fuzz_action_detail => "/api/actions/{id}/",
    fuzz_counts => "/api/counts/",
    fuzz_register => "/auth/register",
    fuzz_activate => "/auth/activate",
    fuzz_invite => "/auth/invite",
    fuzz_reinvite => "/auth/reinvite",
    fuzz_activate_invitation => "/auth/activate-invitation",
    fuzz_twitter_request => "/auth/request",
    fuzz_twitter_callback => "/auth/callback",
    fuzz_unknown_paths => "/{id}",
}
