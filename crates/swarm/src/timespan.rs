//! Time spans as Locust writes them: `20` (seconds), `20s`, `3m`, `2h`, `1h20m`, `3h30m10s`.

use std::time::Duration;

/// Parses a time span; the error names the value and the accepted forms.
pub fn parse_timespan(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "invalid time span `{text}`: expected seconds or a span like 20s, 3m, 2h, 1h20m or 3h30m10s"
        )
    };
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
