//! Starting and stopping the TweetCheck server.

use std::any::Any;
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;

use crate::db::{self, Db};
use crate::scheduler;
use crate::state::AppState;

/// The listening address and the database of a server.
#[derive(Clone, Debug)]
pub struct Config {
    /// The socket address to bind, such as `127.0.0.1:8000`. Port 0 picks a free port.
    pub bind: String,
    /// A SQLite URL such as `sqlite://tweetcheck.db`. The file is created if missing.
    pub database_url: String,
}

/// A server started by [`start`]. Dropping it without [`Running::shutdown`] leaves the server
/// task running until the runtime stops.
#[derive(Debug)]
pub struct Running {
    local_addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    stop_scheduler: watch::Sender<bool>,
    scheduler: JoinHandle<()>,
    db: Db,
}

/// Opens (creating and migrating) the database, inserts the seed data that is absent, binds
/// the listener and spawns the server task.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let db = Db::open(&config.database_url).await?;
    db::seed(&db.writer).await.with_context(|| {
        format!(
            "failed to insert the seed data into {}",
            config.database_url
        )
    })?;

    let listener = TcpListener::bind(&config.bind)
        .await
        .map_err(|error| bind_error(&config.bind, error))?;
    let local_addr = listener
        .local_addr()
        .context("failed to read the bound address")?;

    let state = AppState::new(db.clone());
    let (stop_scheduler, scheduler_stopped) = watch::channel(false);
    let scheduler = scheduler::spawn(state.clone(), scheduler_stopped);
    let app = router(state);

    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // A dropped sender stops the server as well.
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(address = %local_addr, database = %config.database_url, "server started");

    Ok(Running {
        local_addr,
        stop,
        task,
        stop_scheduler,
        scheduler,
        db,
    })
}

/// Builds the error for a failed bind. An address that is not `HOST:PORT` (such as a bare `8000`)
/// gets the expected form, any other failure the likely cause.
fn bind_error(bind: &str, error: std::io::Error) -> anyhow::Error {
    let message = if error.kind() == std::io::ErrorKind::InvalidInput {
        format!("invalid bind address {bind:?}: expected HOST:PORT, such as 127.0.0.1:8000")
    } else {
        format!("failed to bind {bind}. Is another server using it?")
    };
    anyhow::Error::new(error).context(message)
}

impl Running {
    /// Returns the address the server listens on, with the actual port when the configured one
    /// was 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, waits for in-flight requests to finish, then closes the
    /// database.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.task
            .await
            .context("the server task panicked")?
            .context("the server failed while shutting down")?;
        let _ = self.stop_scheduler.send(true);
        self.scheduler
            .await
            .context("the scheduler task panicked")?;
        self.db.close().await;
        tracing::info!(address = %self.local_addr, "server stopped");
        Ok(())
    }
}

fn router(state: AppState) -> Router {
    let app = crate::api::router(&state)
        .merge(crate::html::routes())
        .merge(crate::workshop::routes())
        .fallback(crate::api::fallback)
        .with_state(state.clone());
    // The browsable API wraps the whole router because its pages repeat requests (OPTIONS).
    crate::html::wrap(app, state)
        .layer(DefaultBodyLimit::max(crate::api::MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(log_request))
}

/// Turns a handler's panic into a logged 500 instead of a dropped connection. Panics are bugs:
/// the fuzz tests look for them, and each one found is fixed and kept as a regression test.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(panic = message, "a request handler panicked");
    let body = axum::Json(serde_json::json!({ "detail": "A server error occurred." }));
    (http::StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
}

/// Logs one line per request. The query string is left out because it may contain a token
/// (`/api/users/?token=...`).
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();

    let response = next.run(request).await;

    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
