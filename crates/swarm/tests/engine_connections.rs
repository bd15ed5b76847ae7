//! The HTTP/1.1 client's connections against small raw TCP servers on loopback: one
//! connection per user, reuse, reconnects, `Connection: close`, body framings and cut
//! responses.

mod support;

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use support::{failures, run_scenario, summary};

/// What a raw server does after a response.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    KeepOpen,
    Close,
    /// Waits this long, then sends 408 Request Timeout and closes, as servers do with idle
    /// keep-alive connections.
    IdleTimeout(Duration),
}

/// A server that sends, for every request, the bytes its `respond` function returns. It
/// counts connections opened and closed by the client, and keeps the request heads for the
/// checks.
struct RawServer {
    url: String,
    connections: Arc<AtomicUsize>,
    closed_by_client: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

type Respond = fn(&str) -> (Vec<u8>, After);

async fn start_raw_server(respond: Respond) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let closed_by_client = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (counter, closed, log) = (
        connections.clone(),
        closed_by_client.clone(),
        requests.clone(),
    );
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let (closed, log) = (closed.clone(), log.clone());
            tokio::spawn(async move {
                if serve_connection(socket, respond, log).await == Ended::ByClient {
                    closed.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    RawServer {
        url,
        connections,
        closed_by_client,
        requests,
    }
}

#[derive(PartialEq, Eq)]
enum Ended {
    ByClient,
    ByServer,
}

async fn serve_connection(
    mut socket: tokio::net::TcpStream,
    respond: Respond,
    log: Arc<Mutex<Vec<String>>>,
) -> Ended {
    let mut buffer = Vec::new();
    loop {
        // The tests send no request bodies, so a request ends with its blank line.
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 4096];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return Ended::ByClient,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let (response, after) = respond(&head);
        log.lock().unwrap().push(head);
        if socket.write_all(&response).await.is_err() || after == After::Close {
            return Ended::ByServer;
        }
        if let After::IdleTimeout(idle) = after {
            tokio::time::sleep(idle).await;
            let timeout =
                b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
            let _ = socket.write_all(timeout).await;
            return Ended::ByServer;
        }
    }
}

fn ok(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn scenario(wait: f64, request: &str) -> String {
    format!("[user.Tester]\nwait_time = {{ constant = {wait} }}\n[[user.Tester.task]]\n{request}\n")
}

#[tokio::test]
async fn each_user_keeps_its_own_connection() {
    let server = start_raw_server(|_| (ok("hello"), After::KeepOpen)).await;
    let source = scenario(0.1, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 5, Duration::from_millis(800)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert!(entry.num_requests >= 15, "{} requests", entry.num_requests);
    assert_eq!(server.connections.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn stopped_users_close_their_connections() {
    let server = start_raw_server(|_| (ok("hello"), After::KeepOpen)).await;
    let source = scenario(0.1, "path = \"/\"");
    let (runner, _) = run_scenario(&source, &server.url, 3, Duration::from_millis(400)).await;

    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
    // The runner has stopped its users, so their connections must be gone.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.closed_by_client.load(Ordering::SeqCst) < 3 && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.closed_by_client.load(Ordering::SeqCst), 3);
    drop(runner);
}

#[tokio::test]
async fn server_closing_idle_connections_causes_no_failures() {
    // The server responds as if the connection stayed open, then closes it, as servers do
    // when their keep-alive timeout is shorter than the user's wait.
    let server = start_raw_server(|_| (ok("hello"), After::Close)).await;
    let source = scenario(0.05, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 2, Duration::from_millis(800)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert!(entry.num_requests >= 6, "{} requests", entry.num_requests);
    let requests = server.requests.lock().unwrap().len();
    assert_eq!(
        requests as u64, entry.num_requests,
        "no request reached it twice"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), requests);
}

#[tokio::test]
async fn idle_connection_response_not_reused() {
    let server =
        start_raw_server(|_| (ok("hello"), After::IdleTimeout(Duration::from_millis(30)))).await;
    let source = scenario(0.15, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(700)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert!(entry.num_requests >= 3, "{} requests", entry.num_requests);
    assert_eq!(
        server.connections.load(Ordering::SeqCst) as u64,
        entry.num_requests,
        "a new connection for every request"
    );
}

/// The server reads each POST and closes without sending a response. The POST fails and is
/// not sent again, because the server may have acted on it. A GET on a reused connection is resent.
#[tokio::test]
async fn post_is_not_resent_after_the_connection_closes() {
    let server = start_raw_server(|head| {
        if head.starts_with("POST") {
            (Vec::new(), After::Close)
        } else {
            (ok("hello"), After::KeepOpen)
        }
    })
    .await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.1 }
[[user.Tester.task]]
steps = [
  { path = "/" },
  { method = "POST", path = "/submit" },
  { path = "/" },
]
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(500)).await;

    let posts = summary(&snapshot, "POST", "/submit");
    assert!(posts.num_requests >= 1);
    assert_eq!(posts.num_failures, posts.num_requests);
    let received = server.requests.lock().unwrap().clone();
    let received_posts = received
        .iter()
        .filter(|head| head.starts_with("POST"))
        .count();
    assert_eq!(
        received_posts as u64, posts.num_requests,
        "each POST sent once"
    );
    let address = server.url.trim_start_matches("http://");
    assert_eq!(
        failures(&snapshot),
        [format!(
            "POST /submit: connection closed by {address} before the response began (a \
             POST is not sent again, because the server may have acted on it)"
        )]
    );
    assert_eq!(summary(&snapshot, "GET", "/").num_failures, 0);
}

#[tokio::test]
async fn connection_close_from_user_opens_new_connections() {
    let server = start_raw_server(|_| (ok("hello"), After::KeepOpen)).await;
    let source = scenario(0.05, "path = \"/\"\nheaders = { Connection = \"close\" }");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(500)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert!(entry.num_requests >= 3, "{} requests", entry.num_requests);
    assert_eq!(
        server.connections.load(Ordering::SeqCst) as u64,
        entry.num_requests
    );
    let requests = server.requests.lock().unwrap();
    assert!(
        requests[0]
            .to_ascii_lowercase()
            .contains("connection: close\r\n"),
        "{}",
        requests[0]
    );
}

#[tokio::test]
async fn connection_close_from_server_is_honoured() {
    let server = start_raw_server(|_| {
        let response = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
        (response.as_bytes().to_vec(), After::KeepOpen)
    })
    .await;
    let source = scenario(0.05, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(500)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert!(entry.num_requests >= 3, "{} requests", entry.num_requests);
    assert_eq!(
        server.connections.load(Ordering::SeqCst) as u64,
        entry.num_requests,
        "a new connection for every request"
    );
}

#[tokio::test]
async fn chunked_body_is_joined() {
    let server = start_raw_server(|_| {
        let response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                        5\r\nhello\r\n7;note=x\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
        (response.as_bytes().to_vec(), After::KeepOpen)
    })
    .await;
    let source = scenario(
        0.1,
        "path = \"/\"\ncheck = { body_contains = \"hello, world\" }",
    );
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(500)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert!(entry.num_requests >= 2, "{} requests", entry.num_requests);
    assert_eq!(entry.avg_content_length, 12.0);
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "the connection stays usable after a chunked body"
    );
}

#[tokio::test]
async fn chunked_gzip_body_is_decoded() {
    let server = start_raw_server(|_| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"zipped and chunked").unwrap();
        let gzip = encoder.finish().unwrap();
        let (first, second) = gzip.split_at(gzip.len() / 2);
        let mut response =
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        for part in [first, second] {
            response.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            response.extend_from_slice(part);
            response.extend_from_slice(b"\r\n");
        }
        response.extend_from_slice(b"0\r\n\r\n");
        (response, After::KeepOpen)
    })
    .await;
    let source = scenario(
        0.1,
        "path = \"/\"\ncheck = { body_contains = \"zipped and chunked\" }",
    );
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(400)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests >= 1);
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert_eq!(entry.avg_content_length, 18.0);
}

#[tokio::test]
async fn body_without_length_ends_at_close() {
    let server = start_raw_server(|_| {
        let response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until close";
        (response.as_bytes().to_vec(), After::Close)
    })
    .await;
    let source = scenario(
        0.1,
        "path = \"/\"\ncheck = { body_contains = \"until close\" }",
    );
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(400)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests >= 2, "{} requests", entry.num_requests);
    assert_eq!(entry.num_failures, 0, "{:?}", failures(&snapshot));
    assert_eq!(entry.avg_content_length, 16.0);
}

#[tokio::test]
async fn head_response_has_no_body() {
    let server = start_raw_server(|head| {
        let response = if head.starts_with("HEAD") {
            "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n".to_owned()
        } else {
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nget".to_owned()
        };
        (response.into_bytes(), After::KeepOpen)
    })
    .await;
    let source = r#"
[user.Tester]
wait_time = { constant = 0.1 }
[[user.Tester.task]]
steps = [
  { method = "HEAD", path = "/" },
  { path = "/", check = { body_contains = "get" } },
]
"#;
    let (_, snapshot) = run_scenario(source, &server.url, 1, Duration::from_millis(400)).await;

    assert_eq!(
        snapshot.aggregated.num_failures,
        0,
        "{:?}",
        failures(&snapshot)
    );
    assert_eq!(summary(&snapshot, "HEAD", "/").avg_content_length, 50.0);
    assert!(summary(&snapshot, "GET", "/").num_requests >= 1);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn response_cut_short_is_a_failure() {
    let server = start_raw_server(|_| {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
        (response.as_bytes().to_vec(), After::Close)
    })
    .await;
    let source = scenario(0.1, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(400)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests >= 1);
    assert_eq!(entry.num_failures, entry.num_requests);
    let address = server.url.trim_start_matches("http://");
    assert_eq!(
        failures(&snapshot),
        [format!(
            "GET /: connection closed by {address} before the response was complete"
        )]
    );
}

/// A claimed length far beyond what arrives used to be reserved at once, which aborted the
/// process. Now the request fails with the limit in the message. The statistics write
/// numbers in messages as `<n>`.
#[tokio::test]
async fn huge_content_length_is_a_failure() {
    let server = start_raw_server(|_| {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\nabc";
        (response.as_bytes().to_vec(), After::Close)
    })
    .await;
    let source = scenario(0.1, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(300)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests >= 1);
    assert_eq!(entry.num_failures, entry.num_requests);
    let address = server.url.trim_start_matches("http://");
    assert_eq!(
        failures(&snapshot),
        [format!(
            "GET /: invalid HTTP response from {address}: Content-Length <n> is over \
             swarm's limit of 256 MiB per response body"
        )]
    );
}

/// A length under the limit is read as the data arrives, and a body cut short fails when the
/// server closes.
#[tokio::test]
async fn large_content_length_cut_short_is_a_failure() {
    let server = start_raw_server(|_| {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 200000000\r\n\r\nabc";
        (response.as_bytes().to_vec(), After::Close)
    })
    .await;
    let source = scenario(0.1, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(300)).await;

    let address = server.url.trim_start_matches("http://");
    assert_eq!(
        failures(&snapshot),
        [format!(
            "GET /: connection closed by {address} before the response was complete"
        )]
    );
}

#[tokio::test]
async fn huge_chunk_size_is_a_failure() {
    let server = start_raw_server(|_| {
        let response =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\nabc";
        (response.as_bytes().to_vec(), After::Close)
    })
    .await;
    let source = scenario(0.1, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(300)).await;

    let address = server.url.trim_start_matches("http://");
    assert_eq!(
        failures(&snapshot),
        [format!(
            "GET /: invalid HTTP response from {address}: a chunk of <n> bytes takes \
             the body over swarm's limit of 256 MiB per response body"
        )]
    );
}

#[tokio::test]
async fn invalid_response_names_the_problem() {
    let server = start_raw_server(|_| (b"SMTP ready\r\n\r\n".to_vec(), After::Close)).await;
    let source = scenario(0.1, "path = \"/\"");
    let (_, snapshot) = run_scenario(&source, &server.url, 1, Duration::from_millis(300)).await;

    let address = server.url.trim_start_matches("http://");
    let messages = failures(&snapshot);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with(&format!(
            "GET /: invalid HTTP response from {address}: invalid response head: "
        )),
        "{messages:?}"
    );
}

/// Runs the swarm binary with an open-file limit of 64, so 100 users cannot all connect.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn open_file_limit_is_a_clear_failure() {
    let server = start_raw_server(|_| (ok("hello"), After::KeepOpen)).await;
    let swarmfile = support::swarmfile(&scenario(0.2, "path = \"/\""));
    let path = swarmfile.path.to_str().unwrap().to_owned();
    let url = server.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 64 && exec \"$@\"")
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_swarm"))
            .args([
                "-f",
                &path,
                "-H",
                &url,
                "--headless",
                "-u",
                "100",
                "-r",
                "1000",
            ])
            .args(["-t", "2s", "--json", "-L", "ERROR"])
            .env_remove("SWARM_HOST")
            .output()
            .expect("swarm runs")
    })
    .await
    .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("too many open files: cannot open a connection to 127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains("open-file limit of 64"), "{stderr}");
    assert!(stderr.contains("`ulimit -n`"), "{stderr}");
    let entries = support::json_stats(&output);
    let entry = support::entry(&entries, "GET", "/");
    assert!(entry["num_failures"].as_u64().unwrap() > 0, "{stdout}");
    assert!(
        server.connections.load(Ordering::SeqCst) < 64,
        "the limit held"
    );
}
