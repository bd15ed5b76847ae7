//! The interface between the web UI and the runner that drives the simulated users.
//!
//! The web handlers only see [`SwarmControl`], so the routes, the page and their tests read
//! the same whatever the engine keeps internally.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;

use crate::stats::{HistoryPoint, StatsSnapshot};

/// The runner's state, with Locust's names for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Ready,
    Spawning,
    Running,
    Stopping,
    Stopped,
}

impl RunState {
    /// Returns the lowercase name that `/stats/requests` sends in `state`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Ready => "ready",
            RunState::Spawning => "spawning",
            RunState::Running => "running",
            RunState::Stopping => "stopping",
            RunState::Stopped => "stopped",
        }
    }

    /// Returns true while users are spawning or running, when a `POST /swarm` changes the
    /// current run instead of starting a new one.
    pub fn is_active(self) -> bool {
        matches!(self, RunState::Spawning | RunState::Running)
    }
}

/// The settings of one `POST /swarm`, already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SwarmSettings {
    pub user_count: u64,
    /// Users started per second.
    pub spawn_rate: f64,
    pub host: String,
    /// Stop the run after this long; `None` runs until stopped.
    pub run_time: Option<Duration>,
}

/// Start form values from the command line and the swarmfile, shown before the first run.
#[derive(Debug, Clone, PartialEq)]
pub struct FormDefaults {
    pub user_count: u64,
    pub spawn_rate: f64,
    pub host: String,
    pub run_time: Option<Duration>,
    /// Path of the swarmfile as given on the command line, shown in the page title.
    pub swarmfile: String,
}

/// One kind of error that ended a task (not a failed request), as `GET /exceptions` lists it,
/// with Locust's field names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceptionStats {
    pub count: u64,
    pub msg: String,
    /// The place in the swarmfile, such as `swarmfile.toml:12 (user class Reader)`.
    pub traceback: String,
    pub nodes: String,
}

/// A start or change that the runner rejected, with a message for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct StartRejected(pub String);

/// The runner operations and read-outs that the web UI needs.
pub trait SwarmControl: Send + Sync + 'static {
    fn state(&self) -> RunState;

    /// Running users, counted by the runner.
    fn user_count(&self) -> u64;

    fn form_defaults(&self) -> FormDefaults;

    /// Starts a run, or changes the user count and spawn rate of the running one.
    fn swarm(
        &self,
        settings: SwarmSettings,
    ) -> impl Future<Output = Result<(), StartRejected>> + Send;

    /// Stops the users; returns once the runner is stopping, not when the last user ended.
    fn stop(&self) -> impl Future<Output = ()> + Send;

    /// Clears statistics, errors, exceptions and the chart history.
    fn reset_stats(&self) -> impl Future<Output = ()> + Send;

    fn stats(&self) -> StatsSnapshot;

    fn history(&self) -> Vec<HistoryPoint>;

    /// Locust's `{"per_class": ..., "total": ...}` task ratios.
    fn task_ratios(&self) -> serde_json::Value;

    fn exceptions(&self) -> Vec<ExceptionStats>;

    /// Returns the most recent log lines, oldest first.
    fn log_lines(&self) -> Vec<String>;

    /// Formats the statistics in the format of Locust's `_stats.csv`.
    fn stats_csv(&self) -> String;

    /// Formats the errors in the format of Locust's `_failures.csv`.
    fn failures_csv(&self) -> String;

    /// Formats the exceptions in the format of Locust's `_exceptions.csv`.
    fn exceptions_csv(&self) -> String;

    /// Formats the Aggregated history of the latest test in the format of Locust's
    /// `_stats_history.csv`.
    fn history_csv(&self) -> String;

    /// Renders a self-contained HTML report of the current statistics.
    fn html_report(&self) -> String;
}
