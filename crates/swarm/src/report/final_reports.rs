//! The reports a run ends with, written the same way however it stopped (run time, Ctrl-C,
//! SIGTERM, or the web UI's stop): the last CSV rows, the final console tables, `--json` on
//! stdout and the `--html` file.

use std::path::Path;

use anyhow::Context as _;

use super::console::{self, Rates};
use super::csv::{self, CsvWriter};
use super::{folders, html, json};
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
/// at once and not after the whole run. Missing folders are checked, not created: they are
/// created when the report is written.
///
/// In an existing folder, a file that does not exist yet is created by the check and removed
/// again, and an existing file is opened for appending, so its content stays as it was until
/// the run ends.
fn check_html_path(settings: &Settings) -> Result<(), String> {
    let Some(template) = &settings.html else {
        return Ok(());
    };
    let path = html::file_name(template, settings);
    if Path::new(&path).is_dir() {
        return Err(format!(
            "cannot write the HTML report to {path}: it is a folder. Give a file name such as {path}/report.html."
        ));
    }
    let folder = folders::parent_folder(Path::new(&path));
    if !folder.is_dir() {
        return folders::check_folder(folder, "the HTML report", "--html path")
            .map_err(|message| format!("cannot write the HTML report to {path}: {message}"));
    }

    let existed = Path::new(&path).exists();
    let opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path);
    if let Err(error) = opened {
        return Err(format!(
            "cannot write the HTML report to {path}: {error}. Check the folder's permissions or choose another --html path."
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
        folders::create_parent(Path::new(&path), "--html path")
            .with_context(|| format!("cannot write the HTML report to {path}"))?;
        std::fs::write(&path, report)
            .with_context(|| format!("cannot write the HTML report to {path}"))?;
        tracing::info!("HTML report written to {path}");
    }
    Ok(snapshot)
}
