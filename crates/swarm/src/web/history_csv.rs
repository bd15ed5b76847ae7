//! The statistics history CSV of the web UI's Download data tab, kept in memory.
//!
//! Without `--csv PREFIX --csv-full-history` no history file exists on disk, so the web UI
//! records the same Aggregated rows as `PREFIX_stats_history.csv` once a second while a test
//! runs. The rows grow by about 200 bytes a second and are cleared when a new test starts.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::engine::{Runner, RunnerState};
use crate::report::csv::{history_rows, HISTORY_HEADER};

/// Seconds between two history rows, as in the `--csv` files.
const ROW_INTERVAL: Duration = Duration::from_secs(1);

/// History rows of the latest test, without the header.
#[derive(Debug, Default)]
pub struct HistoryCsv {
    rows: Mutex<HistoryRows>,
}

#[derive(Debug, Default)]
struct HistoryRows {
    /// Unix start time of the test the rows belong to.
    started_at: Option<f64>,
    text: String,
}

impl HistoryCsv {
    /// Returns the CSV: the header row, then one Aggregated row per second of the latest test.
    pub fn to_csv(&self) -> String {
        let rows = self.rows.lock().expect("history rows lock");
        format!("{HISTORY_HEADER}\r\n{}", rows.text)
    }

    fn append(&self, runner: &Runner) {
        let started_at = runner.run_times().started_at;
        let snapshot = runner.snapshot();
        let text = history_rows(&snapshot, runner.user_count(), false);

        let mut rows = self.rows.lock().expect("history rows lock");
        if rows.started_at != started_at {
            rows.started_at = started_at;
            rows.text.clear();
        }
        rows.text.push_str(&text);
    }
}

/// Appends a row every second while `runner` spawns or runs users; ends when `history` is
/// dropped.
pub async fn record_history(runner: Runner, history: Weak<HistoryCsv>) {
    let mut interval = tokio::time::interval(ROW_INTERVAL);
    loop {
        interval.tick().await;
        let Some(history) = history.upgrade() else {
            return;
        };
        if matches!(runner.state(), RunnerState::Spawning | RunnerState::Running) {
            history.append(&runner);
        }
    }
}

/// Creates the history and starts its recorder; must be called inside a tokio runtime.
pub fn start_recording(runner: &Runner) -> Arc<HistoryCsv> {
    let history = Arc::new(HistoryCsv::default());
    tokio::spawn(record_history(runner.clone(), Arc::downgrade(&history)));
    history
}
