//! The `tweetcheck` binary's log lines, written to a pipe as they would be to a log file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use tempfile::TempDir;

#[test]
fn log_to_pipe_has_no_colour_codes() {
    let dir = TempDir::new().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("test.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tweetcheck"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &database_url,
        ])
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the tweetcheck binary");

    // The server runs until killed, so read only up to its start line (at most 100 lines).
    let mut lines = Vec::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    for _ in 0..100 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let started = line.contains("TweetCheck is running");
        lines.push(line);
        if started {
            break;
        }
    }
    child.kill().expect("stop the tweetcheck binary");
    child.wait().unwrap();
    let log = lines.concat();

    assert!(log.contains("TweetCheck is running"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
}
