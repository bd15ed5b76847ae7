//! `swarm` without `--headless`: the binary serves the web UI, logs its URL, and with
//! `--autostart` starts a run at once. Each run targets a loopback server and has a run time.

mod web_support;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use web_support::{start_target, swarmfile_text};

/// Starts the `swarm` binary on a free loopback port and returns it with the URL it logged.
async fn start_swarm_binary(swarmfile: &std::path::Path, extra_args: &[&str]) -> (Child, String) {
    let mut args = vec!["--web-host", "127.0.0.1", "-P", "0"];
    args.extend_from_slice(extra_args);
    start_swarm_binary_with(swarmfile, &args).await
}

/// Starts the `swarm` binary with exactly `args` after `-f swarmfile`, and returns it with the
/// URL from its "Starting web interface at URL" log line.
async fn start_swarm_binary_with(swarmfile: &std::path::Path, args: &[&str]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_swarm"));
    command.arg("-f").arg(swarmfile).args(args);
    start_swarm_command(command).await
}

/// Starts the `swarm` binary through `sh` with the open-file limits set to `soft` and `hard`
/// first, and returns it with the URL it logged.
#[cfg(unix)]
async fn start_swarm_binary_with_file_limit(
    soft: u32,
    hard: u32,
    swarmfile: &std::path::Path,
    args: &[&str],
) -> (Child, String) {
    let script = format!("ulimit -Sn {soft} && ulimit -Hn {hard} && exec \"$0\" \"$@\"");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_swarm"))
        .arg("-f")
        .arg(swarmfile)
        .args(args);
    start_swarm_command(command).await
}

/// Spawns `command` (the `swarm` binary, perhaps through `sh`) and returns it with the URL
/// from its "Starting web interface at URL" log line.
async fn start_swarm_command(mut command: Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the swarm binary");

    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let find_url = async {
        let marker = "Starting web interface at ";
        while let Some(line) = lines.next_line().await.expect("read swarm's log") {
            if let Some(start) = line.find(marker) {
                return line[start + marker.len()..].trim().to_owned();
            }
        }
        panic!("swarm exited without logging the web UI's URL");
    };
    let url = tokio::time::timeout(Duration::from_secs(20), find_url)
        .await
        .expect("swarm logged its URL within 20 s");
    // Keep draining the log so that the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// Sends SIGINT (Ctrl-C) to the child and returns its exit status.
async fn interrupt(child: Child) -> std::process::ExitStatus {
    send_signal(child, "-INT").await
}

/// Sends `signal` (a `kill` option such as `-TERM`) to the child and returns its exit status.
async fn send_signal(mut child: Child, signal: &str) -> std::process::ExitStatus {
    let pid = child.id().expect("the child is running").to_string();
    let status = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .expect("run kill");
    assert!(status.success());
    tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("swarm exited within 15 s of the signal")
        .expect("wait for swarm")
}

#[tokio::test]
async fn autostart_runs_and_ctrl_c_exits_cleanly() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text(target.addr)).unwrap();
    let client = reqwest::Client::new();

    let (child, url) = start_swarm_binary(&swarmfile, &["--autostart", "-t", "2s"]).await;

    let mut state = String::new();
    for _ in 0..100 {
        let stats: serde_json::Value = client
            .get(format!("{url}/stats/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        state = stats["state"].as_str().unwrap().to_owned();
        if state == "stopped" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state, "stopped", "the 2 s run did not stop by itself");
    let page = client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);

    let status = interrupt(child).await;

    assert!(status.success(), "{status}");
    let runs_file = folder.path().join("swarm_runs.json");
    let runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&runs_file).expect("swarm_runs.json"))
            .unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
    assert_eq!(runs[0]["user_count"], 2);
    assert!(runs[0]["num_requests"].as_u64().unwrap() > 0, "{runs}");
}

#[tokio::test]
async fn full_history_csv_is_served_in_web_mode() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text(target.addr)).unwrap();
    let prefix = folder.path().join("results").display().to_string();
    let client = reqwest::Client::new();

    let (child, url) = start_swarm_binary(
        &swarmfile,
        &[
            "--autostart",
            "-t",
            "2s",
            "--csv",
            &prefix,
            "--csv-full-history",
        ],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let response = client
        .get(format!("{url}/stats/requests_full_history/csv"))
        .send()
        .await
        .unwrap();
    let page = client.get(&url).send().await.unwrap().text().await.unwrap();
    let status = interrupt(child).await;

    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("Timestamp,User Count,Type,Name,"),
        "{header}"
    );
    assert!(csv.lines().count() > 1, "no history rows: {csv}");
    assert!(
        page.contains("stats/requests_full_history/csv"),
        "the page has no link"
    );
    assert!(status.success(), "{status}");
    assert!(std::path::Path::new(&format!("{prefix}_stats.csv")).exists());
}

#[tokio::test]
async fn sigterm_stops_and_records_running_test() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text(target.addr)).unwrap();

    let (child, _url) = start_swarm_binary(&swarmfile, &["--autostart", "-t", "60s"]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = send_signal(child, "-TERM").await;

    assert!(status.success(), "{status}");
    let sent = target.requests.load(std::sync::atomic::Ordering::Relaxed);
    assert!(sent > 0, "the autostarted test sent no request");
    let runs_file = folder.path().join("swarm_runs.json");
    let runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&runs_file).expect("swarm_runs.json"))
            .unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
    assert_eq!(runs[0]["run_time"], 60);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later = target.requests.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(sent, later, "requests went on after swarm exited");
}

#[tokio::test]
async fn web_auth_flag_requires_credentials() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text(target.addr)).unwrap();
    let client = reqwest::Client::new();

    let (child, url) = start_swarm_binary(&swarmfile, &["--web-auth", "trainer:pa55"]).await;

    let anonymous = client.get(&url).send().await.unwrap();
    let signed_in = client
        .get(&url)
        .basic_auth("trainer", Some("pa55"))
        .send()
        .await
        .unwrap();
    let status = interrupt(child).await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(signed_in.status(), 200);
    assert!(status.success(), "{status}");
    assert_eq!(
        target.requests.load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[tokio::test]
async fn host_flag_prefills_start_form() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text("127.0.0.1:9".parse().unwrap())).unwrap();
    let host = format!("http://{}", target.addr);

    let (child, url) = start_swarm_binary(&swarmfile, &["-H", &host, "-u", "7", "-r", "3"]).await;
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let status = interrupt(child).await;

    assert!(page.contains(&format!("value=\"{host}\"")), "{page}");
    assert!(
        page.contains("value=\"7\""),
        "the user count is not pre-filled"
    );
    assert!(
        page.contains("value=\"3\""),
        "the spawn rate is not pre-filled"
    );
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn invalid_web_auth_is_usage_error() {
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text("127.0.0.1:9".parse().unwrap())).unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_swarm"))
        .arg("-f")
        .arg(&swarmfile)
        .args(["-P", "0", "--web-auth", "no-colon"])
        .output()
        .await
        .unwrap();

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--web-auth"), "{stderr}");
}

#[tokio::test]
async fn web_ui_listens_on_loopback_by_default() {
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text("127.0.0.1:9".parse().unwrap())).unwrap();

    let (child, url) = start_swarm_binary_with(&swarmfile, &["-P", "0"]).await;
    let page = reqwest::get(&url).await.map(|response| response.status());
    let status = interrupt(child).await;

    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(page.unwrap(), 200, "{url}");
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn web_host_accepts_ipv6_loopback() {
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text("127.0.0.1:9".parse().unwrap())).unwrap();

    let (child, url) = start_swarm_binary_with(&swarmfile, &["--web-host", "::1", "-P", "0"]).await;
    let page = reqwest::get(&url).await.map(|response| response.status());
    let status = interrupt(child).await;

    assert!(url.starts_with("http://[::1]:"), "{url}");
    assert_eq!(page.unwrap(), 200, "{url}");
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn taken_port_is_clear_error() {
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text("127.0.0.1:9".parse().unwrap())).unwrap();
    let occupant = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = occupant.local_addr().unwrap().port().to_string();

    let output = Command::new(env!("CARGO_BIN_EXE_swarm"))
        .arg("-f")
        .arg(&swarmfile)
        .args(["--web-host", "127.0.0.1", "-P", &port])
        .output()
        .await
        .unwrap();

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("failed to listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("-P"),
        "the error does not say how to fix it: {stderr}"
    );
}

#[tokio::test]
async fn sigterm_in_web_mode_writes_reports() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text(target.addr)).unwrap();
    let html = folder.path().join("report.html");
    let prefix = folder.path().join("run").display().to_string();
    let client = reqwest::Client::new();

    let (child, url) = start_swarm_binary(
        &swarmfile,
        &[
            "--autostart",
            "--html",
            html.to_str().unwrap(),
            "--csv",
            &prefix,
        ],
    )
    .await;
    let mut requests = 0;
    for _ in 0..100 {
        let stats: serde_json::Value = client
            .get(format!("{url}/stats/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        requests = stats["stats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["name"] == "Aggregated")
            .map_or(0, |entry| entry["num_requests"].as_u64().unwrap());
        if requests > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(requests > 0, "the autostarted run made no request");

    let status = send_signal(child, "-TERM").await;

    assert!(status.success(), "{status}");
    let report = std::fs::read_to_string(&html).expect("the HTML report was written");
    assert!(report.contains("<svg"), "the report has no chart");
    let stats = std::fs::read_to_string(format!("{prefix}_stats.csv")).unwrap();
    let aggregated = stats
        .lines()
        .find(|line| line.starts_with(",Aggregated,"))
        .expect("an Aggregated row");
    let count: u64 = aggregated.split(',').nth(2).unwrap().parse().unwrap();
    assert!(count >= requests, "{aggregated}");
}

#[cfg(unix)]
#[tokio::test]
async fn web_start_warns_about_open_file_limit() {
    let target = start_target().await;
    let folder = tempfile::tempdir().unwrap();
    let swarmfile = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, swarmfile_text(target.addr)).unwrap();
    let client = reqwest::Client::new();
    // The command line requests 2 users, which fit. The form requests 5,000, which do not.
    let (child, url) = start_swarm_binary_with_file_limit(
        256,
        512,
        &swarmfile,
        &["--web-host", "127.0.0.1", "-P", "0", "-u", "2"],
    )
    .await;

    // One user spawns per second, so the 2 s run starts only two or three of the 5,000 users.
    let response = client
        .post(format!("{url}/swarm"))
        .form(&[
            ("user_count", "5000"),
            ("spawn_rate", "1"),
            ("host", &format!("http://{}", target.addr)),
            ("run_time", "2s"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let logs: serde_json::Value = client
        .get(format!("{url}/logs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status = interrupt(child).await;

    let lines = logs["master"].as_array().expect("master log lines");
    let warning = "5000 users may need more open files than the limit of 512";
    assert!(
        lines
            .iter()
            .any(|line| line.as_str().is_some_and(|line| line.contains(warning))),
        "{logs}"
    );
    assert!(status.success(), "{status}");
}
