//! Headless mode: start at once, print the live table every 2 s, write the CSV files every
//! second, stop at the run time, on Ctrl-C or on SIGTERM, then print and write every report.

use std::time::Duration;

use anyhow::Context as _;

use crate::cli::Settings;
use crate::engine::{Runner, RunnerOptions, StartRequest};
use crate::report::console::{self, Rates};
use crate::report::csv::CsvWriter;
use crate::report::final_reports::write_final_reports;
use crate::scenario::Scenario;
use crate::stats::StatsSnapshot;

/// Seconds between two live tables, as in Locust.
const CONSOLE_INTERVAL: Duration = Duration::from_secs(2);
/// Seconds between two CSV writes, as in Locust.
const CSV_INTERVAL: Duration = Duration::from_secs(1);

/// Result of a headless run.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every request succeeded and no exception happened.
    Passed,
    /// At least one request failed or one exception happened, which sets the exit code to
    /// `--exit-code-on-error` as in Locust.
    Failed,
}

impl Outcome {
    pub fn of(snapshot: &StatsSnapshot) -> Self {
        let clean = snapshot.errors.is_empty()
            && snapshot.aggregated.num_failures == 0
            && snapshot.exceptions.is_empty();
        if clean {
            Outcome::Passed
        } else {
            Outcome::Failed
        }
    }
}

/// Runs the test described by `scenario` and `settings` to the end and writes the reports.
///
/// Errors are usage errors (no host, unwritable report paths) found before or after the run.
pub async fn run(scenario: Scenario, settings: &Settings) -> anyhow::Result<Outcome> {
    let source = scenario.source.clone();
    let runner = Runner::new(
        scenario,
        RunnerOptions {
            default_host: settings.default_host.clone(),
            stop_timeout: settings.stop_timeout,
            reset_stats_after_spawn: settings.reset_stats,
            insecure: settings.insecure,
        },
    )
    .context("cannot create the HTTP client")?;

    let mut csv = match &settings.csv {
        Some(prefix) => Some(
            CsvWriter::create(prefix, settings.csv_full_history)
                .with_context(|| format!("cannot create the CSV files with prefix {prefix}"))?,
        ),
        None => None,
    };

    runner
        .start(StartRequest {
            user_count: settings.users,
            spawn_rate: settings.spawn_rate,
            host: settings.host.clone(),
            run_time: settings.run_time,
        })
        .await?;
    if settings.run_time.is_none() {
        tracing::info!("No run time limit set, use Ctrl-C to stop");
    }

    let printer = {
        let runner = runner.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(CONSOLE_INTERVAL);
            interval.tick().await;
            loop {
                interval.tick().await;
                eprint!(
                    "{}",
                    console::stats_table(&runner.snapshot(), Rates::Current)
                );
            }
        })
    };
    let interrupt = {
        let runner = runner.clone();
        let signal = shutdown_signal().context("cannot install the Ctrl-C and SIGTERM handlers")?;
        tokio::spawn(async move {
            let name = signal.await;
            tracing::info!("{name} received, stopping the test");
            runner.stop();
        })
    };

    let mut csv_interval = tokio::time::interval(CSV_INTERVAL);
    let stopped = runner.wait_stopped();
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            _ = csv_interval.tick() => {
                if let Some(writer) = csv.as_mut() {
                    if let Err(error) = writer.write(&runner.snapshot(), runner.user_count()) {
                        tracing::error!("Cannot write the CSV files: {error}");
                    }
                }
            }
        }
    }
    printer.abort();
    interrupt.abort();

    let snapshot = write_final_reports(&runner, settings, csv.as_mut(), &source).await?;
    Ok(Outcome::of(&snapshot))
}

/// Installs the Ctrl-C handler and, on Unix, the SIGTERM handler that `kill`, `timeout` and
/// container runtimes send. The future returns the name of the first signal received.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = &'static str>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => "Ctrl-C",
                _ = terminate.recv() => "SIGTERM",
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        })
    }
}
