//! Turning Markdown pages into complete HTML documents.

pub mod escape;
pub mod layout;
pub mod markdown;
