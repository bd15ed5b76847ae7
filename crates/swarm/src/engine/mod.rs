//! Runs the users: the HTTP client, the user loop, spawning and the run control.

pub mod client;
pub mod dispatch;
pub mod http1;
pub mod inputs;
pub mod lag;
pub mod panics;
pub mod request;
pub mod run_timer;
pub mod runner;
pub mod tags;
pub mod user;
pub mod wait;

pub use lag::LagSummary;
pub use runner::{LogLine, RunTimes, Runner, RunnerOptions, RunnerState, StartError, StartRequest};
