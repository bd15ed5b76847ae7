//! Requests against real local servers: statuses, transport errors, timeouts, redirects,
//! cookies, compression, bodies, checks, captures and templates.

mod support;

use std::time::Duration;

use support::{failures, run_scenario, start_test_server, summary};

const SHORT: Duration = Duration::from_millis(600);

fn one_task(request: &str) -> String {
    format!("[user.Tester]\nwait_time = {{ constant = 0.1 }}\n[[user.Tester.task]]\n{request}\n")
}

#[tokio::test]
async fn error_statuses_fail_unless_expected() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.1 }
[[user.Tester.task]]
steps = [
  { path = "/status/500" },
  { path = "/status/404", check = { status = 404 } },
  { path = "/status/200", check = { status = [201, 202] } },
  { path = "/status/204" },
]
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, SHORT).await;

    let server_error = summary(&snapshot, "GET", "/status/500");
    assert!(server_error.num_requests > 0);
    assert_eq!(server_error.num_failures, server_error.num_requests);
    assert_eq!(summary(&snapshot, "GET", "/status/404").num_failures, 0);
    assert_eq!(summary(&snapshot, "GET", "/status/204").num_failures, 0);
    let wrong = summary(&snapshot, "GET", "/status/200");
    assert_eq!(wrong.num_failures, wrong.num_requests);
    let messages = failures(&snapshot);
    assert!(
        messages.contains(&"GET /status/500: HTTP 500 Internal Server Error".to_owned()),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"GET /status/200: HTTP 200 OK: expected status 201 or 202".to_owned()),
        "{messages:?}"
    );
    assert_eq!(
        messages.len(),
        2,
        "one row per kind of failure: {messages:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_failure() {
    // Port 1 on loopback has no listener on a test machine.
    let source = one_task("path = \"/\"");
    let (_, snapshot) = run_scenario(&source, "http://127.0.0.1:1", 1, SHORT).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests > 0);
    assert_eq!(entry.num_failures, entry.num_requests);
    assert_eq!(
        failures(&snapshot),
        ["GET /: connection refused by 127.0.0.1:1: is the server running?"]
    );
}

#[tokio::test]
async fn slow_response_times_out() {
    let server = start_test_server().await;
    let source = one_task("path = \"/delay/3000\"\ntimeout = 0.2");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(500)).await;

    let entry = summary(&snapshot, "GET", "/delay/3000");
    assert!(entry.num_requests >= 1);
    assert_eq!(entry.num_failures, entry.num_requests);
    assert!(
        entry.min_response_time >= 200.0,
        "{}",
        entry.min_response_time
    );
    assert!(
        entry.max_response_time < 1000.0,
        "{}",
        entry.max_response_time
    );
    assert_eq!(
        failures(&snapshot),
        ["GET /delay/3000: timed out after 0.2 s"]
    );
}

#[tokio::test]
async fn reset_connection_is_a_failure() {
    // A listener that reads the request and closes the connection without a response.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
            drop(socket);
        }
    });
    let source = one_task("path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &format!("http://{address}"), 1, SHORT).await;

    let messages = failures(&snapshot);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains(&address.to_string()), "{messages:?}");
    assert!(
        messages[0].contains("reset") || messages[0].contains("closed"),
        "{messages:?}"
    );
}

#[tokio::test]
async fn redirects_count_under_first_name() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.2 }
[[user.Tester.task]]
steps = [
  { path = "/redirect/3", check = { body_contains = "landed" } },
  { path = "/redirect/2", name = "limited", max_redirects = 1 },
  { path = "/redirect/1", name = "unfollowed", max_redirects = 0, check = { status = 302 } },
]
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, SHORT).await;

    let followed = summary(&snapshot, "GET", "/redirect/3");
    assert!(followed.num_requests > 0);
    assert_eq!(followed.num_failures, 0);
    assert!(snapshot
        .entries
        .iter()
        .all(|entry| entry.name != "/redirect/0"));
    assert!(!server.requests_to("/redirect/0").is_empty());
    let limited = summary(&snapshot, "GET", "limited");
    assert_eq!(limited.num_failures, limited.num_requests);
    assert_eq!(summary(&snapshot, "GET", "unfollowed").num_failures, 0);
    assert!(
        failures(&snapshot).contains(&"GET limited: too many redirects: more than 1".to_owned())
    );
}

/// `Authorization`, `Proxy-Authorization` and the user's own `Cookie` header stay with the
/// origin they were set for. The jar's cookies for the new host still go with the request.
#[tokio::test]
async fn cross_origin_redirect_drops_credentials() {
    use axum::extract::{Path, State};
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use std::sync::{Arc, Mutex};

    let other = start_test_server().await;
    let landed: Arc<Mutex<Vec<HeaderMap>>> = Arc::default();
    let router = axum::Router::new()
        .route(
            "/to-other/{*rest}",
            axum::routing::get(
                |State((other, _)): State<(String, Arc<Mutex<Vec<HeaderMap>>>)>,
                 Path(rest): Path<String>| async move {
                    let location = format!("{other}/{rest}");
                    (StatusCode::FOUND, [(header::LOCATION, location)])
                },
            ),
        )
        .route(
            "/here",
            axum::routing::get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/landed")]) }),
        )
        .route(
            "/landed",
            axum::routing::get(
                |State((_, landed)): State<(String, Arc<Mutex<Vec<HeaderMap>>>)>,
                 headers: HeaderMap| async move {
                    landed.lock().unwrap().push(headers);
                    "landed".into_response()
                },
            ),
        )
        .with_state((other.url.clone(), landed.clone()));
    let url = support::serve(router).await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.2 }
headers = { Authorization = "Token secret", Proxy-Authorization = "Basic cHJveHk=", Cookie = "own=1" }
[[user.Tester.task]]
steps = [
  { path = "/to-other/set-cookie/from-jar" },
  { path = "/to-other/whoami" },
  { path = "/here" },
]
"#;
    let (_, snapshot) = run_scenario(source, &url, 1, SHORT).await;

    assert_eq!(
        snapshot.aggregated.num_failures,
        0,
        "{:?}",
        failures(&snapshot)
    );
    let at_other = other.requests_to("/whoami");
    assert!(!at_other.is_empty());
    for request in at_other {
        assert!(request.headers.get(header::AUTHORIZATION).is_none());
        assert!(request.headers.get(header::PROXY_AUTHORIZATION).is_none());
        let cookie = request
            .headers
            .get(header::COOKIE)
            .map(|value| value.to_str().unwrap());
        assert_eq!(cookie, Some("session=from-jar"), "only the jar's cookie");
    }
    let landed = landed.lock().unwrap();
    assert!(!landed.is_empty());
    for headers in landed.iter() {
        assert_eq!(
            headers[header::AUTHORIZATION],
            "Token secret",
            "same origin keeps it"
        );
        assert!(headers[header::COOKIE].to_str().unwrap().contains("own=1"));
    }
}

#[tokio::test]
async fn cookies_never_cross_users() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.1 }
[[user.Tester.on_start]]
path = "/set-cookie/u{{ user_index }}"
name = "/set-cookie/[user]"
[[user.Tester.task]]
path = "/whoami"
headers = { X-User = "{{ user_index }}" }
check = { body_contains = "cookie:session=u" }
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 5, SHORT).await;

    assert_eq!(
        summary(&snapshot, "GET", "/set-cookie/[user]").num_requests,
        5
    );
    assert_eq!(summary(&snapshot, "GET", "/whoami").num_failures, 0);
    let requests = server.requests_to("/whoami");
    assert!(requests.len() >= 5);
    for request in requests {
        let user = request.headers["x-user"].to_str().unwrap().to_owned();
        let cookie = request.headers["cookie"].to_str().unwrap().to_owned();
        assert_eq!(cookie, format!("session=u{user}"));
    }
}

#[tokio::test]
async fn compressed_bodies_are_decoded() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.2 }
[[user.Tester.task]]
steps = [
  { path = "/compressed/gzip", check = { body_contains = "compressed hello" } },
  { path = "/compressed/deflate", check = { body_contains = "compressed hello" } },
  { path = "/compressed/br", check = { body_contains = "compressed hello" } },
  { path = "/empty-gzip", check = { status = 204 } },
]
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, SHORT).await;

    for encoding in ["gzip", "deflate", "br"] {
        let entry = summary(&snapshot, "GET", &format!("/compressed/{encoding}"));
        assert!(entry.num_requests > 0, "{encoding}");
        assert_eq!(
            entry.num_failures,
            0,
            "{encoding}: {:?}",
            failures(&snapshot)
        );
        assert_eq!(entry.avg_content_length, 52.0, "{encoding}: decoded length");
    }
    let empty = summary(&snapshot, "GET", "/empty-gzip");
    assert_eq!(empty.num_failures, 0, "{:?}", failures(&snapshot));
    assert_eq!(empty.avg_content_length, 0.0);
    let accepted = server.requests_to("/compressed/br")[0].headers["accept-encoding"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        accepted.contains("gzip") && accepted.contains("br") && accepted.contains("deflate"),
        "{accepted}"
    );
}

#[tokio::test]
async fn bodies_arrive_as_sent() {
    let server = start_test_server().await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("photo.png"), b"PNGDATA").unwrap();
    let source = r#"
[user.Tester]
wait_time = { constant = 5 }
variables = { greeting = "hi there" }
[[user.Tester.task]]
steps = [
  { method = "POST", path = "/echo", name = "form", form = { text = "{{ greeting }}", n = "1", handle = 1, ratio = 2.5, whole = 3.0, ok = true } },
  { method = "POST", path = "/echo", name = "json", json = { text = "{{ greeting }}", count = 2, tags = ["a"], ok = true } },
  { method = "PUT", path = "/echo", name = "raw", body = "plain {{ greeting }}", content_type = "text/plain" },
  { method = "POST", path = "/echo", name = "multipart", multipart = { caption = "{{ greeting }}", count = 7, photo = { file = "photo.png", content_type = "image/png" } } },
]
"#;
    let path = folder.path().join("swarmfile.toml");
    std::fs::write(&path, source).unwrap();
    let scenario = swarm::scenario::load(&path).unwrap();
    let runner = swarm::engine::Runner::new(scenario, Default::default()).unwrap();
    runner
        .start(swarm::engine::StartRequest {
            user_count: 1,
            spawn_rate: 1.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(500)),
        })
        .await
        .unwrap();
    runner.wait_stopped().await;

    let echoes = server.requests_to("/echo");
    assert_eq!(echoes.len(), 4);
    let content_type = |index: usize| {
        echoes[index].headers["content-type"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let body = |index: usize| String::from_utf8_lossy(&echoes[index].body).into_owned();
    assert_eq!(content_type(0), "application/x-www-form-urlencoded");
    // Numbers and booleans in form fields are sent as their text.
    assert_eq!(
        body(0),
        "handle=1&n=1&ok=true&ratio=2.5&text=hi+there&whole=3.0"
    );
    assert_eq!(content_type(1), "application/json");
    let json: serde_json::Value = serde_json::from_str(&body(1)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"count": 2, "ok": true, "tags": ["a"], "text": "hi there"})
    );
    assert_eq!(echoes[2].method, "PUT");
    assert_eq!(content_type(2), "text/plain");
    assert_eq!(body(2), "plain hi there");
    assert!(content_type(3).starts_with("multipart/form-data; boundary="));
    let multipart = body(3);
    assert!(
        multipart.contains("name=\"caption\"\r\n\r\nhi there\r\n"),
        "{multipart}"
    );
    assert!(
        multipart.contains("name=\"count\"\r\n\r\n7\r\n"),
        "{multipart}"
    );
    assert!(
        multipart.contains(
            "name=\"photo\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n"
        ),
        "{multipart}"
    );
    assert_eq!(runner.snapshot().aggregated.num_failures, 0);
}

#[tokio::test]
async fn captures_feed_later_requests() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 5 }
[[user.Tester.on_start]]
path = "/token"
capture = { token = { json = "/token" }, id = { json = "/items/0/id" }, request = { header = "X-Request-Id" }, flag = { regex = "\"ok\":(\\w+)" } }
[[user.Tester.on_start]]
path = "/set-cookie/c42"
capture = { session = { cookie = "session" } }
[[user.Tester.task]]
path = "/items/{{ id }}"
name = "/items/[id]"
query = { flag = "{{ flag }}" }
headers = { Authorization = "Token {{ token }}", X-Trace = "{{ request }}/{{ session }}" }
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(400)).await;

    assert_eq!(
        snapshot.aggregated.num_failures,
        0,
        "{:?}",
        failures(&snapshot)
    );
    let requests = server.requests_to("/items/11");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["authorization"], "Token abc123");
    assert_eq!(requests[0].headers["x-trace"], "req-42/c42");
    assert_eq!(requests[0].query.as_deref(), Some("flag=true"));
    assert_eq!(summary(&snapshot, "GET", "/items/[id]").num_requests, 1);
}

#[tokio::test]
async fn missing_capture_fails_the_request() {
    let server = start_test_server().await;
    let source = one_task("path = \"/token\"\ncapture = { gone = { json = \"/missing\" }, none = { json = \"/empty\" } }");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(300)).await;

    assert_eq!(
        failures(&snapshot),
        ["GET /token: capture `gone`: no value at JSON pointer /missing"]
    );
}

#[tokio::test]
async fn checks_mark_failures() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 5 }
[[user.Tester.task]]
steps = [
  { path = "/token", name = "json ok", check = { json = { "/nested/id" = 7, "/nested/ok" = true } } },
  { path = "/token", name = "json wrong", check = { json = { "/nested/id" = 8 } } },
  { path = "/token", name = "text missing", check = { body_contains = "absent" } },
  { path = "/delay/150", name = "too slow", check = { max_response_time = 50 } },
  { path = "/status/200", name = "not json", check = { json = { "/a" = 1 } } },
  { path = "/token", name = "json absent", check = { json = { "/nested/name" = "x" } } },
  { method = "POST", path = "/echo", name = "json long", json = { text = "LONG" }, check = { json = { "/text" = "short" } } },
]
"#;
    let long_text = "a".repeat(150);
    let source = source.replace("LONG", &long_text);
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(500)).await;

    // The quoted value is cut to 100 characters: the opening quote and 99 letters.
    let long_failure = format!(
        "POST json long: JSON value at /text is \"{}..., expected \"short\"",
        "a".repeat(99)
    );
    assert_eq!(summary(&snapshot, "GET", "json ok").num_failures, 0);
    assert_eq!(
        failures(&snapshot),
        [
            "GET json wrong: JSON value at /nested/id is 7, expected 8",
            "GET text missing: response body does not contain `absent`",
            "GET too slow: response time above the limit of 50 ms",
            "GET not json: response body is not JSON: expected JSON for the `json` check",
            "GET json absent: JSON value at /nested/name is missing: expected \"x\"",
            long_failure.as_str(),
        ]
    );
}

#[tokio::test]
async fn templates_fill_builtins_and_data_rows() {
    let server = start_test_server().await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("people.csv"),
        "email,name\na@example.com,Ann\nb@example.com,Bob\n",
    )
    .unwrap();
    let source = r#"
[user.Tester]
wait_time = { constant = 5 }
data = { file = "people.csv" }
[[user.Tester.task]]
path = "/people"
query = { n = "{{ random_int(10, 12) }}", s = "{{ random_string(6) }}", id = "{{ uuid }}", email = "{{ data.email }}", user = "{{ user_index }}" }
"#;
    let path = folder.path().join("swarmfile.toml");
    std::fs::write(&path, source).unwrap();
    let runner =
        swarm::engine::Runner::new(swarm::scenario::load(&path).unwrap(), Default::default())
            .unwrap();
    runner
        .start(swarm::engine::StartRequest {
            user_count: 3,
            spawn_rate: 100.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(400)),
        })
        .await
        .unwrap();
    runner.wait_stopped().await;

    let requests = server.requests_to("/people");
    assert_eq!(requests.len(), 3);
    for request in requests {
        let query: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(request.query.unwrap().as_bytes())
                .into_owned()
                .collect();
        let number: i64 = query["n"].parse().unwrap();
        assert!((10..=12).contains(&number));
        assert_eq!(query["s"].len(), 6);
        assert!(uuid::Uuid::parse_str(&query["id"]).is_ok());
        let user: usize = query["user"].parse().unwrap();
        let expected = ["a@example.com", "b@example.com"][user % 2];
        assert_eq!(query["email"], expected, "per-user rows wrap around");
    }
}

#[tokio::test]
async fn round_robin_rows_advance_per_task() {
    let server = start_test_server().await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("codes.csv"), "code\nA\nB\nC\n").unwrap();
    let source = r#"
[user.Tester]
wait_time = { constant = 0.05 }
data = { file = "codes.csv", mode = "round_robin" }
[[user.Tester.task]]
path = "/code/{{ data.code }}"
name = "/code/[code]"
"#;
    let path = folder.path().join("swarmfile.toml");
    std::fs::write(&path, source).unwrap();
    let runner =
        swarm::engine::Runner::new(swarm::scenario::load(&path).unwrap(), Default::default())
            .unwrap();
    runner
        .start(swarm::engine::StartRequest {
            user_count: 1,
            spawn_rate: 1.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(400)),
        })
        .await
        .unwrap();
    runner.wait_stopped().await;

    let paths: Vec<String> = server
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|request| request.path.clone())
        .collect();
    assert!(paths.len() >= 4, "{paths:?}");
    // The user's start takes row A, then every task run takes the next row.
    assert_eq!(&paths[..4], ["/code/B", "/code/C", "/code/A", "/code/B"]);
}

#[tokio::test]
async fn unresolvable_host_is_a_failure() {
    // A label longer than the 63 bytes DNS allows fails inside the local resolver, so the test
    // sends no query off this machine.
    let name = format!("{}.invalid", "a".repeat(70));
    let source = one_task("path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &format!("http://{name}"), 1, SHORT).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests > 0);
    assert_eq!(entry.num_failures, entry.num_requests);
    let messages = failures(&snapshot);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with(&format!("GET /: DNS lookup failed for {name}: ")),
        "{messages:?}"
    );
}

#[tokio::test]
async fn invalid_header_value_fails_without_echoing_it() {
    let server = start_test_server().await;
    // The echoed body has a line break, which the captured variable carries into a header.
    let source = r#"
[user.Tester]
wait_time = { constant = 0.1 }
[[user.Tester.task]]
steps = [
  { method = "POST", path = "/echo", body = "secret\nvalue", capture = { echoed = { regex = "(?s)(.*)" } } },
  { path = "/with-header", headers = { X-Echoed = "{{ echoed }}" } },
]
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, SHORT).await;

    let entry = summary(&snapshot, "GET", "/with-header");
    assert!(entry.num_requests > 0);
    assert_eq!(entry.num_failures, entry.num_requests);
    assert!(server.requests_to("/with-header").is_empty());
    let messages = failures(&snapshot);
    assert_eq!(
        messages,
        ["GET /with-header: invalid value for header x-echoed: the rendered value has a control \
          or non-ASCII character, which headers do not allow"]
    );
    assert!(!messages[0].contains("secret"));
}
