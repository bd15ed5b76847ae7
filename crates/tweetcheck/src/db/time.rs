//! Datetimes as stored in the database and shown in the API.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// Formats `at` the way every datetime is stored and rendered: UTC, ISO 8601, microseconds,
/// with a `Z` suffix.
pub fn format(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Returns the current time, formatted by [`format`].
pub fn now() -> String {
    format(Utc::now())
}

/// Formats a stored datetime for the API. Like Python's `isoformat`, which the original used, it
/// leaves out a fraction of zero: `2030-01-01T12:00:00Z`.
pub fn display(stored: &str) -> String {
    ApiDatetime(stored).to_string()
}

/// A stored datetime as the API shows it (see [`display`]). It formats and serializes without
/// building a `String` first, which matters in lists of thousands of datetimes.
#[derive(Clone, Copy, Debug)]
pub struct ApiDatetime<'a>(pub &'a str);

impl fmt::Display for ApiDatetime<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.strip_suffix(".000000Z") {
            Some(whole_seconds) => {
                formatter.write_str(whole_seconds)?;
                formatter.write_str("Z")
            }
            None => formatter.write_str(self.0),
        }
    }
}

impl Serialize for ApiDatetime<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn format_uses_micros_and_z() {
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 15, 35, 38).unwrap();

        assert_eq!(format(at), "2026-12-04T15:35:38.000000Z");
    }

    #[test]
    fn display_drops_zero_fraction() {
        assert_eq!(
            display("2030-01-01T12:00:00.000000Z"),
            "2030-01-01T12:00:00Z"
        );
        assert_eq!(
            display("2030-01-01T12:00:00.400760Z"),
            "2030-01-01T12:00:00.400760Z"
        );
    }

    #[test]
    fn shown_serializes_like_display() {
        for stored in ["2030-01-01T12:00:00.000000Z", "2030-01-01T12:00:00.400760Z"] {
            let json = serde_json::to_string(&ApiDatetime(stored)).unwrap();

            assert_eq!(json, format!("\"{}\"", display(stored)));
        }
    }
}
