//! The web UI on port 8089: a page to start, watch, change and stop a run, and the JSON and CSV
//! endpoints behind it. The endpoints use Locust's paths and field names, so tools written for
//! Locust's UI read swarm too.
//!
//! Everything is served from the binary: the page is an askama template, and the stylesheet,
//! the script and the charts (drawn on canvas) are our own, so the UI works offline.

mod auth;
mod control;
mod history_csv;
mod launch;
mod page;
mod routes;
mod runner_control;
mod runs;
mod stats_json;
mod swarm_form;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use auth::{Credentials, InvalidCredentials};
pub use control::{
    ExceptionStats, FormDefaults, RunState, StartRejected, SwarmControl, SwarmSettings,
};
pub use launch::run_web_ui;
pub use runner_control::RunnerControl;
pub use runs::{RunLog, RunRecord, RUNS_FILE_NAME};

use runs::CurrentRun;

/// The address and access settings of the web UI.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Listening address. Port 0 picks a free port.
    pub bind: SocketAddr,
    /// Turns on HTTP basic authentication when set.
    pub auth: Option<Credentials>,
    /// The run log, normally `swarm_runs.json` beside the swarmfile.
    pub runs_file: PathBuf,
    /// The `PREFIX_stats_history.csv` that `--csv PREFIX --csv-full-history` writes, if any.
    pub full_history_csv: Option<PathBuf>,
    /// A run to start as soon as the UI listens (`--autostart`).
    pub autostart: Option<SwarmSettings>,
}

/// Errors from starting the web UI.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("failed to listen on {bind}: {source}; choose another address with --web-host or port with -P")]
    Bind {
        bind: SocketAddr,
        source: std::io::Error,
    },
    #[error("the web UI stopped: {0}")]
    Serve(std::io::Error),
    #[error("failed to start the run given on the command line: {0}")]
    Autostart(StartRejected),
}

/// A web UI that is listening; dropping it stops the server.
pub struct RunningWeb<C> {
    local_addr: SocketAddr,
    state: Arc<AppState<C>>,
    server: JoinHandle<std::io::Result<()>>,
    watcher: JoinHandle<()>,
}

impl<C: SwarmControl> RunningWeb<C> {
    /// Returns the listening address, with the port picked when port 0 was requested.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Returns the URL to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Waits until the server fails; it does not stop on its own.
    pub async fn wait(&mut self) -> Result<(), WebError> {
        let result = (&mut self.server).await;
        self.watcher.abort();
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(WebError::Serve(error)),
            Err(join_error) => Err(WebError::Serve(std::io::Error::other(join_error))),
        }
    }

    /// Appends the run that ended to the run log, if the watcher has not done it yet. Call it
    /// after the runner stopped and before the process exits.
    pub async fn record_finished_run(&self) {
        self.state.record_finished_run().await;
    }
}

impl<C> Drop for RunningWeb<C> {
    fn drop(&mut self) {
        self.server.abort();
        self.watcher.abort();
    }
}

/// State shared by every handler.
pub(crate) struct AppState<C> {
    control: Arc<C>,
    current: Arc<Mutex<Option<CurrentRun>>>,
    runs: Arc<RunLog>,
    full_history_csv: Option<PathBuf>,
}

impl<C: SwarmControl> AppState<C> {
    fn current_run(&self) -> Option<CurrentRun> {
        self.current.lock().expect("current run lock").clone()
    }

    /// Starts a run, or changes the running one, and remembers its settings for the run log.
    async fn swarm(&self, settings: SwarmSettings) -> Result<(), StartRejected> {
        let state = self.control.state();
        let was_active = state.is_active();
        // A run that ended moments ago may not be recorded yet; record it before a new one
        // starts and replaces it. While stopping, the runner rejects the start below.
        if state == RunState::Stopped {
            self.record_finished_run().await;
        }

        self.control.swarm(settings.clone()).await?;

        let mut current = self.current.lock().expect("current run lock");
        match current.as_mut() {
            Some(run) if was_active => {
                run.settings.user_count = settings.user_count;
                run.settings.spawn_rate = settings.spawn_rate;
            }
            _ => {
                *current = Some(CurrentRun {
                    settings,
                    started_at: chrono::Utc::now(),
                })
            }
        }
        Ok(())
    }

    /// Appends the run that ended, if the watcher has not recorded it yet.
    async fn record_finished_run(&self) {
        let ended = self.current.lock().expect("current run lock").take();
        let Some(run) = ended else {
            return;
        };
        let record = runs::record_run(&run.settings, run.started_at, &self.control.stats());
        if let Err(error) = self.runs.append(record).await {
            tracing::error!("failed to record the finished run: {error}");
        }
    }
}

fn build_router<C: SwarmControl>(state: Arc<AppState<C>>, auth: Option<Credentials>) -> Router {
    let router = Router::new()
        .route("/", get(routes::index::<C>))
        .route("/static/{name}", get(routes::static_file))
        .route("/swarm", post(routes::swarm::<C>))
        .route("/stop", get(routes::stop::<C>))
        .route("/stats/reset", get(routes::reset_stats::<C>))
        .route("/stats/requests", get(routes::stats_requests::<C>))
        .route("/stats/history", get(routes::stats_history::<C>))
        .route("/stats/requests/csv", get(routes::stats_csv::<C>))
        .route(
            "/stats/requests_full_history/csv",
            get(routes::history_csv::<C>),
        )
        .route("/stats/failures/csv", get(routes::failures_csv::<C>))
        .route("/stats/report", get(routes::report::<C>))
        .route("/exceptions", get(routes::exceptions::<C>))
        .route("/exceptions/csv", get(routes::exceptions_csv::<C>))
        .route("/tasks", get(routes::tasks::<C>))
        .route("/logs", get(routes::logs::<C>))
        .route("/worker-count", get(routes::worker_count))
        .route("/runs", get(routes::runs::<C>))
        .fallback(routes::not_found)
        .with_state(state);

    match auth {
        Some(credentials) => router.layer(axum::middleware::from_fn_with_state(
            Arc::new(credentials),
            auth::require_basic_auth,
        )),
        None => router,
    }
}

/// Listens on `config.bind` and serves the web UI in the background, recording each run that
/// ends in the run log.
pub async fn start<C: SwarmControl>(
    control: Arc<C>,
    config: WebConfig,
) -> Result<RunningWeb<C>, WebError> {
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| WebError::Bind {
            bind: config.bind,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(WebError::Serve)?;

    let state = Arc::new(AppState {
        control: control.clone(),
        current: Arc::new(Mutex::new(None)),
        runs: Arc::new(RunLog::new(config.runs_file.clone())),
        full_history_csv: config.full_history_csv.clone(),
    });
    let watcher = tokio::spawn(runs::watch_runs(
        control,
        state.current.clone(),
        state.runs.clone(),
    ));
    let app = build_router(state.clone(), config.auth.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let running = RunningWeb {
        local_addr,
        state,
        server,
        watcher,
    };

    if let Some(settings) = config.autostart {
        running
            .state
            .swarm(settings)
            .await
            .map_err(WebError::Autostart)?;
    }
    Ok(running)
}
