//! One row of the statistics: the requests of one (method, name) pair, or the Aggregated row.

use std::collections::BTreeMap;

use super::histogram::ResponseTimes;

/// Seconds of per-second counts kept for the current-rate window; older seconds are dropped.
const SECONDS_KEPT: i64 = 20;
/// Length of the window behind current RPS and current percentiles.
pub const CURRENT_WINDOW_SECONDS: i64 = 10;
/// The newest seconds are still filling, so the window ends this many seconds before now.
pub const CURRENT_WINDOW_LAG_SECONDS: i64 = 2;

/// Counts and response times of the requests made in one wall-clock second.
#[derive(Clone, Debug, Default)]
struct Second {
    requests: u64,
    failures: u64,
    response_times: ResponseTimes,
}

/// Statistics of the requests sharing one method and name.
#[derive(Clone, Debug)]
pub struct StatsEntry {
    pub method: String,
    pub name: String,
    pub num_requests: u64,
    pub num_failures: u64,
    pub total_content_length: u64,
    pub response_times: ResponseTimes,
    /// Unix time in seconds of the latest request.
    pub last_request_timestamp: Option<f64>,
    seconds: BTreeMap<i64, Second>,
}

impl StatsEntry {
    pub fn new(method: &str, name: &str) -> Self {
        Self {
            method: method.to_owned(),
            name: name.to_owned(),
            num_requests: 0,
            num_failures: 0,
            total_content_length: 0,
            response_times: ResponseTimes::new(),
            last_request_timestamp: None,
            seconds: BTreeMap::new(),
        }
    }

    /// Records one request made at unix time `at`; failed requests count as requests too.
    pub fn record(&mut self, at: f64, response_time_us: u64, content_length: u64, failed: bool) {
        self.num_requests += 1;
        self.num_failures += u64::from(failed);
        self.total_content_length += content_length;
        self.response_times.record(response_time_us);
        self.last_request_timestamp = Some(self.last_request_timestamp.unwrap_or(at).max(at));

        let second = at.floor() as i64;
        if !self.seconds.contains_key(&second) {
            self.seconds.retain(|&kept, _| kept > second - SECONDS_KEPT);
        }
        let slot = self.seconds.entry(second).or_default();
        slot.requests += 1;
        slot.failures += u64::from(failed);
        slot.response_times.record(response_time_us);
    }

    /// Adds `other` into this entry without losing any sample.
    pub fn merge(&mut self, other: &StatsEntry) {
        self.num_requests += other.num_requests;
        self.num_failures += other.num_failures;
        self.total_content_length += other.total_content_length;
        self.response_times.merge(&other.response_times);
        self.last_request_timestamp =
            match (self.last_request_timestamp, other.last_request_timestamp) {
                (Some(mine), Some(theirs)) => Some(mine.max(theirs)),
                (mine, theirs) => mine.or(theirs),
            };
        for (&second, counts) in &other.seconds {
            let slot = self.seconds.entry(second).or_default();
            slot.requests += counts.requests;
            slot.failures += counts.failures;
            slot.response_times.merge(&counts.response_times);
        }
    }

    pub fn reset(&mut self) {
        *self = Self::new(&self.method, &self.name);
    }

    pub fn fail_ratio(&self) -> f64 {
        match (self.num_requests, self.num_failures) {
            (0, 0) => 0.0,
            (0, _) => 1.0,
            (requests, failures) => failures as f64 / requests as f64,
        }
    }

    pub fn avg_content_length(&self) -> f64 {
        if self.num_requests == 0 {
            return 0.0;
        }
        self.total_content_length as f64 / self.num_requests as f64
    }

    /// Returns the seconds of the current window: the 10 s ending 2 s before `now`, never
    /// starting before `start_time` (both unix seconds).
    /// Returns `None` while the run is younger than the lag.
    fn window(&self, start_time: f64, now: f64) -> Option<std::ops::RangeInclusive<i64>> {
        let end = now.floor() as i64 - CURRENT_WINDOW_LAG_SECONDS - 1;
        let begin = (end - CURRENT_WINDOW_SECONDS + 1).max(start_time.floor() as i64);
        (begin <= end).then_some(begin..=end)
    }

    fn window_sum(&self, start_time: f64, now: f64, count: fn(&Second) -> u64) -> f64 {
        let Some(window) = self.window(start_time, now) else {
            return 0.0;
        };
        let seconds = window.end() - window.start() + 1;
        let total: u64 = self
            .seconds
            .range(window)
            .map(|(_, slot)| count(slot))
            .sum();
        total as f64 / seconds as f64
    }

    /// Requests per second over the current window.
    pub fn current_rps(&self, start_time: f64, now: f64) -> f64 {
        self.window_sum(start_time, now, |slot| slot.requests)
    }

    /// Failures per second over the current window.
    pub fn current_fail_per_sec(&self, start_time: f64, now: f64) -> f64 {
        self.window_sum(start_time, now, |slot| slot.failures)
    }

    /// Response times of the requests in the current window.
    pub fn current_response_times(&self, start_time: f64, now: f64) -> ResponseTimes {
        let mut times = ResponseTimes::new();
        let Some(window) = self.window(start_time, now) else {
            return times;
        };
        for (_, slot) in self.seconds.range(window) {
            times.merge(&slot.response_times);
        }
        times
    }

    /// Requests per second from `start_time` to `end_time` (the stop, or now while running).
    ///
    /// Locust divides by the time to the latest request instead, which inflates the rate when
    /// every request came early in the run.
    /// Returns the requests and the failures per unix second, for the seconds still kept: the
    /// last 20 before the latest request. Seconds without a failure are left out of the second map.
    pub fn counts_per_second(&self) -> (BTreeMap<i64, u64>, BTreeMap<i64, u64>) {
        let requests = self
            .seconds
            .iter()
            .filter(|(_, counts)| counts.requests > 0)
            .map(|(&second, counts)| (second, counts.requests))
            .collect();
        let failures = self
            .seconds
            .iter()
            .filter(|(_, counts)| counts.failures > 0)
            .map(|(&second, counts)| (second, counts.failures))
            .collect();
        (requests, failures)
    }

    pub fn total_rps(&self, start_time: f64, end_time: f64) -> f64 {
        per_second(self.num_requests, start_time, end_time)
    }

    pub fn total_fail_per_sec(&self, start_time: f64, end_time: f64) -> f64 {
        per_second(self.num_failures, start_time, end_time)
    }
}

fn per_second(count: u64, start_time: f64, end_time: f64) -> f64 {
    let elapsed = end_time - start_time;
    if elapsed > 0.0 {
        count as f64 / elapsed
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: f64 = 1_000_000.0;

    #[test]
    fn failures_count_as_requests() {
        let mut entry = StatsEntry::new("GET", "/");
        entry.record(START, 1000, 10, false);
        entry.record(START, 3000, 20, true);

        assert_eq!(entry.num_requests, 2);
        assert_eq!(entry.num_failures, 1);
        assert_eq!(entry.response_times.count(), 2);
        assert_eq!(entry.fail_ratio(), 0.5);
        assert_eq!(entry.avg_content_length(), 15.0);
    }

    #[test]
    fn current_rps_skips_the_last_two_seconds() {
        let mut entry = StatsEntry::new("GET", "/");
        for second in 0..30 {
            for _ in 0..4 {
                entry.record(START + second as f64 + 0.5, 1000, 0, second % 2 == 0);
            }
        }
        // A burst in the newest seconds must not count yet.
        for _ in 0..100 {
            entry.record(START + 29.5, 1000, 0, false);
        }
        let now = START + 30.2;

        assert_eq!(entry.current_rps(START, now), 4.0);
        assert_eq!(entry.current_fail_per_sec(START, now), 2.0);
        assert_eq!(entry.current_response_times(START, now).count(), 40);
    }

    #[test]
    fn current_rps_window_starts_at_start_time() {
        let mut entry = StatsEntry::new("GET", "/");
        for second in 0..5 {
            entry.record(START + second as f64, 1000, 0, false);
        }
        // Window is START..=START+2, three seconds with one request each.
        assert_eq!(entry.current_rps(START, START + 5.5), 1.0);
    }

    #[test]
    fn merge_keeps_every_count() {
        let mut left = StatsEntry::new("GET", "/");
        let mut right = StatsEntry::new("GET", "/");
        left.record(START + 1.0, 1000, 5, false);
        right.record(START + 1.0, 9000, 7, true);
        right.record(START + 2.0, 4000, 1, false);
        left.merge(&right);

        assert_eq!(left.num_requests, 3);
        assert_eq!(left.num_failures, 1);
        assert_eq!(left.total_content_length, 13);
        assert_eq!(left.response_times.max_us(), Some(9000));
        assert_eq!(left.last_request_timestamp, Some(START + 2.0));
        assert_eq!(left.current_rps(START, START + 13.0), 0.3);
    }

    #[test]
    fn reset_clears_counts_and_keeps_key() {
        let mut entry = StatsEntry::new("POST", "/login");
        entry.record(START, 1000, 5, true);
        entry.reset();

        assert_eq!(entry.num_requests, 0);
        assert_eq!(entry.num_failures, 0);
        assert!(entry.response_times.is_empty());
        assert_eq!(entry.method, "POST");
        assert_eq!(entry.name, "/login");
    }
}
