//! Argon2id password hashing, run on the blocking thread pool because one hash takes
//! milliseconds of CPU.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Errors from hashing a password.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("failed to hash a password: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("the password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The stored hash of a user without a usable password. It is no PHC string, so nothing
/// verifies against it.
pub const UNUSABLE: &str = "!";

/// Hashes `password` with Argon2id and a random salt into a PHC string.
pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await?
        .map_err(HashError::Hash)
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt)?;
    Ok(hash.to_string())
}

/// Checks `password` against the PHC string `stored`. Without a stored hash (an unknown user)
/// it verifies against a dummy hash, so the response time does not reveal which e-mail
/// addresses exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    let matches = tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_blocking(&password, &stored),
        None => {
            verify_blocking(&password, dummy_hash());
            false
        }
    })
    .await?;
    Ok(matches)
}

fn verify_blocking(password: &str, stored: &str) -> bool {
    // Users created by an approver or an invitation have no usable password until they set one.
    if stored == UNUSABLE {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash is not a valid PHC string");
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("no user has this password").expect("hashing a constant password succeeds")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verify_accepts_the_hashed_password() {
        let stored = hash("secret".to_owned()).await.unwrap();

        assert!(verify("secret".to_owned(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!verify("other".to_owned(), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn verify_rejects_unknown_user() {
        assert!(!verify("secret".to_owned(), None).await.unwrap());
    }
}
