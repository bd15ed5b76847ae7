//! `https://` requests against a local TLS server. The certificates in `tests/fixtures/tls/` are
//! for these tests only: a test CA and a server certificate for 127.0.0.1 and localhost, made
//! with openssl and valid until 2126. Their private keys protect nothing.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use support::{failures, run_scenario, summary};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// A TLS server on loopback that responds `200 ok` to every request on keep-alive
/// connections, and counts the TLS connections it accepted.
struct TlsServer {
    url: String,
    connections: Arc<AtomicUsize>,
}

async fn start_tls_server() -> TlsServer {
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(fixture("server.pem"))
            .expect("server certificate")
            .collect::<Result<_, _>>()
            .expect("server certificate parses");
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).expect("server key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .expect("server TLS configuration");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(socket).await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let mut buffer = Vec::new();
                loop {
                    while !buffer.windows(4).any(|window| window == b"\r\n\r\n") {
                        let mut chunk = [0u8; 4096];
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                        }
                    }
                    buffer.clear();
                    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nover tls";
                    if stream.write_all(response).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    TlsServer { url, connections }
}

const SCENARIO: &str = r#"
[user.Tester]
wait_time = { constant = 0.1 }
[[user.Tester.task]]
path = "/"
check = { body_contains = "over tls" }
"#;

#[tokio::test]
async fn https_users_keep_their_own_connections() {
    let server = start_tls_server().await;
    let swarmfile = support::swarmfile(SCENARIO);
    let path = swarmfile.path.to_str().unwrap().to_owned();
    let url = server.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_swarm"))
            .args([
                "-f",
                &path,
                "-H",
                &url,
                "--headless",
                "-u",
                "3",
                "-r",
                "100",
            ])
            .args(["-t", "1s", "--json", "-L", "ERROR"])
            .env("SSL_CERT_FILE", fixture("ca.pem"))
            .env_remove("SSL_CERT_DIR")
            .env_remove("SWARM_HOST")
            .output()
            .expect("swarm runs")
    })
    .await
    .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let entries = support::json_stats(&output);
    let entry = support::entry(&entries, "GET", "/");
    assert_eq!(entry["num_failures"], 0, "{stderr}");
    assert!(entry["num_requests"].as_u64().unwrap() >= 9, "{entry}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

/// The test CA is not trusted here, so only `--insecure` lets the requests through, with a
/// warning on the log.
#[tokio::test]
async fn insecure_skips_certificate_checks() {
    let server = start_tls_server().await;
    let swarmfile = support::swarmfile(SCENARIO);
    let path = swarmfile.path.to_str().unwrap();
    let run = |insecure: bool| {
        let mut arguments = vec!["-f", path, "-H", &server.url, "--headless", "-u", "1"];
        arguments.extend(["-t", "1s", "--json", "-L", "WARNING"]);
        if insecure {
            arguments.push("--insecure");
        }
        let arguments: Vec<String> = arguments.into_iter().map(str::to_owned).collect();
        async move {
            let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
            support::run_swarm(&arguments).await
        }
    };

    let checked = run(false).await;
    let entries = support::json_stats(&checked);
    let entry = support::entry(&entries, "GET", "/");
    assert!(entry["num_failures"].as_u64().unwrap() > 0, "{entry}");

    let unchecked = run(true).await;
    let stderr = String::from_utf8_lossy(&unchecked.stderr);
    assert!(unchecked.status.success(), "{stderr}");
    assert!(
        stderr.contains("TLS certificates are not checked (--insecure)"),
        "{stderr}"
    );
    let entries = support::json_stats(&unchecked);
    let entry = support::entry(&entries, "GET", "/");
    assert!(entry["num_requests"].as_u64().unwrap() >= 1, "{entry}");
    assert_eq!(entry["num_failures"], 0, "{stderr}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_says_so() {
    let server = support::start_test_server().await;
    let url = server.url.replace("http://", "https://");
    let source =
        "[user.Tester]\nwait_time = { constant = 0.1 }\n[[user.Tester.task]]\npath = \"/\"\n";
    let (_, snapshot) = run_scenario(source, &url, 1, Duration::from_millis(300)).await;

    let address = url.trim_start_matches("https://");
    assert_eq!(
        failures(&snapshot),
        [format!(
            "GET /: TLS handshake with {address} failed: the server at {address} did not \
             answer with TLS, so the URL probably needs http:// instead of https://"
        )]
    );
}

#[tokio::test]
async fn untrusted_certificate_is_a_failure() {
    // This test process trusts only the public roots, not the test CA.
    let server = start_tls_server().await;
    let (_, snapshot) = run_scenario(SCENARIO, &server.url, 1, Duration::from_millis(300)).await;

    let entry = summary(&snapshot, "GET", "/");
    assert!(entry.num_requests >= 1);
    assert_eq!(entry.num_failures, entry.num_requests);
    let address = server.url.trim_start_matches("https://");
    let messages = failures(&snapshot);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with(&format!(
            "GET /: TLS handshake with {address} failed: invalid peer certificate"
        )),
        "{messages:?}"
    );
    assert!(
        messages[0].ends_with(
            "If a private CA signed the server's certificate, set SSL_CERT_FILE to that CA's \
             PEM file"
        ),
        "{messages:?}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}
