//! The swarm binary: exit codes, --check, --list, reports, environment variables, the
//! `[swarm]` table, tags and Ctrl-C.

mod support;

use std::time::Duration;

use support::{entry, json_stats, run_swarm, start_test_server, swarmfile};

const SIMPLE: &str = r#"
[user.Tester]
wait_time = { constant = 0.2 }
[[user.Tester.task]]
path = "/ok"
tags = ["read"]
[[user.Tester.task]]
method = "POST"
path = "/status/500"
tags = ["write"]
"#;

#[tokio::test]
async fn check_accepts_valid_swarmfile() {
    let file = swarmfile(SIMPLE);
    let output = run_swarm(&["--check", "-f", file.path.to_str().unwrap()]).await;

    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.ends_with("valid, 1 user classes, 2 tasks\n"),
        "{stdout}"
    );
}

#[tokio::test]
async fn check_reports_position_and_exits_2() {
    let file = swarmfile("[user.Tester]\n[[user.Tester.task]]\npath = \"/\"\nwait = 3\n");
    let output = run_swarm(&["--check", "-f", file.path.to_str().unwrap()]).await;

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = format!("error: {}:4:1: unknown field `wait`", file.path.display());
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[tokio::test]
async fn missing_swarmfile_exits_2() {
    let output = run_swarm(&["--check", "-f", "/nonexistent/swarmfile.toml"]).await;

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read swarmfile /nonexistent/swarmfile.toml"),
        "{stderr}"
    );
}

#[tokio::test]
async fn bad_option_exits_2() {
    let output = run_swarm(&["--headless", "-t", "forever"]).await;

    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid time span `forever`"));
}

#[tokio::test]
async fn tiny_spawn_rate_exits_2() {
    let file = swarmfile(SIMPLE);
    let path = file.path.to_str().unwrap();
    for extra in [
        &["--check"][..],
        &["--headless", "-t", "3s", "-H", "http://127.0.0.1:9"],
    ] {
        let mut args = vec!["-f", path, "-u", "2", "-r", "1e-300"];
        args.extend_from_slice(extra);
        let output = run_swarm(&args).await;

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("invalid spawn rate 1e-300"),
            "{extra:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{extra:?}: {stderr}");
    }
}

#[tokio::test]
async fn unwritable_reports_exit_2_before_the_run() {
    let file = swarmfile(SIMPLE);
    let folder = file.folder.path();
    let blocker = folder.join("blocker");
    std::fs::write(&blocker, "a file where a folder is expected").unwrap();
    let html_under_file = blocker.join("sub").join("report.html");
    let csv_prefix = blocker.join("run");
    let cases = [
        (
            vec!["--html", html_under_file.to_str().unwrap()],
            format!("{} is a file, not a folder", blocker.display()),
            "Remove it or choose another --html path",
        ),
        (
            vec!["--html", folder.to_str().unwrap()],
            format!("cannot write the HTML report to {}", folder.display()),
            "is a folder. Give a file name",
        ),
        (
            vec!["--csv", csv_prefix.to_str().unwrap()],
            format!("{} is a file, not a folder", blocker.display()),
            "Remove it or choose another --csv prefix",
        ),
    ];
    for (report_args, names_path, says_what_to_do) in cases {
        let mut args = vec![
            "-f",
            file.path.to_str().unwrap(),
            "--headless",
            "-t",
            "3s",
            "-H",
            "http://127.0.0.1:9",
        ];
        args.extend(report_args.iter().copied());
        let output = run_swarm(&args).await;

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{report_args:?}: {stderr}");
        assert!(stderr.contains(&names_path), "{report_args:?}: {stderr}");
        assert!(
            stderr.contains(says_what_to_do),
            "{report_args:?}: {stderr}"
        );
        assert!(!stderr.contains("Ramping"), "{report_args:?}: {stderr}");
    }
    assert!(!html_under_file.exists());
}

#[tokio::test]
async fn check_rejects_unwritable_report_paths() {
    let file = swarmfile(SIMPLE);
    let folder = file.folder.path();
    let blocker = folder.join("blocker");
    std::fs::write(&blocker, "a file where a folder is expected").unwrap();
    let under_file = blocker.join("sub/run");
    let csv_folder_name = folder.join("taken");
    std::fs::create_dir(folder.join("taken_stats.csv")).unwrap();
    let cases = [
        (
            vec!["--html", under_file.to_str().unwrap()],
            format!("{} is a file, not a folder", blocker.display()),
            "Remove it or choose another --html path",
        ),
        (
            vec!["--csv", under_file.to_str().unwrap()],
            format!("{} is a file, not a folder", blocker.display()),
            "Remove it or choose another --csv prefix",
        ),
        (
            vec!["--csv", csv_folder_name.to_str().unwrap()],
            format!("{}_stats.csv: it is a folder", csv_folder_name.display()),
            "choose another --csv prefix",
        ),
    ];
    for (report_args, names_path, says_what_to_do) in cases {
        let mut args = vec!["--check", "-f", file.path.to_str().unwrap()];
        args.extend(report_args.iter().copied());
        let output = run_swarm(&args).await;

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{report_args:?}: {stderr}");
        assert!(stderr.contains(&names_path), "{report_args:?}: {stderr}");
        assert!(
            stderr.contains(says_what_to_do),
            "{report_args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{report_args:?}");
    }
}

#[tokio::test]
async fn check_leaves_no_report_files() {
    let file = swarmfile(SIMPLE);
    let folder = file.folder.path();
    let html = folder.join("report.html");
    let html_in_new_folder = folder.join("new_html/report.html");
    let csv_prefix = folder.join("new/run");
    let before: Vec<_> = std::fs::read_dir(folder).unwrap().collect();

    let output = run_swarm(&[
        "--check",
        "-f",
        file.path.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--csv",
        csv_prefix.to_str().unwrap(),
    ])
    .await;
    let new_folder_output = run_swarm(&[
        "--check",
        "-f",
        file.path.to_str().unwrap(),
        "--html",
        html_in_new_folder.to_str().unwrap(),
    ])
    .await;

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let after: Vec<_> = std::fs::read_dir(folder).unwrap().collect();
    assert_eq!(after.len(), before.len(), "{after:?}");
    assert!(!html.exists());
    assert!(!folder.join("new").exists());
    let stderr = String::from_utf8_lossy(&new_folder_output.stderr);
    assert_eq!(new_folder_output.status.code(), Some(0), "{stderr}");
    assert!(!folder.join("new_html").exists());
}

/// Runs swarm through `sh` with the open-file limits set to `soft` and `hard` first.
#[cfg(unix)]
async fn run_swarm_with_file_limit(
    soft: u32,
    hard: u32,
    arguments: &[&str],
) -> std::process::Output {
    let script = format!("ulimit -Sn {soft} && ulimit -Hn {hard} && exec \"$0\" \"$@\"");
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_swarm"))
        .args(arguments)
        .env_remove("SWARM_HOST");
    tokio::task::spawn_blocking(move || command.output().expect("sh runs swarm"))
        .await
        .expect("swarm process joins")
}

#[cfg(unix)]
#[tokio::test]
async fn open_file_limit_is_raised_to_hard() {
    let server = start_test_server().await;
    let file = swarmfile(SIMPLE);
    let path = file.path.to_str().unwrap();
    // One user spawns per second, so the 1 s run starts only one or two of the 5,000 users.
    let arguments = [
        "-f",
        path,
        "--headless",
        "-u",
        "5000",
        "-r",
        "1",
        "-t",
        "1s",
        "-T",
        "read",
        "-H",
        &server.url,
    ];

    let output = run_swarm_with_file_limit(256, 4096, &arguments).await;

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Raised the open-file limit from 256 to 4096"),
        "{stderr}"
    );
    assert!(
        stderr.contains("5000 users may need more open files than the limit of 4096"),
        "{stderr}"
    );
}

#[tokio::test]
async fn list_prints_classes_and_tasks() {
    let file = swarmfile(SIMPLE);
    let output = run_swarm(&["--list", "-f", file.path.to_str().unwrap(), "-E", "write"]).await;

    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "Available Users:\n    Tester (weight 1)\n        GET /ok (weight 1) tags: read\n"
    );
}

#[tokio::test]
async fn failed_request_sets_exit_code() {
    let server = start_test_server().await;
    let file = swarmfile(SIMPLE);
    let path = file.path.to_str().unwrap();
    let common = [
        "-f",
        path,
        "-H",
        &server.url,
        "--headless",
        "-u",
        "1",
        "-r",
        "1",
        "-t",
        "1s",
    ];

    // Only the failing task runs, because with both tasks a 1 s run picks the read task every
    // time in about 1 run in 30, and then exits 0.
    let only_writes = [&common[..], &["-T", "write"]].concat();
    let default = run_swarm(&only_writes).await;
    let custom = run_swarm(&[&only_writes[..], &["--exit-code-on-error", "3"]].concat()).await;
    let only_reads = run_swarm(&[&common[..], &["-T", "read"]].concat()).await;

    assert_eq!(default.status.code(), Some(1));
    assert_eq!(custom.status.code(), Some(3));
    assert_eq!(
        only_reads.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&only_reads.stderr)
    );
    let stderr = String::from_utf8_lossy(&default.stderr);
    assert!(stderr.contains("Error report"), "{stderr}");
    assert!(
        stderr.contains("POST /status/500: HTTP 500 Internal Server Error"),
        "{stderr}"
    );
}

#[tokio::test]
async fn reports_are_written_at_the_end() {
    let server = start_test_server().await;
    let file = swarmfile(SIMPLE);
    let prefix = file.folder.path().join("out/run");
    // Both reports go in folders that do not exist yet.
    let html = file.folder.path().join("html/report_{u}_{t}.html");
    let output = run_swarm(&[
        "-f",
        file.path.to_str().unwrap(),
        "-H",
        &server.url,
        "--headless",
        "-u",
        "2",
        "-r",
        "2",
        "-t",
        "3s",
        "--csv",
        prefix.to_str().unwrap(),
        "--csv-full-history",
        "--html",
        html.to_str().unwrap(),
        "--json",
        "-T",
        "read",
    ])
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let read =
        |suffix: &str| std::fs::read_to_string(format!("{}{suffix}", prefix.display())).unwrap();
    let stats = read("_stats.csv");
    assert!(
        stats.starts_with("Type,Name,Request Count,Failure Count,Median Response Time,"),
        "{stats}"
    );
    assert!(stats.contains("\r\nGET,/ok,"), "{stats}");
    let history = read("_stats_history.csv");
    assert!(
        history.lines().count() >= 5,
        "rows appended every second: {history}"
    );
    assert!(
        history.lines().any(|line| line.contains(",GET,/ok,")),
        "full history has entry rows"
    );
    assert_eq!(
        read("_failures.csv"),
        "Method,Name,Error,Occurrences,First Seen,Last Seen\r\n"
    );
    assert_eq!(read("_exceptions.csv"), "Count,Message,Traceback,Nodes\r\n");

    let page = std::fs::read_to_string(file.folder.path().join("html/report_2_3.html")).unwrap();
    assert!(page.contains("<svg"), "charts are inline SVG");
    assert!(page.contains("/ok"));

    let entries = json_stats(&output);
    let ok = entry(&entries, "GET", "/ok");
    assert!(ok["num_requests"].as_u64().unwrap() >= 2);
}

#[tokio::test]
async fn environment_and_swarm_table_set_options() {
    let server = start_test_server().await;
    let source = format!("[swarm]\nhost = \"{}\"\nusers = 3\nspawn_rate = 10\nrun_time = \"1s\"\nheadless = true\n{SIMPLE}", server.url);
    let file = swarmfile(&source);
    let path = file.path.to_str().unwrap().to_owned();

    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_swarm"))
            .args(["-f", &path, "--json"])
            .env("SWARM_EXCLUDE_TAGS", "write")
            .env("SWARM_USERS", "2")
            .output()
            .unwrap()
    })
    .await
    .unwrap();

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("All users spawned: {\"Tester\": 2} (2 total users)"),
        "SWARM_USERS wins over the table: {stderr}"
    );
    let entries = json_stats(&output);
    assert!(
        entries.iter().all(|entry| entry["name"] != "/status/500"),
        "SWARM_EXCLUDE_TAGS applies"
    );
}

/// Starts a headless run of `SIMPLE` (reads only) for at most 30 s, sends `signal` to it after
/// 1.5 s, and returns its exit code, stdout and stderr.
async fn interrupt_run(
    server: &support::TestServer,
    file: &support::Swarmfile,
    signal: &str,
) -> (Option<i32>, String, String) {
    let prefix = file.folder.path().join("interrupted");
    let html = file.folder.path().join("interrupted.html");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_swarm"))
        .args([
            "-f",
            file.path.to_str().unwrap(),
            "-H",
            &server.url,
            "--headless",
            "-u",
            "2",
            "-r",
            "10",
            "-t",
            "30s",
            "-T",
            "read",
            "--csv",
            prefix.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The signal goes to the child this test started, by its PID.
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let started = std::time::Instant::now();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stops promptly"
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn interrupt_stops_and_writes_reports() {
    let server = start_test_server().await;
    let file = swarmfile(SIMPLE);
    let (exit, stdout, stderr) = interrupt_run(&server, &file, "-INT").await;

    assert_eq!(exit, Some(0), "{stderr}");
    assert!(
        stderr.contains("Ctrl-C received, stopping the test"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Response time percentiles (approximated)"),
        "{stderr}"
    );
    let prefix = file.folder.path().join("interrupted");
    let stats = std::fs::read_to_string(format!("{}_stats.csv", prefix.display())).unwrap();
    assert!(stats.contains("\r\nGET,/ok,"), "{stats}");
    let page = std::fs::read_to_string(file.folder.path().join("interrupted.html")).unwrap();
    assert!(page.contains("<svg"), "the HTML report has its charts");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let ok = entry(&entries, "GET", "/ok");
    assert!(ok["num_requests"].as_u64().unwrap() >= 2, "{ok}");
}

#[tokio::test]
async fn sigterm_stops_like_ctrl_c() {
    let server = start_test_server().await;
    let file = swarmfile(SIMPLE);
    let (exit, stdout, stderr) = interrupt_run(&server, &file, "-TERM").await;

    assert_eq!(exit, Some(0), "{stderr}");
    assert!(
        stderr.contains("SIGTERM received, stopping the test"),
        "{stderr}"
    );
    assert!(file.folder.path().join("interrupted.html").exists());
    assert!(stdout.contains("\"name\": \"/ok\""), "{stdout}");
}
