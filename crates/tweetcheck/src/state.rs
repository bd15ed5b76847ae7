//! The state shared by every request handler.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::auth::TokenCache;
use crate::db::Db;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub tokens: TokenCache,
    /// Wakes the scheduler after a tweet was scheduled, rescheduled or unscheduled.
    pub schedule_changed: Arc<Notify>,
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            tokens: TokenCache::default(),
            schedule_changed: Arc::new(Notify::new()),
        }
    }
}
