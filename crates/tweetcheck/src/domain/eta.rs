//! Parsing a tweet's `eta`, the time it should be posted at.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The error message for an `eta` in no accepted format, as Django REST Framework words it.
pub const FORMAT_ERROR: &str = "Datetime has wrong format. Use one of these formats instead: \
    YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z], MM/DD/YYYY hh:mm [AM|PM].";

/// The error message for an `eta` whose UTC time falls outside years 1 to 9999, as Django REST
/// Framework words it.
pub const RANGE_ERROR: &str = "Datetime value out of range.";

/// The years an `eta` may have, before and after conversion to UTC. Python's `datetime`, which
/// the original stored etas in, has the same range.
const YEARS: RangeInclusive<i32> = 1..=9999;

/// The reason an `eta` was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EtaError {
    /// The text is in no accepted format, or its own date is outside years 1 to 9999.
    Format,
    /// The time is valid, but converting its offset to UTC leaves years 1 to 9999.
    OutOfRange,
}

impl EtaError {
    /// Returns the field error message for the API.
    pub fn message(self) -> &'static str {
        match self {
            EtaError::Format => FORMAT_ERROR,
            EtaError::OutOfRange => RANGE_ERROR,
        }
    }
}

/// Parses an `eta` in ISO 8601 (`2030-01-01T12:00`, optional seconds, up to 6 fractional
/// digits, and `Z` or an offset) or US style (`01/01/2030 12:00 PM`).
///
/// The result is always in years 1 to 9999, so its stored text (four-digit year first) sorts
/// in time order.
///
/// NOTE: a time without an offset is taken as UTC. The original used its server's time zone.
pub fn parse(text: &str) -> Result<DateTime<Utc>, EtaError> {
    let text = text.trim();
    let at = parse_iso(text)
        .or_else(|| parse_us(text))
        .ok_or(EtaError::Format)?;
    if !YEARS.contains(&at.year()) {
        return Err(EtaError::OutOfRange);
    }
    Ok(at)
}

fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    let (date, rest) = text.split_at_checked(10)?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    if !YEARS.contains(&date.year()) {
        return None;
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;

    let (time, offset) = split_offset(rest)?;
    let time = parse_iso_time(time)?;
    let local = NaiveDateTime::new(date, time);
    let at = match offset {
        Some(offset) => offset
            .from_local_datetime(&local)
            .single()?
            .with_timezone(&Utc),
        None => Utc.from_utc_datetime(&local),
    };
    Some(at)
}

/// Splits `12:00:00+02:00` into the time and its offset (`None` when there is none).
fn split_offset(text: &str) -> Option<(&str, Option<FixedOffset>)> {
    if let Some(time) = text.strip_suffix(['Z', 'z']) {
        return Some((time, FixedOffset::east_opt(0)));
    }
    let Some(sign_at) = text.rfind(['+', '-']) else {
        return Some((text, None));
    };
    let (time, offset) = text.split_at(sign_at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = offset[1..].replace(':', "");
    if digits.len() != 2 && digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((
        time,
        FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)),
    ))
}

/// Parses `hh:mm`, `hh:mm:ss` or `hh:mm:ss.f` with 1 to 6 fractional digits.
fn parse_iso_time(text: &str) -> Option<NaiveTime> {
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let two_digits = |part: &&str| {
        part.len() <= 2 && !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !(parts.len() == 2 || parts.len() == 3) || !parts.iter().all(two_digits) {
        return None;
    }
    if fraction.is_some() && parts.len() != 3 {
        return None;
    }
    let hour: u32 = parts[0].parse().ok()?;
    let minute: u32 = parts[1].parse().ok()?;
    let second: u32 = parts.get(2).map_or(Some(0), |part| part.parse().ok())?;
    let micros = match fraction {
        None => 0,
        Some(digits)
            if (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{digits:0<6}").parse().ok()?
        }
        Some(_) => return None,
    };
    NaiveTime::from_hms_micro_opt(hour, minute, second, micros)
}

fn parse_us(text: &str) -> Option<DateTime<Utc>> {
    // `get` instead of slicing, because the last two bytes may split a multi-byte character.
    let ending = text.get(text.len().saturating_sub(2)..).unwrap_or("");
    let has_meridiem = ["AM", "PM"]
        .iter()
        .any(|suffix| ending.eq_ignore_ascii_case(suffix));
    let format = if has_meridiem {
        "%m/%d/%Y %I:%M %p"
    } else {
        "%m/%d/%Y %H:%M"
    };
    let local = NaiveDateTime::parse_from_str(text, format).ok()?;
    if !YEARS.contains(&local.year()) {
        return None;
    }
    Some(Utc.from_utc_datetime(&local))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn parse_accepts_iso_variants() {
        let cases = [
            ("2030-01-01T12:00:00Z", "2030-01-01T12:00:00Z"),
            ("2030-01-01T12:00", "2030-01-01T12:00:00Z"),
            ("2030-01-01 12:00:30", "2030-01-01T12:00:30Z"),
            ("2030-01-01T12:00:00.5Z", "2030-01-01T12:00:00.5Z"),
            ("2030-01-01T12:00:00+02:00", "2030-01-01T10:00:00Z"),
            ("2030-01-01T12:00:00-0130", "2030-01-01T13:30:00Z"),
        ];

        for (input, expected) in cases {
            assert_eq!(parse(input), Ok(utc(expected)), "input {input:?}");
        }
    }

    #[test]
    fn parse_accepts_us_format() {
        assert_eq!(
            parse("01/02/2030 01:30 PM"),
            Ok(utc("2030-01-02T13:30:00Z"))
        );
        assert_eq!(parse("01/02/2030 13:30"), Ok(utc("2030-01-02T13:30:00Z")));
    }

    #[test]
    fn parse_rejects_invalid_text() {
        for input in [
            "tomorrow",
            "",
            "2030-13-01T12:00",
            "2030-01-01T25:00",
            "2030-01-01T12:00:00.1234567",
            "2030-01-01T12:00+99:00",
            "é",
            "a€",
            "01/02/2030 01:30 P€",
        ] {
            assert_eq!(parse(input), Err(EtaError::Format), "input {input:?}");
        }
    }

    #[test]
    fn parse_rejects_years_outside_1_to_9999() {
        let cases = [
            ("0000-01-01T00:00", EtaError::Format),
            ("01/01/0000 00:00", EtaError::Format),
            ("9999-12-31T23:59-23:59", EtaError::OutOfRange),
            ("0001-01-01T00:00+00:01", EtaError::OutOfRange),
        ];

        for (input, expected) in cases {
            assert_eq!(parse(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn parse_accepts_the_ends_of_the_range() {
        assert_eq!(parse("0001-01-01T00:00Z"), Ok(utc("0001-01-01T00:00:00Z")));
        assert_eq!(
            parse("9999-12-31T23:59:59.999999Z"),
            Ok(utc("9999-12-31T23:59:59.999999Z"))
        );
    }

    proptest::proptest! {
        /// Any text parses to a time or to `None`, never to a panic.
        #[test]
        fn parse_never_panics(text in "\\PC{0,40}") {
            let parsed = parse(&text);
            proptest::prop_assert!(parsed.is_err() || !text.trim().is_empty());
        }
    }
}
