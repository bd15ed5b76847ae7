//! The page itself: one askama template, filled with the start form's defaults.

use askama::Template;

use super::control::{FormDefaults, RunState};

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub swarmfile: String,
    pub state: &'static str,
    pub host: String,
    pub user_count: u64,
    pub spawn_rate: String,
    pub run_time: String,
    /// Whether `--csv-full-history` writes a history file that the page can link to.
    pub full_history: bool,
}

impl IndexPage {
    pub fn new(defaults: FormDefaults, state: RunState, full_history: bool) -> Self {
        IndexPage {
            swarmfile: defaults.swarmfile,
            state: state.as_str(),
            host: defaults.host,
            user_count: defaults.user_count,
            spawn_rate: format_number(defaults.spawn_rate),
            run_time: defaults
                .run_time
                .map(|limit| format!("{}s", limit.as_secs()))
                .unwrap_or_default(),
            full_history,
        }
    }
}

/// Formats a rate without a trailing `.0`, so that the form shows `10` rather than `10.0`.
fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}
