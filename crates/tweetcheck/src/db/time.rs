//! Datetimes as stored in the database and shown in the API.

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats `at` the way every datetime is stored and rendered: UTC, ISO 8601, microseconds,
/// with a `Z` suffix.
pub fn format(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The current time, formatted by [`format`].
pub fn now() -> String {
    format(Utc::now())
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
}
