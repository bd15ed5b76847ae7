//! The reports a run ends with, written the same way however it stopped (run time, Ctrl-C,
//! SIGTERM, or the web UI's stop): the last CSV rows, the final console tables, `--json` on
//! stdout and the `--html` file.

use std::path::Path;

use anyhow::Context as _;

use super::console::{self, Rates};
use super::csv::{self, CsvWriter};
use super::{html, json};
use crate::cli::Settings;
use crate::engine::Runner;
use crate::stats::StatsSnapshot;

/// Checks that the `--html` file and the `--csv` files can be written, for `--check` and
/// before a run. Nothing is left behind on disk.
pub fn check_report_paths(settings: &Settings) -> Result<(), String> {
    check_html_path(settings)?;
    match &settings.csv {
        Some(prefix) => csv::check_prefix(prefix),
        None => Ok(()),
    }
}

/// Checks before a run that the `--html` file can be written, so a wrong path is reported
/// at once and not after the whole run.
///
/// A file that does not exist yet is created by the check and removed again, and an existing
/// file is opened for appending, so its content stays as it was until the run ends.
fn check_html_path(settings: &Settings) -> Result<(), String> {
    let Some(template) = &settings.html else {
        return Ok(());
    };
    let path = html::file_name(template, settings);
    let existed = Path::new(&path).exists();
    let opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path);
    if let Err(error) = opened {
        let folder = Path::new(&path)
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let hint = if Path::new(&path).is_dir() {
            format!("{path} is a folder. Give a file name such as {path}/report.html.")
        } else if !folder.is_dir() {
            format!(
                "The folder {} does not exist. Create it or choose another --html path.",
                folder.display()
            )
        } else {
            "Check the folder's permissions or choose another --html path.".to_owned()
        };
        return Err(format!(
            "cannot write the HTML report to {path}: {error}. {hint}"
        ));
    }
    if !existed {
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}

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
    eprint!("{}", console::exception_table(&snapshot));
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
