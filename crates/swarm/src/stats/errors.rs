//! Failures grouped by method, name and normalised message.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// Occurrences of one kind of failure.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsError {
    pub method: String,
    pub name: String,
    pub error: String,
    pub occurrences: u64,
    /// Unix time in seconds.
    pub first_seen: f64,
    pub last_seen: f64,
}

/// Failures keyed by (method, name, normalised message), in order of first occurrence.
#[derive(Clone, Debug, Default)]
pub struct StatsErrors {
    index: HashMap<(String, String, String), usize>,
    errors: Vec<StatsError>,
}

/// Replaces the parts of a message that change from one request to the next (URLs, UUIDs,
/// hexadecimal addresses, numbers in paths such as `/items/123`, numbers of six or more
/// digits), so one kind of failure stays one row. Status codes, limits such as `50 ms` and
/// `host:port` pairs stay as they are.
pub fn normalise_message(message: &str) -> String {
    static PATTERNS: OnceLock<[(Regex, &'static str); 5]> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        let compile = |pattern: &str| Regex::new(pattern).expect("pattern is valid");
        [
            (compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\x22)]+"), "<url>"),
            (
                compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
                "<uuid>",
            ),
            (compile(r"\b0x[0-9a-fA-F]+\b"), "0x...."),
            (compile(r"/\d+\b"), "/<n>"),
            (compile(r"\b\d{6,}\b"), "<n>"),
        ]
    });
    let mut message = message.to_owned();
    for (pattern, replacement) in patterns {
        if pattern.is_match(&message) {
            message = pattern.replace_all(&message, *replacement).into_owned();
        }
    }
    message
}

impl StatsErrors {
    pub fn record(&mut self, method: &str, name: &str, message: &str, at: f64) {
        let error = normalise_message(message);
        let key = (method.to_owned(), name.to_owned(), error);
        if let Some(&position) = self.index.get(&key) {
            let entry = &mut self.errors[position];
            entry.occurrences += 1;
            entry.first_seen = entry.first_seen.min(at);
            entry.last_seen = entry.last_seen.max(at);
            return;
        }
        self.add(StatsError {
            method: key.0.clone(),
            name: key.1.clone(),
            error: key.2.clone(),
            occurrences: 1,
            first_seen: at,
            last_seen: at,
        });
    }

    fn add(&mut self, error: StatsError) {
        let key = (
            error.method.clone(),
            error.name.clone(),
            error.error.clone(),
        );
        self.index.insert(key, self.errors.len());
        self.errors.push(error);
    }

    /// Adds the failures of `other`, summing occurrences of the same kind.
    pub fn merge(&mut self, other: &StatsErrors) {
        for error in &other.errors {
            let key = (
                error.method.clone(),
                error.name.clone(),
                error.error.clone(),
            );
            match self.index.get(&key) {
                Some(&position) => {
                    let entry = &mut self.errors[position];
                    entry.occurrences += error.occurrences;
                    entry.first_seen = entry.first_seen.min(error.first_seen);
                    entry.last_seen = entry.last_seen.max(error.last_seen);
                }
                None => self.add(error.clone()),
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &StatsError> {
        self.errors.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn clear(&mut self) {
        self.index.clear();
        self.errors.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_numbers_share_one_row() {
        let mut errors = StatsErrors::default();
        errors.record(
            "GET",
            "/item",
            "connection refused by http://127.0.0.1:1/item/1234",
            1.0,
        );
        errors.record(
            "GET",
            "/item",
            "connection refused by http://127.0.0.1:1/item/98765",
            2.0,
        );
        errors.record("GET", "/item", "order 1234567 was rejected", 3.0);
        errors.record("GET", "/item", "order 7654321 was rejected", 4.0);

        let rows: Vec<_> = errors.iter().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].occurrences, 2);
        assert_eq!(rows[0].first_seen, 1.0);
        assert_eq!(rows[0].last_seen, 2.0);
        assert_eq!(rows[1].occurrences, 2);
    }

    #[test]
    fn numbers_in_paths_share_one_row() {
        assert_eq!(
            normalise_message("invalid redirect location `/items/123/edit` from HTTP 302"),
            "invalid redirect location `/items/<n>/edit` from HTTP 302"
        );
        assert_eq!(
            normalise_message("invalid redirect location `/items/98/edit` from HTTP 302"),
            "invalid redirect location `/items/<n>/edit` from HTTP 302"
        );
    }

    #[test]
    fn host_and_port_stay_in_message() {
        assert_eq!(
            normalise_message("connection refused by 127.0.0.1:8000: is the server running?"),
            "connection refused by 127.0.0.1:8000: is the server running?"
        );
    }

    #[test]
    fn status_codes_stay_in_message() {
        assert_eq!(
            normalise_message("HTTP 503 Service Unavailable"),
            "HTTP 503 Service Unavailable"
        );
    }

    #[test]
    fn method_and_name_separate_rows() {
        let mut errors = StatsErrors::default();
        errors.record("GET", "/a", "HTTP 500", 1.0);
        errors.record("POST", "/a", "HTTP 500", 1.0);
        errors.record("GET", "/b", "HTTP 500", 1.0);
        assert_eq!(errors.iter().count(), 3);
    }

    #[test]
    fn merge_sums_occurrences() {
        let mut left = StatsErrors::default();
        let mut right = StatsErrors::default();
        left.record("GET", "/a", "HTTP 500", 5.0);
        right.record("GET", "/a", "HTTP 500", 1.0);
        right.record("GET", "/a", "HTTP 404", 7.0);
        left.merge(&right);

        let rows: Vec<_> = left.iter().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].occurrences, 2);
        assert_eq!(rows[0].first_seen, 1.0);
        assert_eq!(rows[0].last_seen, 5.0);
    }
}
