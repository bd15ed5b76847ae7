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
