//! The interface between the web UI and the runner that drives the simulated users.
//!
//! The web handlers only see [`SwarmControl`], so the routes, the page and their tests read
//! the same whatever the engine keeps internally. The JSON types here use Locust's field names
//! because they go straight onto the wire.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

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

    /// Whether users are being spawned or are running, so that a `POST /swarm` changes the
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

/// What the start form shows before the first run: the command line's and swarmfile's values.
#[derive(Debug, Clone, PartialEq)]
pub struct FormDefaults {
    pub user_count: u64,
    pub spawn_rate: f64,
    pub host: String,
    pub run_time: Option<Duration>,
    /// Path of the swarmfile as given on the command line, shown in the page title.
    pub swarmfile: String,
}

/// One row of the statistics table, serialised with the field names of Locust's
/// `StatsEntry.to_dict()`. Response times are in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryStats {
    pub method: String,
    pub name: String,
    pub num_requests: u64,
    pub num_failures: u64,
    pub min_response_time: f64,
    pub max_response_time: f64,
    pub current_rps: f64,
    pub current_fail_per_sec: f64,
    pub avg_response_time: f64,
    pub median_response_time: f64,
    pub total_rps: f64,
    pub total_fail_per_sec: f64,
    #[serde(rename = "response_time_percentile_0.95")]
    pub response_time_percentile_95: f64,
    #[serde(rename = "response_time_percentile_0.99")]
    pub response_time_percentile_99: f64,
    pub avg_content_length: f64,
}

/// One group of failed requests, keyed by method, name and error message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorStats {
    pub name: String,
    pub method: String,
    pub error: String,
    pub occurrences: u64,
    /// Unix time in seconds.
    pub first_seen: f64,
    /// Unix time in seconds.
    pub last_seen: f64,
}

/// The statistics at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsSnapshot {
    /// Entries sorted by name, then method.
    pub entries: Vec<EntryStats>,
    /// The `Aggregated` entry, whose `method` is empty.
    pub aggregated: EntryStats,
    pub errors: Vec<ErrorStats>,
    /// Median of the aggregated response times over the last 10 s, in milliseconds.
    pub current_median: Option<f64>,
    /// 95th percentile of the aggregated response times over the last 10 s, in milliseconds.
    pub current_p95: Option<f64>,
}

/// One point of the chart history, which the runner records every few seconds while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    pub time: DateTime<Utc>,
    pub user_count: u64,
    pub current_rps: f64,
    pub current_fail_per_sec: f64,
    pub current_median: Option<f64>,
    pub current_p95: Option<f64>,
    pub total_avg_response_time: f64,
}

/// One kind of error that ended a task (not a failed request), as `GET /exceptions` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceptionStats {
    pub count: u64,
    pub msg: String,
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

    /// The most recent log lines, oldest first.
    fn log_lines(&self) -> Vec<String>;

    /// The statistics in the format of Locust's `_stats.csv`.
    fn stats_csv(&self) -> String;

    /// The errors in the format of Locust's `_failures.csv`.
    fn failures_csv(&self) -> String;

    /// The exceptions in the format of Locust's `_exceptions.csv`.
    fn exceptions_csv(&self) -> String;

    /// The history in the format of Locust's `_stats_history.csv`.
    fn history_csv(&self) -> String;

    /// A self-contained HTML report of the current statistics.
    fn html_report(&self) -> String;
}
