//! Locust's console tables: the periodic statistics table, and at the end the statistics,
//! percentile and error tables. Times are whole milliseconds, truncated as Locust's `%d` does.

use std::fmt::Write as _;

use crate::stats::snapshot::{EntrySummary, PERCENTILES_TO_REPORT};
use crate::stats::StatsSnapshot;

/// Width of the name column in the percentile table, and the base of the statistics table's,
/// as Locust uses when output is not a terminal.
const NAME_WIDTH: usize = 80;
const TYPE_WIDTH: usize = 8;
/// The statistics table's name column: Locust's `STATS_NAME_WIDTH - 8 + 4`.
const STATS_NAME_WIDTH: usize = NAME_WIDTH - TYPE_WIDTH + 4;

/// Request rate shown in the statistics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rates {
    /// The 10 s window, for the periodic table.
    Current,
    /// The whole run, for the final table.
    Total,
}

/// Renders the statistics table.
pub fn stats_table(snapshot: &StatsSnapshot, rates: Rates) -> String {
    let mut output = String::new();
    let _ = writeln!(
        output,
        "{:<8} {:<w$} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7} {:>11}",
        "Type",
        "Name",
        "# reqs",
        "# fails",
        "Avg",
        "Min",
        "Max",
        "Med",
        "req/s",
        "failures/s",
        w = STATS_NAME_WIDTH
    );
    let separator = [TYPE_WIDTH, STATS_NAME_WIDTH, 7, 13, 7, 7, 7, 7, 8, 11]
        .map(|width| "-".repeat(width))
        .join("|");
    let _ = writeln!(output, "{separator}");
    for entry in &snapshot.entries {
        stats_row(&mut output, entry, rates);
    }
    let _ = writeln!(output, "{separator}");
    stats_row(&mut output, &snapshot.aggregated, rates);
    output.push('\n');
    output
}

fn stats_row(output: &mut String, entry: &EntrySummary, rates: Rates) {
    let (rps, fail_per_sec) = match rates {
        Rates::Current => (entry.current_rps, entry.current_fail_per_sec),
        Rates::Total => (entry.total_rps, entry.total_fail_per_sec),
    };
    let failures = format!("{}({:.2}%)", entry.num_failures, entry.fail_ratio * 100.0);
    let method = if entry.method.is_empty() {
        String::new()
    } else {
        format!("{} ", entry.method)
    };
    let _ = writeln!(
        output,
        "{:<8} {:<w$} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7.2} {:>11.2}",
        method,
        entry.name,
        entry.num_requests,
        failures,
        entry.avg_response_time as u64,
        entry.min_response_time as u64,
        entry.max_response_time as u64,
        entry.median_response_time as u64,
        rps,
        fail_per_sec,
        w = STATS_NAME_WIDTH
    );
}

/// Renders the percentile table for entries with at least one request.
pub fn percentile_table(snapshot: &StatsSnapshot) -> String {
    let mut output = String::from("Response time percentiles (approximated)\n");
    let _ = writeln!(
        output,
        "{:<8} {:<80} {:>8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "Type",
        "Name",
        "50%",
        "66%",
        "75%",
        "80%",
        "90%",
        "95%",
        "98%",
        "99%",
        "99.9%",
        "99.99%",
        "100%",
        "# reqs"
    );
    let mut separator = format!(
        "{}|{}|{}",
        "-".repeat(TYPE_WIDTH),
        "-".repeat(NAME_WIDTH),
        "-".repeat(8)
    );
    for _ in 0..PERCENTILES_TO_REPORT.len() {
        separator.push('|');
        separator.push_str(&"-".repeat(6));
    }
    let _ = writeln!(output, "{separator}");
    for entry in snapshot
        .entries
        .iter()
        .filter(|entry| entry.num_requests > 0)
    {
        percentile_row(&mut output, entry);
    }
    let _ = writeln!(output, "{separator}");
    if snapshot.aggregated.num_requests > 0 {
        percentile_row(&mut output, &snapshot.aggregated);
    }
    output.push('\n');
    output
}

fn percentile_row(output: &mut String, entry: &EntrySummary) {
    let method = if entry.method.is_empty() {
        String::new()
    } else {
        format!("{} ", entry.method)
    };
    let _ = write!(output, "{:<8} {:<80}", method, entry.name);
    for (position, quantile) in PERCENTILES_TO_REPORT.iter().enumerate() {
        let value = entry.percentile(*quantile).unwrap_or(0.0) as u64;
        let width = if position == 0 { 8 } else { 6 };
        let _ = write!(output, " {value:>width$}");
    }
    let _ = writeln!(output, " {:>6}", entry.num_requests);
}

/// Renders the error table, or nothing when no request failed.
pub fn error_table(snapshot: &StatsSnapshot) -> String {
    if snapshot.errors.is_empty() {
        return String::new();
    }
    let mut output = String::from("Error report\n");
    let _ = writeln!(output, "{:<18} {:<100}", "# occurrences", "Error");
    let separator = format!(
        "{}|{}",
        "-".repeat(18),
        "-".repeat(NAME_WIDTH + NAME_WIDTH - 19)
    );
    let _ = writeln!(output, "{separator}");
    for error in &snapshot.errors {
        let text = format!("{} {}: {}", error.method, error.name, error.error);
        let _ = writeln!(output, "{:<18} {:<100}", error.occurrences, text);
    }
    let _ = writeln!(output, "{separator}");
    output.push('\n');
    output
}

/// Formats the exceptions in the layout of the error report, with where each one happened;
/// empty when there were none.
pub fn exception_table(snapshot: &StatsSnapshot) -> String {
    if snapshot.exceptions.is_empty() {
        return String::new();
    }
    let mut output = String::from("Exception report\n");
    let _ = writeln!(output, "{:<18} {:<100}", "# occurrences", "Exception");
    let separator = format!(
        "{}|{}",
        "-".repeat(18),
        "-".repeat(NAME_WIDTH + NAME_WIDTH - 19)
    );
    let _ = writeln!(output, "{separator}");
    for exception in &snapshot.exceptions {
        let text = format!("{} at {}", exception.message, exception.location);
        let _ = writeln!(output, "{:<18} {:<100}", exception.count, text);
    }
    let _ = writeln!(output, "{separator}");
    output.push('\n');
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{RequestStats, Sample};

    fn snapshot() -> StatsSnapshot {
        let mut stats = RequestStats::new(100.0);
        for index in 0..10u64 {
            stats.record(&Sample {
                method: "GET".into(),
                name: "/hello".into(),
                at: 101.0 + index as f64 * 0.1,
                response_time_us: 100_000 + index * 3_000,
                content_length: 10,
                error: (index == 0).then(|| "HTTP 500 Internal Server Error".to_owned()),
            });
        }
        stats.snapshot(104.0)
    }

    #[test]
    fn stats_table_matches_locust_layout() {
        let table = stats_table(&snapshot(), Rates::Total);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                "Type     {:<76}  # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s",
                "Name"
            )
        );
        assert_eq!(
            lines[1],
            format!("--------|{}|-------|-------------|-------|-------|-------|-------|--------|-----------", "-".repeat(76))
        );
        assert!(lines[2].starts_with("GET      /hello "), "{}", lines[2]);
        assert!(
            lines[2].contains("     10    1(10.00%) |    113     100     127    112 |"),
            "{}",
            lines[2]
        );
        assert!(lines[4].starts_with("         Aggregated "), "{}", lines[4]);
    }

    #[test]
    fn percentile_table_lists_every_percentile() {
        let table = percentile_table(&snapshot());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "Response time percentiles (approximated)");
        assert!(lines[1].ends_with("    50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs"), "{}", lines[1]);
        assert!(lines[3].starts_with("GET      /hello"));
        assert!(lines[3].ends_with("    127     10"), "{}", lines[3]);
    }

    #[test]
    fn error_table_names_method_and_name() {
        let table = error_table(&snapshot());
        assert!(table.starts_with("Error report\n"));
        assert!(
            table.contains("1                  GET /hello: HTTP 500 Internal Server Error"),
            "{table}"
        );
    }

    #[test]
    fn error_table_is_empty_without_failures() {
        let stats = RequestStats::new(0.0);
        assert_eq!(error_table(&stats.snapshot(1.0)), "");
    }
}
