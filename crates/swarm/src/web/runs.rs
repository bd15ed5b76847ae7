//! The Runs tab's store: every finished run, appended to `swarm_runs.json` beside the swarmfile.
//!
//! Workshop attendees note RPS and the median of one run and compare them with later runs, so
//! each record keeps the settings and the headline figures, and the file outlives the process.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::stats::StatsSnapshot;

use super::control::{RunState, SwarmControl, SwarmSettings};

/// The file name of the run log, created beside the swarmfile.
pub const RUNS_FILE_NAME: &str = "swarm_runs.json";

/// One finished run: its settings and headline figures. Response times are in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Position in the file, starting at 1.
    pub id: u64,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub host: String,
    pub user_count: u64,
    /// Users started per second.
    pub spawn_rate: f64,
    /// The run time limit in seconds, if one was set.
    pub run_time: Option<u64>,
    pub num_requests: u64,
    pub num_failures: u64,
    /// Requests per second averaged over the time since statistics were last reset.
    pub total_rps: f64,
    pub median_response_time: f64,
    #[serde(rename = "response_time_percentile_0.95")]
    pub response_time_percentile_95: f64,
    /// Failed requests as a percentage of all requests.
    pub fail_percent: f64,
}

/// Errors from reading or writing the run log.
#[derive(Debug, thiserror::Error)]
pub enum RunsError {
    #[error("failed to read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("failed to write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// The run log on disk; appends go through one lock so that two runs never interleave.
#[derive(Debug)]
pub struct RunLog {
    path: PathBuf,
    lock: Mutex<()>,
}

impl RunLog {
    pub fn new(path: PathBuf) -> Self {
        RunLog {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Returns the run log beside `swarmfile`.
    pub fn beside(swarmfile: &Path) -> Self {
        let folder = swarmfile.parent().unwrap_or(Path::new(""));
        Self::new(folder.join(RUNS_FILE_NAME))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads every recorded run, oldest first; a missing file means no runs.
    pub async fn list(&self) -> Result<Vec<RunRecord>, RunsError> {
        let _guard = self.lock.lock().await;
        self.read_unlocked().await
    }

    /// Appends a run and returns it with its id.
    ///
    /// A file that is not a valid run log is renamed to `swarm_runs.json.invalid-TIMESTAMP`
    /// and a new one started, so a hand-edited file is kept rather than overwritten.
    pub async fn append(&self, mut record: RunRecord) -> Result<RunRecord, RunsError> {
        let _guard = self.lock.lock().await;
        let mut runs = match self.read_unlocked().await {
            Ok(runs) => runs,
            Err(RunsError::Read { source, .. }) if source.kind() == io::ErrorKind::InvalidData => {
                self.set_aside_invalid_file().await?;
                Vec::new()
            }
            Err(error) => return Err(error),
        };

        record.id = runs.last().map_or(1, |last| last.id + 1);
        runs.push(record.clone());
        let mut text = serde_json::to_string_pretty(&runs).expect("run records serialise");
        text.push('\n');

        // Write a temporary file and rename it, so a crash never leaves half a log behind.
        let temporary = self.path.with_extension("json.tmp");
        let write_error = |source| RunsError::Write {
            path: self.path.clone(),
            source,
        };
        tokio::fs::write(&temporary, text)
            .await
            .map_err(write_error)?;
        tokio::fs::rename(&temporary, &self.path)
            .await
            .map_err(write_error)?;
        Ok(record)
    }

    async fn read_unlocked(&self) -> Result<Vec<RunRecord>, RunsError> {
        let read_error = |source| RunsError::Read {
            path: self.path.clone(),
            source,
        };
        let text = match tokio::fs::read_to_string(&self.path).await {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(read_error(error)),
        };
        serde_json::from_str(&text)
            .map_err(|error| read_error(io::Error::new(io::ErrorKind::InvalidData, error)))
    }

    async fn set_aside_invalid_file(&self) -> Result<(), RunsError> {
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = self.path.with_extension(format!("json.invalid-{stamp}"));
        tokio::fs::rename(&self.path, &aside)
            .await
            .map_err(|source| RunsError::Write {
                path: aside.clone(),
                source,
            })?;
        tracing::warn!(
            "{} is not a valid run log; moved it to {} and started a new one",
            self.path.display(),
            aside.display()
        );
        Ok(())
    }
}

/// Builds the record of a run that just ended; `id` is set when it is appended.
pub fn record_run(
    settings: &SwarmSettings,
    started_at: DateTime<Utc>,
    snapshot: &StatsSnapshot,
) -> RunRecord {
    let aggregated = &snapshot.aggregated;
    RunRecord {
        id: 0,
        started_at,
        ended_at: Utc::now(),
        host: settings.host.clone(),
        user_count: settings.user_count,
        spawn_rate: settings.spawn_rate,
        run_time: settings.run_time.map(|limit| limit.as_secs()),
        num_requests: aggregated.num_requests,
        num_failures: aggregated.num_failures,
        total_rps: aggregated.total_rps,
        median_response_time: aggregated.median_response_time,
        response_time_percentile_95: aggregated.percentile(0.95).unwrap_or(0.0),
        fail_percent: aggregated.fail_ratio * 100.0,
    }
}

/// The run in progress, as far as the web UI saw it start.
#[derive(Debug, Clone)]
pub struct CurrentRun {
    /// The settings of the latest `POST /swarm`, edits included.
    pub settings: SwarmSettings,
    pub started_at: DateTime<Utc>,
}

/// Watches the runner and appends a record each time a run ends, whether by Stop, by its run
/// time, or by the runner itself. Runs until the process exits.
pub async fn watch_runs<C: SwarmControl>(
    control: Arc<C>,
    current: Arc<std::sync::Mutex<Option<CurrentRun>>>,
    log: Arc<RunLog>,
) {
    let mut previous = control.state();
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    loop {
        ticker.tick().await;
        let state = control.state();
        let ended = state == RunState::Stopped && previous != RunState::Stopped;
        previous = state;
        if !ended {
            continue;
        }

        let run = current.lock().expect("current run lock").take();
        let Some(run) = run else {
            continue;
        };
        let record = record_run(&run.settings, run.started_at, &control.stats());
        match log.append(record).await {
            Ok(record) => tracing::info!(
                "recorded run {} in {}: {:.2} RPS, median {:.0} ms",
                record.id,
                log.path().display(),
                record.total_rps,
                record.median_response_time
            ),
            Err(error) => tracing::error!("failed to record the finished run: {error}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(host: &str) -> RunRecord {
        RunRecord {
            id: 0,
            started_at: Utc::now(),
            ended_at: Utc::now(),
            host: host.to_owned(),
            user_count: 10,
            spawn_rate: 2.0,
            run_time: Some(30),
            num_requests: 100,
            num_failures: 1,
            total_rps: 3.3,
            median_response_time: 12.0,
            response_time_percentile_95: 40.0,
            fail_percent: 1.0,
        }
    }

    #[tokio::test]
    async fn append_numbers_runs_in_order() {
        let folder = tempfile::tempdir().unwrap();
        let log = RunLog::beside(&folder.path().join("swarmfile.toml"));

        let first = log.append(sample("http://127.0.0.1:1")).await.unwrap();
        let second = log.append(sample("http://127.0.0.1:2")).await.unwrap();

        assert_eq!(first.id, 1);
        assert_eq!(second.id, 2);
        let runs = log.list().await.unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1].host, "http://127.0.0.1:2");
        assert!(folder.path().join(RUNS_FILE_NAME).exists());
    }

    #[tokio::test]
    async fn append_keeps_invalid_file_aside() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(RUNS_FILE_NAME);
        std::fs::write(&path, "not json").unwrap();
        let log = RunLog::new(path.clone());

        assert!(log.list().await.is_err());
        let record = log.append(sample("http://127.0.0.1:1")).await.unwrap();

        assert_eq!(record.id, 1);
        let kept: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".invalid-"))
            .collect();
        assert_eq!(kept.len(), 1);
        let kept_text = std::fs::read_to_string(folder.path().join(&kept[0])).unwrap();
        assert_eq!(kept_text, "not json");
    }

    #[tokio::test]
    async fn list_of_missing_file_is_empty() {
        let folder = tempfile::tempdir().unwrap();
        let log = RunLog::new(folder.path().join(RUNS_FILE_NAME));
        assert!(log.list().await.unwrap().is_empty());
    }
}
