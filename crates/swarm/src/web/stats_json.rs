//! The JSON bodies of `GET /stats/requests` and `GET /stats/history`, in Locust's shapes.

use chrono::DateTime;
use serde_json::{json, Value};

use crate::stats::{HistoryPoint, StatsSnapshot};

use super::control::RunState;

/// Locust sends at most this many entries and errors, so a run with thousands of distinct
/// names still returns a body that a browser can render every 2 s.
const MAX_ROWS: usize = 500;

/// Returns the body of `GET /stats/requests`, with entries and errors cut to 500 each.
pub fn stats_requests_json(snapshot: &StatsSnapshot, state: RunState, user_count: u64) -> Value {
    let mut snapshot = snapshot.clone();
    snapshot.entries.truncate(MAX_ROWS);
    snapshot.errors.truncate(MAX_ROWS);
    let user_count = usize::try_from(user_count).unwrap_or(usize::MAX);
    snapshot.to_locust_json(state.as_str(), user_count)
}

/// Serialises the chart history as Locust's records: each value is a `[time, value]` pair and
/// `time` is UTC in whole seconds.
pub fn history_json(points: &[HistoryPoint]) -> Value {
    let records: Vec<Value> = points
        .iter()
        .map(|point| {
            let time = format_utc(point.time);
            json!({
                "time": time,
                "current_rps": [time, point.current_rps],
                "current_fail_per_sec": [time, point.current_fail_per_sec],
                "response_time_percentile_0.5": [time, point.response_time_percentile_50],
                "response_time_percentile_0.95": [time, point.response_time_percentile_95],
                "total_avg_response_time": [time, point.total_avg_response_time],
                "user_count": [time, point.user_count],
            })
        })
        .collect();
    Value::Array(records)
}

/// Formats unix seconds as `2026-08-22T10:00:05Z`.
fn format_utc(unix_seconds: f64) -> String {
    let whole = unix_seconds.floor() as i64;
    DateTime::from_timestamp(whole, 0)
        .map(|time| time.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_uses_locust_pairs() {
        let point = HistoryPoint {
            time: 1_787_392_805.7,
            user_count: 4,
            current_rps: 9.5,
            current_fail_per_sec: 0.5,
            response_time_percentile_50: Some(38.0),
            response_time_percentile_95: None,
            total_avg_response_time: 45.0,
        };
        let body = history_json(&[point]);
        let record = &body[0];
        let time = record["time"].as_str().unwrap();
        assert!(time.ends_with('Z'), "{time}");
        assert_eq!(record["current_rps"], json!([time, 9.5]));
        assert_eq!(record["user_count"], json!([time, 4]));
        assert_eq!(record["response_time_percentile_0.5"], json!([time, 38.0]));
        assert_eq!(record["response_time_percentile_0.95"], json!([time, null]));
    }
}
