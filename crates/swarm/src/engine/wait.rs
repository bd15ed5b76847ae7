//! Wait times between tasks, with Locust's semantics.

use std::time::{Duration, Instant};

use rand::Rng;

use crate::scenario::WaitTime;

/// State of one task loop for the pacing kinds, which need the previous run's timing.
#[derive(Debug, Default)]
pub struct Pacer {
    last_run: Option<Instant>,
    last_wait: Duration,
}

impl Pacer {
    /// Returns how long to wait before the next task.
    ///
    /// `constant_pacing(t)` waits so that task starts are `t` apart (0 when the task took
    /// longer); `constant_throughput(n)` is `constant_pacing(1 / n)`.
    pub fn next_wait(&mut self, wait_time: WaitTime, now: Instant) -> Duration {
        match wait_time {
            WaitTime::Between(min, max) => {
                let seconds = if max > min {
                    rand::thread_rng().gen_range(min..max)
                } else {
                    min
                };
                Duration::from_secs_f64(seconds)
            }
            WaitTime::Constant(seconds) => Duration::from_secs_f64(seconds),
            WaitTime::ConstantPacing(period) => self.pace(Duration::from_secs_f64(period), now),
            WaitTime::ConstantThroughput(rate) => {
                self.pace(Duration::from_secs_f64(1.0 / rate), now)
            }
        }
    }

    fn pace(&mut self, period: Duration, now: Instant) -> Duration {
        let run_time = match self.last_run {
            Some(last_run) => now
                .saturating_duration_since(last_run)
                .saturating_sub(self.last_wait),
            None => Duration::ZERO,
        };
        let wait = period.saturating_sub(run_time);
        self.last_run = Some(now);
        self.last_wait = wait;
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_stays_in_range() {
        let mut pacer = Pacer::default();
        for _ in 0..100 {
            let wait = pacer.next_wait(WaitTime::Between(0.5, 1.5), Instant::now());
            assert!(wait >= Duration::from_millis(500) && wait < Duration::from_millis(1500));
        }
    }

    #[test]
    fn constant_pacing_subtracts_task_time() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        // The first task took 0 s: wait the whole period.
        assert_eq!(
            pacer.next_wait(WaitTime::ConstantPacing(2.0), start),
            Duration::from_secs(2)
        );
        // The next call comes after the 2 s wait plus a 0.5 s task.
        let later = start + Duration::from_millis(2500);
        assert_eq!(
            pacer.next_wait(WaitTime::ConstantPacing(2.0), later),
            Duration::from_millis(1500)
        );
        // A task slower than the period gets no wait.
        let much_later = later + Duration::from_millis(1500) + Duration::from_secs(5);
        assert_eq!(
            pacer.next_wait(WaitTime::ConstantPacing(2.0), much_later),
            Duration::ZERO
        );
    }

    #[test]
    fn constant_throughput_is_inverse_pacing() {
        let mut pacer = Pacer::default();
        let wait = pacer.next_wait(WaitTime::ConstantThroughput(4.0), Instant::now());
        assert_eq!(wait, Duration::from_millis(250));
    }
}
