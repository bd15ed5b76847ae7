//! A minimal HTTP server on loopback for measuring swarm itself: every request gets `ok`.
//!
//! Usage: `cargo run --release -p swarm --example loopback_target -- SECONDS`. It prints its
//! URL, serves for SECONDS (default 60), then exits, so a forgotten run stops by itself.

use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(60);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{}", listener.local_addr()?);
    let router = axum::Router::new().fallback(|| async { "ok" });
    let server = axum::serve(listener, router);
    match tokio::time::timeout(Duration::from_secs(seconds), server).await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}
