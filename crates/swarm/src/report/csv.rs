//! Locust's CSV files: `PREFIX_stats.csv`, `PREFIX_stats_history.csv`, `PREFIX_failures.csv`
//! and `PREFIX_exceptions.csv`, with Locust's header rows and `\r\n` line ends.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::folders;

use crate::stats::exceptions::LOCAL_NODE;
use crate::stats::snapshot::{EntrySummary, PERCENTILES_TO_REPORT};
use crate::stats::StatsSnapshot;

pub const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
pub const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";
pub const FAILURES_HEADER: &str = "Method,Name,Error,Occurrences,First Seen,Last Seen";
pub const EXCEPTIONS_HEADER: &str = "Count,Message,Traceback,Nodes";

/// Quotes a field when it contains a comma, quote or line break, as Python's csv module does.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Formats milliseconds: whole values without decimals, others with up to 3 (microseconds).
pub fn milliseconds(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.3}");
        text.trim_end_matches('0').to_owned()
    }
}

fn percentile_fields(entry: &EntrySummary, current: bool) -> Vec<String> {
    PERCENTILES_TO_REPORT
        .iter()
        .map(|&quantile| {
            let value = if current {
                entry.current_percentile(quantile)
            } else {
                entry.percentile(quantile)
            };
            match value {
                Some(value) if entry.num_requests > 0 => milliseconds(value),
                _ => "N/A".to_owned(),
            }
        })
        .collect()
}

fn stats_row(entry: &EntrySummary) -> String {
    let mut fields = vec![
        field(&entry.method),
        field(&entry.name),
        entry.num_requests.to_string(),
        entry.num_failures.to_string(),
        milliseconds(entry.median_response_time),
        entry.avg_response_time.to_string(),
        milliseconds(entry.min_response_time),
        milliseconds(entry.max_response_time),
        entry.avg_content_length.to_string(),
        entry.total_rps.to_string(),
        entry.total_fail_per_sec.to_string(),
    ];
    fields.extend(percentile_fields(entry, false));
    fields.join(",")
}

/// Renders `PREFIX_stats.csv`: one row per entry, then Aggregated.
pub fn stats_csv(snapshot: &StatsSnapshot) -> String {
    let mut output = format!("{STATS_HEADER}\r\n");
    for entry in snapshot.entries.iter().chain([&snapshot.aggregated]) {
        output.push_str(&stats_row(entry));
        output.push_str("\r\n");
    }
    output
}

fn utc(seconds: f64) -> String {
    DateTime::<Utc>::from_timestamp(seconds as i64, 0)
        .map(|time| time.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Renders `PREFIX_failures.csv`.
pub fn failures_csv(snapshot: &StatsSnapshot) -> String {
    let mut output = format!("{FAILURES_HEADER}\r\n");
    for error in &snapshot.errors {
        let row = [
            field(&error.method),
            field(&error.name),
            field(&error.error),
            error.occurrences.to_string(),
            utc(error.first_seen),
            utc(error.last_seen),
        ];
        output.push_str(&row.join(","));
        output.push_str("\r\n");
    }
    output
}

/// Renders `PREFIX_exceptions.csv`. The traceback column contains the place in the swarmfile,
/// and the node is always `local`, as in Locust without workers.
pub fn exceptions_csv(snapshot: &StatsSnapshot) -> String {
    let mut output = format!("{EXCEPTIONS_HEADER}\r\n");
    for exception in &snapshot.exceptions {
        let row = [
            exception.count.to_string(),
            field(&exception.message),
            field(&exception.location),
            LOCAL_NODE.to_owned(),
        ];
        output.push_str(&row.join(","));
        output.push_str("\r\n");
    }
    output
}

/// History rows for one moment: with `full_history` one row per entry, then always the
/// Aggregated row. Percentiles cover the current window with `full_history`, and the whole run
/// without it, as in Locust.
pub fn history_rows(snapshot: &StatsSnapshot, user_count: usize, full_history: bool) -> String {
    let mut output = String::new();
    let timestamp = snapshot.time as i64;
    let entries: Vec<&EntrySummary> = if full_history {
        snapshot
            .entries
            .iter()
            .chain([&snapshot.aggregated])
            .collect()
    } else {
        vec![&snapshot.aggregated]
    };
    for entry in entries {
        let mut fields = vec![
            timestamp.to_string(),
            user_count.to_string(),
            field(&entry.method),
            field(&entry.name),
            format!("{:.6}", entry.current_rps),
            format!("{:.6}", entry.current_fail_per_sec),
        ];
        fields.extend(percentile_fields(entry, full_history));
        fields.extend([
            entry.num_requests.to_string(),
            entry.num_failures.to_string(),
            milliseconds(entry.median_response_time),
            entry.avg_response_time.to_string(),
            milliseconds(entry.min_response_time),
            milliseconds(entry.max_response_time),
            entry.avg_content_length.to_string(),
        ]);
        output.push_str(&fields.join(","));
        output.push_str("\r\n");
    }
    output
}

/// Suffixes of the four files that `--csv PREFIX` writes.
const FILE_SUFFIXES: [&str; 4] = [
    "_stats.csv",
    "_stats_history.csv",
    "_failures.csv",
    "_exceptions.csv",
];

/// Checks that the CSV files of `prefix` can be written, without creating them or their
/// folder: the nearest existing folder on the prefix's path must accept a new file, and none
/// of the four file names may be a folder.
pub fn check_prefix(prefix: &str) -> Result<(), String> {
    let prefix = Path::new(prefix);
    folders::check_folder(
        folders::parent_folder(prefix),
        "the CSV files",
        "--csv prefix",
    )?;
    for suffix in FILE_SUFFIXES {
        let path = path_with_suffix(prefix, suffix);
        if path.is_dir() {
            return Err(format!(
                "cannot write the CSV file {}: it is a folder. Remove it or choose another --csv prefix.",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Writes the four CSV files of a run: the three tables rewritten on each `write`, the
/// history appended.
pub struct CsvWriter {
    prefix: PathBuf,
    full_history: bool,
    history: File,
}

impl CsvWriter {
    /// Creates the files (and the prefix's folders) with their header rows.
    pub fn create(prefix: &str, full_history: bool) -> io::Result<Self> {
        let prefix = PathBuf::from(prefix);
        folders::create_parent(&prefix, "--csv prefix")?;
        let mut history = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(path_with_suffix(&prefix, "_stats_history.csv"))?;
        history.write_all(format!("{HISTORY_HEADER}\r\n").as_bytes())?;
        let writer = Self {
            prefix,
            full_history,
            history,
        };
        writer.write_tables(&StatsSnapshot::empty())?;
        Ok(writer)
    }

    /// Rewrites the tables and appends history rows.
    pub fn write(&mut self, snapshot: &StatsSnapshot, user_count: usize) -> io::Result<()> {
        self.write_tables(snapshot)?;
        self.history
            .write_all(history_rows(snapshot, user_count, self.full_history).as_bytes())?;
        self.history.flush()
    }

    /// Rewrites the stats, failures and exceptions files.
    pub fn write_tables(&self, snapshot: &StatsSnapshot) -> io::Result<()> {
        replace(
            &path_with_suffix(&self.prefix, "_stats.csv"),
            &stats_csv(snapshot),
        )?;
        replace(
            &path_with_suffix(&self.prefix, "_failures.csv"),
            &failures_csv(snapshot),
        )?;
        replace(
            &path_with_suffix(&self.prefix, "_exceptions.csv"),
            &exceptions_csv(snapshot),
        )
    }
}

fn path_with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes through a temporary file and a rename, so a reader never sees half a table.
fn replace(path: &Path, contents: &str) -> io::Result<()> {
    let temporary = path_with_suffix(path, ".tmp");
    std::fs::write(&temporary, contents)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{RequestStats, Sample};

    fn snapshot() -> StatsSnapshot {
        let mut stats = RequestStats::new(1000.0);
        stats.record(&Sample {
            method: "GET".into(),
            name: "/a,b".into(),
            at: 1001.0,
            response_time_us: 5_000,
            content_length: 3,
            error: Some("HTTP 404 Not Found".into()),
        });
        stats.record(&Sample {
            method: "GET".into(),
            name: "/a,b".into(),
            at: 1002.0,
            response_time_us: 1_500_250,
            content_length: 5,
            error: None,
        });
        stats.mark_stopped(1002.0);
        stats.snapshot(1003.0)
    }

    #[test]
    fn stats_csv_rows_follow_header() {
        let text = stats_csv(&snapshot());
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], STATS_HEADER);
        assert_eq!(
            lines[1],
            "GET,\"/a,b\",2,1,5,752.625,5,1500.25,4,1,0.5,5,1500.25,1500.25,1500.25,1500.25,1500.25,1500.25,1500.25,1500.25,1500.25,1500.25"
        );
        assert!(lines[2].starts_with(",Aggregated,2,1,"), "{}", lines[2]);
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn empty_entry_has_na_percentiles() {
        let stats = RequestStats::new(0.0);
        let text = stats_csv(&stats.snapshot(1.0));
        assert!(
            text.contains(
                ",Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\r\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn failures_csv_has_utc_times() {
        let text = failures_csv(&snapshot());
        assert_eq!(
            text,
            format!("{FAILURES_HEADER}\r\nGET,\"/a,b\",HTTP 404 Not Found,1,1970-01-01T00:16:41Z,1970-01-01T00:16:41Z\r\n")
        );
    }

    #[test]
    fn history_rows_add_entries_with_full_history() {
        let short = history_rows(&snapshot(), 4, false);
        let full = history_rows(&snapshot(), 4, true);
        assert_eq!(short.lines().count(), 1);
        assert_eq!(full.lines().count(), 2);
        assert!(
            short.starts_with("1003,4,,Aggregated,0.000000,0.000000,"),
            "{short}"
        );
        assert_eq!(
            short.trim_end().split(',').count(),
            HISTORY_HEADER.split(',').count()
        );
    }

    #[test]
    fn writer_creates_four_files() {
        let folder = tempfile::tempdir().unwrap();
        let prefix = folder.path().join("runs/first");
        let mut writer = CsvWriter::create(prefix.to_str().unwrap(), false).unwrap();
        writer.write(&snapshot(), 2).unwrap();
        writer.write(&snapshot(), 2).unwrap();

        let read = |suffix: &str| {
            std::fs::read_to_string(format!("{}{suffix}", prefix.display())).unwrap()
        };
        assert!(read("_stats.csv").starts_with(STATS_HEADER));
        assert_eq!(read("_stats_history.csv").lines().count(), 3);
        assert!(read("_failures.csv").contains("HTTP 404 Not Found"));
        assert_eq!(read("_exceptions.csv"), format!("{EXCEPTIONS_HEADER}\r\n"));
    }
}
