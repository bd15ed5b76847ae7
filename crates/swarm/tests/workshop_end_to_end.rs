//! The workshop's swarmfile, with short waits, against a real TweetCheck.

mod support;

use support::{entry, json_stats, run_swarm, start_tweetcheck, swarmfile};

const USERS: u64 = 4;

/// Returns the root swarmfile with 0.1–0.3 s waits, plus a task that posts a tweet so the server's
/// own records can be compared with swarm's counts.
fn workshop_copy() -> String {
    let workshop =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../swarmfile.toml"))
            .expect("root swarmfile.toml");
    let fast = workshop.replace(
        "wait_time = { between = [5, 10] }",
        "wait_time = { between = [0.1, 0.3] }",
    );
    assert_ne!(
        fast, workshop,
        "the workshop swarmfile no longer waits 5–10 s"
    );
    format!(
        "{fast}\n[[user.WorkshopUser.task]]\nmethod = \"POST\"\npath = \"/api/tweets/\"\n\
         headers = {{ Authorization = \"Token {{{{ token }}}}\" }}\n\
         json = {{ handle = 1, body = \"load test from user {{{{ user_index }}}}\" }}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workshop_users_log_in_once_and_never_fail() {
    let server = start_tweetcheck().await;
    let file = swarmfile(&workshop_copy());
    let users = USERS.to_string();

    let output = run_swarm(&[
        "-f",
        file.path.to_str().unwrap(),
        "-H",
        &server.url,
        "--headless",
        "-u",
        &users,
        "-r",
        "4",
        "-t",
        "3s",
        "--json",
    ])
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");

    let entries = json_stats(&output);
    let login = entry(&entries, "POST", "/api-token-auth/");
    assert_eq!(
        login["num_requests"], USERS,
        "each user logs in exactly once"
    );
    let root = entry(&entries, "GET", "/api/");
    assert!(root["num_requests"].as_u64().unwrap() >= USERS, "{root}");
    let aggregated = entry(&entries, "", "Aggregated");
    assert_eq!(aggregated["num_failures"], 0, "{stderr}");

    // The server stored every tweet that swarm counted as posted.
    let posted = entry(&entries, "POST", "/api/tweets/")["num_requests"]
        .as_u64()
        .unwrap();
    assert!(posted > 0);
    let client = reqwest::Client::new();
    let token: serde_json::Value = client
        .post(format!("{}/api-token-auth/", server.url))
        .form(&[("username", "admin@tweetcheck.com"), ("password", "admin")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tweets: serde_json::Value = client
        .get(format!("{}/api/tweets/", server.url))
        .header(
            "Authorization",
            format!("Token {}", token["token"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = tweets
        .as_array()
        .map(Vec::len)
        .or_else(|| tweets["count"].as_u64().map(|n| n as usize));
    assert_eq!(stored, Some(posted as usize), "{tweets}");

    // The console tables went to stderr in Locust's layout.
    assert!(
        stderr.contains("Response time percentiles (approximated)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("All users spawned: {\"WorkshopUser\": 4} (4 total users)"),
        "{stderr}"
    );
    server
        .running
        .shutdown()
        .await
        .expect("tweetcheck shuts down");
}
