//! API tokens: 40 random hex characters, looked up by value on every request.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rand::RngCore;
use sqlx::SqlitePool;

use super::User;

/// Generates a new token: 20 random bytes as 40 lowercase hex characters.
pub fn generate() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Returns the user's token, creating it if the user has none yet.
pub async fn get_or_create(writer: &SqlitePool, user_id: i64) -> sqlx::Result<String> {
    sqlx::query("INSERT OR IGNORE INTO tokens (key, user_id, created) VALUES (?, ?, ?)")
        .bind(generate())
        .bind(user_id)
        .bind(crate::db::time::now())
        .execute(writer)
        .await?;
    let (key,): (String,) = sqlx::query_as("SELECT key FROM tokens WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(writer)
        .await?;
    Ok(key)
}

/// The users behind recently seen tokens, so that a request costs no database query to
/// authenticate.
///
/// Entries are never stale: every write that changes a user, a token or an organization calls
/// [`TokenCache::clear`] after its transaction commits, and a lookup that read the database
/// before such a clear does not store its (possibly old) result. Only this process writes the
/// database.
#[derive(Clone, Debug, Default)]
pub struct TokenCache {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Increases on every clear.
    generation: u64,
    users: HashMap<String, Arc<User>>,
}

/// The maximum number of cached tokens. The cache starts over when it is full, which bounds
/// memory against a client sending many distinct valid tokens.
const CAPACITY: usize = 10_000;

impl TokenCache {
    /// Returns the cached user for `token`, or the generation to pass to
    /// [`TokenCache::insert`] after reading the user from the database.
    pub fn get(&self, token: &str) -> Result<Arc<User>, u64> {
        let inner = self
            .inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.users.get(token).cloned().ok_or(inner.generation)
    }

    /// Caches `user` for `token` unless the cache was cleared since `generation` was read.
    pub fn insert(&self, token: &str, user: Arc<User>, generation: u64) {
        let mut inner = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if inner.generation != generation {
            return;
        }
        if inner.users.len() >= CAPACITY {
            inner.users.clear();
        }
        inner.users.insert(token.to_owned(), user);
    }

    /// Forgets every cached token. Call it after any change to users, tokens or
    /// organizations.
    pub fn clear(&self) {
        let mut inner = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.generation += 1;
        inner.users.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_returns_40_hex_characters() {
        let token = generate();

        assert_eq!(token.len(), 40);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(token, generate());
    }
}
