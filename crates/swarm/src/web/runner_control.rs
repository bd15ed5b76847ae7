//! [`SwarmControl`] for the engine's [`Runner`], with the start form's defaults beside it.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Local};

use crate::engine::{LogLine, Runner, RunnerState, StartRequest};
use crate::report::{csv, html};
use crate::stats::exceptions::LOCAL_NODE;
use crate::stats::{HistoryPoint, StatsSnapshot};

use super::control::{
    ExceptionStats, FormDefaults, RunState, StartRejected, SwarmControl, SwarmSettings,
};
use super::history_csv::{self, HistoryCsv};

/// The runner as the web UI drives it.
#[derive(Clone)]
pub struct RunnerControl {
    runner: Runner,
    defaults: FormDefaults,
    history_csv: Arc<HistoryCsv>,
}

impl RunnerControl {
    /// Wraps `runner` and starts recording its history CSV; must be called inside a tokio
    /// runtime.
    pub fn new(runner: Runner, defaults: FormDefaults) -> Self {
        let history_csv = history_csv::start_recording(&runner);
        RunnerControl {
            runner,
            defaults,
            history_csv,
        }
    }

    pub fn runner(&self) -> &Runner {
        &self.runner
    }
}

impl SwarmControl for RunnerControl {
    fn state(&self) -> RunState {
        match self.runner.state() {
            RunnerState::Ready => RunState::Ready,
            RunnerState::Spawning => RunState::Spawning,
            RunnerState::Running => RunState::Running,
            RunnerState::Stopping => RunState::Stopping,
            RunnerState::Stopped => RunState::Stopped,
        }
    }

    fn user_count(&self) -> u64 {
        self.runner.user_count() as u64
    }

    fn form_defaults(&self) -> FormDefaults {
        self.defaults.clone()
    }

    fn swarm(
        &self,
        settings: SwarmSettings,
    ) -> impl Future<Output = Result<(), StartRejected>> + Send {
        let request = StartRequest {
            user_count: usize::try_from(settings.user_count).unwrap_or(usize::MAX),
            spawn_rate: settings.spawn_rate,
            host: Some(settings.host),
            run_time: settings.run_time,
        };
        async move {
            self.runner
                .start(request)
                .await
                .map_err(|error| StartRejected(error.to_string()))
        }
    }

    async fn stop(&self) {
        self.runner.stop();
    }

    async fn reset_stats(&self) {
        self.runner.reset_stats();
    }

    fn stats(&self) -> StatsSnapshot {
        self.runner.snapshot()
    }

    fn history(&self) -> Vec<HistoryPoint> {
        self.runner.history()
    }

    fn task_ratios(&self) -> serde_json::Value {
        self.runner.task_ratios()
    }

    fn exceptions(&self) -> Vec<ExceptionStats> {
        self.runner
            .snapshot()
            .exceptions
            .into_iter()
            .map(|exception| ExceptionStats {
                count: exception.count,
                msg: exception.message,
                traceback: exception.location,
                nodes: LOCAL_NODE.to_owned(),
            })
            .collect()
    }

    fn log_lines(&self) -> Vec<String> {
        self.runner.logs().iter().map(format_log_line).collect()
    }

    fn stats_csv(&self) -> String {
        csv::stats_csv(&self.runner.snapshot())
    }

    fn failures_csv(&self) -> String {
        csv::failures_csv(&self.runner.snapshot())
    }

    fn exceptions_csv(&self) -> String {
        csv::exceptions_csv(&self.runner.snapshot())
    }

    fn history_csv(&self) -> String {
        self.history_csv.to_csv()
    }

    fn html_report(&self) -> String {
        let host = self.runner.host().unwrap_or_default();
        html::render(&html::ReportInput {
            snapshot: &self.runner.snapshot(),
            history: &self.runner.history(),
            times: &self.runner.run_times(),
            host: &host,
            swarmfile: &self.defaults.swarmfile,
            ratios: &self.runner.task_ratios(),
        })
    }
}

/// Formats a log line as `[2026-12-04 16:30:00] INFO: message`, in local time.
fn format_log_line(line: &LogLine) -> String {
    let seconds = line.time.floor() as i64;
    let time = DateTime::from_timestamp(seconds, 0)
        .map(|time| {
            time.with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    format!("[{time}] {}: {}", line.level, line.message)
}
