//! `/api/actions/` and `/api/actions/{id}/`: the read-only audit log, newest first, 10 per page.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::routing::{get, MethodRouter};
use serde_json::{json, Value};

use super::root::base_url;
use super::tweets::parse_id;
use super::{field_error, query, ApiError, ApiResponse, Resource};
use crate::auth::caller::email_without_domain;
use crate::auth::{Caller, User};
use crate::db::time;
use crate::state::AppState;

pub static LIST: Resource = Resource {
    name: "Action List",
    description: "",
    allow: "GET, HEAD, OPTIONS",
    requires_auth: true,
};

pub static DETAIL: Resource = Resource {
    name: "Action Instance",
    description: "",
    allow: "GET, HEAD, OPTIONS",
    requires_auth: true,
};

/// The number of actions per page.
pub const PAGE_SIZE: i64 = 10;

pub fn list_handlers() -> MethodRouter<AppState> {
    get(list)
}

pub fn detail_handlers() -> MethodRouter<AppState> {
    get(retrieve)
}

#[derive(Debug, sqlx::FromRow)]
struct ActionRow {
    id: i64,
    organization_id: Option<i64>,
    handle_id: Option<i64>,
    actor_email: Option<String>,
    action: String,
    tweet_id: Option<i64>,
    body: String,
    timestamp: String,
    total: i64,
}

fn to_json(row: &ActionRow) -> Value {
    json!({
        "id": row.id,
        "organization": row.organization_id,
        "handle": row.handle_id,
        "actor": row.actor_email.as_deref().map(email_without_domain),
        "action": row.action,
        "tweet": row.tweet_id,
        "body": row.body,
        "timestamp": time::display(&row.timestamp),
    })
}

/// The actions visible to a caller: their organization's, or for a user without an
/// organization only their own. `?1` is the organization, `?2` the user.
const SCOPE: &str = "(a.organization_id = ?1 OR (?1 IS NULL AND a.actor_id = ?2))";

const SELECT: &str = "SELECT a.id, a.organization_id, a.handle_id, u.email AS actor_email, \
     a.action, a.tweet_id, a.body, a.timestamp, COUNT(*) OVER () AS total \
     FROM actions a LEFT JOIN users u ON u.id = a.actor_id";

/// The requested page: a number from 1, or the last page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    Number(i64),
    Last,
}

fn parse_page(text: Option<&str>) -> Result<Page, ApiError> {
    match text {
        None => Ok(Page::Number(1)),
        Some("last") => Ok(Page::Last),
        Some(text) => match text.parse::<i64>() {
            Ok(number) if number >= 1 => Ok(Page::Number(number)),
            _ => Err(ApiError::InvalidPage),
        },
    }
}

async fn list(
    State(state): State<AppState>,
    Caller(user): Caller,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
) -> Result<ApiResponse, ApiError> {
    let raw_query = raw_query.as_deref();
    let page = parse_page(query::param(raw_query, "page").as_deref())?;
    let tweet = match query::param(raw_query, "tweet").as_deref() {
        None | Some("") => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            field_error(
                "tweet",
                "Select a valid choice. That choice is not one of the available choices.",
            )
        })?),
    };

    let rows = fetch_page(&state, &user, tweet, page).await?;
    let count = rows.first().map_or(0, |row| row.total);
    let last_page = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let number = match page {
        Page::Number(number) => number,
        Page::Last => last_page,
    };
    if number > last_page {
        return Err(ApiError::InvalidPage);
    }

    let link = |page_number: i64| {
        let value = (page_number > 1).then(|| page_number.to_string());
        let query = query::replace(raw_query, "page", value.as_deref());
        let base = base_url(&headers);
        if query.is_empty() {
            format!("{base}/api/actions/")
        } else {
            format!("{base}/api/actions/?{query}")
        }
    };
    let next = (number < last_page).then(|| link(number + 1));
    let previous = (number > 1).then(|| link(number - 1));
    Ok(ApiResponse::ok(json!({
        "count": count,
        "next": next,
        "previous": previous,
        "results": rows.iter().map(to_json).collect::<Vec<_>>(),
    })))
}

/// Fetches one page and the total count in one query. For the last page the offset is
/// computed from the count inside the same query.
async fn fetch_page(
    state: &AppState,
    user: &User,
    tweet: Option<i64>,
    page: Page,
) -> Result<Vec<ActionRow>, ApiError> {
    let filter = format!("WHERE {SCOPE} AND (?3 IS NULL OR a.tweet_id = ?3)");
    let offset = match page {
        Page::Number(number) => number
            .checked_sub(1)
            .and_then(|index| index.checked_mul(PAGE_SIZE))
            .ok_or(ApiError::InvalidPage)?
            .to_string(),
        Page::Last => format!(
            "(SELECT MAX((COUNT(*) - 1) / {PAGE_SIZE}, 0) * {PAGE_SIZE} FROM actions a {filter})"
        ),
    };
    let sql = format!("{SELECT} {filter} ORDER BY a.id DESC LIMIT {PAGE_SIZE} OFFSET {offset}");
    let rows = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .bind(user.id)
        .bind(tweet)
        .fetch_all(&state.db.reader)
        .await?;
    Ok(rows)
}

async fn retrieve(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    let sql = format!("{SELECT} WHERE {SCOPE} AND a.id = ?3");
    let row: Option<ActionRow> = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .bind(user.id)
        .bind(id)
        .fetch_optional(&state.db.reader)
        .await?;
    let row = row.ok_or(ApiError::NotFound)?;
    Ok(ApiResponse::ok(to_json(&row)))
}
