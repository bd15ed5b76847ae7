//! Errors at start: a wrong `--bind` or `--database` value gets a message naming the expected form.

use tempfile::TempDir;

/// Starts a server with `bind` and `database_url` and returns the full error chain.
async fn start_error(bind: &str, database_url: &str) -> String {
    let result = tweetcheck::start(tweetcheck::Config {
        bind: bind.to_owned(),
        database_url: database_url.to_owned(),
    })
    .await;
    match result {
        Ok(running) => {
            running.shutdown().await.expect("stop the server");
            panic!("the server started with bind {bind:?} and database {database_url:?}");
        }
        Err(error) => format!("{error:#}"),
    }
}

#[tokio::test]
async fn bind_without_host_names_expected_form() {
    let dir = TempDir::new().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("test.db").display());

    let message = start_error("8000", &database_url).await;

    assert!(
        message.contains("invalid bind address \"8000\""),
        "{message}"
    );
    assert!(message.contains("HOST:PORT"), "{message}");
    assert!(message.contains("127.0.0.1:8000"), "{message}");
}

#[tokio::test]
async fn postgres_url_names_supported_scheme() {
    let message = start_error("127.0.0.1:0", "postgres://user@127.0.0.1/tweetcheck").await;

    assert!(message.contains("unsupported database URL"), "{message}");
    assert!(message.contains("only sqlite://PATH URLs"), "{message}");
    assert!(!message.contains("unable to open"), "{message}");
}
