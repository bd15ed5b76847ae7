//! A copy of the statistics at one moment, in milliseconds, for reports and the web UI.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::entry::StatsEntry;
use super::errors::StatsError;
use super::exceptions::StatsException;
use super::histogram::ResponseTimes;
use super::RequestStats;

/// Percentiles of the final tables and the CSV files, as in Locust.
pub const PERCENTILES_TO_REPORT: [f64; 11] = [
    0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0,
];
/// Percentiles shown in the statistics table of the web UI.
pub const PERCENTILES_TO_STATISTICS: [f64; 2] = [0.95, 0.99];
/// Percentiles drawn in the response time chart.
pub const PERCENTILES_TO_CHART: [f64; 2] = [0.5, 0.95];

/// One percentile of an entry, in milliseconds; `None` when the entry has no request.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PercentileValue {
    pub percentile: f64,
    pub response_time: Option<f64>,
}

/// One row of the statistics, with response times in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntrySummary {
    pub method: String,
    pub name: String,
    pub num_requests: u64,
    pub num_failures: u64,
    pub median_response_time: f64,
    pub avg_response_time: f64,
    pub min_response_time: f64,
    pub max_response_time: f64,
    pub avg_content_length: f64,
    pub current_rps: f64,
    pub current_fail_per_sec: f64,
    pub total_rps: f64,
    pub total_fail_per_sec: f64,
    pub fail_ratio: f64,
    /// Percentiles over the whole run, one per `PERCENTILES_TO_REPORT`.
    pub percentiles: Vec<PercentileValue>,
    /// Percentiles over the current window, one per `PERCENTILES_TO_REPORT`.
    pub current_percentiles: Vec<PercentileValue>,
    /// Unix time in seconds of the latest request.
    pub last_request_timestamp: Option<f64>,
    /// Sum of the response times, in milliseconds.
    pub total_response_time: f64,
    pub total_content_length: u64,
    /// Request counts keyed by Locust's rounded milliseconds.
    pub response_time_buckets: BTreeMap<u64, u64>,
    /// Requests per unix second, for the last 20 seconds only.
    pub num_reqs_per_sec: BTreeMap<i64, u64>,
    /// Failures per unix second, for the last 20 seconds only.
    pub num_fail_per_sec: BTreeMap<i64, u64>,
}

/// Serialisable failure row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorSummary {
    pub method: String,
    pub name: String,
    pub error: String,
    pub occurrences: u64,
    pub first_seen: f64,
    pub last_seen: f64,
}

/// All statistics at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatsSnapshot {
    /// Unix time in seconds of the start or last reset.
    pub start_time: f64,
    /// Unix time in seconds when the snapshot was taken.
    pub time: f64,
    pub entries: Vec<EntrySummary>,
    pub aggregated: EntrySummary,
    pub errors: Vec<ErrorSummary>,
    pub exceptions: Vec<StatsException>,
}

pub(crate) fn micros_to_ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

fn percentiles(times: &ResponseTimes, quantiles: &[f64]) -> Vec<PercentileValue> {
    quantiles
        .iter()
        .map(|&percentile| PercentileValue {
            percentile,
            response_time: times.percentile_us(percentile).map(micros_to_ms),
        })
        .collect()
}

impl EntrySummary {
    /// Summarises `entry`; whole-run rates divide by the time from `start_time` to `end_time`.
    pub fn from_entry(entry: &StatsEntry, start_time: f64, end_time: f64, now: f64) -> Self {
        let times = &entry.response_times;
        let current = entry.current_response_times(start_time, now);
        let (num_reqs_per_sec, num_fail_per_sec) = entry.counts_per_second();
        Self {
            method: entry.method.clone(),
            name: entry.name.clone(),
            num_requests: entry.num_requests,
            num_failures: entry.num_failures,
            median_response_time: times.percentile_us(0.5).map_or(0.0, micros_to_ms),
            avg_response_time: times.mean_us().map_or(0.0, |mean| mean / 1000.0),
            min_response_time: times.min_us().map_or(0.0, micros_to_ms),
            max_response_time: times.max_us().map_or(0.0, micros_to_ms),
            avg_content_length: entry.avg_content_length(),
            current_rps: entry.current_rps(start_time, now),
            current_fail_per_sec: entry.current_fail_per_sec(start_time, now),
            total_rps: entry.total_rps(start_time, end_time),
            total_fail_per_sec: entry.total_fail_per_sec(start_time, end_time),
            fail_ratio: entry.fail_ratio(),
            percentiles: percentiles(times, &PERCENTILES_TO_REPORT),
            current_percentiles: percentiles(&current, &PERCENTILES_TO_REPORT),
            last_request_timestamp: entry.last_request_timestamp,
            total_response_time: times.total_ms(),
            total_content_length: entry.total_content_length,
            response_time_buckets: times.locust_buckets(),
            num_reqs_per_sec,
            num_fail_per_sec,
        }
    }

    /// Returns the whole-run percentile `quantile`, if it is one of `PERCENTILES_TO_REPORT`.
    pub fn percentile(&self, quantile: f64) -> Option<f64> {
        self.percentiles
            .iter()
            .find(|value| value.percentile == quantile)
            .and_then(|value| value.response_time)
    }

    pub fn current_percentile(&self, quantile: f64) -> Option<f64> {
        self.current_percentiles
            .iter()
            .find(|value| value.percentile == quantile)
            .and_then(|value| value.response_time)
    }

    /// Returns the entry as Locust's `/stats/requests` shows it.
    pub fn to_locust_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("method".into(), json!(self.method));
        object.insert("name".into(), json!(self.name));
        object.insert("num_requests".into(), json!(self.num_requests));
        object.insert("num_failures".into(), json!(self.num_failures));
        object.insert(
            "median_response_time".into(),
            json!(self.median_response_time),
        );
        object.insert("avg_response_time".into(), json!(self.avg_response_time));
        object.insert("min_response_time".into(), json!(self.min_response_time));
        object.insert("max_response_time".into(), json!(self.max_response_time));
        object.insert("avg_content_length".into(), json!(self.avg_content_length));
        object.insert("current_rps".into(), json!(self.current_rps));
        object.insert(
            "current_fail_per_sec".into(),
            json!(self.current_fail_per_sec),
        );
        object.insert("total_rps".into(), json!(self.total_rps));
        object.insert("total_fail_per_sec".into(), json!(self.total_fail_per_sec));
        for quantile in PERCENTILES_TO_STATISTICS {
            let value = self.percentile(quantile).unwrap_or(0.0);
            object.insert(format!("response_time_percentile_{quantile}"), json!(value));
        }
        Value::Object(object)
    }
}

impl StatsSnapshot {
    /// Returns a snapshot of a run without requests.
    pub fn empty() -> Self {
        RequestStats::new(0.0).snapshot(0.0)
    }

    pub fn from_stats(stats: &RequestStats, now: f64) -> Self {
        let start = stats.start_time;
        let end = stats.end_time.unwrap_or(now).min(now);
        Self {
            start_time: start,
            time: now,
            entries: stats
                .entries()
                .into_iter()
                .map(|entry| EntrySummary::from_entry(entry, start, end, now))
                .collect(),
            aggregated: EntrySummary::from_entry(&stats.total, start, end, now),
            errors: stats.errors.iter().map(ErrorSummary::from).collect(),
            exceptions: stats.exceptions.iter().cloned().collect(),
        }
    }

    /// Returns the body of Locust's `GET /stats/requests` for a runner in `state` with
    /// `user_count` running users.
    pub fn to_locust_json(&self, state: &str, user_count: usize) -> Value {
        let mut stats: Vec<Value> = self
            .entries
            .iter()
            .map(EntrySummary::to_locust_json)
            .collect();
        stats.push(self.aggregated.to_locust_json());
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|error| {
                json!({
                    "name": error.name,
                    "method": error.method,
                    "error": error.error,
                    "occurrences": error.occurrences,
                    "first_seen": error.first_seen,
                    "last_seen": error.last_seen,
                })
            })
            .collect();
        let mut current = Map::new();
        for quantile in PERCENTILES_TO_CHART {
            current.insert(
                format!("response_time_percentile_{quantile}"),
                json!(self.aggregated.current_percentile(quantile)),
            );
        }
        json!({
            "stats": stats,
            "errors": errors,
            "current_rps": self.aggregated.current_rps,
            "current_fail_per_sec": self.aggregated.current_fail_per_sec,
            "total_rps": self.aggregated.total_rps,
            "total_fail_per_sec": self.aggregated.total_fail_per_sec,
            "fail_ratio": self.aggregated.fail_ratio,
            "current_response_time_percentiles": current,
            "state": state,
            "user_count": user_count,
        })
    }
}

impl From<&StatsError> for ErrorSummary {
    fn from(error: &StatsError) -> Self {
        Self {
            method: error.method.clone(),
            name: error.name.clone(),
            error: error.error.clone(),
            occurrences: error.occurrences,
            first_seen: error.first_seen,
            last_seen: error.last_seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Sample;

    #[test]
    fn locust_json_has_locust_field_names() {
        let mut stats = RequestStats::new(100.0);
        stats.record(&Sample {
            method: "GET".into(),
            name: "/api/".into(),
            at: 101.0,
            response_time_us: 12_500,
            content_length: 42,
            error: Some("HTTP 500 Internal Server Error".into()),
        });
        let body = stats.snapshot(102.0).to_locust_json("running", 3);

        assert_eq!(body["state"], "running");
        assert_eq!(body["user_count"], 3);
        assert_eq!(body["fail_ratio"], 1.0);
        let first = &body["stats"][0];
        assert_eq!(first["name"], "/api/");
        assert_eq!(first["num_requests"], 1);
        assert_eq!(first["min_response_time"], 12.5);
        assert_eq!(first["response_time_percentile_0.95"], 12.5);
        assert_eq!(body["stats"][1]["name"], "Aggregated");
        assert_eq!(body["errors"][0]["occurrences"], 1);
        assert!(body["current_response_time_percentiles"]
            .get("response_time_percentile_0.5")
            .is_some());
    }
}
