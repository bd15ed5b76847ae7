//! The web UI's endpoints over HTTP, against a real runner swarming a loopback target.

mod web_support;

use std::time::Duration;

use serde_json::Value;
use web_support::{aggregated, spawn_swarm, spawn_swarm_with_auth};

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

#[tokio::test]
async fn index_prefills_form_from_swarmfile() {
    let app = spawn_swarm().await;

    let response = app.client.get(app.url("/")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let host = format!("value=\"http://{}\"", app.target.addr);
    assert!(
        html.contains(&host),
        "the host field is not pre-filled: {html}"
    );
    assert!(html.contains("name=\"user_count\""));
    assert!(html.contains("data-state=\"ready\""));
}

#[tokio::test]
async fn index_offers_running_test_settings() {
    let app = spawn_swarm().await;
    app.start_run(3, "45s").await;

    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    app.stop_run().await;

    assert!(
        html.contains("name=\"user_count\" type=\"number\" inputmode=\"numeric\" min=\"0\" step=\"1\" required value=\"3\""),
        "the user count of the running test is not offered: {html}"
    );
    assert!(
        html.contains("required value=\"10\""),
        "the spawn rate of the running test is not offered: {html}"
    );
    assert!(
        html.contains("value=\"45s\""),
        "the run time of the running test is not offered: {html}"
    );
}

#[tokio::test]
async fn static_files_are_served() {
    let app = spawn_swarm().await;

    for (path, content_type) in [
        ("/static/app.css", "text/css"),
        ("/static/app.js", "text/javascript"),
        ("/static/charts.js", "text/javascript"),
        ("/static/format.js", "text/javascript"),
        ("/static/runs.js", "text/javascript"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let header = response.headers()["content-type"].to_str().unwrap();
        assert!(header.starts_with(content_type), "{path}: {header}");
    }
}

/// The UI must work offline, so the page links only to swarm's own paths, and the stylesheet
/// and scripts fetch nothing from another host.
#[tokio::test]
async fn page_loads_nothing_from_network() {
    let app = spawn_swarm().await;

    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut links = 0;
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let value = &html[start + attribute.len()..];
            let value = &value[..value.find('"').unwrap()];
            links += 1;
            assert!(
                !value.contains("://") && !value.starts_with("//"),
                "the page links to another host: {value}"
            );
        }
    }
    assert!(links >= 2, "found only {links} links in the page: {html}");

    for path in [
        "/static/app.css",
        "/static/app.js",
        "/static/charts.js",
        "/static/format.js",
        "/static/runs.js",
    ] {
        let text = app
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for pattern in ["http://", "https://", "@import", "url("] {
            assert!(!text.contains(pattern), "{path} contains {pattern}");
        }
    }
}

#[tokio::test]
async fn stats_requests_before_start_is_ready_and_empty() {
    let app = spawn_swarm().await;

    let stats = app.get_json("/stats/requests").await;

    assert_eq!(stats["state"], "ready");
    assert_eq!(stats["user_count"], 0);
    assert_eq!(stats["stats"].as_array().unwrap().len(), 1);
    assert_eq!(aggregated(&stats)["name"], "Aggregated");
    assert_eq!(aggregated(&stats)["num_requests"], 0);
}

#[tokio::test]
async fn swarm_starts_run_and_fills_stats() {
    let app = spawn_swarm().await;

    let body = app.start_run(2, "30s").await;
    assert_eq!(body["message"], "Swarming started");
    assert_eq!(body["run_time"], 30);
    let stats = app
        .wait_for_stats(Duration::from_secs(15), |stats| {
            aggregated(stats)["num_requests"].as_u64() >= Some(8)
        })
        .await;

    for key in [
        "stats",
        "errors",
        "total_rps",
        "fail_ratio",
        "current_response_time_percentiles",
        "state",
        "user_count",
    ] {
        assert!(stats.get(key).is_some(), "missing top-level field {key}");
    }
    let hello = stats["stats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["name"] == "/hello")
        .expect("an entry for /hello");
    for key in [
        "method",
        "name",
        "num_requests",
        "num_failures",
        "median_response_time",
        "avg_response_time",
        "min_response_time",
        "max_response_time",
        "avg_content_length",
        "current_rps",
        "current_fail_per_sec",
        "response_time_percentile_0.95",
        "response_time_percentile_0.99",
    ] {
        assert!(hello.get(key).is_some(), "missing entry field {key}");
    }
    assert_eq!(hello["method"], "GET");
    assert_eq!(hello["num_failures"], 0);
    assert!(["spawning", "running"].contains(&stats["state"].as_str().unwrap()));
    app.stop_run().await;
}

/// Returns the keys of a JSON object, sorted.
fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// Compares the body of `GET /stats/requests` field by field with the JSON that Locust's web
/// UI (version 2.46) sends for a single-process run, which has no `workers` or `worker_count`.
#[tokio::test]
async fn stats_requests_has_exactly_locust_fields() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    let stats = app
        .wait_for_stats(Duration::from_secs(15), |stats| {
            stats["stats"].as_array().unwrap().len() == 3
                && !stats["errors"].as_array().unwrap().is_empty()
        })
        .await;
    app.stop_run().await;

    assert_eq!(
        keys(&stats),
        [
            "current_fail_per_sec",
            "current_response_time_percentiles",
            "current_rps",
            "errors",
            "fail_ratio",
            "state",
            "stats",
            "total_fail_per_sec",
            "total_rps",
            "user_count",
        ]
    );
    let entry_keys = [
        "avg_content_length",
        "avg_response_time",
        "current_fail_per_sec",
        "current_rps",
        "max_response_time",
        "median_response_time",
        "method",
        "min_response_time",
        "name",
        "num_failures",
        "num_requests",
        "response_time_percentile_0.95",
        "response_time_percentile_0.99",
        "total_fail_per_sec",
        "total_rps",
    ];
    let entries = stats["stats"].as_array().unwrap();
    for entry in entries {
        assert_eq!(keys(entry), entry_keys, "{entry}");
        assert!(entry["num_requests"].is_u64(), "{entry}");
        assert!(entry["num_failures"].is_u64(), "{entry}");
        for key in &entry_keys[..] {
            if *key != "method" && *key != "name" {
                assert!(entry[key].is_number(), "{key} is not a number: {entry}");
            }
        }
    }

    // Entries sorted by name, then the Aggregated entry with an empty method.
    let names: Vec<&str> = entries
        .iter()
        .map(|entry| entry["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["/broken", "/hello", "Aggregated"]);
    assert_eq!(aggregated(&stats)["method"], "");

    let error = &stats["errors"][0];
    assert_eq!(
        keys(error),
        [
            "error",
            "first_seen",
            "last_seen",
            "method",
            "name",
            "occurrences"
        ]
    );
    assert!(error["first_seen"].is_f64(), "{error}");
    assert_eq!(
        keys(&stats["current_response_time_percentiles"]),
        [
            "response_time_percentile_0.5",
            "response_time_percentile_0.95"
        ]
    );
    let fail_ratio = stats["fail_ratio"].as_f64().unwrap();
    assert!(fail_ratio > 0.0, "{fail_ratio}");
    assert!(fail_ratio < 1.0, "{fail_ratio}");
    assert_eq!(stats["total_rps"], aggregated(&stats)["total_rps"]);
    assert_eq!(stats["current_rps"], aggregated(&stats)["current_rps"]);
}

#[tokio::test]
async fn failures_are_grouped_with_message() {
    let app = spawn_swarm().await;

    app.start_run(2, "30s").await;
    let stats = app
        .wait_for_stats(Duration::from_secs(15), |stats| {
            stats["errors"]
                .as_array()
                .is_some_and(|errors| !errors.is_empty())
        })
        .await;
    app.stop_run().await;

    let error = &stats["errors"][0];
    assert_eq!(error["name"], "/broken");
    assert_eq!(error["method"], "GET");
    assert!(error["occurrences"].as_u64().unwrap() >= 1);
    assert!(error["error"].as_str().unwrap().contains("500"), "{error}");
    assert!(stats["fail_ratio"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn swarm_rejects_invalid_form() {
    let app = spawn_swarm().await;
    let cases: [&[(&str, &str)]; 4] = [
        &[("spawn_rate", "1")],
        &[("user_count", "many"), ("spawn_rate", "1")],
        &[("user_count", "2"), ("spawn_rate", "0")],
        &[
            ("user_count", "2"),
            ("spawn_rate", "1"),
            ("run_time", "later"),
        ],
    ];

    for fields in cases {
        let response = app.post_swarm(fields).await;
        assert_eq!(response.status(), 400, "{fields:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["success"], false, "{fields:?}");
        assert!(!body["message"].as_str().unwrap().is_empty(), "{fields:?}");
    }

    // The run_time message is the command line's, naming the value and the accepted forms.
    let response = app
        .post_swarm(&[
            ("user_count", "2"),
            ("spawn_rate", "1"),
            ("run_time", "later"),
        ])
        .await;
    let body: Value = response.json().await.unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("invalid run_time `later`: expected seconds"),
        "{message}"
    );
    assert!(message.contains("1h20m"), "{message}");

    let stats = app.get_json("/stats/requests").await;
    assert_eq!(stats["state"], "ready");
    assert_eq!(
        app.target
            .requests
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[tokio::test]
async fn swarm_with_malformed_body_is_client_error() {
    let app = spawn_swarm().await;

    let response = app
        .client
        .post(app.url("/swarm"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user_count=%ZZ&&=")
        .send()
        .await
        .unwrap();

    assert!(response.status().is_client_error(), "{}", response.status());
}

#[tokio::test]
async fn edit_changes_user_count_while_running() {
    let app = spawn_swarm().await;
    app.start_run(1, "30s").await;
    app.wait_for_stats(Duration::from_secs(10), |stats| stats["user_count"] == 1)
        .await;

    let response = app
        .post_swarm(&[("user_count", "3"), ("spawn_rate", "10")])
        .await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["host"], format!("http://{}", app.target.addr));
    app.wait_for_stats(Duration::from_secs(10), |stats| stats["user_count"] == 3)
        .await;
    app.stop_run().await;
}

#[tokio::test]
async fn stop_records_run_in_runs_file() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(15), |stats| {
        aggregated(stats)["num_requests"].as_u64() >= Some(5)
            && aggregated(stats)["num_failures"].as_u64() >= Some(1)
    })
    .await;

    app.stop_run().await;

    let runs = app.wait_for_runs(1).await;
    let run = &runs["runs"][0];
    assert_eq!(run["id"], 1);
    assert_eq!(run["user_count"], 2);
    assert_eq!(run["spawn_rate"], 10.0);
    assert_eq!(run["run_time"], 30);
    assert!(run["num_requests"].as_u64().unwrap() >= 5, "{run}");
    assert!(run["total_rps"].as_f64().unwrap() > 0.0, "{run}");
    assert!(run["median_response_time"].as_f64().unwrap() > 0.0, "{run}");
    assert!(run["fail_percent"].as_f64().unwrap() > 0.0, "{run}");
    let file = std::fs::read_to_string(&app.runs_file).expect("swarm_runs.json was written");
    let stored: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(stored.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn run_time_stops_run_by_itself() {
    let app = spawn_swarm().await;

    app.start_run(1, "2s").await;

    let stats = app
        .wait_for_stats(Duration::from_secs(15), |stats| stats["state"] == "stopped")
        .await;
    assert!(aggregated(&stats)["num_requests"].as_u64().unwrap() >= 1);
    let sent = app
        .target
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let later = app
        .target
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(sent, later, "requests went on after the run stopped");
}

#[tokio::test]
async fn reset_clears_statistics() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(15), |stats| {
        aggregated(stats)["num_requests"].as_u64() >= Some(5)
    })
    .await;
    app.stop_run().await;

    let response = app
        .client
        .get(app.url("/stats/reset"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
    let stats = app.get_json("/stats/requests").await;
    assert_eq!(aggregated(&stats)["num_requests"], 0);
    assert_eq!(stats["errors"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn csv_downloads_have_locust_headers() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(15), |stats| {
        let has_hello = stats["stats"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["name"] == "/hello");
        has_hello && !stats["errors"].as_array().unwrap().is_empty()
    })
    .await;
    app.stop_run().await;
    let cases = [
        ("/stats/requests/csv", STATS_HEADER),
        (
            "/stats/failures/csv",
            "Method,Name,Error,Occurrences,First Seen,Last Seen",
        ),
        ("/exceptions/csv", "Count,Message,Traceback,Nodes"),
    ];

    for (path, header) in cases {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/csv"),
            "{path}: {content_type}"
        );
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\"swarm_"),
            "{path}: {disposition}"
        );
        assert!(disposition.ends_with(".csv\""), "{path}: {disposition}");
        let text = response.text().await.unwrap();
        assert_eq!(text.lines().next(), Some(header), "{path}");
    }

    let requests_csv = app
        .client
        .get(app.url("/stats/requests/csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(requests_csv
        .lines()
        .any(|line| line.starts_with("GET,/hello,")));
    assert!(requests_csv
        .lines()
        .any(|line| line.starts_with(",Aggregated,")));
}

#[tokio::test]
async fn report_is_self_contained_html() {
    let app = spawn_swarm().await;

    let response = app
        .client
        .get(app.url("/stats/report"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<html"), "{html}");
    assert!(
        !html.contains("<script src=\"http"),
        "the report loads a script from the network"
    );

    let download = app
        .client
        .get(app.url("/stats/report?download=1"))
        .send()
        .await
        .unwrap();
    let disposition = download.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.ends_with(".html\""), "{disposition}");
}

#[tokio::test]
async fn exceptions_tasks_and_logs_have_locust_shapes() {
    let app = spawn_swarm().await;
    app.start_run(1, "30s").await;
    app.wait_for_stats(Duration::from_secs(10), |stats| stats["user_count"] == 1)
        .await;

    let exceptions = app.get_json("/exceptions").await;
    let tasks = app.get_json("/tasks").await;
    let logs = app.get_json("/logs").await;
    app.stop_run().await;

    assert!(exceptions["exceptions"].is_array(), "{exceptions}");
    let visitor = &tasks["per_class"]["Visitor"];
    assert_eq!(visitor["ratio"], 1.0, "{tasks}");
    assert!(
        visitor["tasks"]
            .as_object()
            .is_some_and(|tasks| tasks.len() == 2),
        "{tasks}"
    );
    assert!(tasks["total"]["Visitor"].is_object(), "{tasks}");
    let workers = app.get_json("/worker-count").await;
    assert_eq!(workers, serde_json::json!({"worker_count": 0}));
    assert!(logs["master"].is_array(), "{logs}");
    assert!(logs["workers"].is_object(), "{logs}");
}

#[tokio::test]
async fn history_has_points_in_locust_format() {
    let app = spawn_swarm().await;
    app.start_run(1, "30s").await;

    let mut history = Value::Null;
    for _ in 0..80 {
        history = app.get_json("/stats/history").await;
        if history.as_array().is_some_and(|points| !points.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.stop_run().await;

    let point = &history[0];
    let time = point["time"].as_str().expect("a time");
    assert_eq!(point["user_count"][0], time);
    assert!(point["current_rps"][1].is_number(), "{point}");
    assert!(
        point.get("response_time_percentile_0.95").is_some(),
        "{point}"
    );
}

#[tokio::test]
async fn history_csv_has_aggregated_rows_per_second() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(15), |stats| {
        aggregated(stats)["num_requests"].as_u64() >= Some(5)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2200)).await;

    let response = app
        .client
        .get(app.url("/stats/requests_full_history/csv"))
        .send()
        .await
        .unwrap();
    app.stop_run().await;

    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("Timestamp,User Count,Type,Name,Requests/s,"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 2, "expected a row per second: {csv}");
    for row in &rows {
        assert!(row.contains(",,Aggregated,"), "{row}");
    }
}

#[tokio::test]
async fn unknown_path_is_not_found() {
    let app = spawn_swarm().await;

    for path in [
        "/no/such/page",
        "/static/missing.js",
        "/static/../Cargo.toml",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn basic_auth_guards_every_route() {
    let app = spawn_swarm_with_auth(Some("admin:s3cret".parse().unwrap())).await;

    for path in ["/", "/stats/requests", "/static/app.js", "/stop"] {
        let anonymous = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(anonymous.status(), 401, "{path}");
        assert!(
            anonymous.headers().contains_key("www-authenticate"),
            "{path}"
        );

        let wrong = app
            .client
            .get(app.url(path))
            .basic_auth("admin", Some("s3cres"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
    }

    let signed_in = app
        .client
        .get(app.url("/stats/requests"))
        .basic_auth("admin", Some("s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
}
