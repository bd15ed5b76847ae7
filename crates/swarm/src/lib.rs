//! swarm: a Locust-style HTTP load tester driven by a TOML swarmfile.

pub mod stats;
pub mod web;
