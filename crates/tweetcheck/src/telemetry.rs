//! Logging setup for the `tweetcheck` binary.

use std::ffi::OsStr;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global `tracing` subscriber. Log lines go to stderr at the level `RUST_LOG`
/// sets (`info` by default), coloured only when stderr is a terminal and `NO_COLOR` is unset
/// or empty.
pub fn init() {
    let no_color = std::env::var_os("NO_COLOR");
    let ansi = use_colours(std::io::stderr().is_terminal(), no_color.as_deref());
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}

/// Decides whether log lines get ANSI colour codes. A file or pipe must not receive them, and
/// a non-empty `NO_COLOR` turns them off everywhere, following the NO_COLOR convention.
pub fn use_colours(stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    let colour_disabled = no_color.is_some_and(|value| !value.is_empty());
    stderr_is_terminal && !colour_disabled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_colours_only_on_terminal_without_no_color() {
        let cases = [
            (true, None, true),
            (true, Some(""), true),
            (true, Some("1"), false),
            (false, None, false),
            (false, Some("1"), false),
        ];

        for (terminal, no_color, expected) in cases {
            let no_color = no_color.map(OsStr::new);
            assert_eq!(
                use_colours(terminal, no_color),
                expected,
                "terminal {terminal}, NO_COLOR {no_color:?}"
            );
        }
    }
}
