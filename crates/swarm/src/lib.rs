//! swarm: a Locust-style HTTP load tester driven by a TOML swarmfile.

pub mod engine;
pub mod scenario;
pub mod stats;
pub mod timespan;
pub mod web;
