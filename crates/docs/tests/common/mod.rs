//! Helpers shared by the integration tests: source folders on disk and a loopback HTTP server.

#![allow(dead_code)]

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use workshop_docs::Site;

/// The repository's `docs/` folder, which the workshop site is built from.
pub fn workshop_docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// Creates a temporary source folder containing `files`, given as (relative path, contents).
pub fn source_dir(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("failed to create a temporary folder");
    for (relative, contents) in files {
        let path = dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).expect("failed to create a folder");
        fs::write(&path, contents).expect("failed to write a source file");
    }
    dir
}

/// Builds a site from `files` and returns it with its source folder, which must outlive it
/// only if the test reads the folder again.
pub fn build_site(files: &[(&str, &[u8])]) -> (Site, TempDir) {
    let dir = source_dir(files);
    let site = Site::build(dir.path()).expect("the fixture site should build");
    (site, dir)
}

/// Returns the text of a page of `site`, failing the test when it is missing.
pub fn page_text(site: &Site, path: &str) -> String {
    let (_, bytes) = site
        .get(path)
        .unwrap_or_else(|| panic!("the site has no {path}"));
    String::from_utf8(bytes.to_vec()).expect("pages are UTF-8")
}

/// Serves `site` under `prefix` (such as `/workshop/`) on an ephemeral port of 127.0.0.1, the
/// way the TweetCheck server mounts it. Each connection answers one GET and closes. The server
/// stops when the test's runtime ends.
pub async fn serve_site(site: Site, prefix: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("failed to bind 127.0.0.1:0");
    let address = listener.local_addr().unwrap();
    let site = Arc::new(site);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let site = Arc::clone(&site);
            tokio::spawn(answer(stream, site, prefix));
        }
    });
    address
}

async fn answer(mut stream: TcpStream, site: Arc<Site>, prefix: &str) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
        if request.len() > 64 * 1024 {
            return;
        }
    }

    let request = String::from_utf8_lossy(&request);
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or_default();

    let response = match path.strip_prefix(prefix) {
        Some(relative) => match site.get(relative) {
            Some((content_type, body)) => response_bytes("200 OK", content_type, body),
            None => response_bytes("404 Not Found", "text/plain", b"not found"),
        },
        None => response_bytes("404 Not Found", "text/plain", b"not found"),
    };
    let _ = stream.write_all(&response).await;
    let _ = stream.shutdown().await;
}

fn response_bytes(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}
