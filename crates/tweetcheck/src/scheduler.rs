//! The background task that posts scheduled tweets at their `eta`.
//!
//! Schedules live only in the database, so they survive a restart: on start the task posts
//! every tweet whose `eta` passed while the server was down.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::actions::{self, ActionKind, NewAction};
use crate::db::time;
use crate::db::tweets;
use crate::domain::{twitter_id, TweetStatus};
use crate::state::AppState;

/// The user that scheduled posts are recorded as, like the original's scheduler account.
const SCHEDULER_EMAIL: &str = "scheduler@tweetcheck.com";

/// The maximum sleep between two checks, a safety net in case a wake-up is missed.
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// How long to wait before retrying after a database error.
const RETRY_AFTER_ERROR: Duration = Duration::from_secs(1);

/// The SQL condition for "`eta` is at or before the bound time", which takes the time twice.
/// The text comparison lets the `(status, eta)` index narrow the rows. `julianday` then compares
/// the times as numbers, so a stored `eta` whose text sorts out of time order (a five-digit year
/// such as `+10000-01-01`, which `julianday` turns into NULL) is never due early.
const ETA_PASSED: &str = "eta <= ? AND julianday(eta) <= julianday(?)";

/// Spawns the scheduler. It stops when `stop` becomes `true`.
pub fn spawn(state: AppState, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let sleep = match run_due(&state).await {
                Ok(next_eta) => until(next_eta),
                Err(error) => {
                    tracing::error!(%error, "failed to post scheduled tweets, retrying");
                    RETRY_AFTER_ERROR
                }
            };

            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = state.schedule_changed.notified() => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    })
}

/// Returns the time left until `next_eta`, capped at [`MAX_SLEEP`].
fn until(next_eta: Option<DateTime<Utc>>) -> Duration {
    let Some(next_eta) = next_eta else {
        return MAX_SLEEP;
    };
    let wait = (next_eta - Utc::now()).to_std().unwrap_or(Duration::ZERO);
    wait.min(MAX_SLEEP)
}

/// Posts every scheduled tweet whose `eta` has passed, clears the passed `eta` of pending
/// tweets, and returns the next `eta` of a scheduled or pending tweet. One transaction.
async fn run_due(state: &AppState) -> sqlx::Result<Option<DateTime<Utc>>> {
    let now = time::now();
    let mut transaction = state.db.writer.begin().await?;

    let scheduler: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = ?")
        .bind(SCHEDULER_EMAIL)
        .fetch_optional(&mut *transaction)
        .await?;
    let scheduler_id = scheduler.map(|(id,)| id);

    let due: Vec<(i64,)> = sqlx::query_as(&format!(
        "SELECT id FROM tweets WHERE status = ? AND {ETA_PASSED} ORDER BY eta, id"
    ))
    .bind(TweetStatus::Scheduled.code())
    .bind(&now)
    .bind(&now)
    .fetch_all(&mut *transaction)
    .await?;
    for (id,) in &due {
        let Some(row) = tweets::get_any(&mut transaction, *id).await? else {
            continue;
        };
        let values = tweets::TweetValues {
            handle_id: row.handle_id,
            body: row.body,
            status: TweetStatus::Posted.code(),
            eta: row.eta,
            twitter_id: twitter_id::next(),
        };
        tweets::update(&mut transaction, *id, &values, scheduler_id, &now).await?;
        let action = NewAction {
            organization_id: row.organization_id,
            handle_id: row.handle_id,
            actor_id: scheduler_id,
            kind: ActionKind::Posted,
            tweet_id: *id,
            body: &values.body,
        };
        actions::record(&mut transaction, &action, &now).await?;
    }

    let cleared = sqlx::query(&format!(
        "UPDATE tweets SET eta = NULL WHERE status = ? AND {ETA_PASSED}"
    ))
    .bind(TweetStatus::Pending.code())
    .bind(&now)
    .bind(&now)
    .execute(&mut *transaction)
    .await?
    .rows_affected();

    // Without the `julianday` check, an `eta` that is not a valid time would be the minimum
    // whenever its text sorts first, and hide the real next `eta`.
    let (next,): (Option<String>,) = sqlx::query_as(
        "SELECT MIN(eta) FROM tweets WHERE status IN (?, ?) AND julianday(eta) IS NOT NULL",
    )
    .bind(TweetStatus::Scheduled.code())
    .bind(TweetStatus::Pending.code())
    .fetch_one(&mut *transaction)
    .await?;
    transaction.commit().await?;

    if !due.is_empty() {
        tracing::info!(count = due.len(), "posted scheduled tweets");
    }
    if cleared > 0 {
        tracing::info!(count = cleared, "cleared the passed eta of pending tweets");
    }
    let next = next.and_then(|text| DateTime::parse_from_rfc3339(&text).ok());
    Ok(next.map(|at| at.with_timezone(&Utc)))
}
