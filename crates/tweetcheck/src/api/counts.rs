//! `GET /api/counts/`: how many of the caller's tweets are pending and scheduled.

use axum::extract::State;
use axum::routing::{get, MethodRouter};
use serde_json::json;

use super::tweets::scope;
use super::{ApiError, ApiResponse, Resource};
use crate::auth::Caller;
use crate::domain::TweetStatus;
use crate::state::AppState;

pub static RESOURCE: Resource = Resource {
    name: "Count",
    description: "",
    allow: "GET, HEAD, OPTIONS",
    requires_auth: true,
};

pub fn handlers() -> MethodRouter<AppState> {
    get(counts)
}

async fn counts(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> Result<ApiResponse, ApiError> {
    let scope = scope(&user);
    let (pending, scheduled): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(t.status = ?3), 0), COALESCE(SUM(t.status = ?4), 0) \
         FROM tweets t JOIN handles h ON h.id = t.handle_id \
         WHERE (h.organization_id = ?1 OR (?1 IS NULL AND t.author_id = ?2))",
    )
    .bind(scope.organization_id)
    .bind(scope.user_id)
    .bind(TweetStatus::Pending.code())
    .bind(TweetStatus::Scheduled.code())
    .fetch_one(&state.db.reader)
    .await?;

    Ok(ApiResponse::ok(
        json!({ "pending": pending, "scheduled": scheduled }),
    ))
}
