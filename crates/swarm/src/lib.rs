//! swarm: a Locust-style HTTP load tester driven by a TOML swarmfile.

pub mod app;
pub mod cli;
pub mod engine;
pub mod headless;
pub mod open_files;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod timespan;
pub mod web;
