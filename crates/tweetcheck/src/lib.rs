//! A stand-in for the TweetCheck REST API, the target of the load-testing workshop.
//!
//! [`server::start`] runs the API on a SQLite database that it creates, migrates and seeds.

pub mod api;
pub mod auth;
pub mod db;
pub mod domain;
pub mod html;
pub mod scheduler;
pub mod server;
mod state;
pub mod telemetry;
pub mod workshop;

pub use server::{start, Config, Running};
pub use state::AppState;
