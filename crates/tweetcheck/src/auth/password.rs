//! Argon2id password hashing, run on the blocking thread pool because one hash takes
//! milliseconds of CPU and 19 MiB of memory.
//!
//! Every hash and verification goes through one process-wide [`PasswordPool`], which runs as
//! many at once as there are CPUs and rejects work beyond a bounded queue. Without it a ramp of
//! logins starts one Argon2 computation per request on up to 512 blocking threads: every
//! login then takes seconds and memory grows by 19 MiB per login in flight.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

/// Errors from hashing or verifying a password.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("failed to hash a password: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("the password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The queue of the [`PasswordPool`] is full. The client should retry later.
    #[error("too many password checks are waiting ({0} queued)")]
    Overloaded(usize),
}

/// The stored hash of a user without a usable password. It is no PHC string, so nothing
/// verifies against it.
pub const UNUSABLE: &str = "!";

/// The number of password checks that may wait for a CPU, per CPU, before new ones are
/// rejected. A verification with the default parameters took about 20 ms of CPU in a release
/// build (server CPU time over 250 logins on a 2-core x86-64 VM), so a full queue drains in
/// about 2.5 seconds.
const QUEUED_PER_CPU: usize = 128;

static SHARED: OnceLock<PasswordPool> = OnceLock::new();

/// Runs Argon2 work on the blocking thread pool, at most `concurrency` computations at once.
/// Work waiting for a turn counts against `max_queued`, and work beyond it fails with
/// [`HashError::Overloaded`] at once, so that memory stays bounded whatever the request rate.
#[derive(Clone, Debug)]
pub struct PasswordPool {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    max_queued: usize,
    memory: WorkingMemory,
}

/// Argon2 working memory (19 MiB with the default parameters) kept between verifications, so
/// that the pool keeps at most one per running computation instead of allocating one per login.
#[derive(Clone, Debug, Default)]
struct WorkingMemory(Arc<Mutex<Vec<Vec<Block>>>>);

impl WorkingMemory {
    /// Runs `work` with a free set of blocks, or a new empty one, and keeps it afterwards.
    fn with<T>(&self, work: impl FnOnce(&mut Vec<Block>) -> T) -> T {
        let free = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut blocks = free().pop().unwrap_or_default();
        let result = work(&mut blocks);
        free().push(blocks);
        result
    }
}

impl PasswordPool {
    /// Creates a pool that runs `concurrency` computations at once and lets `max_queued` more
    /// wait.
    pub fn new(concurrency: NonZeroUsize, max_queued: usize) -> PasswordPool {
        PasswordPool {
            running: Arc::new(Semaphore::new(concurrency.get())),
            admitted: Arc::new(Semaphore::new(concurrency.get() + max_queued)),
            max_queued,
            memory: WorkingMemory::default(),
        }
    }

    /// Returns the pool that [`hash`] and [`verify`] use: by default one computation per CPU,
    /// because every server in the process shares the CPUs.
    pub fn shared() -> &'static PasswordPool {
        SHARED.get_or_init(|| {
            let cpus = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
            PasswordPool::new(cpus, cpus.get() * QUEUED_PER_CPU)
        })
    }

    /// Replaces the default [shared pool](PasswordPool::shared) with `pool`, for programs and
    /// tests that need other limits. Returns `pool` back if the shared pool is already in use.
    pub fn set_shared(pool: PasswordPool) -> Result<(), PasswordPool> {
        SHARED.set(pool)
    }

    /// Runs `work` on the blocking thread pool once a computation slot is free.
    async fn run<T, F>(&self, work: F) -> Result<T, HashError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| HashError::Overloaded(self.max_queued))?;
        let running = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        // The permits move into the blocking task: if the client disconnects and the request
        // is dropped, the computation still runs to its end and keeps its slot until then.
        let result = tokio::task::spawn_blocking(move || {
            let _permits = (admitted, running);
            work()
        })
        .await?;
        Ok(result)
    }

    /// Hashes `password` with Argon2id and a random salt into a PHC string.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_blocking(&password))
            .await?
            .map_err(HashError::Hash)
    }

    /// Checks `password` against the PHC string `stored`. Without a stored hash (an unknown
    /// user) it verifies against a dummy hash, so the response time does not reveal which
    /// e-mail addresses exist.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let memory = self.memory.clone();
        self.run(move || {
            memory.with(|blocks| match stored {
                Some(stored) => verify_blocking(&password, &stored, blocks),
                None => {
                    verify_blocking(&password, dummy_hash(), blocks);
                    false
                }
            })
        })
        .await
    }
}

/// Hashes `password` in the [shared pool](PasswordPool::shared).
pub async fn hash(password: String) -> Result<String, HashError> {
    PasswordPool::shared().hash(password).await
}

/// Verifies `password` against `stored` in the [shared pool](PasswordPool::shared).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    PasswordPool::shared().verify(password, stored).await
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt)?;
    Ok(hash.to_string())
}

fn verify_blocking(password: &str, stored: &str, blocks: &mut Vec<Block>) -> bool {
    // Users created by an approver or an invitation have no usable password until they set one.
    if stored == UNUSABLE {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash is not a valid PHC string");
        return false;
    };
    matches_hash(password.as_bytes(), &parsed, blocks).unwrap_or_else(|error| {
        tracing::error!(%error, "failed to verify a password against its stored hash");
        false
    })
}

/// Computes the hash of `password` with the algorithm, version, parameters and salt of `stored`
/// in `blocks`, growing them if the parameters need more, and compares it with `stored`'s.
/// This is what `PasswordVerifier::verify_password` does, without allocating the memory.
fn matches_hash(
    password: &[u8],
    stored: &PasswordHash,
    blocks: &mut Vec<Block>,
) -> Result<bool, argon2::password_hash::Error> {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return Err(argon2::password_hash::Error::PhcStringField);
    };
    let algorithm = Algorithm::try_from(stored.algorithm)?;
    let version = match stored.version {
        Some(number) => Version::try_from(number)?,
        None => Version::default(),
    };
    let params = Params::try_from(stored)?;
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes)?;

    let needed = params.block_count();
    if blocks.len() < needed {
        blocks.resize(needed, Block::new());
    }
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        &mut computed,
        &mut blocks[..needed],
    )?;
    // `Output` compares in constant time, so the comparison leaks nothing about the hash.
    Ok(Output::new(&computed)? == expected)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("no user has this password").expect("hashing a constant password succeeds")
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn verify_accepts_the_hashed_password() {
        let stored = hash("secret".to_owned()).await.unwrap();

        assert!(verify("secret".to_owned(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!verify("other".to_owned(), Some(stored)).await.unwrap());
    }

    #[test]
    fn verify_reads_parameters_from_the_stored_hash() {
        let params = Params::new(64, 1, 2, Some(16)).unwrap();
        let argon2 = Argon2::new(Algorithm::Argon2i, Version::V0x10, params);
        let salt = SaltString::generate(&mut OsRng);
        let stored = argon2.hash_password(b"secret", &salt).unwrap().to_string();
        let mut blocks = Vec::new();

        assert!(verify_blocking("secret", &stored, &mut blocks));
        assert!(!verify_blocking("other", &stored, &mut blocks));
        assert!(!verify_blocking(
            "secret",
            "$argon2id$v=19$m=64,t=1,p=1$bad",
            &mut blocks
        ));
    }

    #[tokio::test]
    async fn verify_rejects_unknown_user() {
        assert!(!verify("secret".to_owned(), None).await.unwrap());
    }

    #[tokio::test]
    async fn pool_runs_at_most_its_concurrency() {
        let pool = PasswordPool::new(NonZeroUsize::new(2).unwrap(), 10);
        let current = Arc::new(AtomicUsize::new(0));
        let highest = Arc::new(AtomicUsize::new(0));

        let jobs = (0..6).map(|_| {
            let (current, highest) = (Arc::clone(&current), Arc::clone(&highest));
            pool.run(move || {
                let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                highest.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(50));
                current.fetch_sub(1, Ordering::SeqCst);
            })
        });
        let results = futures::future::join_all(jobs).await;

        assert!(results.iter().all(Result::is_ok));
        assert_eq!(highest.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn full_pool_rejects_at_once() {
        let pool = PasswordPool::new(NonZeroUsize::MIN, 1);
        let (started, wait_started) = std::sync::mpsc::channel();
        let (release, wait_release) = std::sync::mpsc::channel::<()>();
        let running = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    started.send(()).unwrap();
                    wait_release.recv().unwrap();
                })
                .await
            }
        });
        tokio::task::spawn_blocking(move || wait_started.recv().unwrap())
            .await
            .unwrap();
        let queued = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(|| ()).await }
        });
        // Gives the queued job time to take its place in the queue.
        tokio::time::sleep(Duration::from_millis(50)).await;

        let rejected = pool.run(|| ()).await;
        release.send(()).unwrap();

        assert!(matches!(rejected, Err(HashError::Overloaded(1))));
        assert!(running.await.unwrap().is_ok());
        assert!(queued.await.unwrap().is_ok());
    }
}
