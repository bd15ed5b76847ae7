//! Response times of one entry: an HdrHistogram with microsecond resolution plus the exact
//! minimum, maximum and sum.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

/// Significant decimal digits kept by the histogram: values are stored within 0.1 %.
const SIGNIFICANT_DIGITS: u8 = 3;

/// Response times in microseconds.
#[derive(Clone, Debug)]
pub struct ResponseTimes {
    histogram: Histogram<u64>,
    min_us: u64,
    max_us: u64,
    total_us: u128,
}

impl Default for ResponseTimes {
    fn default() -> Self {
        Self::new()
    }
}

impl ResponseTimes {
    /// Creates an empty set that grows its range as larger values arrive.
    pub fn new() -> Self {
        let mut histogram =
            Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits is a valid precision");
        histogram.auto(true);
        Self {
            histogram,
            min_us: u64::MAX,
            max_us: 0,
            total_us: 0,
        }
    }

    pub fn record(&mut self, micros: u64) {
        // Auto-resize makes every u64 value recordable, so this cannot fail.
        let _ = self.histogram.record(micros);
        self.min_us = self.min_us.min(micros);
        self.max_us = self.max_us.max(micros);
        self.total_us += u128::from(micros);
    }

    /// Adds every sample of `other`, so merging shards gives the same result as one recorder.
    pub fn merge(&mut self, other: &ResponseTimes) {
        if other.is_empty() {
            return;
        }
        let _ = self.histogram.add(&other.histogram);
        self.min_us = self.min_us.min(other.min_us);
        self.max_us = self.max_us.max(other.max_us);
        self.total_us += other.total_us;
    }

    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    pub fn is_empty(&self) -> bool {
        self.histogram.is_empty()
    }

    pub fn min_us(&self) -> Option<u64> {
        (!self.is_empty()).then_some(self.min_us)
    }

    pub fn max_us(&self) -> Option<u64> {
        (!self.is_empty()).then_some(self.max_us)
    }

    pub fn mean_us(&self) -> Option<f64> {
        (!self.is_empty()).then(|| self.total_us as f64 / self.count() as f64)
    }

    /// Returns the sum of the response times in milliseconds.
    pub fn total_ms(&self) -> f64 {
        self.total_us as f64 / 1000.0
    }

    /// Returns the sample counts keyed by Locust's rounded milliseconds (see [`locust_bucket`]).
    ///
    /// NOTE: each histogram bucket (0.1 % wide) is rounded as a whole from its midpoint, so a
    /// sample within 0.1 % of a rounding boundary may land in the neighbouring Locust bucket.
    pub fn locust_buckets(&self) -> BTreeMap<u64, u64> {
        let mut buckets = BTreeMap::new();
        if self.is_empty() {
            return buckets;
        }
        for bin in self.histogram.iter_recorded() {
            let micros = self
                .histogram
                .median_equivalent(bin.value_iterated_to())
                .clamp(self.min_us, self.max_us);
            *buckets
                .entry(locust_bucket(micros as f64 / 1000.0))
                .or_default() += bin.count_at_value();
        }
        buckets
    }

    /// Returns the response time below which `quantile` (0.0 to 1.0) of the samples fall.
    ///
    /// The histogram finds the bucket (0.1 % wide) that holds the sample of that rank. The
    /// bucket of the exact minimum reports the minimum and the bucket of the exact maximum
    /// reports the maximum, so those are observed values. Other buckets report their midpoint.
    /// The result is monotonic in `quantile` and never above the maximum.
    pub fn percentile_us(&self, quantile: f64) -> Option<u64> {
        if self.is_empty() {
            return None;
        }
        if quantile >= 1.0 {
            return Some(self.max_us);
        }
        let value = self.histogram.value_at_quantile(quantile.max(0.0));
        if self.histogram.lowest_equivalent(value) <= self.min_us {
            return Some(self.min_us);
        }
        if self.histogram.highest_equivalent(value) >= self.max_us {
            return Some(self.max_us);
        }
        Some(self.histogram.median_equivalent(value))
    }

    /// Returns the response times recorded here and not in `earlier`, an older copy of `self`.
    pub fn since(&self, earlier: &ResponseTimes) -> ResponseTimes {
        let mut window = ResponseTimes::new();
        let _ = window.histogram.add(&self.histogram);
        let _ = window.histogram.subtract(&earlier.histogram);
        if window.is_empty() {
            return ResponseTimes::new();
        }
        window.min_us = window.histogram.min().max(self.min_us);
        window.max_us = window.histogram.max().min(self.max_us);
        window.total_us = self.total_us.saturating_sub(earlier.total_us);
        window
    }
}

/// Rounds a response time in milliseconds as Locust 2.x keys its histogram: to whole
/// milliseconds below 100, to 10 below 1,000, to 100 below 10,000 and to 1,000 above, with
/// ties to even as Python's `round` does.
pub fn locust_bucket(milliseconds: f64) -> u64 {
    let step = if milliseconds < 100.0 {
        1.0
    } else if milliseconds < 1_000.0 {
        10.0
    } else if milliseconds < 10_000.0 {
        100.0
    } else {
        1_000.0
    };
    ((milliseconds / step).round_ties_even() * step) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locust_bucket_rounds_like_locust() {
        let cases = [
            (0.4, 0),
            (2.5, 2),
            (3.5, 4),
            (99.4, 99),
            (99.6, 100),
            (104.9, 100),
            (105.0, 100),
            (115.0, 120),
            (999.0, 1_000),
            (1_250.0, 1_200),
            (9_960.0, 10_000),
            (12_500.0, 12_000),
            (13_500.0, 14_000),
        ];
        for (milliseconds, expected) in cases {
            assert_eq!(locust_bucket(milliseconds), expected, "{milliseconds} ms");
        }
    }

    fn ms(value: u64) -> u64 {
        value * 1000
    }

    #[test]
    fn bimodal_p95_is_an_observed_value() {
        let mut times = ResponseTimes::new();
        for _ in 0..96 {
            times.record(ms(5));
        }
        for _ in 0..6 {
            times.record(ms(1500));
        }

        assert_eq!(times.percentile_us(0.95), Some(ms(1500)));
        assert_eq!(times.percentile_us(0.50), Some(ms(5)));
        assert_eq!(times.percentile_us(0.90), Some(ms(5)));
        assert_eq!(times.percentile_us(1.0), Some(ms(1500)));
    }

    #[test]
    fn percentiles_are_monotonic_and_capped_by_max() {
        let mut times = ResponseTimes::new();
        let mut value: u64 = 7;
        for _ in 0..10_000 {
            value = value
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            times.record(200 + (value >> 40) % 2_000_000);
        }
        let max = times.max_us().unwrap();
        let mut previous = 0;
        for quantile in [
            0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0,
        ] {
            let current = times.percentile_us(quantile).unwrap();
            assert!(current >= previous, "p{quantile} {current} < {previous}");
            assert!(current <= max, "p{quantile} {current} > max {max}");
            previous = current;
        }
        assert_eq!(previous, max);
    }

    #[test]
    fn microsecond_values_stay_distinct() {
        let mut fast = ResponseTimes::new();
        let mut slow = ResponseTimes::new();
        fast.record(2200);
        slow.record(2500);
        fast.record(1_400_000);
        slow.record(1_000_000);

        assert_eq!(fast.percentile_us(0.5), Some(2200));
        assert_eq!(slow.percentile_us(0.5), Some(2500));
        assert_eq!(fast.max_us(), Some(1_400_000));
        assert_eq!(slow.max_us(), Some(1_000_000));
    }

    #[test]
    fn merge_equals_single_recorder() {
        let mut whole = ResponseTimes::new();
        let mut left = ResponseTimes::new();
        let mut right = ResponseTimes::new();
        for value in 1..=1000u64 {
            whole.record(value * 37);
            if value % 2 == 0 {
                left.record(value * 37);
            } else {
                right.record(value * 37);
            }
        }
        left.merge(&right);

        assert_eq!(left.count(), whole.count());
        assert_eq!(left.min_us(), whole.min_us());
        assert_eq!(left.max_us(), whole.max_us());
        assert_eq!(left.mean_us(), whole.mean_us());
        for quantile in [0.5, 0.95, 0.99] {
            assert_eq!(left.percentile_us(quantile), whole.percentile_us(quantile));
        }
    }

    #[test]
    fn empty_has_no_percentile() {
        let times = ResponseTimes::new();
        assert_eq!(times.percentile_us(0.5), None);
        assert_eq!(times.min_us(), None);
    }
}
