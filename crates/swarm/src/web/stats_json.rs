//! The JSON bodies of `GET /stats/requests` and `GET /stats/history`, in Locust's shapes.

use serde::Serialize;
use serde_json::{json, Value};

use super::control::{EntryStats, ErrorStats, HistoryPoint, RunState, StatsSnapshot};

/// Locust sends at most this many entries and errors, so a run with thousands of distinct
/// names still returns a body that a browser can render every 2 s.
const MAX_ROWS: usize = 500;

/// The body of `GET /stats/requests`.
#[derive(Debug, Serialize)]
pub struct StatsResponse<'a> {
    pub stats: Vec<&'a EntryStats>,
    pub errors: &'a [ErrorStats],
    pub current_rps: f64,
    pub current_fail_per_sec: f64,
    pub total_rps: f64,
    pub total_fail_per_sec: f64,
    /// Failed requests over all requests, from 0 to 1.
    pub fail_ratio: f64,
    pub current_response_time_percentiles: CurrentPercentiles,
    pub state: RunState,
    pub user_count: u64,
}

#[derive(Debug, Serialize)]
pub struct CurrentPercentiles {
    #[serde(rename = "response_time_percentile_0.5")]
    pub median: Option<f64>,
    #[serde(rename = "response_time_percentile_0.95")]
    pub p95: Option<f64>,
}

impl<'a> StatsResponse<'a> {
    pub fn new(snapshot: &'a StatsSnapshot, state: RunState, user_count: u64) -> Self {
        let aggregated = &snapshot.aggregated;
        let mut stats: Vec<&EntryStats> = snapshot.entries.iter().take(MAX_ROWS).collect();
        stats.push(aggregated);
        let errors = &snapshot.errors[..snapshot.errors.len().min(MAX_ROWS)];

        StatsResponse {
            stats,
            errors,
            current_rps: aggregated.current_rps,
            current_fail_per_sec: aggregated.current_fail_per_sec,
            total_rps: aggregated.total_rps,
            total_fail_per_sec: aggregated.total_fail_per_sec,
            fail_ratio: fail_ratio(aggregated),
            current_response_time_percentiles: CurrentPercentiles {
                median: snapshot.current_median,
                p95: snapshot.current_p95,
            },
            state,
            user_count,
        }
    }
}

/// Failures over requests, or 1 when there are failures but no requests (as Locust does).
pub fn fail_ratio(entry: &EntryStats) -> f64 {
    match (entry.num_requests, entry.num_failures) {
        (0, 0) => 0.0,
        (0, _) => 1.0,
        (requests, failures) => failures as f64 / requests as f64,
    }
}

/// Serialises the chart history as Locust's records: each value is a `[time, value]` pair and
/// `time` is UTC in whole seconds.
pub fn history_json(points: &[HistoryPoint]) -> Value {
    let records: Vec<Value> = points
        .iter()
        .map(|point| {
            let time = point.time.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            json!({
                "time": time,
                "current_rps": [time, point.current_rps],
                "current_fail_per_sec": [time, point.current_fail_per_sec],
                "response_time_percentile_0.5": [time, point.current_median],
                "response_time_percentile_0.95": [time, point.current_p95],
                "total_avg_response_time": [time, point.total_avg_response_time],
                "user_count": [time, point.user_count],
            })
        })
        .collect();
    Value::Array(records)
}
