//! Local stand-ins for the ids Twitter assigns to posted tweets.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;

/// Twitter's epoch for its Snowflake ids, in milliseconds since the Unix epoch.
const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

/// Returns a new id shaped like Twitter's Snowflake ids (milliseconds since Twitter's epoch
/// shifted left by 22 bits, plus a sequence number), so it looks and sorts like a real one.
/// Ids are unique within one process.
pub fn next() -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let millis = (Utc::now().timestamp_millis() - TWITTER_EPOCH_MS).max(0) as u64;
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed) & ((1 << 22) - 1);
    ((millis << 22) | sequence).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_returns_distinct_numbers() {
        let first = next();
        let second = next();

        assert_ne!(first, second);
        assert!(first.parse::<u64>().is_ok());
        assert!(first.len() >= 18);
    }
}
