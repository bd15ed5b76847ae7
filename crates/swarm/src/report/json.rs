//! `--json`: the final statistics as a JSON array on stdout, one object per entry.
//!
//! Locust prints its internal entry dictionaries, which contain bucketed histograms. This
//! output keeps Locust's key names for the values both have (`name`, `method`, `start_time`,
//! `num_requests`, `num_failures`, `min_response_time`, `max_response_time`). It adds the
//! computed values under their `/stats/requests` names and the percentiles in milliseconds.

use serde_json::{json, Map, Value};

use crate::stats::snapshot::{EntrySummary, PERCENTILES_TO_REPORT};
use crate::stats::StatsSnapshot;

fn entry_json(entry: &EntrySummary, start_time: f64) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), json!(entry.name));
    object.insert("method".into(), json!(entry.method));
    object.insert("start_time".into(), json!(start_time));
    object.insert("num_requests".into(), json!(entry.num_requests));
    object.insert("num_failures".into(), json!(entry.num_failures));
    object.insert("min_response_time".into(), json!(entry.min_response_time));
    object.insert("max_response_time".into(), json!(entry.max_response_time));
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
}
