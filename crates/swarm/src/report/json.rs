//! `--json`: the final statistics as a JSON array on stdout, one object per entry.
//!
//! Each object starts with the keys of Locust 2.x's serialized `StatsEntry`, in its order, so
//! scripts written for Locust's `--json` read it unchanged. The computed values follow under
//! their `/stats/requests` names, then the percentiles in milliseconds. Unlike Locust,
//! `num_reqs_per_sec` and `num_fail_per_sec` cover only the last 20 seconds of the run, and the
//! `response_times` buckets come from a histogram that is 0.1 % wide (see `locust_buckets`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::stats::snapshot::{EntrySummary, PERCENTILES_TO_REPORT};
use crate::stats::StatsSnapshot;

/// Converts integer keys to the JSON strings that Locust's `json.dumps` writes for them.
fn keyed_counts<K: ToString>(counts: &BTreeMap<K, u64>) -> Value {
    let object: Map<String, Value> = counts
        .iter()
        .map(|(key, count)| (key.to_string(), json!(count)))
        .collect();
    Value::Object(object)
}

fn entry_json(entry: &EntrySummary, start_time: f64) -> Value {
    let has_requests = entry.num_requests > 0;
    let mut object = Map::new();

    // Locust's keys, in Locust's order.
    object.insert("name".into(), json!(entry.name));
    object.insert("method".into(), json!(entry.method));
    object.insert(
        "last_request_timestamp".into(),
        json!(entry.last_request_timestamp),
    );
    object.insert("start_time".into(), json!(start_time));
    object.insert("num_requests".into(), json!(entry.num_requests));
    // Every request swarm makes has a response time, so none is counted without one.
    object.insert("num_none_requests".into(), json!(0));
    object.insert("num_failures".into(), json!(entry.num_failures));
    object.insert(
        "total_response_time".into(),
        json!(entry.total_response_time),
    );
    object.insert("max_response_time".into(), json!(entry.max_response_time));
    // Locust has no minimum before the first request.
    object.insert(
        "min_response_time".into(),
        json!(has_requests.then_some(entry.min_response_time)),
    );
    object.insert(
        "total_content_length".into(),
        json!(entry.total_content_length),
    );
    object.insert(
        "response_times".into(),
        keyed_counts(&entry.response_time_buckets),
    );
    object.insert(
        "num_reqs_per_sec".into(),
        keyed_counts(&entry.num_reqs_per_sec),
    );
    object.insert(
        "num_fail_per_sec".into(),
        keyed_counts(&entry.num_fail_per_sec),
    );

    // Computed values, as `/stats/requests` names them.
    object.insert("avg_response_time".into(), json!(entry.avg_response_time));
    object.insert(
        "median_response_time".into(),
        json!(entry.median_response_time),
    );
    object.insert("avg_content_length".into(), json!(entry.avg_content_length));
    object.insert("total_rps".into(), json!(entry.total_rps));
    object.insert("total_fail_per_sec".into(), json!(entry.total_fail_per_sec));
    for quantile in PERCENTILES_TO_REPORT {
        object.insert(
            format!("response_time_percentile_{quantile}"),
            json!(entry.percentile(quantile)),
        );
    }
    Value::Object(object)
}

/// Returns the entries, then the Aggregated entry, as a JSON array.
pub fn json_report(snapshot: &StatsSnapshot) -> Value {
    let entries = snapshot
        .entries
        .iter()
        .chain([&snapshot.aggregated])
        .map(|entry| entry_json(entry, snapshot.start_time))
        .collect();
    Value::Array(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{RequestStats, Sample};

    #[test]
    fn json_lists_entries_then_aggregated() {
        let mut stats = RequestStats::new(10.0);
        stats.record(&Sample {
            method: "POST".into(),
            name: "/login".into(),
            at: 11.0,
            response_time_us: 2_500,
            content_length: 40,
            error: None,
        });
        let report = json_report(&stats.snapshot(12.0));
        let entries = report.as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["name"], "/login");
        assert_eq!(entries[0]["method"], "POST");
        assert_eq!(entries[0]["num_requests"], 1);
        assert_eq!(entries[0]["response_time_percentile_0.99"], 2.5);
        assert_eq!(entries[1]["name"], "Aggregated");
    }

    #[test]
    fn json_has_locust_keys_in_order() {
        let mut stats = RequestStats::new(10.0);
        let samples = [
            (11.2, 2_400, None),
            (11.7, 2_600, Some("HTTP 500 Internal Server Error")),
            (12.1, 154_000, None),
        ];
        for (at, response_time_us, error) in samples {
            stats.record(&Sample {
                method: "GET".into(),
                name: "/items".into(),
                at,
                response_time_us,
                content_length: 100,
                error: error.map(Into::into),
            });
        }
        let report = json_report(&stats.snapshot(13.0));
        let entry = report[0].as_object().unwrap();

        let keys: Vec<&str> = entry.keys().map(String::as_str).take(14).collect();
        assert_eq!(
            keys,
            [
                "name",
                "method",
                "last_request_timestamp",
                "start_time",
                "num_requests",
                "num_none_requests",
                "num_failures",
                "total_response_time",
                "max_response_time",
                "min_response_time",
                "total_content_length",
                "response_times",
                "num_reqs_per_sec",
                "num_fail_per_sec",
            ]
        );
        assert_eq!(entry["last_request_timestamp"], 12.1);
        assert_eq!(entry["num_none_requests"], 0);
        assert_eq!(entry["total_response_time"], 159.0);
        assert_eq!(entry["min_response_time"], 2.4);
        assert_eq!(entry["max_response_time"], 154.0);
        assert_eq!(entry["total_content_length"], 300);
        // 2.4 and 2.6 ms round to 2 and 3 ms; 154 ms rounds to 150.
        assert_eq!(entry["response_times"], json!({"2": 1, "3": 1, "150": 1}));
        assert_eq!(entry["num_reqs_per_sec"], json!({"11": 2, "12": 1}));
        assert_eq!(entry["num_fail_per_sec"], json!({"11": 1}));
        assert_eq!(report[1]["num_requests"], 3);
        assert_eq!(report[1]["response_times"], entry["response_times"]);
    }

    #[test]
    fn json_minimum_is_null_without_requests() {
        let stats = RequestStats::new(10.0);
        let report = json_report(&stats.snapshot(12.0));
        let aggregated = &report.as_array().unwrap()[0];

        assert_eq!(aggregated["name"], "Aggregated");
        assert_eq!(aggregated["min_response_time"], Value::Null);
        assert_eq!(aggregated["last_request_timestamp"], Value::Null);
        assert_eq!(aggregated["response_times"], json!({}));
    }
}
