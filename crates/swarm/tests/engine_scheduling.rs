//! Scheduling against a real local server: classes, weights, fixed counts, hosts, task order,
//! groups, on_stop, wait times, ramp-down, stop timeout and statistics reset.

mod support;

use std::time::Duration;

use support::{run_scenario, run_scenario_with, start_test_server, summary};
use swarm::engine::{Runner, RunnerOptions, RunnerState, StartRequest};

fn paths_of_user(server: &support::TestServer, user: &str) -> Vec<String> {
    server
        .received
        .lock()
        .unwrap()
        .iter()
        .filter(|request| {
            request
                .headers
                .get("x-user")
                .is_some_and(|value| value == user)
        })
        .map(|request| request.path.clone())
        .collect()
}

#[tokio::test]
async fn fixed_count_and_weights_share_users() {
    let server = start_test_server().await;
    let source = r#"
[user.Admin]
fixed_count = 1
wait_time = { constant = 5 }
[[user.Admin.task]]
path = "/admin"

[user.Reader]
weight = 3
wait_time = { constant = 5 }
[[user.Reader.task]]
path = "/read"

[user.Writer]
weight = 1
wait_time = { constant = 5 }
[[user.Writer.task]]
path = "/write"
"#;
    let (runner, snapshot) = run_scenario(source, &server.url, 9, Duration::from_millis(500)).await;

    assert_eq!(summary(&snapshot, "GET", "/admin").num_requests, 1);
    assert_eq!(summary(&snapshot, "GET", "/read").num_requests, 6);
    assert_eq!(summary(&snapshot, "GET", "/write").num_requests, 2);
    assert_eq!(runner.state(), RunnerState::Stopped);
    assert_eq!(runner.user_count(), 0);
}

#[tokio::test]
async fn class_host_applies_without_explicit_host() {
    let main = start_test_server().await;
    let other = start_test_server().await;
    let source = format!(
        r#"
[swarm]
host = "{main}"

[user.Local]
wait_time = {{ constant = 5 }}
[[user.Local.task]]
path = "/here"

[user.Remote]
host = "{other}"
wait_time = {{ constant = 5 }}
[[user.Remote.task]]
path = "/there"
"#,
        main = main.url,
        other = other.url
    );
    let scenario = swarm::scenario::parse(std::path::Path::new("hosts.toml"), &source).unwrap();
    let options = RunnerOptions {
        default_host: scenario.defaults.host.clone(),
        ..RunnerOptions::default()
    };
    let runner = Runner::new(scenario, options).unwrap();
    runner
        .start(StartRequest {
            user_count: 2,
            spawn_rate: 10.0,
            host: None,
            run_time: Some(Duration::from_millis(400)),
        })
        .await
        .unwrap();
    runner.wait_stopped().await;

    assert_eq!(main.requests_to("/here").len(), 1);
    assert_eq!(other.requests_to("/there").len(), 1);
    assert!(main.requests_to("/there").is_empty());
}

#[tokio::test]
async fn sequential_tasks_run_in_file_order() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
sequential = true
wait_time = { constant = 0.05 }
headers = { X-User = "{{ user_index }}" }
[[user.Tester.task]]
path = "/one"
[[user.Tester.group]]
name = "pair"
iterations = 2
sequential = true
[[user.Tester.group.task]]
path = "/two"
[[user.Tester.group.task]]
path = "/three"
[[user.Tester.task]]
path = "/four"
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(700)).await;

    assert_eq!(snapshot.aggregated.num_failures, 0);
    let paths = paths_of_user(&server, "0");
    assert!(paths.len() >= 8, "{paths:?}");
    assert_eq!(
        &paths[..8],
        ["/one", "/two", "/three", "/four", "/one", "/two", "/three", "/four"]
    );
}

#[tokio::test]
async fn group_runs_its_start_and_stop() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.05 }
headers = { X-User = "{{ user_index }}" }
[[user.Tester.group]]
iterations = 2
[[user.Tester.group.on_start]]
path = "/enter"
[[user.Tester.group.on_stop]]
path = "/leave"
[[user.Tester.group.task]]
path = "/inside"
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(500)).await;

    assert_eq!(snapshot.aggregated.num_failures, 0);
    let paths = paths_of_user(&server, "0");
    assert!(paths.len() >= 4, "{paths:?}");
    assert_eq!(&paths[..4], ["/enter", "/inside", "/inside", "/leave"]);
}

#[tokio::test]
async fn hooks_run_once_per_user() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.05 }
[[user.Tester.on_start]]
path = "/login"
[[user.Tester.on_stop]]
path = "/logout"
[[user.Tester.task]]
path = "/work"
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 3, Duration::from_millis(400)).await;

    assert_eq!(summary(&snapshot, "GET", "/login").num_requests, 3);
    assert_eq!(summary(&snapshot, "GET", "/logout").num_requests, 3);
    assert!(summary(&snapshot, "GET", "/work").num_requests >= 3);
}

#[tokio::test]
async fn constant_throughput_paces_tasks() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant_throughput = 10 }
[[user.Tester.task]]
path = "/paced"
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(1050)).await;

    let count = summary(&snapshot, "GET", "/paced").num_requests;
    assert!(
        (8..=12).contains(&count),
        "10 task runs per second, got {count}"
    );
}

#[tokio::test]
async fn between_wait_bounds_request_count() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { between = [0.2, 0.3] }
[[user.Tester.task]]
path = "/waited"
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(1000)).await;

    let count = summary(&snapshot, "GET", "/waited").num_requests;
    assert!(
        (3..=6).contains(&count),
        "one task every 0.2–0.3 s, got {count}"
    );
}

#[tokio::test]
async fn ramp_down_stops_newest_users() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.05 }
headers = { X-User = "{{ user_index }}" }
[[user.Tester.task]]
path = "/tick"
"#;
    let scenario = swarm::scenario::parse(std::path::Path::new("ramp.toml"), source).unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    let start = |users| StartRequest {
        user_count: users,
        spawn_rate: 100.0,
        host: Some(server.url.clone()),
        run_time: None,
    };
    runner.start(start(4)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(runner.user_count(), 4);
    assert_eq!(runner.state(), RunnerState::Running);

    runner.start(start(2)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(runner.user_count(), 2);
    let before = server.received.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let late_users: Vec<String> = server.received.lock().unwrap()[before..]
        .iter()
        .map(|request| request.headers["x-user"].to_str().unwrap().to_owned())
        .collect();
    runner.stop_and_wait().await;

    assert!(!late_users.is_empty());
    assert!(
        late_users.iter().all(|user| user == "0" || user == "1"),
        "{late_users:?}"
    );
    assert_eq!(runner.user_count(), 0);
    assert_eq!(runner.state(), RunnerState::Stopped);
}

#[tokio::test]
async fn stop_timeout_lets_tasks_finish() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0 }
[[user.Tester.task]]
path = "/delay/400"
name = "slow"
"#;
    let patient = RunnerOptions {
        stop_timeout: Duration::from_secs(3),
        ..RunnerOptions::default()
    };
    let (_, finished) =
        run_scenario_with(source, &server.url, 2, Duration::from_millis(600), patient).await;
    let (_, abandoned) = run_scenario(source, &server.url, 2, Duration::from_millis(600)).await;

    // Each user completes its second request (started at 400 ms) only with a stop timeout.
    assert_eq!(summary(&finished, "GET", "slow").num_requests, 4);
    assert_eq!(summary(&abandoned, "GET", "slow").num_requests, 2);
    assert_eq!(finished.aggregated.num_failures, 0);
}

#[tokio::test]
async fn reset_after_spawn_drops_ramp_requests() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 5 }
[[user.Tester.on_start]]
path = "/login"
[[user.Tester.task]]
path = "/work"
"#;
    let options = RunnerOptions {
        reset_stats_after_spawn: true,
        ..RunnerOptions::default()
    };
    let scenario = swarm::scenario::parse(std::path::Path::new("reset.toml"), source).unwrap();
    let runner = Runner::new(scenario, options).unwrap();
    runner
        .start(StartRequest {
            user_count: 3,
            spawn_rate: 2.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(1500)),
        })
        .await
        .unwrap();
    runner.wait_stopped().await;
    let snapshot = runner.snapshot();

    // Two users spawned in the first step and one a second later; the reset came after that.
    assert_eq!(server.requests_to("/login").len(), 3);
    let logins = snapshot
        .entries
        .iter()
        .find(|entry| entry.name == "/login")
        .map_or(0, |entry| entry.num_requests);
    assert!(logins < 3, "ramp requests were reset, got {logins}");
    assert!(runner
        .logs()
        .iter()
        .any(|line| line.message == "Resetting stats"));
}

#[tokio::test]
async fn runner_reports_ratios_history_and_logs() {
    let server = start_test_server().await;
    let source = r#"
[user.Reader]
weight = 3
wait_time = { constant = 1 }
[[user.Reader.task]]
weight = 2
path = "/a"
[[user.Reader.task]]
path = "/b"

[user.Writer]
wait_time = { constant = 1 }
[[user.Writer.task]]
method = "POST"
path = "/c"
"#;
    let scenario = swarm::scenario::parse(std::path::Path::new("ratios.toml"), source).unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    runner
        .start(StartRequest {
            user_count: 4,
            spawn_rate: 100.0,
            host: Some(server.url.clone()),
            run_time: None,
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let ratios = runner.task_ratios();
    assert_eq!(ratios["per_class"]["Reader"]["ratio"], 0.75);
    assert_eq!(ratios["total"]["Writer"]["ratio"], 0.25);
    let reader_a = ratios["total"]["Reader"]["tasks"]["GET /a"]["ratio"]
        .as_f64()
        .unwrap();
    assert!((reader_a - 0.5).abs() < 1e-9, "{reader_a}");
    let counts = runner.class_counts();
    assert_eq!(counts["Reader"], 3);
    assert_eq!(counts["Writer"], 1);

    let body = runner.requests_json();
    assert_eq!(body["state"], "running");
    assert_eq!(body["user_count"], 4);
    runner.stop_and_wait().await;

    let messages: Vec<String> = runner.logs().into_iter().map(|line| line.message).collect();
    assert!(
        messages.contains(&"Ramping to 4 users at a rate of 100.00 per second".to_owned()),
        "{messages:?}"
    );
    assert!(
        messages.contains(
            &"All users spawned: {\"Reader\": 3, \"Writer\": 1} (4 total users)".to_owned()
        ),
        "{messages:?}"
    );
    assert!(
        !runner.history().is_empty(),
        "a final chart point is kept at stop"
    );
    assert_eq!(runner.requests_json()["state"], "stopped");
}

#[tokio::test]
async fn start_without_host_is_rejected() {
    let source = "[user.Tester]\n[[user.Tester.task]]\npath = \"/\"\n";
    let scenario = swarm::scenario::parse(std::path::Path::new("nohost.toml"), source).unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    let error = runner
        .start(StartRequest {
            user_count: 1,
            spawn_rate: 1.0,
            host: None,
            run_time: Some(Duration::from_millis(100)),
        })
        .await
        .unwrap_err();

    assert!(
        error
            .to_string()
            .starts_with("no host for user class Tester"),
        "{error}"
    );
    assert_eq!(runner.state(), RunnerState::Ready);
}

#[tokio::test]
async fn sequential_weight_repeats_task() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
sequential = true
wait_time = { constant = 0.02 }
headers = { X-User = "{{ user_index }}" }
[[user.Tester.task]]
path = "/twice"
weight = 2
[[user.Tester.task]]
path = "/once"
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(500)).await;

    assert_eq!(snapshot.aggregated.num_failures, 0);
    let paths = paths_of_user(&server, "0");
    assert!(paths.len() >= 6, "{paths:?}");
    assert_eq!(
        &paths[..6],
        ["/twice", "/twice", "/once", "/twice", "/twice", "/once"]
    );
}

#[tokio::test]
async fn task_weights_set_shares() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.001 }
[[user.Tester.task]]
path = "/often"
weight = 9
[[user.Tester.task]]
path = "/rarely"
weight = 1
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 4, Duration::from_millis(1500)).await;

    let often = summary(&snapshot, "GET", "/often").num_requests as f64;
    let rarely = summary(&snapshot, "GET", "/rarely").num_requests as f64;
    let share = rarely / (often + rarely);
    assert!(
        often + rarely >= 200.0,
        "too few requests: {often} + {rarely}"
    );
    // 10 % expected; the bounds hold with overwhelming probability for 200+ draws.
    assert!((0.03..0.2).contains(&share), "share of /rarely {share}");
}

#[tokio::test]
async fn run_time_counts_from_start() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 5 }
[[user.Tester.task]]
path = "/slowly-spawned"
"#;
    let scenario = swarm::scenario::parse(std::path::Path::new("ramp.toml"), source).unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    let started = std::time::Instant::now();
    runner
        .start(StartRequest {
            user_count: 10,
            spawn_rate: 2.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(1200)),
        })
        .await
        .unwrap();
    runner.wait_stopped().await;
    let elapsed = started.elapsed();

    // The ramp needs 4.5 s, but the run time ends the test during it.
    assert!(
        elapsed < Duration::from_secs(3),
        "stopped after {elapsed:?}"
    );
    let spawned = server.requests_to("/slowly-spawned").len();
    assert!((2..=6).contains(&spawned), "{spawned} users spawned");
    assert!(runner
        .logs()
        .iter()
        .all(|line| !line.message.starts_with("All users spawned")));
}

#[tokio::test]
async fn ramp_steps_keep_their_pace() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 10 }
[[user.Tester.task]]
path = "/spawned"
"#;
    let scenario = swarm::scenario::parse(std::path::Path::new("ramp.toml"), source).unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    let started = std::time::Instant::now();
    runner
        .start(StartRequest {
            user_count: 9,
            spawn_rate: 4.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_secs(5)),
        })
        .await
        .unwrap();
    let mut state = runner.subscribe_state();
    state
        .wait_for(|state| *state == RunnerState::Running)
        .await
        .unwrap();
    let ramp = started.elapsed();
    let spawned = runner.user_count();
    runner.stop_and_wait().await;

    // Steps of 4, 4 and 1 users at 0, 1 and 2 s.
    assert_eq!(spawned, 9);
    assert!(ramp >= Duration::from_millis(1900), "ramp took {ramp:?}");
    assert!(ramp < Duration::from_millis(2600), "ramp took {ramp:?}");
}

#[tokio::test]
async fn waits_record_schedule_lag() {
    let server = start_test_server().await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.05 }
[[user.Tester.task]]
path = "/punctual"
"#;
    let (runner, _) = run_scenario(source, &server.url, 5, Duration::from_millis(600)).await;

    let lag = runner.schedule_lag();
    assert!(lag.wakeups >= 20, "{lag:?}");
    assert_eq!(lag.behind_schedule, 0, "{lag:?}");
    assert!(lag.max_ms < 250.0, "{lag:?}");
    assert!(runner
        .logs()
        .iter()
        .any(|line| line.message.starts_with("Schedule lag: 99% of")));
}
