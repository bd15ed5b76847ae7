//! Schedule lag: how much later than planned users wake up from their waits.
//!
//! A user that should start its next task at 10:00:05.000 but wakes at 10:00:05.400 was held
//! back by the machine running swarm, not by the system under test. Locust users cannot tell
//! the two apart. Here every wait records its lag, so a run can report whether the load it
//! generated kept to the schedule.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

/// Upper bounds of the lag buckets in milliseconds; a last bucket contains everything above.
const BUCKET_LIMITS_MS: [u64; 7] = [5, 10, 50, 100, 250, 500, 1000];

/// Lag above which a user counts as behind schedule and the runner logs a warning.
pub const BEHIND_SCHEDULE: Duration = Duration::from_millis(250);

/// Lag counts shared by every user of a run. Recording is two relaxed atomic operations, so
/// users never wait for each other here.
#[derive(Debug, Default)]
pub struct ScheduleLag {
    buckets: [AtomicU64; BUCKET_LIMITS_MS.len() + 1],
    max_us: AtomicU64,
}

/// Lag counts at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LagSummary {
    /// Waits that ended, with or without lag.
    pub wakeups: u64,
    /// Wakeups later than `BEHIND_SCHEDULE`.
    pub behind_schedule: u64,
    /// Upper bound in milliseconds of the bucket that contains the 99th percentile of the lag.
    /// It is `None` when that percentile falls in the open last bucket.
    pub p99_below_ms: Option<u64>,
    /// Largest lag in milliseconds.
    pub max_ms: f64,
}

impl ScheduleLag {
    /// Records that a wait ended `lag` after its planned end.
    pub fn record(&self, lag: Duration) {
        let micros = u64::try_from(lag.as_micros()).unwrap_or(u64::MAX);
        let bucket = BUCKET_LIMITS_MS
            .iter()
            .position(|&limit| micros < limit * 1000)
            .unwrap_or(BUCKET_LIMITS_MS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.max_us.fetch_max(micros, Ordering::Relaxed);
    }

    /// Zeroes the counts, for a new test.
    pub fn reset(&self) {
        for bucket in &self.buckets {
            bucket.store(0, Ordering::Relaxed);
        }
        self.max_us.store(0, Ordering::Relaxed);
    }

    pub fn summary(&self) -> LagSummary {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|bucket| bucket.load(Ordering::Relaxed))
            .collect();
        let wakeups: u64 = counts.iter().sum();
        let behind_limit = BEHIND_SCHEDULE.as_millis() as u64;
        let behind_schedule = BUCKET_LIMITS_MS
            .iter()
            .zip(&counts)
            .filter(|(&limit, _)| limit > behind_limit)
            .map(|(_, count)| count)
            .sum::<u64>()
            + counts[BUCKET_LIMITS_MS.len()];

        // The smallest bucket bound with at least 99 % of the wakeups below it.
        let needed = wakeups - wakeups / 100;
        let mut below = 0;
        let mut p99_below_ms = None;
        for (&limit, &count) in BUCKET_LIMITS_MS.iter().zip(&counts) {
            if wakeups == 0 {
                break;
            }
            below += count;
            if below >= needed {
                p99_below_ms = Some(limit);
                break;
            }
        }
        LagSummary {
            wakeups,
            behind_schedule,
            p99_below_ms,
            max_ms: self.max_us.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctual_wakeups_stay_in_first_bucket() {
        let lag = ScheduleLag::default();
        for _ in 0..1000 {
            lag.record(Duration::from_micros(1200));
        }
        let summary = lag.summary();

        assert_eq!(summary.wakeups, 1000);
        assert_eq!(summary.behind_schedule, 0);
        assert_eq!(summary.p99_below_ms, Some(5));
        assert_eq!(summary.max_ms, 1.2);
    }

    #[test]
    fn late_wakeups_raise_p99_and_count_behind() {
        let lag = ScheduleLag::default();
        for _ in 0..95 {
            lag.record(Duration::from_millis(2));
        }
        for _ in 0..5 {
            lag.record(Duration::from_millis(300));
        }
        let summary = lag.summary();

        assert_eq!(summary.behind_schedule, 5);
        assert_eq!(summary.p99_below_ms, Some(500));
        assert_eq!(summary.max_ms, 300.0);
    }

    #[test]
    fn lag_beyond_last_bound_has_no_p99_bound() {
        let lag = ScheduleLag::default();
        lag.record(Duration::from_secs(3));
        let summary = lag.summary();

        assert_eq!(summary.p99_below_ms, None);
        assert_eq!(summary.behind_schedule, 1);
    }

    #[test]
    fn reset_zeroes_counts() {
        let lag = ScheduleLag::default();
        lag.record(Duration::from_millis(700));
        lag.reset();

        assert_eq!(lag.summary(), LagSummary::default());
    }
}
