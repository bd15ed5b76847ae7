//! Helpers shared by the integration tests: real servers on loopback port 0, the swarm binary,
//! and swarmfiles in temporary folders.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output};

use tempfile::TempDir;

/// A TweetCheck server on an ephemeral loopback port with a fresh SQLite file.
pub struct TweetCheck {
    pub running: tweetcheck::server::Running,
    pub url: String,
    _folder: TempDir,
}

pub async fn start_tweetcheck() -> TweetCheck {
    let folder = tempfile::tempdir().expect("temporary folder");
    let database_url = format!("sqlite://{}", folder.path().join("tweetcheck.db").display());
    let running = tweetcheck::server::start(tweetcheck::server::Config {
        bind: "127.0.0.1:0".into(),
        database_url,
    })
    .await
    .expect("tweetcheck starts");
    let url = format!("http://{}", running.local_addr());
    TweetCheck {
        running,
        url,
        _folder: folder,
    }
}

/// Serves `router` on an ephemeral loopback port until the test ends.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address: SocketAddr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// A swarmfile written to a temporary folder, kept alive with it.
pub struct Swarmfile {
    pub path: PathBuf,
    pub folder: TempDir,
}

pub fn swarmfile(contents: &str) -> Swarmfile {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("swarmfile.toml");
    std::fs::write(&path, contents).expect("write swarmfile");
    Swarmfile { path, folder }
}

/// Runs the swarm binary with `arguments` and returns its output. Callers always pass a run
/// time, so the process stops by itself.
pub async fn run_swarm(arguments: &[&str]) -> Output {
    let arguments: Vec<String> = arguments.iter().map(|text| text.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_swarm"))
            .args(&arguments)
            .env_remove("SWARM_HOST")
            .output()
            .expect("swarm runs")
    })
    .await
    .expect("swarm process joins")
}

/// Parses the `--json` output of a run.
pub fn json_stats(output: &Output) -> Vec<serde_json::Value> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "--json output is not JSON ({error}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    value.as_array().expect("an array of entries").clone()
}

/// Returns the entry with `method` and `name` from `--json` output.
pub fn entry<'a>(
    entries: &'a [serde_json::Value],
    method: &str,
    name: &str,
) -> &'a serde_json::Value {
    entries
        .iter()
        .find(|entry| entry["method"] == method && entry["name"] == name)
        .unwrap_or_else(|| panic!("no entry {method} {name} in {entries:#?}"))
}

/// One request as the test server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

/// A small server whose routes return chosen statuses, delays, redirects, cookies and
/// compressed bodies, and which records every request it receives.
pub struct TestServer {
    pub url: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl TestServer {
    pub fn requests_to(&self, path: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|request| request.path == path)
            .cloned()
            .collect()
    }
}

pub async fn start_test_server() -> TestServer {
    use axum::body::Bytes;
    use axum::extract::{Path, Request, State};
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::any;
    use std::io::Write as _;
    use std::sync::{Arc, Mutex};

    type Log = Arc<Mutex<Vec<Received>>>;
    let received: Log = Arc::default();

    async fn record(
        State(log): State<Log>,
        request: Request,
        next: axum::middleware::Next,
    ) -> Response {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        log.lock().unwrap().push(Received {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers.clone(),
            body: bytes.to_vec(),
        });
        next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
            .await
    }

    async fn status(Path(code): Path<u16>) -> Response {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
        (status, format!("status {code}")).into_response()
    }

    async fn delay(Path(millis): Path<u64>) -> &'static str {
        tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        "slept"
    }

    async fn redirect(Path(hops): Path<u32>) -> Response {
        if hops == 0 {
            return "landed".into_response();
        }
        (
            StatusCode::FOUND,
            [(header::LOCATION, format!("/redirect/{}", hops - 1))],
            "",
        )
            .into_response()
    }

    async fn set_cookie(Path(value): Path<String>) -> Response {
        (
            [(header::SET_COOKIE, format!("session={value}; Path=/"))],
            "cookie set",
        )
            .into_response()
    }

    async fn whoami(headers: HeaderMap) -> String {
        let cookie = headers
            .get(header::COOKIE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        format!("cookie:{cookie}")
    }

    async fn compressed(Path(encoding): Path<String>) -> Response {
        let text = b"compressed hello, compressed hello, compressed hello";
        let body = match encoding.as_str() {
            "gzip" => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(text).unwrap();
                encoder.finish().unwrap()
            }
            "deflate" => {
                let mut encoder =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(text).unwrap();
                encoder.finish().unwrap()
            }
            "br" => {
                let mut output = Vec::new();
                let mut encoder = brotli::CompressorWriter::new(&mut output, 4096, 5, 22);
                encoder.write_all(text).unwrap();
                drop(encoder);
                output
            }
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
        ([(header::CONTENT_ENCODING, encoding)], body).into_response()
    }

    /// Returns a 204 that claims gzip but has no body, which crashed one of Locust's clients.
    async fn empty_gzip() -> Response {
        (StatusCode::NO_CONTENT, [(header::CONTENT_ENCODING, "gzip")]).into_response()
    }

    async fn token() -> Response {
        (
            [
                ("x-request-id", "req-42"),
                ("content-type", "application/json"),
            ],
            r#"{"token":"abc123","nested":{"id":7,"ok":true},"items":[{"id":11}],"empty":null}"#,
        )
            .into_response()
    }

    async fn echo(body: Bytes) -> Bytes {
        body
    }

    let router = axum::Router::new()
        .route("/status/{code}", any(status))
        .route("/delay/{millis}", any(delay))
        .route("/redirect/{hops}", any(redirect))
        .route("/set-cookie/{value}", any(set_cookie))
        .route("/whoami", any(whoami))
        .route("/compressed/{encoding}", any(compressed))
        .route("/token", any(token))
        .route("/empty-gzip", any(empty_gzip))
        .route("/echo", any(echo))
        .fallback(any(|| async { "ok" }))
        .layer(axum::middleware::from_fn_with_state(
            received.clone(),
            record,
        ));
    let url = serve(router).await;
    TestServer { url, received }
}

/// Parses `source` as a swarmfile and runs it in-process until the run time ends.
pub async fn run_scenario(
    source: &str,
    host: &str,
    users: usize,
    run_time: std::time::Duration,
) -> (swarm::engine::Runner, swarm::stats::StatsSnapshot) {
    run_scenario_with(
        source,
        host,
        users,
        run_time,
        swarm::engine::RunnerOptions::default(),
    )
    .await
}

pub async fn run_scenario_with(
    source: &str,
    host: &str,
    users: usize,
    run_time: std::time::Duration,
    options: swarm::engine::RunnerOptions,
) -> (swarm::engine::Runner, swarm::stats::StatsSnapshot) {
    let scenario = swarm::scenario::parse(std::path::Path::new("test.toml"), source)
        .unwrap_or_else(|error| panic!("{error}"));
    let runner = swarm::engine::Runner::new(scenario, options).expect("runner");
    runner
        .start(swarm::engine::StartRequest {
            user_count: users,
            spawn_rate: 100.0,
            host: Some(host.to_owned()),
            run_time: Some(run_time),
        })
        .await
        .expect("start");
    tokio::time::timeout(
        run_time + std::time::Duration::from_secs(10),
        runner.wait_stopped(),
    )
    .await
    .expect("the run stops by itself");
    let snapshot = runner.snapshot();
    (runner, snapshot)
}

/// Returns the summary of `method name` from a snapshot.
pub fn summary<'a>(
    snapshot: &'a swarm::stats::StatsSnapshot,
    method: &str,
    name: &str,
) -> &'a swarm::stats::EntrySummary {
    snapshot
        .entries
        .iter()
        .find(|entry| entry.method == method && entry.name == name)
        .unwrap_or_else(|| panic!("no entry {method} {name} in {:#?}", snapshot.entries))
}

/// Returns the failure messages of a snapshot.
pub fn failures(snapshot: &swarm::stats::StatsSnapshot) -> Vec<String> {
    snapshot
        .errors
        .iter()
        .map(|error| format!("{} {}: {}", error.method, error.name, error.error))
        .collect()
}
