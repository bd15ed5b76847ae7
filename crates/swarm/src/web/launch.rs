//! Web mode of the `swarm` command: build the runner, serve the UI until Ctrl-C, then stop.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context as _;

use crate::cli::Settings;
use crate::engine::{Runner, RunnerOptions};
use crate::report::csv::CsvWriter;
use crate::report::final_reports::write_final_reports;
use crate::scenario::Scenario;

use super::auth::Credentials;
use super::control::{FormDefaults, SwarmSettings};
use super::runner_control::RunnerControl;
use super::runs::RunLog;
use super::WebConfig;

/// Seconds between two writes of the `--csv` files, as in headless mode and Locust.
const CSV_INTERVAL: Duration = Duration::from_secs(1);

/// Runs the web UI for `scenario` until Ctrl-C and returns the process exit code: 0, or 2 when
/// the UI cannot start (for example because the port is taken).
pub fn run_web_ui(
    scenario: Scenario,
    settings: &Settings,
    swarmfile: &Path,
    auth: Option<Credentials>,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(serve(scenario, settings, swarmfile, auth)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn serve(
    scenario: Scenario,
    settings: &Settings,
    swarmfile: &Path,
    auth: Option<Credentials>,
) -> anyhow::Result<()> {
    let bind = bind_address(&settings.web_host, settings.web_port)?;
    let defaults = FormDefaults {
        user_count: settings.users as u64,
        spawn_rate: settings.spawn_rate,
        host: settings
            .host
            .clone()
            .or_else(|| settings.default_host.clone())
            .unwrap_or_default(),
        run_time: settings.run_time,
        swarmfile: swarmfile.display().to_string(),
    };
    let autostart = settings.autostart.then(|| SwarmSettings {
        user_count: defaults.user_count,
        spawn_rate: defaults.spawn_rate,
        host: defaults.host.clone(),
        run_time: defaults.run_time,
    });
    let runner = Runner::new(
        scenario,
        RunnerOptions {
            default_host: settings.default_host.clone(),
            stop_timeout: settings.stop_timeout,
            reset_stats_after_spawn: settings.reset_stats,
            insecure: settings.insecure,
        },
    )
    .context("failed to create the HTTP client")?;
    let control = Arc::new(RunnerControl::new(runner.clone(), defaults));

    let csv_writer = match &settings.csv {
        Some(prefix) => Some(
            CsvWriter::create(prefix, settings.csv_full_history)
                .with_context(|| format!("failed to create the CSV files with prefix {prefix}"))?,
        ),
        None => None,
    };
    let full_history_csv = match (&settings.csv, settings.csv_full_history) {
        (Some(prefix), true) => Some(PathBuf::from(format!("{prefix}_stats_history.csv"))),
        _ => None,
    };
    let config = WebConfig {
        bind,
        auth,
        runs_file: RunLog::beside(swarmfile).path().to_owned(),
        full_history_csv,
        autostart,
    };

    if bind.ip().is_unspecified() {
        tracing::warn!(
            "the web UI listens on every network interface ({bind}): anyone who can reach this \
             machine can start a load test{}",
            if config.auth.is_some() {
                ""
            } else {
                "; consider --web-auth user:password"
            }
        );
    }
    let mut signals = ShutdownSignals::install()?;
    let mut web = super::start(control, config).await?;
    tracing::info!("Starting web interface at {}", web.url());

    let csv_writer = csv_writer.map(|writer| Arc::new(Mutex::new(writer)));
    let csv_task = csv_writer
        .clone()
        .map(|writer| tokio::spawn(write_csv(writer, runner.clone())));
    tokio::select! {
        result = web.wait() => result?,
        signal = signals.recv() => {
            let name = signal?;
            tracing::info!("{name} received, stopping the test and the web UI");
        }
    }

    runner.stop_and_wait().await;
    web.record_finished_run().await;
    if let Some(task) = csv_task {
        task.abort();
        // Waiting for the cancelled task drops its handle on the writer.
        let _ = task.await;
    }
    // The same reports as a headless run: the last CSV rows, the console tables, --json and
    // --html, so a run stopped with Ctrl-C or SIGTERM loses none of them.
    let mut csv_writer = csv_writer
        .and_then(|writer| Arc::try_unwrap(writer).ok())
        .map(|mutex| mutex.into_inner().unwrap_or_else(PoisonError::into_inner));
    write_final_reports(&runner, settings, csv_writer.as_mut(), swarmfile).await?;
    Ok(())
}

/// Ctrl-C and, on Unix, SIGTERM (which `make workshop` sends when it stops).
///
/// The handlers are installed when this is created, so a signal that arrives while the UI
/// starts stops swarm cleanly instead of killing it.
struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    fn install() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};

            Ok(ShutdownSignals {
                interrupt: signal(SignalKind::interrupt())
                    .context("failed to listen for Ctrl-C")?,
                terminate: signal(SignalKind::terminate())
                    .context("failed to listen for SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(ShutdownSignals {})
        }
    }

    /// Waits for the first signal and returns its name.
    async fn recv(&mut self) -> anyhow::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok("Ctrl-C"),
                _ = self.terminate.recv() => Ok("SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c()
                .await
                .context("failed to listen for Ctrl-C")?;
            Ok("Ctrl-C")
        }
    }
}

/// Parses `--web-host` and `-P` into a socket address. The host must be `localhost` or an IP
/// address such as 127.0.0.1, 0.0.0.0 or ::1.
fn bind_address(host: &str, port: u16) -> anyhow::Result<SocketAddr> {
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(SocketAddr::new(IpAddr::from([127, 0, 0, 1]), port));
    }
    let trimmed = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = trimmed.parse().with_context(|| {
        format!("invalid --web-host {host:?}: expected localhost or an IP address such as 127.0.0.1 or 0.0.0.0")
    })?;
    Ok(SocketAddr::new(ip, port))
}

/// Rewrites the `--csv` files every second while the process runs, as headless mode does.
async fn write_csv(writer: Arc<Mutex<CsvWriter>>, runner: Runner) {
    let mut interval = tokio::time::interval(CSV_INTERVAL);
    loop {
        interval.tick().await;
        let mut writer = writer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(error) = writer.write(&runner.snapshot(), runner.user_count()) {
            tracing::error!("failed to write the CSV files: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_address_accepts_ipv4_and_ipv6() {
        let cases = [
            ("127.0.0.1", "127.0.0.1:8089"),
            ("0.0.0.0", "0.0.0.0:8089"),
            ("::1", "[::1]:8089"),
            ("[::1]", "[::1]:8089"),
            ("localhost", "127.0.0.1:8089"),
        ];
        for (host, expected) in cases {
            let address = bind_address(host, 8089).unwrap();
            assert_eq!(address.to_string(), expected, "{host}");
        }
    }

    #[test]
    fn bind_address_rejects_names() {
        let error = bind_address("example.org", 8089).unwrap_err().to_string();
        assert!(error.contains("invalid --web-host"), "{error}");
    }
}
