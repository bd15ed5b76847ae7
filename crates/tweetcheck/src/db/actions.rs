//! The audit log of what happened to tweets.

use sqlx::SqliteConnection;

/// The kind of an audit log entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Created,
    Posted,
    Rejected,
    Edited,
    Scheduled,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Created => "created",
            ActionKind::Posted => "posted",
            ActionKind::Rejected => "rejected",
            ActionKind::Edited => "edited",
            ActionKind::Scheduled => "scheduled",
        }
    }
}

/// One entry of the audit log, about tweet `tweet_id` with its body at that time.
#[derive(Clone, Debug)]
pub struct NewAction<'a> {
    pub organization_id: i64,
    pub handle_id: i64,
    pub actor_id: Option<i64>,
    pub kind: ActionKind,
    pub tweet_id: i64,
    pub body: &'a str,
}

/// Appends an entry to the audit log.
pub async fn record(
    connection: &mut SqliteConnection,
    action: &NewAction<'_>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO actions (organization_id, handle_id, actor_id, action, tweet_id, body, \
         timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(action.organization_id)
    .bind(action.handle_id)
    .bind(action.actor_id)
    .bind(action.kind.as_str())
    .bind(action.tweet_id)
    .bind(action.body)
    .bind(now)
    .execute(connection)
    .await?;
    Ok(())
}
