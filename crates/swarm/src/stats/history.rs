//! Points for the charts (RPS, response times, users over time), kept for the whole run.

use serde::Serialize;

use super::snapshot::StatsSnapshot;

/// Seconds between two chart points, as in Locust.
pub const HISTORY_INTERVAL_SECONDS: u64 = 5;

/// One chart point, built from the Aggregated entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryPoint {
    /// Unix time in seconds.
    pub time: f64,
    pub user_count: usize,
    pub current_rps: f64,
    pub current_fail_per_sec: f64,
    /// Median response time in ms over the current window, if any request was in it.
    pub response_time_percentile_50: Option<f64>,
    pub response_time_percentile_95: Option<f64>,
    pub total_avg_response_time: f64,
}

/// Chart points in time order; cleared by a reset or a new test.
#[derive(Clone, Debug, Default)]
pub struct StatsHistory {
    points: Vec<HistoryPoint>,
}

impl StatsHistory {
    pub fn push(&mut self, snapshot: &StatsSnapshot, user_count: usize) {
        let total = &snapshot.aggregated;
        self.points.push(HistoryPoint {
            time: snapshot.time,
            user_count,
            current_rps: total.current_rps,
            current_fail_per_sec: total.current_fail_per_sec,
            response_time_percentile_50: total.current_percentile(0.5),
            response_time_percentile_95: total.current_percentile(0.95),
            total_avg_response_time: total.avg_response_time,
        });
    }

    pub fn points(&self) -> &[HistoryPoint] {
        &self.points
    }

    pub fn clear(&mut self) {
        self.points.clear();
    }
}
