//! The one way the web UI tests start swarm: a small target server and the real runner and web
//! UI, all on ephemeral loopback ports, with the swarmfile and run log in a temporary folder.
//!
//! Every run these tests start is bounded: at most a few users that wait 0.2 s between
//! requests, against the loopback target only, with a run time that stops it by itself.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use tempfile::TempDir;
use tokio::net::TcpListener;

use swarm::engine::{Runner, RunnerOptions};
use swarm::web::{self, Credentials, FormDefaults, RunnerControl, RunningWeb, WebConfig};

/// A target server that returns 200 for `GET /hello` and 500 for `GET /broken`, and counts
/// the requests it receives.
pub struct Target {
    pub addr: SocketAddr,
    pub requests: Arc<AtomicU64>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Target {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn start_target() -> Target {
    let requests = Arc::new(AtomicU64::new(0));
    let counter = requests.clone();
    let count = move || {
        counter.fetch_add(1, Ordering::Relaxed);
    };
    let count_broken = count.clone();
    let app = Router::new()
        .route(
            "/hello",
            get(move || async move {
                count();
                "hello from the target"
            }),
        )
        .route(
            "/broken",
            get(move || async move {
                count_broken();
                (StatusCode::INTERNAL_SERVER_ERROR, "broken on purpose")
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the target");
    let addr = listener.local_addr().expect("read the target address");
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve the target");
    });
    Target {
        addr,
        requests,
        server,
    }
}

/// Writes the swarmfile of these tests: one class whose tasks succeed 3 times in 4 and fail
/// the 4th time.
pub fn swarmfile_text(target: SocketAddr) -> String {
    format!(
        r#"[swarm]
host = "http://{target}"
users = 2
spawn_rate = 2

[user.Visitor]
wait_time = {{ constant = 0.2 }}

[[user.Visitor.task]]
method = "GET"
path = "/hello"
weight = 3

[[user.Visitor.task]]
method = "GET"
path = "/broken"
weight = 1
"#
    )
}

/// Builds the runner for `swarmfile` with the start form's defaults taken from its `[swarm]`
/// table, as the command line does when no flag overrides them.
pub fn runner_control(swarmfile: &Path) -> RunnerControl {
    let scenario = swarm::scenario::load(swarmfile).expect("a valid swarmfile");
    let defaults = FormDefaults {
        user_count: scenario.defaults.users.unwrap_or(1) as u64,
        spawn_rate: scenario.defaults.spawn_rate.unwrap_or(1.0),
        host: scenario.defaults.host.clone().unwrap_or_default(),
        run_time: scenario.defaults.run_time,
        swarmfile: swarmfile.display().to_string(),
    };
    let options = RunnerOptions {
        default_host: scenario.defaults.host.clone(),
        ..RunnerOptions::default()
    };
    let runner = Runner::new(scenario, options).expect("build the runner's HTTP client");
    RunnerControl::new(runner, defaults)
}

/// swarm's web UI with its runner, its target and its folder.
pub struct TestSwarm {
    pub base: String,
    pub client: reqwest::Client,
    pub target: Target,
    pub runs_file: PathBuf,
    pub web: RunningWeb<RunnerControl>,
    pub dir: TempDir,
}

pub async fn spawn_swarm() -> TestSwarm {
    spawn_swarm_with_auth(None).await
}

pub async fn spawn_swarm_with_auth(auth: Option<Credentials>) -> TestSwarm {
    spawn_swarm_from(auth, swarmfile_text).await
}

/// Starts swarm with the swarmfile that `text` writes for the target's address.
pub async fn spawn_swarm_from(
    auth: Option<Credentials>,
    text: impl FnOnce(SocketAddr) -> String,
) -> TestSwarm {
    let target = start_target().await;
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let swarmfile = dir.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, text(target.addr)).expect("write the swarmfile");

    let control = Arc::new(runner_control(&swarmfile));
    let runs_file = dir.path().join(web::RUNS_FILE_NAME);
    let config = WebConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        auth,
        runs_file: runs_file.clone(),
        full_history_csv: None,
        autostart: None,
    };
    let web = web::start(control, config).await.expect("start the web UI");
    let base = web.url();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("build an HTTP client");

    TestSwarm {
        base,
        client,
        target,
        runs_file,
        web,
        dir,
    }
}

impl TestSwarm {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path} failed: {error}"));
        assert!(
            response.status().is_success(),
            "GET {path} returned {}",
            response.status()
        );
        response.json().await.expect("a JSON body")
    }

    /// Posts the start form; `run_time` bounds every run a test starts.
    pub async fn post_swarm(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url("/swarm"))
            .form(fields)
            .send()
            .await
            .expect("POST /swarm")
    }

    /// Starts a run of `users` users limited to `run_time`, and checks that it started.
    pub async fn start_run(&self, users: u32, run_time: &str) -> Value {
        let host = format!("http://{}", self.target.addr);
        let users = users.to_string();
        let response = self
            .post_swarm(&[
                ("user_count", &users),
                ("spawn_rate", "10"),
                ("host", &host),
                ("run_time", run_time),
            ])
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["success"], true, "{body}");
        body
    }

    /// Polls `GET /stats/requests` every 100 ms until `done` holds, for at most `timeout`.
    pub async fn wait_for_stats(&self, timeout: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let stats = self.get_json("/stats/requests").await;
            if done(&stats) {
                return stats;
            }
            assert!(
                Instant::now() < deadline,
                "statistics did not reach the expected state within {timeout:?}: {stats}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls `GET /runs` until it lists `count` runs, for at most 5 s, and returns the body.
    pub async fn wait_for_runs(&self, count: usize) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let runs = self.get_json("/runs").await;
            if runs["runs"]
                .as_array()
                .is_some_and(|runs| runs.len() >= count)
            {
                return runs;
            }
            assert!(
                Instant::now() < deadline,
                "the run log did not reach {count} runs within 5 s: {runs}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the run and waits until the runner reports `stopped`.
    pub async fn stop_run(&self) {
        let body = self.get_json("/stop").await;
        assert_eq!(body["success"], true);
        self.wait_for_stats(Duration::from_secs(15), |stats| stats["state"] == "stopped")
            .await;
    }
}

/// Returns the Aggregated entry, the last of `stats`.
pub fn aggregated(stats: &Value) -> &Value {
    let entries = stats["stats"].as_array().expect("stats is an array");
    entries.last().expect("the Aggregated entry")
}
