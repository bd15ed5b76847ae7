//! Exceptions: a request whose template reads a value the user does not have is not sent, and
//! is listed with its place in the swarmfile instead of counting as a failed request.

mod support;
mod web_support;

use std::time::Duration;

use support::{failures, run_scenario, run_swarm, start_test_server, swarmfile};

/// Returns the 1-based number of the first line of `source` that contains `text`.
fn line_of(source: &str, text: &str) -> usize {
    source
        .lines()
        .position(|line| line.contains(text))
        .unwrap_or_else(|| panic!("no line contains {text}"))
        + 1
}

/// The capture in `on_start` fails, so `token` never gets a value.
const FAILED_CAPTURE: &str = r#"
[user.Tester]
wait_time = { constant = 0.1 }

[[user.Tester.on_start]]
path = "/token"
capture = { token = { json = "/missing" } }

[[user.Tester.task]]
steps = [
  { path = "/needs-token", headers = { Authorization = "Token {{ token }}" } },
  { path = "/after-token" },
]
"#;

#[tokio::test]
async fn uncaptured_variable_is_exception() {
    let server = start_test_server().await;

    let (_, snapshot) =
        run_scenario(FAILED_CAPTURE, &server.url, 2, Duration::from_millis(800)).await;

    let exceptions = &snapshot.exceptions;
    assert_eq!(exceptions.len(), 1, "{exceptions:?}");
    let exception = &exceptions[0];
    assert!(
        exception
            .message
            .starts_with("variable `token` has no value"),
        "{exception:?}"
    );
    let line = line_of(FAILED_CAPTURE, "/needs-token");
    assert_eq!(
        exception.location,
        format!("test.toml:{line} (user class Tester)")
    );
    // Two users, one task every 0.1 s for 0.8 s.
    assert!(exception.count >= 4, "{exception:?}");
    // Nothing was sent for the exception, and the rest of the task was skipped.
    assert!(server.requests_to("/needs-token").is_empty());
    assert!(server.requests_to("/after-token").is_empty());
    assert!(snapshot
        .entries
        .iter()
        .all(|entry| entry.name != "/needs-token"));
}

#[tokio::test]
async fn failed_capture_stays_failure() {
    let server = start_test_server().await;

    let (_, snapshot) =
        run_scenario(FAILED_CAPTURE, &server.url, 2, Duration::from_millis(500)).await;

    // The request with the failing capture was sent, so it counts as a failed request.
    assert_eq!(snapshot.aggregated.num_requests, 2);
    assert_eq!(snapshot.aggregated.num_failures, 2);
    assert_eq!(
        failures(&snapshot),
        ["GET /token: capture `token`: no value at JSON pointer /missing"]
    );
}

#[tokio::test]
async fn short_data_row_is_exception() {
    let server = start_test_server().await;
    let source = r#"
[user.Customer]
wait_time = { constant = 0.1 }
data = { file = "customers.csv", mode = "per_user" }

[[user.Customer.task]]
path = "/customer/{{ data.name }}"
"#;
    let file = swarmfile(source);
    std::fs::write(
        file.folder.path().join("customers.csv"),
        "email,name\nann@example.com,Ann\nbob@example.com\n",
    )
    .unwrap();
    let scenario = swarm::scenario::load(&file.path).unwrap();
    let runner =
        swarm::engine::Runner::new(scenario, swarm::engine::RunnerOptions::default()).unwrap();
    runner
        .start(swarm::engine::StartRequest {
            user_count: 2,
            spawn_rate: 100.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(500)),
        })
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), runner.wait_stopped())
        .await
        .expect("the run stops by itself");
    let snapshot = runner.snapshot();

    // User 0 reads the full row; user 1 reads the short one.
    assert!(!server.requests_to("/customer/Ann").is_empty());
    assert_eq!(snapshot.aggregated.num_failures, 0);
    let exceptions = &snapshot.exceptions;
    assert_eq!(exceptions.len(), 1, "{exceptions:?}");
    let csv_path = file.folder.path().join("customers.csv");
    assert_eq!(
        exceptions[0].message,
        format!(
            "data row 2 of {} has no value for column `name`: it has 1 of the 2 fields in the header row",
            csv_path.display()
        )
    );
    let line = line_of(source, "/customer/");
    assert_eq!(
        exceptions[0].location,
        format!("{}:{line} (user class Customer)", file.path.display())
    );
}

/// The first task reads `token` before the second one captures it, so each user's first task
/// is an exception, while no request fails.
const CAPTURE_TOO_LATE: &str = r#"
[user.Tester]
sequential = true
wait_time = { constant = 0.1 }

[[user.Tester.task]]
path = "/needs-token"
headers = { Authorization = "Token {{ token }}" }

[[user.Tester.task]]
path = "/token"
capture = { token = { json = "/token" } }
"#;

/// Runs `source` headless for 1 s with one user and `--csv`, and returns the output and the
/// exceptions CSV.
async fn run_headless(source: &str, url: &str) -> (std::process::Output, String) {
    let file = swarmfile(source);
    let path = file.path.to_str().unwrap();
    let prefix = file.folder.path().join("run");
    let prefix = prefix.to_str().unwrap();
    let output = run_swarm(&[
        "-f",
        path,
        "-H",
        url,
        "--headless",
        "-u",
        "1",
        "-r",
        "1",
        "-t",
        "1s",
        "--csv",
        prefix,
    ])
    .await;
    let exceptions_csv = std::fs::read_to_string(format!("{prefix}_exceptions.csv")).unwrap();
    (output, exceptions_csv.replace(path, "SWARMFILE"))
}

#[tokio::test]
async fn headless_exceptions_set_exit_code() {
    let server = start_test_server().await;
    let capture_first = r#"
[user.Tester]
wait_time = { constant = 0.1 }

[[user.Tester.on_start]]
path = "/token"
capture = { token = { json = "/token" } }

[[user.Tester.task]]
path = "/needs-token"
headers = { Authorization = "Token {{ token }}" }
"#;

    let (clean, clean_csv) = run_headless(capture_first, &server.url).await;
    let (late, late_csv) = run_headless(CAPTURE_TOO_LATE, &server.url).await;

    let clean_stderr = String::from_utf8_lossy(&clean.stderr);
    assert_eq!(clean.status.code(), Some(0), "{clean_stderr}");
    assert_eq!(clean_csv, "Count,Message,Traceback,Nodes\r\n");
    let stderr = String::from_utf8_lossy(&late.stderr);
    assert_eq!(late.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("Error report"), "{stderr}");
    assert!(stderr.contains("Exception report"), "{stderr}");
    assert!(stderr.contains("variable `token` has no value"), "{stderr}");
    let line = line_of(CAPTURE_TOO_LATE, "/needs-token");
    let rows: Vec<&str> = late_csv.split("\r\n").collect();
    assert_eq!(rows[0], "Count,Message,Traceback,Nodes");
    assert!(
        rows[1].starts_with("1,variable `token` has no value"),
        "{late_csv}"
    );
    assert!(
        rows[1].ends_with(&format!(",SWARMFILE:{line} (user class Tester),local")),
        "{late_csv}"
    );
    assert_eq!(rows.len(), 3, "{late_csv}");
}

#[tokio::test]
async fn web_ui_lists_exceptions() {
    let app = web_support::spawn_swarm_from(None, |target| {
        format!("[swarm]\nhost = \"http://{target}\"\n{CAPTURE_TOO_LATE}")
    })
    .await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(10), |stats| stats["user_count"] == 2)
        .await;

    let mut exceptions = serde_json::Value::Null;
    for _ in 0..50 {
        exceptions = app.get_json("/exceptions").await;
        if exceptions["exceptions"][0]["count"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csv = app
        .client
        .get(app.url("/exceptions/csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let report = app
        .client
        .get(app.url("/stats/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    app.stop_run().await;

    let swarmfile = app.dir.path().join("swarmfile.toml");
    // The [swarm] table adds two lines above the user class.
    let line = line_of(CAPTURE_TOO_LATE, "/needs-token") + 2;
    let location = format!("{}:{line} (user class Tester)", swarmfile.display());
    let rows = exceptions["exceptions"].as_array().expect("a list");
    assert_eq!(rows.len(), 1, "{exceptions}");
    let row = &rows[0];
    assert_eq!(row["count"], 2, "{exceptions}");
    assert!(
        row["msg"]
            .as_str()
            .is_some_and(|message| message.starts_with("variable `token` has no value")),
        "{exceptions}"
    );
    assert_eq!(row["traceback"], location.as_str());
    assert_eq!(row["nodes"], "local");
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["count", "msg", "traceback", "nodes"]);
    assert!(
        csv.starts_with("Count,Message,Traceback,Nodes\r\n2,"),
        "{csv}"
    );
    assert!(csv.contains(&format!(",{location},local\r\n")), "{csv}");
    assert!(
        report.contains("<h2>Exceptions statistics</h2>"),
        "{report}"
    );
    assert!(report.contains(&location), "{report}");
}
