//! The SQLite database: connection pools, migrations and seed data.

pub mod actions;
pub mod direct;
pub mod outbox;
mod seed;
pub mod time;
pub mod tweets;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use seed::{seed, ADMIN_EMAIL, ADMIN_PASSWORD};

/// How long a connection waits for SQLite's write lock before it reports "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Rows a connection's worker thread may queue for the async task before it waits. With
/// sqlx's default of 50, a list of 1,000 tweets switched between the two threads 20 times per
/// request, and on one CPU about a quarter of the time went to those switches. The buffered
/// rows take no more memory than the collected result does.
const ROW_BUFFER_SIZE: usize = 4096;

/// WAL pages after which a commit also checkpoints, copying them into the database file and
/// syncing both files. With SQLite's default of 1,000 (4 MB), wrk posting tweets made the
/// writer stop for a checkpoint about every 150 POSTs (perf stat counted 419 fsync calls in
/// 5 s). The WAL file grows to about this size (40 MB) before SQLite starts it over.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// The database, split into a pool of readers and a pool holding the single writer connection.
///
/// SQLite allows one writer at a time. Funnelling every write through one pooled connection
/// makes writers queue in the pool (in order, without spinning) instead of racing for the lock
/// and failing with "database is locked". In WAL mode readers never block that writer.
#[derive(Clone, Debug)]
pub struct Db {
    pub reader: SqlitePool,
    pub writer: SqlitePool,
}

/// Errors from opening the database.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("invalid database URL {url:?}: {source}. Expected for example sqlite://tweetcheck.db")]
    InvalidUrl { url: String, source: sqlx::Error },
    #[error(
        "unsupported database URL {url:?}: only sqlite://PATH URLs are supported, \
         such as sqlite://tweetcheck.db"
    )]
    UnsupportedScheme { url: String },
    #[error("failed to open the database {url:?}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("failed to apply the migrations to {url:?}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

impl Db {
    /// Opens (and creates if missing) the SQLite database at `url`, then applies the
    /// migrations.
    pub async fn open(url: &str) -> Result<Db, OpenError> {
        // sqlx takes any text without the `sqlite:` prefix as a file name, so `postgres://...`
        // would fail later with "unable to open database file".
        if url.contains("://") && !url.starts_with("sqlite:") {
            return Err(OpenError::UnsupportedScheme {
                url: url.to_owned(),
            });
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| OpenError::InvalidUrl {
                url: url.to_owned(),
                source,
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .row_buffer_size(ROW_BUFFER_SIZE)
            .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string())
            .foreign_keys(true);

        let connect_error = |source| OpenError::Connect {
            url: url.to_owned(),
            source,
        };
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(connect_error)?;

        sqlx::migrate!("../../migrations")
            .run(&writer)
            .await
            .map_err(|source| OpenError::Migrate {
                url: url.to_owned(),
                source,
            })?;

        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
        let reader = SqlitePoolOptions::new()
            .max_connections(readers as u32)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await
            .map_err(connect_error)?;

        Ok(Db { reader, writer })
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}
