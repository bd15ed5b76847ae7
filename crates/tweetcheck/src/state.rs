//! The state shared by every request handler.

use crate::auth::TokenCache;
use crate::db::Db;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub tokens: TokenCache,
}
