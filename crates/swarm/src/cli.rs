//! Command-line options with Locust's names, `SWARM_*` environment variables, and the
//! swarmfile's `[swarm]` table as defaults (command line, then environment, then the table).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::scenario::Defaults;
use crate::timespan::{is_valid_spawn_rate, parse_timespan, SPAWN_RATE_RULE};

/// The web UI listens on loopback unless `--web-host` sets another address, so a load test
/// cannot be started from another machine by accident.
pub const DEFAULT_WEB_HOST: &str = "127.0.0.1";
/// Locust's web UI port.
pub const DEFAULT_WEB_PORT: u16 = 8089;

/// A Locust-style HTTP load tester driven by a TOML swarmfile.
#[derive(Debug, Parser)]
#[command(name = "swarm", version)]
pub struct Cli {
    /// Swarmfile describing the user classes.
    #[arg(
        short = 'f',
        long = "swarmfile",
        env = "SWARM_SWARMFILE",
        default_value = "swarmfile.toml"
    )]
    pub swarmfile: PathBuf,

    /// Base URL of the system under test, for example http://127.0.0.1:8000; overrides the host
    /// of every user class.
    #[arg(short = 'H', long, env = "SWARM_HOST")]
    pub host: Option<String>,

    /// Peak number of concurrent users (default 1).
    #[arg(short = 'u', long, env = "SWARM_USERS", allow_negative_numbers = true, value_parser = parse_user_count)]
    pub users: Option<usize>,

    /// Users started per second (default 1).
    #[arg(
        short = 'r',
        long,
        env = "SWARM_SPAWN_RATE",
        allow_negative_numbers = true
    )]
    pub spawn_rate: Option<f64>,

    /// Stop after this time, counted from the start: 20, 20s, 3m, 2h, 1h20m.
    #[arg(short = 't', long, env = "SWARM_RUN_TIME", value_parser = parse_timespan)]
    pub run_time: Option<Duration>,

    /// Run without the web UI and start at once.
    #[arg(long, env = "SWARM_HEADLESS")]
    pub headless: bool,

    /// Start at once but keep the web UI.
    #[arg(long, env = "SWARM_AUTOSTART")]
    pub autostart: bool,

    /// Skip TLS certificate checks, for servers with self-signed certificates. Only for test
    /// servers: anyone between swarm and the server can then read and change the traffic.
    #[arg(long, env = "SWARM_INSECURE")]
    pub insecure: bool,

    /// Address the web UI listens on (default 127.0.0.1); 0.0.0.0 exposes it to the network.
    #[arg(long, env = "SWARM_WEB_HOST")]
    pub web_host: Option<String>,

    /// Port of the web UI (default 8089).
    #[arg(short = 'P', long, env = "SWARM_WEB_PORT")]
    pub web_port: Option<u16>,

    /// Require HTTP basic authentication for the web UI with this user and password.
    #[arg(long, env = "SWARM_WEB_AUTH", value_name = "USER:PASSWORD")]
    pub web_auth: Option<crate::web::Credentials>,

    /// Write PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv and
    /// PREFIX_exceptions.csv, refreshed every second.
    #[arg(long, env = "SWARM_CSV", value_name = "PREFIX")]
    pub csv: Option<String>,

    /// Also write one history row per entry, with percentiles over the last 10 s (needs --csv).
    #[arg(long, env = "SWARM_CSV_FULL_HISTORY")]
    pub csv_full_history: bool,

    /// Write a self-contained HTML report to FILE at the end; {u}, {r} and {t} become users,
    /// spawn rate and run time in seconds.
    #[arg(long, env = "SWARM_HTML", value_name = "FILE")]
    pub html: Option<String>,

    /// Print the final statistics as JSON on stdout.
    #[arg(long, env = "SWARM_JSON")]
    pub json: bool,

    /// Reset the statistics when all users have spawned.
    #[arg(long, env = "SWARM_RESET_STATS")]
    pub reset_stats: bool,

    /// Time stopping users may take to finish their current task, such as 10s (default 0:
    /// stop at once).
    #[arg(short = 's', long, env = "SWARM_STOP_TIMEOUT", value_parser = parse_timespan)]
    pub stop_timeout: Option<Duration>,

    /// Run only the tasks that have at least one of these tags (comma-separated).
    #[arg(short = 'T', long, env = "SWARM_TAGS", value_delimiter = ',', num_args = 1..)]
    pub tags: Vec<String>,

    /// Skip the tasks that have any of these tags (comma-separated).
    #[arg(short = 'E', long, env = "SWARM_EXCLUDE_TAGS", value_delimiter = ',', num_args = 1..)]
    pub exclude_tags: Vec<String>,

    /// Exit code when any request failed (default 1).
    #[arg(long, env = "SWARM_EXIT_CODE_ON_ERROR")]
    pub exit_code_on_error: Option<i32>,

    /// Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO).
    #[arg(short = 'L', long, env = "SWARM_LOGLEVEL", value_parser = parse_loglevel)]
    pub loglevel: Option<String>,

    /// Validate the swarmfile and exit.
    #[arg(long)]
    pub check: bool,

    /// Print the user classes and their tasks and exit.
    #[arg(short = 'l', long)]
    pub list: bool,
}

fn parse_user_count(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|_| {
        format!("invalid user count `{text}`: expected a whole number of users of 0 or more, such as 10")
    })
}

fn parse_loglevel(text: &str) -> Result<String, String> {
    let level = text.to_ascii_uppercase();
    match level.as_str() {
        "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL" => Ok(level),
        _ => Err(format!(
            "invalid log level `{text}`: expected DEBUG, INFO, WARNING, ERROR or CRITICAL"
        )),
    }
}

/// Every option resolved: the command line over the environment over `[swarm]` over the
/// built-in defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Host from -H or `SWARM_HOST`: overrides the host of every class.
    pub host: Option<String>,
    /// Host from the `[swarm]` table: used by classes without their own.
    pub default_host: Option<String>,
    pub users: usize,
    pub spawn_rate: f64,
    pub run_time: Option<Duration>,
    pub headless: bool,
    pub autostart: bool,
    pub insecure: bool,
    pub web_host: String,
    pub web_port: u16,
    pub csv: Option<String>,
    pub csv_full_history: bool,
    pub html: Option<String>,
    pub json: bool,
    pub reset_stats: bool,
    pub stop_timeout: Duration,
    pub tags: Vec<String>,
    pub exclude_tags: Vec<String>,
    pub exit_code_on_error: i32,
    pub loglevel: String,
}

impl Cli {
    /// Merges the options with the swarmfile's `[swarm]` table.
    pub fn settings(&self, defaults: &Defaults) -> Result<Settings, String> {
        let spawn_rate = self.spawn_rate.or(defaults.spawn_rate).unwrap_or(1.0);
        if !is_valid_spawn_rate(spawn_rate) {
            return Err(format!(
                "invalid spawn rate {spawn_rate:?}: {SPAWN_RATE_RULE}"
            ));
        }
        let csv = self.csv.clone().or_else(|| defaults.csv.clone());
        let csv_full_history = self.csv_full_history || defaults.csv_full_history.unwrap_or(false);
        if csv_full_history && csv.is_none() {
            return Err("--csv-full-history needs --csv PREFIX".into());
        }
        let loglevel = self
            .loglevel
            .clone()
            .or_else(|| defaults.loglevel.clone())
            .unwrap_or_else(|| "INFO".into())
            .to_ascii_uppercase();
        Ok(Settings {
            host: self.host.clone(),
            default_host: defaults.host.clone(),
            users: self.users.or(defaults.users).unwrap_or(1),
            spawn_rate,
            run_time: self.run_time.or(defaults.run_time),
            headless: self.headless || defaults.headless.unwrap_or(false),
            autostart: self.autostart || defaults.autostart.unwrap_or(false),
            insecure: self.insecure || defaults.insecure.unwrap_or(false),
            web_host: self
                .web_host
                .clone()
                .or_else(|| defaults.web_host.clone())
                .unwrap_or_else(|| DEFAULT_WEB_HOST.to_owned()),
            web_port: self
                .web_port
                .or(defaults.web_port)
                .unwrap_or(DEFAULT_WEB_PORT),
            csv,
            csv_full_history,
            html: self.html.clone().or_else(|| defaults.html.clone()),
            json: self.json || defaults.json.unwrap_or(false),
            reset_stats: self.reset_stats || defaults.reset_stats.unwrap_or(false),
            stop_timeout: self
                .stop_timeout
                .or(defaults.stop_timeout)
                .unwrap_or(Duration::ZERO),
            tags: if self.tags.is_empty() {
                defaults.tags.clone().unwrap_or_default()
            } else {
                self.tags.clone()
            },
            exclude_tags: if self.exclude_tags.is_empty() {
                defaults.exclude_tags.clone().unwrap_or_default()
            } else {
                self.exclude_tags.clone()
            },
            exit_code_on_error: self
                .exit_code_on_error
                .or(defaults.exit_code_on_error)
                .unwrap_or(1),
            loglevel,
        })
    }
}

/// Maps a Locust log level name to a `tracing` filter directive.
pub fn tracing_level(loglevel: &str) -> &'static str {
    match loglevel {
        "DEBUG" => "debug",
        "WARNING" => "warn",
        "ERROR" | "CRITICAL" => "error",
        _ => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_overrides_swarm_table() {
        let cli = Cli::parse_from(["swarm", "-u", "7", "-t", "1m"]);
        let defaults = Defaults {
            users: Some(3),
            spawn_rate: Some(2.5),
            host: Some("http://127.0.0.1:9".into()),
            ..Defaults::default()
        };
        let settings = cli.settings(&defaults).unwrap();
        assert_eq!(settings.users, 7);
        assert_eq!(settings.spawn_rate, 2.5);
        assert_eq!(settings.run_time, Some(Duration::from_secs(60)));
        assert_eq!(settings.host, None);
        assert_eq!(settings.default_host.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(settings.exit_code_on_error, 1);
    }

    #[test]
    fn swarm_table_sets_web_options() {
        let defaults = Defaults {
            web_host: Some("0.0.0.0".into()),
            web_port: Some(9000),
            autostart: Some(true),
            ..Defaults::default()
        };
        let from_table = Cli::parse_from(["swarm"]).settings(&defaults).unwrap();
        let from_flags = Cli::parse_from(["swarm", "--web-host", "::1", "-P", "9100"])
            .settings(&defaults)
            .unwrap();
        let built_in = Cli::parse_from(["swarm"])
            .settings(&Defaults::default())
            .unwrap();

        assert_eq!(from_table.web_host, "0.0.0.0");
        assert_eq!(from_table.web_port, 9000);
        assert!(from_table.autostart);
        assert!(!from_table.insecure);
        let insecure = Defaults {
            insecure: Some(true),
            ..Defaults::default()
        };
        assert!(
            Cli::parse_from(["swarm"])
                .settings(&insecure)
                .unwrap()
                .insecure
        );
        assert_eq!(from_flags.web_host, "::1");
        assert_eq!(from_flags.web_port, 9100);
        assert_eq!(built_in.web_host, "127.0.0.1");
        assert_eq!(built_in.web_port, 8089);
        assert!(!built_in.autostart);
    }

    #[test]
    fn tags_split_on_commas() {
        let cli = Cli::parse_from(["swarm", "-T", "read,write", "-E", "slow"]);
        let settings = cli.settings(&Defaults::default()).unwrap();
        assert_eq!(settings.tags, ["read", "write"]);
        assert_eq!(settings.exclude_tags, ["slow"]);
    }

    #[test]
    fn full_history_needs_csv() {
        let cli = Cli::parse_from(["swarm", "--csv-full-history"]);
        let error = cli.settings(&Defaults::default()).unwrap_err();
        assert!(error.contains("--csv"), "{error}");
    }

    #[test]
    fn tiny_spawn_rate_is_rejected() {
        let cli = Cli::parse_from(["swarm", "-r", "1e-300"]);
        let error = cli.settings(&Defaults::default()).unwrap_err();
        assert!(error.contains("invalid spawn rate 1e-300"), "{error}");
    }

    #[test]
    fn negative_numbers_say_what_is_expected() {
        let users = Cli::try_parse_from(["swarm", "-u", "-5"]).unwrap_err();
        assert!(
            users.to_string().contains("invalid user count `-5`"),
            "{users}"
        );
        assert!(users.to_string().contains("such as 10"), "{users}");

        let cli = Cli::parse_from(["swarm", "-r", "-1"]);
        let rate = cli.settings(&Defaults::default()).unwrap_err();
        assert!(rate.contains("invalid spawn rate -1.0"), "{rate}");
    }

    #[test]
    fn invalid_run_time_is_a_usage_error() {
        let error = Cli::try_parse_from(["swarm", "-t", "5x"]).unwrap_err();
        assert!(
            error.to_string().contains("invalid time span `5x`"),
            "{error}"
        );
    }
}
