//! Errors from reading the Markdown sources and writing the rendered site.

use std::io;
use std::path::PathBuf;

/// A failure to build or write the site, naming the file involved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to read the folder {path}: {source}")]
    ReadDir { path: PathBuf, source: io::Error },

    #[error("failed to read {path}: {source}")]
    ReadFile { path: PathBuf, source: io::Error },

    #[error("{path} is not valid UTF-8; save it as UTF-8 text")]
    NotUtf8 { path: PathBuf },

    #[error("{path} has no level-1 heading; start the page with a `# Title` line")]
    MissingTitle { path: PathBuf },

    #[error("{dir} contains no index.md; add one, because it becomes the first page of the site")]
    MissingIndex { dir: PathBuf },

    #[error("{first} and {second} both render to {output}; rename one of them")]
    DuplicateOutput {
        first: PathBuf,
        second: PathBuf,
        output: String,
    },

    #[error("failed to write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}
