//! Tweet rows and the queries that read and write them.

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqliteExecutor, SqlitePool};

use super::actions::ActionKind;
use super::direct::{self, DirectError, Statement};

/// A tweet joined with its handle's screen name and the e-mail addresses of its author and last
/// editor, which the API shows.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TweetRow {
    pub id: i64,
    pub handle_id: i64,
    pub screen_name: String,
    pub organization_id: i64,
    pub body: String,
    pub status: i64,
    pub eta: Option<String>,
    pub twitter_id: String,
    pub author_email: Option<String>,
    pub created: String,
    pub last_editor_email: Option<String>,
    pub last_modified: String,
}

/// The columns of [`TweetRow`], in its field order, and the joins they come from.
macro_rules! select_tweets {
    () => {
        "SELECT t.id, t.handle_id, h.screen_name, h.organization_id, t.body, \
         t.status, t.eta, t.twitter_id, author.email AS author_email, t.created, \
         editor.email AS last_editor_email, t.last_modified \
         FROM tweets t \
         JOIN handles h ON h.id = t.handle_id \
         LEFT JOIN users author ON author.id = t.author_id \
         LEFT JOIN users editor ON editor.id = t.last_editor_id"
    };
}

/// The condition for tweets in a [`Scope`], with the organization as `?1` and the user as `?2`.
macro_rules! in_scope {
    () => {
        "(h.organization_id = ?1 OR (?1 IS NULL AND t.author_id = ?2))"
    };
}

const LIST: &str = concat!(
    select_tweets!(),
    " WHERE ",
    in_scope!(),
    " AND (?3 IS NULL OR t.status = ?3) ORDER BY t.id"
);

/// The tweets visible to a caller: those of their organization's handles, or for a user without
/// an organization only the tweets they wrote.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub organization_id: Option<i64>,
    pub user_id: i64,
}

/// A tweet borrowed from a row of [`for_each_in_list`] or from a [`TweetRow`]: the same fields without
/// copying the text.
#[derive(Clone, Copy, Debug)]
pub struct TweetView<'r> {
    pub id: i64,
    pub handle_id: i64,
    pub screen_name: &'r str,
    pub organization_id: i64,
    pub body: &'r str,
    pub status: i64,
    pub eta: Option<&'r str>,
    pub twitter_id: &'r str,
    pub author_email: Option<&'r str>,
    pub created: &'r str,
    pub last_editor_email: Option<&'r str>,
    pub last_modified: &'r str,
}

impl<'r> TweetView<'r> {
    /// Reads a row of [`LIST`] by column index, borrowing its text.
    fn read(row: &direct::Row<'r>) -> Result<TweetView<'r>, DirectError> {
        Ok(TweetView {
            id: row.int(0)?,
            handle_id: row.int(1)?,
            screen_name: row.text(2)?,
            organization_id: row.int(3)?,
            body: row.text(4)?,
            status: row.int(5)?,
            eta: row.optional_text(6)?,
            twitter_id: row.text(7)?,
            author_email: row.optional_text(8)?,
            created: row.text(9)?,
            last_editor_email: row.optional_text(10)?,
            last_modified: row.text(11)?,
        })
    }
}

impl TweetRow {
    pub fn view(&self) -> TweetView<'_> {
        TweetView {
            id: self.id,
            handle_id: self.handle_id,
            screen_name: &self.screen_name,
            organization_id: self.organization_id,
            body: &self.body,
            status: self.status,
            eta: self.eta.as_deref(),
            twitter_id: &self.twitter_id,
            author_email: self.author_email.as_deref(),
            created: &self.created,
            last_editor_email: self.last_editor_email.as_deref(),
            last_modified: &self.last_modified,
        }
    }
}

/// Calls `visit` with each tweet in `scope`, oldest first, optionally only those with
/// `status`. One statement, stepped by [`direct::Statement`] so that no row is copied.
pub async fn for_each_in_list<E>(
    pool: &SqlitePool,
    scope: Scope,
    status: Option<i64>,
    mut visit: impl FnMut(TweetView<'_>) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<DirectError>,
{
    let mut connection = pool.acquire().await.map_err(DirectError::Lock)?;
    let mut lock = connection.lock_handle().await.map_err(DirectError::Lock)?;

    let mut statement = Statement::prepare(&mut lock, LIST)?;
    statement.bind_optional_i64(1, scope.organization_id)?;
    statement.bind_optional_i64(2, Some(scope.user_id))?;
    statement.bind_optional_i64(3, status)?;
    let mut stepped = 0;
    while let Some(row) = statement.next_row()? {
        visit(TweetView::read(&row)?)?;
        stepped += 1;
        if stepped == ROWS_BEFORE_BLOCK_IN_PLACE && may_block_in_place() {
            // A long list would hold this runtime thread for many milliseconds, and every
            // request queued on it would wait. Tokio moves those to another thread first.
            return tokio::task::block_in_place(|| {
                while let Some(row) = statement.next_row()? {
                    visit(TweetView::read(&row)?)?;
                }
                Ok(())
            });
        }
    }
    Ok(())
}

/// Rows of a list read on the async thread before the rest is read in `block_in_place`
/// (about 1.3 ms of CPU time): short lists do not pay for the hand-over.
const ROWS_BEFORE_BLOCK_IN_PLACE: usize = 2_000;

/// `block_in_place` needs tokio's multi-thread runtime; tests may run on a single thread.
fn may_block_in_place() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|handle| handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Fetches one tweet if it exists in `scope`.
pub async fn get<'e>(
    executor: impl SqliteExecutor<'e>,
    scope: Scope,
    id: i64,
) -> sqlx::Result<Option<TweetRow>> {
    const GET: &str = concat!(select_tweets!(), " WHERE ", in_scope!(), " AND t.id = ?3");
    sqlx::query_as(GET)
        .bind(scope.organization_id)
        .bind(scope.user_id)
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Fetches one tweet whatever its organization, for the scheduler.
pub async fn get_any(connection: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<TweetRow>> {
    const GET_ANY: &str = concat!(select_tweets!(), " WHERE t.id = ?1");
    sqlx::query_as(GET_ANY)
        .bind(id)
        .fetch_optional(connection)
        .await
}

/// The values a create or update writes.
#[derive(Clone, Debug)]
pub struct TweetValues {
    pub handle_id: i64,
    pub body: String,
    pub status: i64,
    pub eta: Option<String>,
    pub twitter_id: String,
}

/// A tweet that [`insert_with_action`] wrote.
#[derive(Clone, Debug)]
pub struct Inserted {
    pub id: i64,
    pub screen_name: String,
}

/// Inserts a tweet written by `author_id` at `now`, and its first audit log entry of `kind`,
/// in one transaction, if its handle belongs to `organization_id`. Returns `None`, having
/// written nothing, if not.
///
/// The transaction goes to SQLite as one batch of statements (BEGIN, both inserts, COMMIT):
/// one round trip to the writer connection's thread, where a handle lookup, a sqlx
/// transaction and two inserts took five.
pub async fn insert_with_action(
    writer: &SqlitePool,
    values: &TweetValues,
    author_id: i64,
    organization_id: Option<i64>,
    kind: ActionKind,
    now: &str,
) -> sqlx::Result<Option<Inserted>> {
    let mut connection = ClosedUnlessReleased::new(writer.acquire().await?);

    // `changes()` is the number of tweets that the first insert wrote, 0 or 1.
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "BEGIN IMMEDIATE; \
         INSERT INTO tweets (handle_id, body, status, eta, twitter_id, author_id, created, \
         last_editor_id, last_modified) \
         SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7 FROM handles \
         WHERE id = ?1 AND organization_id = ?8 \
         RETURNING id, (SELECT screen_name FROM handles WHERE handles.id = ?1); \
         INSERT INTO actions (organization_id, handle_id, actor_id, action, tweet_id, body, \
         timestamp) \
         SELECT ?8, ?1, ?6, ?9, last_insert_rowid(), ?2, ?7 WHERE changes() = 1; \
         COMMIT",
    )
    .bind(values.handle_id)
    .bind(&values.body)
    .bind(values.status)
    .bind(&values.eta)
    .bind(&values.twitter_id)
    .bind(author_id)
    .bind(now)
    .bind(organization_id)
    .bind(kind.as_str())
    // `fetch_all` runs every statement, where a stream dropped after the first row would
    // stop before COMMIT.
    .fetch_all(connection.as_mut())
    .await?;
    connection.release();

    Ok(rows
        .into_iter()
        .next()
        .map(|(id, screen_name)| Inserted { id, screen_name }))
}

/// A pooled connection that is closed, not returned to its pool, unless it is released.
///
/// A batch with its own BEGIN and COMMIT leaves its transaction open when a statement fails
/// or when the request is cancelled half-way (sqlx then stops the batch). Closing the
/// connection rolls that transaction back, where the next request would otherwise fail to
/// begin its own.
struct ClosedUnlessReleased {
    connection: PoolConnection<Sqlite>,
    released: bool,
}

impl ClosedUnlessReleased {
    fn new(connection: PoolConnection<Sqlite>) -> ClosedUnlessReleased {
        ClosedUnlessReleased {
            connection,
            released: false,
        }
    }

    fn as_mut(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }

    /// Returns the connection to its pool after its batch ran to the end.
    fn release(mut self) {
        self.released = true;
    }
}

impl Drop for ClosedUnlessReleased {
    fn drop(&mut self) {
        if !self.released {
            tracing::warn!("closing the writer connection after an unfinished transaction");
            self.connection.close_on_drop();
        }
    }
}

/// Overwrites a tweet's values, recording `editor_id` and `now` as its last change.
pub async fn update(
    connection: &mut SqliteConnection,
    id: i64,
    values: &TweetValues,
    editor_id: Option<i64>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tweets SET handle_id = ?, body = ?, status = ?, eta = ?, twitter_id = ?, \
         last_editor_id = COALESCE(?, last_editor_id), last_modified = ? WHERE id = ?",
    )
    .bind(values.handle_id)
    .bind(&values.body)
    .bind(values.status)
    .bind(&values.eta)
    .bind(&values.twitter_id)
    .bind(editor_id)
    .bind(now)
    .bind(id)
    .execute(connection)
    .await?;
    Ok(())
}

/// Deletes a tweet. Its actions stay in the audit log, without the tweet and its handle.
pub async fn delete(connection: &mut SqliteConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE actions SET handle_id = NULL WHERE tweet_id = ?")
        .bind(id)
        .execute(&mut *connection)
        .await?;
    sqlx::query("DELETE FROM tweets WHERE id = ?")
        .bind(id)
        .execute(connection)
        .await?;
    Ok(())
}

/// A handle as tweets refer to it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HandleRef {
    pub id: i64,
    pub screen_name: String,
    pub organization_id: i64,
}

/// Fetches a handle if it belongs to `organization_id`.
pub async fn handle_in_organization<'e>(
    executor: impl SqliteExecutor<'e>,
    id: i64,
    organization_id: Option<i64>,
) -> sqlx::Result<Option<HandleRef>> {
    sqlx::query_as(
        "SELECT id, screen_name, organization_id FROM handles WHERE id = ? AND organization_id = ?",
    )
    .bind(id)
    .bind(organization_id)
    .fetch_optional(executor)
    .await
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use super::*;

    /// A batch that begins a transaction, inserts a row and then fails.
    const FAILING_BATCH: &str =
        "BEGIN IMMEDIATE; INSERT INTO t VALUES (1); INSERT INTO missing VALUES (1); COMMIT";

    async fn single_connection_pool(dir: &tempfile::TempDir) -> SqlitePool {
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("batch.db"))
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    #[tokio::test]
    async fn failed_batch_closes_its_connection() {
        let dir = tempfile::tempdir().unwrap();
        let pool = single_connection_pool(&dir).await;

        let mut connection = ClosedUnlessReleased::new(pool.acquire().await.unwrap());
        let failed = sqlx::query(FAILING_BATCH)
            .execute(connection.as_mut())
            .await;
        drop(connection);

        assert!(failed.is_err());
        let mut next = pool.acquire().await.unwrap();
        let begin = sqlx::query("BEGIN IMMEDIATE").execute(&mut *next).await;
        assert!(begin.is_ok(), "{begin:?}");
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *next)
            .await
            .unwrap();
        assert_eq!(rows, 0);
    }

    /// Shows why the guard exists: a connection returned to its pool keeps the transaction.
    #[tokio::test]
    async fn failed_batch_without_guard_leaves_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let pool = single_connection_pool(&dir).await;

        let mut connection = pool.acquire().await.unwrap();
        let failed = sqlx::query(FAILING_BATCH).execute(&mut *connection).await;
        drop(connection);

        assert!(failed.is_err());
        let mut next = pool.acquire().await.unwrap();
        let begin = sqlx::query("BEGIN IMMEDIATE").execute(&mut *next).await;
        let message = begin.unwrap_err().to_string();
        assert!(message.contains("within a transaction"), "{message}");
    }
}
