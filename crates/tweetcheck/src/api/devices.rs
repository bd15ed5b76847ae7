//! `/api/devices/` and `/api/devices/{id}/`: phones registered for push notifications, which
//! are never sent.

use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, MethodRouter};
use serde_json::{json, Value};

use super::fields::{optional_pk, optional_string};
use super::options::{self, FieldMeta};
use super::tweets::parse_id;
use super::update::route_put_and_patch;
use super::{query, ApiError, ApiResponse, FieldErrors, Fields, Resource};
use crate::auth::{Caller, User};
use crate::state::AppState;

pub static LIST: Resource = Resource {
    name: "Device List",
    description: "",
    allow: "GET, POST, HEAD, OPTIONS",
    requires_auth: true,
};

pub static DETAIL: Resource = Resource {
    name: "Device Instance",
    description: "",
    allow: "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
    requires_auth: true,
};

const MAX_TOKEN: usize = 64;

pub fn list_handlers() -> MethodRouter<AppState> {
    get(list).post(create).options(list_options)
}

pub fn detail_handlers() -> MethodRouter<AppState> {
    route_put_and_patch(get(retrieve), update)
        .delete(destroy)
        .options(detail_options)
}

#[derive(Debug, sqlx::FromRow)]
struct DeviceRow {
    token: String,
    user_id: i64,
}

fn to_json(row: &DeviceRow) -> Value {
    json!({ "token": row.token, "user": row.user_id })
}

/// The devices visible to a caller: those of their organization's users, or for a user without
/// an organization only their own. `?1` is the organization, `?2` the user.
const SCOPE: &str = "(u.organization_id = ?1 OR (?1 IS NULL AND d.user_id = ?2))";
const SELECT: &str = "SELECT d.token, d.user_id FROM devices d JOIN users u ON u.id = d.user_id";

async fn list(
    State(state): State<AppState>,
    Caller(user): Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<ApiResponse, ApiError> {
    let token = query::param(raw_query.as_deref(), "token").filter(|token| !token.is_empty());
    let sql = format!("{SELECT} WHERE {SCOPE} AND (?3 IS NULL OR d.token = ?3) ORDER BY d.id");
    let rows: Vec<DeviceRow> = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .bind(user.id)
        .bind(token)
        .fetch_all(&state.db.reader)
        .await?;
    Ok(ApiResponse::ok(rows.iter().map(to_json).collect()))
}

async fn fetch<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    user: &User,
    id: i64,
) -> Result<DeviceRow, ApiError> {
    let sql = format!("{SELECT} WHERE {SCOPE} AND d.id = ?3");
    let row: Option<DeviceRow> = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .bind(user.id)
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.ok_or(ApiError::NotFound)
}

/// Validated device fields. `None` means absent.
#[derive(Debug, Default)]
struct DeviceInput {
    token: Option<String>,
    user_id: Option<i64>,
}

async fn parse_input(
    state: &AppState,
    caller: &User,
    fields: &Fields,
    partial: bool,
) -> Result<DeviceInput, ApiError> {
    let mut errors = FieldErrors::default();
    if !partial {
        for name in ["token", "user"] {
            if !fields.contains(name) {
                errors.add(name, "This field is required.");
            }
        }
    }

    let token = optional_string(fields, "token", &mut errors).map(|text| text.trim().to_owned());
    if token
        .as_ref()
        .is_some_and(|text| text.chars().count() > MAX_TOKEN)
    {
        errors.add(
            "token",
            format!("Ensure this field has no more than {MAX_TOKEN} characters."),
        );
    }

    let user_id = optional_pk(fields, "user", &mut errors);
    if let Some(id) = user_id {
        let visible: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM users WHERE id = ?1 AND (organization_id = ?2 OR (?2 IS NULL AND id = ?3))",
        )
        .bind(id)
        .bind(caller.organization_id)
        .bind(caller.id)
        .fetch_optional(&state.db.reader)
        .await?;
        if visible.is_none() {
            errors.add(
                "user",
                format!("Invalid pk \"{id}\" - object does not exist."),
            );
        }
    }

    errors.into_result()?;
    Ok(DeviceInput { token, user_id })
}

/// Maps a unique constraint failure on the token to the validation error a client can fix.
fn token_taken(error: sqlx::Error) -> ApiError {
    if let sqlx::Error::Database(database_error) = &error {
        if database_error.is_unique_violation() {
            return super::field_error("token", "device with this token already exists.");
        }
    }
    ApiError::Database(error)
}

async fn create(
    State(state): State<AppState>,
    Caller(user): Caller,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let input = parse_input(&state, &user, &fields, false).await?;
    let (Some(token), Some(user_id)) = (input.token, input.user_id) else {
        unreachable!("a valid create has a token and a user");
    };

    sqlx::query("INSERT INTO devices (token, user_id) VALUES (?, ?)")
        .bind(&token)
        .bind(user_id)
        .execute(&state.db.writer)
        .await
        .map_err(token_taken)?;

    Ok(ApiResponse::created(to_json(&DeviceRow { token, user_id })))
}

async fn retrieve(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let row = fetch(&state.db.reader, &user, parse_id(&id)?).await?;
    Ok(ApiResponse::ok(to_json(&row)))
}

async fn update(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
    fields: Fields,
    partial: bool,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    fetch(&state.db.reader, &user, id).await?;
    let input = parse_input(&state, &user, &fields, partial).await?;

    sqlx::query(
        "UPDATE devices SET token = COALESCE(?, token), user_id = COALESCE(?, user_id) WHERE id = ?",
    )
    .bind(input.token)
    .bind(input.user_id)
    .bind(id)
    .execute(&state.db.writer)
    .await
    .map_err(token_taken)?;

    let row = fetch(&state.db.writer, &user, id).await?;
    Ok(ApiResponse::ok(to_json(&row)))
}

async fn destroy(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    let mut transaction = state.db.writer.begin().await?;
    fetch(&mut *transaction, &user, id).await?;
    sqlx::query("DELETE FROM devices WHERE id = ?")
        .bind(id)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(ApiResponse::no_content())
}

/// Describes the writable fields for OPTIONS, with the caller's visible users as choices.
async fn field_metadata(state: &AppState, user: &User) -> Result<Value, ApiError> {
    let users: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, email FROM users WHERE organization_id = ?1 OR (?1 IS NULL AND id = ?2) ORDER BY id",
    )
    .bind(user.organization_id)
    .bind(user.id)
    .fetch_all(&state.db.reader)
    .await?;
    let choices = users
        .into_iter()
        .map(|(id, email)| json!({ "value": id.to_string(), "display_name": email }))
        .collect();
    Ok(options::describe(&[
        FieldMeta::writable("token", "string", true, "Token").max_length(MAX_TOKEN),
        FieldMeta::writable("user", "field", true, "User").choices(choices),
    ]))
}

async fn list_options(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> Result<ApiResponse, ApiError> {
    let fields = field_metadata(&state, &user).await?;
    Ok(options::response(&LIST, "POST", fields))
}

async fn detail_options(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    fetch(&state.db.reader, &user, parse_id(&id)?).await?;
    let fields = field_metadata(&state, &user).await?;
    Ok(options::response(&DETAIL, "PUT", fields))
}
