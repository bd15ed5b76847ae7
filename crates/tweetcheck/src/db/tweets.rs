//! Tweet rows and the queries that read and write them.

use sqlx::{SqliteConnection, SqliteExecutor};

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

const SELECT: &str = "SELECT t.id, t.handle_id, h.screen_name, h.organization_id, t.body, \
     t.status, t.eta, t.twitter_id, author.email AS author_email, t.created, \
     editor.email AS last_editor_email, t.last_modified \
     FROM tweets t \
     JOIN handles h ON h.id = t.handle_id \
     LEFT JOIN users author ON author.id = t.author_id \
     LEFT JOIN users editor ON editor.id = t.last_editor_id";

/// The tweets visible to a caller: those of their organization's handles, or for a user without
/// an organization only the tweets they wrote.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub organization_id: Option<i64>,
    pub user_id: i64,
}

const SCOPE: &str = "(h.organization_id = ?1 OR (?1 IS NULL AND t.author_id = ?2))";

/// Lists the tweets in `scope`, oldest first, optionally only those with `status`. One query.
pub async fn list<'e>(
    executor: impl SqliteExecutor<'e>,
    scope: Scope,
    status: Option<i64>,
) -> sqlx::Result<Vec<TweetRow>> {
    let sql = format!("{SELECT} WHERE {SCOPE} AND (?3 IS NULL OR t.status = ?3) ORDER BY t.id");
    sqlx::query_as(&sql)
        .bind(scope.organization_id)
        .bind(scope.user_id)
        .bind(status)
        .fetch_all(executor)
        .await
}

/// Fetches one tweet if it exists in `scope`.
pub async fn get<'e>(
    executor: impl SqliteExecutor<'e>,
    scope: Scope,
    id: i64,
) -> sqlx::Result<Option<TweetRow>> {
    let sql = format!("{SELECT} WHERE {SCOPE} AND t.id = ?3");
    sqlx::query_as(&sql)
        .bind(scope.organization_id)
        .bind(scope.user_id)
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Fetches one tweet whatever its organization, for the scheduler.
pub async fn get_any(connection: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<TweetRow>> {
    let sql = format!("{SELECT} WHERE t.id = ?1");
    sqlx::query_as(&sql)
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

/// Inserts a tweet written by `author_id` at `now` and returns its id.
pub async fn insert(
    connection: &mut SqliteConnection,
    values: &TweetValues,
    author_id: i64,
    now: &str,
) -> sqlx::Result<i64> {
    let result = sqlx::query(
        "INSERT INTO tweets (handle_id, body, status, eta, twitter_id, author_id, created, \
         last_editor_id, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(values.handle_id)
    .bind(&values.body)
    .bind(values.status)
    .bind(&values.eta)
    .bind(&values.twitter_id)
    .bind(author_id)
    .bind(now)
    .bind(author_id)
    .bind(now)
    .execute(connection)
    .await?;
    Ok(result.last_insert_rowid())
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
