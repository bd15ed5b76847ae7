//! Exceptions: errors that stopped a user's steps before a request was sent (a template that
//! reads a variable never captured, a data file row without the column) or that ended a user
//! (a panic). They are what Locust lists under "exceptions", apart from failed requests, and
//! are grouped by message and place in the swarmfile.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::errors::normalise_message;

/// The node that Locust's exception lists name when there are no workers.
pub const LOCAL_NODE: &str = "local";

/// One exception as a user reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct UserException {
    pub message: String,
    /// The place in the swarmfile, such as `swarmfile.toml:12 (user class Reader)`.
    pub location: Arc<str>,
}

/// Occurrences of one kind of exception.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatsException {
    pub message: String,
    pub location: String,
    pub count: u64,
}

/// Exceptions keyed by (normalised message, location), in order of first occurrence.
#[derive(Clone, Debug, Default)]
pub struct StatsExceptions {
    index: HashMap<(String, String), usize>,
    rows: Vec<StatsException>,
}

impl StatsExceptions {
    pub fn record(&mut self, exception: &UserException) {
        let key = (
            normalise_message(&exception.message),
            exception.location.to_string(),
        );
        self.add(key, 1);
    }

    fn add(&mut self, key: (String, String), count: u64) {
        if let Some(&position) = self.index.get(&key) {
            self.rows[position].count += count;
            return;
        }
        self.rows.push(StatsException {
            message: key.0.clone(),
            location: key.1.clone(),
            count,
        });
        self.index.insert(key, self.rows.len() - 1);
    }

    /// Adds the exceptions of `other`, summing the counts of the same kind.
    pub fn merge(&mut self, other: &StatsExceptions) {
        for row in &other.rows {
            self.add((row.message.clone(), row.location.clone()), row.count);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &StatsException> {
        self.rows.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn clear(&mut self) {
        self.index.clear();
        self.rows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exception(message: &str, location: &str) -> UserException {
        UserException {
            message: message.to_owned(),
            location: Arc::from(location),
        }
    }

    #[test]
    fn same_message_and_place_share_row() {
        let mut exceptions = StatsExceptions::default();
        exceptions.record(&exception("variable `token` has no value yet", "a.toml:4"));
        exceptions.record(&exception("variable `token` has no value yet", "a.toml:4"));
        exceptions.record(&exception("variable `token` has no value yet", "a.toml:9"));
        exceptions.record(&exception("data column `email` has no value", "a.toml:4"));

        let rows: Vec<_> = exceptions.iter().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].count, 2);
        assert_eq!(rows[0].location, "a.toml:4");
        assert_eq!(rows[1].count, 1);
        assert_eq!(rows[1].location, "a.toml:9");
        assert_eq!(rows[2].message, "data column `email` has no value");
    }

    #[test]
    fn numbers_in_messages_share_row() {
        let mut exceptions = StatsExceptions::default();
        exceptions.record(&exception("index out of bounds at 1234567", "a.toml"));
        exceptions.record(&exception("index out of bounds at 7654321", "a.toml"));
        assert_eq!(exceptions.iter().count(), 1);
    }

    #[test]
    fn merge_sums_counts() {
        let mut left = StatsExceptions::default();
        let mut right = StatsExceptions::default();
        left.record(&exception("boom", "a.toml:1"));
        right.record(&exception("boom", "a.toml:1"));
        right.record(&exception("bang", "a.toml:2"));
        left.merge(&right);

        let rows: Vec<_> = left.iter().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].count, 2);
        assert_eq!(rows[1].message, "bang");
    }
}
