//! Stopping at the run time under overload: thousands of users stuck in `connect` to a
//! listener that never accepts, or failing because they ran out of open files, must not hold
//! up the stop. Every run here targets loopback, is bounded by a run time, and has an outer
//! timeout.

mod support;

use std::time::{Duration, Instant};

use swarm::engine::{Runner, RunnerOptions, StartRequest};

use support::{json_stats, start_test_server, swarmfile};

const USERS: usize = 3_000;
const RUN_TIME: Duration = Duration::from_secs(2);

/// Users that send one request, then wait longer than the run lasts.
const WAITING_USERS: &str = r#"
[user.Waiter]
wait_time = { between = [5, 10] }
[[user.Waiter.task]]
path = "/small.json"
"#;

/// Binds a loopback listener that never accepts: once its backlog is full, the kernel drops
/// new SYNs, so further connects hang until the client gives up.
fn listener_that_never_accepts() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// Starts `USERS` users against `url` at once and returns how long after the start the
/// runner reached `stopped`.
async fn time_until_stopped(url: &str, stop_timeout: Duration) -> Duration {
    let scenario =
        swarm::scenario::parse(std::path::Path::new("stop.toml"), WAITING_USERS).unwrap();
    let options = RunnerOptions {
        stop_timeout,
        ..RunnerOptions::default()
    };
    let runner = Runner::new(scenario, options).unwrap();
    let started = Instant::now();
    runner
        .start(StartRequest {
            user_count: USERS,
            spawn_rate: USERS as f64,
            host: Some(url.to_owned()),
            run_time: Some(RUN_TIME),
        })
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), runner.wait_stopped())
        .await
        .expect("the run stopped within 30 s");
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_connects_stop_at_once() {
    let (_listener, url) = listener_that_never_accepts();

    let elapsed = time_until_stopped(&url, Duration::ZERO).await;

    // Without a stop timeout, users abandon their connect at once, so the stop does not wait
    // for the 5 s that `on_stop` may take before users are aborted.
    assert!(elapsed >= RUN_TIME, "stopped after {elapsed:?}");
    assert!(
        elapsed < RUN_TIME + Duration::from_millis(1500),
        "stopped {:?} after the run time",
        elapsed - RUN_TIME
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_connects_get_stop_timeout() {
    let (_listener, url) = listener_that_never_accepts();
    let stop_timeout = Duration::from_secs(1);

    let elapsed = time_until_stopped(&url, stop_timeout).await;

    // Users stuck in their task keep it for the stop timeout, then abandon it.
    assert!(
        elapsed >= RUN_TIME + stop_timeout,
        "stopped after {elapsed:?}"
    );
    assert!(
        elapsed < RUN_TIME + stop_timeout + Duration::from_millis(1500),
        "stopped {:?} after the run time",
        elapsed - RUN_TIME
    );
}

#[cfg(unix)]
#[tokio::test]
async fn open_file_exhaustion_stops_on_time() {
    let server = start_test_server().await;
    let file = swarmfile(WAITING_USERS);
    let path = file.path.to_str().unwrap().to_owned();
    let users = USERS.to_string();
    // Each user keeps its own connection, so 3,000 users need more than 512 open files.
    let script = "ulimit -Sn 512 && ulimit -Hn 512 && exec \"$0\" \"$@\"";
    let mut command = std::process::Command::new("timeout");
    command
        .args(["--kill-after=5", "60", "sh", "-c", script])
        .arg(env!("CARGO_BIN_EXE_swarm"))
        .args(["-f", &path, "-H", &server.url, "--headless", "--json"])
        .args(["-u", &users, "-r", &users, "-t", "2s"])
        .env_remove("SWARM_HOST");

    let started = Instant::now();
    let output = tokio::task::spawn_blocking(move || command.output().expect("swarm runs"))
        .await
        .unwrap();
    let elapsed = started.elapsed();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(elapsed < Duration::from_secs(8), "exited after {elapsed:?}");
    assert!(stderr.contains("too many open files"), "{stderr}");
    let entries = json_stats(&output);
    let aggregated = entries.last().expect("the Aggregated entry");
    let failures = aggregated["num_failures"].as_u64().unwrap();
    let requests = aggregated["num_requests"].as_u64().unwrap();
    assert!(failures > 0, "{aggregated}");
    assert!(requests > failures, "{aggregated}");
}

// A runtime thread blocked for 2.5 s simulates a runtime whose queue of ready users is
// seconds long, as with 100,000 users spawned at once on one CPU.
#[tokio::test(flavor = "current_thread")]
async fn run_time_holds_while_runtime_blocked() {
    let server = start_test_server().await;
    let scenario = swarm::scenario::parse(
        std::path::Path::new("blocked.toml"),
        "[user.Reader]\nwait_time = { constant = 0.05 }\n[[user.Reader.task]]\npath = \"/\"\n",
    )
    .unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    let started = swarm::stats::unix_now();
    runner
        .start(StartRequest {
            user_count: 20,
            spawn_rate: 1000.0,
            host: Some(server.url.clone()),
            run_time: Some(Duration::from_millis(500)),
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    std::thread::sleep(Duration::from_millis(2500));
    let unblocked = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), runner.wait_stopped())
        .await
        .expect("the run stopped within 10 s");
    let stop_after_unblock = unblocked.elapsed();

    let limit_line = runner
        .logs()
        .into_iter()
        .find(|line| line.message.starts_with("Run time limit reached"))
        .expect("the run-time limit was logged");
    let limit_at = limit_line.time - started;
    assert!(
        (0.45..1.2).contains(&limit_at),
        "the limit took effect {limit_at:.2} s after the start, not 0.5 s"
    );
    assert!(
        stop_after_unblock < Duration::from_secs(1),
        "stopped {stop_after_unblock:?} after the runtime was free again"
    );
}
