//! The swarmfile: its TOML shape, validation, and the model the engine runs.

pub mod data;
pub mod model;
pub mod parse;
mod raw;
pub mod template;

pub use model::*;
pub use parse::{load, parse, ScenarioError};
pub use template::{Template, TemplateContext};
