//! Request statistics with Locust's semantics: entries keyed by (method, name), an Aggregated
//! entry kept alongside, failures grouped by message, and chart history.

pub mod entry;
pub mod errors;
pub mod exceptions;
pub mod histogram;
pub mod history;
pub mod snapshot;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub use entry::StatsEntry;
pub use errors::{StatsError, StatsErrors};
pub use exceptions::{StatsException, StatsExceptions, UserException};
pub use histogram::ResponseTimes;
pub use history::{HistoryPoint, StatsHistory};
pub use snapshot::{EntrySummary, StatsSnapshot};

/// Name of the entry that covers every request.
pub const AGGREGATED: &str = "Aggregated";

/// The outcome of one request, as a user reports it.
#[derive(Clone, Debug)]
pub struct Sample {
    pub method: Arc<str>,
    pub name: Arc<str>,
    /// Unix time in seconds when the response completed.
    pub at: f64,
    pub response_time_us: u64,
    pub content_length: u64,
    /// The failure message, or `None` when the request succeeded.
    pub error: Option<String>,
}

/// Returns the current unix time in seconds.
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs_f64())
        .unwrap_or(0.0)
}

/// All statistics of a run.
#[derive(Clone, Debug)]
pub struct RequestStats {
    entries: HashMap<(Arc<str>, Arc<str>), StatsEntry>,
    pub total: StatsEntry,
    pub errors: StatsErrors,
    pub exceptions: StatsExceptions,
    /// Unix time in seconds when the run started or the statistics were last reset.
    pub start_time: f64,
    /// Unix time in seconds when the run stopped; whole-run rates end here.
    pub end_time: Option<f64>,
}

impl Default for RequestStats {
    fn default() -> Self {
        Self::new(unix_now())
    }
}

impl RequestStats {
    pub fn new(start_time: f64) -> Self {
        Self {
            entries: HashMap::new(),
            total: StatsEntry::new("", AGGREGATED),
            errors: StatsErrors::default(),
            exceptions: StatsExceptions::default(),
            start_time,
            end_time: None,
        }
    }

    pub fn record(&mut self, sample: &Sample) {
        let failed = sample.error.is_some();
        let key = (sample.name.clone(), sample.method.clone());
        let entry = self
            .entries
            .entry(key)
            .or_insert_with(|| StatsEntry::new(&sample.method, &sample.name));
        entry.record(
            sample.at,
            sample.response_time_us,
            sample.content_length,
            failed,
        );
        self.total.record(
            sample.at,
            sample.response_time_us,
            sample.content_length,
            failed,
        );
        if let Some(message) = &sample.error {
            self.errors
                .record(&sample.method, &sample.name, message, sample.at);
        }
    }

    pub fn record_exception(&mut self, exception: &UserException) {
        self.exceptions.record(exception);
    }

    /// Entries sorted by (name, method), without the Aggregated entry.
    pub fn entries(&self) -> Vec<&StatsEntry> {
        let mut entries: Vec<&StatsEntry> = self.entries.values().collect();
        entries.sort_by(|a, b| (&a.name, &a.method).cmp(&(&b.name, &b.method)));
        entries
    }

    /// Adds every entry, failure and exception of `other` (a worker's or a shard's statistics).
    pub fn merge(&mut self, other: &RequestStats) {
        for (key, theirs) in &other.entries {
            self.entries
                .entry(key.clone())
                .or_insert_with(|| StatsEntry::new(&theirs.method, &theirs.name))
                .merge(theirs);
        }
        self.total.merge(&other.total);
        self.errors.merge(&other.errors);
        self.exceptions.merge(&other.exceptions);
        self.start_time = self.start_time.min(other.start_time);
    }

    /// Zeroes every entry (keeping the rows) and clears failures and exceptions, as Locust's
    /// reset does.
    pub fn reset(&mut self, now: f64) {
        for entry in self.entries.values_mut() {
            entry.reset();
        }
        self.total.reset();
        self.errors.clear();
        self.exceptions.clear();
        self.start_time = now;
        self.end_time = None;
    }

    /// Marks the run stopped at `now`, so whole-run rates stop falling afterwards.
    pub fn mark_stopped(&mut self, now: f64) {
        self.end_time = Some(now);
    }

    /// Drops every entry, for a new test.
    pub fn clear(&mut self, now: f64) {
        *self = Self::new(now);
    }

    pub fn snapshot(&self, now: f64) -> StatsSnapshot {
        StatsSnapshot::from_stats(self, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(method: &str, name: &str, at: f64, micros: u64, error: Option<&str>) -> Sample {
        Sample {
            method: method.into(),
            name: name.into(),
            at,
            response_time_us: micros,
            content_length: 100,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn aggregated_covers_every_entry() {
        let mut stats = RequestStats::new(0.0);
        stats.record(&sample("GET", "/a", 1.0, 1000, None));
        stats.record(&sample("POST", "/a", 1.0, 2000, Some("HTTP 500")));
        stats.record(&sample("GET", "/b", 1.0, 3000, None));

        assert_eq!(stats.entries().len(), 3);
        assert_eq!(stats.total.num_requests, 3);
        assert_eq!(stats.total.num_failures, 1);
        assert_eq!(stats.total.response_times.max_us(), Some(3000));
        assert_eq!(stats.errors.iter().count(), 1);
    }

    #[test]
    fn entries_sort_by_name_then_method() {
        let mut stats = RequestStats::new(0.0);
        stats.record(&sample("POST", "/b", 1.0, 1000, None));
        stats.record(&sample("GET", "/b", 1.0, 1000, None));
        stats.record(&sample("GET", "/a", 1.0, 1000, None));
        let keys: Vec<_> = stats
            .entries()
            .iter()
            .map(|entry| format!("{} {}", entry.method, entry.name))
            .collect();
        assert_eq!(keys, ["GET /a", "GET /b", "POST /b"]);
    }

    #[test]
    fn merged_shards_equal_one_recorder() {
        let mut whole = RequestStats::new(0.0);
        let mut shards = [RequestStats::new(0.0), RequestStats::new(0.0)];
        for index in 0..500u64 {
            let error = (index % 7 == 0).then_some("HTTP 502");
            let one = sample("GET", "/x", 1.0 + index as f64 / 100.0, index * 91, error);
            whole.record(&one);
            shards[(index % 2) as usize].record(&one);
        }
        let mut merged = RequestStats::new(0.0);
        for shard in &shards {
            merged.merge(shard);
        }

        let whole_snapshot = whole.snapshot(10.0);
        let merged_snapshot = merged.snapshot(10.0);
        assert_eq!(
            serde_json::to_value(&whole_snapshot).unwrap(),
            serde_json::to_value(&merged_snapshot).unwrap()
        );
    }

    #[test]
    fn reset_keeps_rows_and_clears_errors() {
        let mut stats = RequestStats::new(0.0);
        stats.record(&sample("GET", "/a", 1.0, 1000, Some("HTTP 500")));
        stats.reset(5.0);

        assert_eq!(stats.entries().len(), 1);
        assert_eq!(stats.entries()[0].num_requests, 0);
        assert_eq!(stats.total.num_requests, 0);
        assert!(stats.errors.is_empty());
        assert_eq!(stats.start_time, 5.0);
    }
}
