//! The run-time limit on its own thread. Under overload, every task of the runtime waits in a
//! long queue behind the users: measured with 100,000 users spawned at once on one CPU, a
//! 30 s limit kept as a tokio timer fired 20 s late. A thread wakes on time whatever the
//! runtime's queue.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// A pending run-time limit; dropping it cancels the limit.
pub struct RunTimer {
    _cancel: mpsc::Sender<()>,
}

impl RunTimer {
    /// Calls `on_expiry` on a new thread `run_time` from now, unless the timer is dropped
    /// first.
    pub fn start(
        run_time: Duration,
        on_expiry: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<Self> {
        let (cancel, cancelled) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("swarm-run-time".into())
            .spawn(move || {
                // Nothing is ever sent: the receive ends early only when the sender is dropped.
                if let Err(RecvTimeoutError::Timeout) = cancelled.recv_timeout(run_time) {
                    on_expiry();
                }
            })?;
        Ok(Self { _cancel: cancel })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn expiry_runs_unless_dropped() {
        let expired = Arc::new(AtomicBool::new(false));
        let cancelled = Arc::new(AtomicBool::new(false));
        let flag = expired.clone();
        let _running = RunTimer::start(Duration::from_millis(50), move || {
            flag.store(true, Ordering::SeqCst);
        })
        .unwrap();
        let flag = cancelled.clone();
        let dropped = RunTimer::start(Duration::from_millis(50), move || {
            flag.store(true, Ordering::SeqCst);
        })
        .unwrap();
        drop(dropped);

        std::thread::sleep(Duration::from_millis(300));
        assert!(expired.load(Ordering::SeqCst));
        assert!(!cancelled.load(Ordering::SeqCst));
    }
}
