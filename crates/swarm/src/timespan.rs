//! Time spans as Locust writes them: `20` (seconds), `20s`, `3m`, `2h`, `1h20m`, `3h30m10s`.

use std::time::Duration;

/// Maximum duration, in seconds, that an option or swarmfile value may set: 100 years. It is
/// far above any load test and keeps `Instant::now() + duration` from overflowing.
pub const MAX_SECONDS: f64 = 100.0 * 365.0 * 24.0 * 3600.0;

/// Converts seconds to a `Duration`, or returns `None` unless they are finite, 0 or more and
/// at most [`MAX_SECONDS`].
pub fn duration_from_seconds(seconds: f64) -> Option<Duration> {
    if !(0.0..=MAX_SECONDS).contains(&seconds) {
        return None;
    }
    Duration::try_from_secs_f64(seconds).ok()
}

/// Returns whether `rate` users per second is a usable spawn rate: finite and above 0, with a
/// pause of `1 / rate` seconds between two users of at most [`MAX_SECONDS`].
pub fn is_valid_spawn_rate(rate: f64) -> bool {
    rate > 0.0 && rate.is_finite() && duration_from_seconds(1.0 / rate).is_some()
}

/// The rule a spawn rate must meet, quoted in error messages.
pub const SPAWN_RATE_RULE: &str =
    "expected users per second above 0, such as 2.5, with at most 100 years between two users";

/// Formats the error for `text` that is not a time span, naming it `label` (such as
/// "time span" or "run_time"), so that the command line and the web UI word it alike.
pub fn invalid_timespan_message(label: &str, text: &str) -> String {
    format!(
        "invalid {label} `{text}`: expected seconds or a span like 20s, 3m, 2h, 1h20m or 3h30m10s"
    )
}

/// Parses a time span; the error names the value and the accepted forms.
pub fn parse_timespan(text: &str) -> Result<Duration, String> {
    let invalid = || invalid_timespan_message("time span", text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid());
    }
    if let Ok(seconds) = trimmed.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut last_unit_rank = 0;
    for character in trimmed.chars() {
        if character.is_ascii_digit() {
            number.push(character);
            continue;
        }
        let (rank, seconds) = match character {
            'h' => (1, 3600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => return Err(invalid()),
        };
        if number.is_empty() || rank <= last_unit_rank {
            return Err(invalid());
        }
        let value: u64 = number.parse().map_err(|_| invalid())?;
        total = value
            .checked_mul(seconds)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(invalid)?;
        number.clear();
        last_unit_rank = rank;
    }
    if !number.is_empty() {
        return Err(invalid());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_from_seconds_rejects_extremes() {
        assert_eq!(
            duration_from_seconds(1.5),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(duration_from_seconds(0.0), Some(Duration::ZERO));
        for seconds in [-1.0, 1e300, f64::INFINITY, f64::NAN, MAX_SECONDS * 2.0] {
            assert_eq!(duration_from_seconds(seconds), None, "{seconds}");
        }
    }

    #[test]
    fn spawn_rate_needs_a_bounded_pause() {
        assert!(is_valid_spawn_rate(0.5));
        assert!(is_valid_spawn_rate(1e6));
        for rate in [0.0, -1.0, 1e-300, f64::NAN, f64::INFINITY] {
            assert!(!is_valid_spawn_rate(rate), "{rate}");
        }
    }

    #[test]
    fn accepts_locust_forms() {
        let cases = [
            ("20", 20),
            ("20s", 20),
            ("3m", 180),
            ("2h", 7200),
            ("1h20m", 4800),
            ("3h30m10s", 12610),
        ];
        for (text, seconds) in cases {
            assert_eq!(
                parse_timespan(text),
                Ok(Duration::from_secs(seconds)),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_malformed_spans() {
        for text in ["", "m", "10x", "5s3m", "1h1h", "1.5s", "-3"] {
            let error = parse_timespan(text).unwrap_err();
            assert!(error.contains(text), "{text}: {error}");
        }
    }
}
