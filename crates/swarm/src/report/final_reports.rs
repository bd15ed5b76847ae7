//! The reports a run ends with, written the same way however it stopped (run time, Ctrl-C,
//! SIGTERM, or the web UI's stop): the last CSV rows, the final console tables, `--json` on
//! stdout and the `--html` file.

use std::path::Path;

use anyhow::Context as _;

use super::console::{self, Rates};
use super::csv::CsvWriter;
use super::{html, json};
use crate::cli::Settings;
use crate::engine::Runner;
use crate::stats::StatsSnapshot;

/// Writes every report of a stopped run and returns the final statistics.
///
/// `csv` is the writer that refreshed the `--csv` files during the run, if any. Errors name
/// the report that could not be written.
pub async fn write_final_reports(
    runner: &Runner,
    settings: &Settings,
    csv: Option<&mut CsvWriter>,
    swarmfile: &Path,
) -> anyhow::Result<StatsSnapshot> {
    runner.flush_stats().await;
    let snapshot = runner.snapshot();
    if let Some(writer) = csv {
        writer
            .write(&snapshot, 0)
            .context("cannot write the CSV files")?;
    }
    eprint!("{}", console::stats_table(&snapshot, Rates::Total));
    eprint!("{}", console::percentile_table(&snapshot));
    eprint!("{}", console::error_table(&snapshot));
    if settings.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json::json_report(&snapshot))?
        );
    }
    if let Some(template) = &settings.html {
        let path = html::file_name(template, settings);
        let report = html::render(&html::ReportInput {
            snapshot: &snapshot,
            history: &runner.history(),
            times: &runner.run_times(),
            host: runner.host().as_deref().unwrap_or(""),
            swarmfile: &swarmfile.display().to_string(),
            ratios: &runner.task_ratios(),
        });
        std::fs::write(&path, report)
            .with_context(|| format!("cannot write the HTML report to {path}"))?;
        tracing::info!("HTML report written to {path}");
    }
    Ok(snapshot)
}
