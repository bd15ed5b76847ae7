//! `/api/handles/` and `/api/handles/{id}/`: the Twitter accounts of the caller's organization.

use axum::extract::{Path, State};
use axum::routing::{get, MethodRouter};
use serde_json::{json, Value};

use super::fields::{optional_nullable_integer, optional_text, required_string};
use super::options::{self, FieldMeta};
use super::tweets::parse_id;
use super::update::route_put_and_patch;
use super::{ApiError, ApiResponse, FieldErrors, Fields, Resource};
use crate::auth::{Caller, User};
use crate::state::AppState;

pub static LIST: Resource = Resource {
    name: "Handle List",
    description: "",
    allow: "GET, POST, HEAD, OPTIONS",
    requires_auth: true,
};

pub static DETAIL: Resource = Resource {
    name: "Handle Instance",
    description: "",
    allow: "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
    requires_auth: true,
};

/// The maximum length of the text fields.
pub const MAX_SCREEN_NAME: usize = 50;
const MAX_NAME: usize = 200;
const MAX_URL: usize = 400;

pub fn list_handlers() -> MethodRouter<AppState> {
    get(list).post(create).options(list_options)
}

pub fn detail_handlers() -> MethodRouter<AppState> {
    route_put_and_patch(get(retrieve), update)
        .delete(destroy)
        .options(detail_options)
}

#[derive(Debug, sqlx::FromRow)]
struct HandleRow {
    id: i64,
    screen_name: String,
    organization: String,
    user_id: Option<i64>,
    name: String,
    profile_image_url: String,
}

fn to_json(row: &HandleRow) -> Value {
    json!({
        "id": row.id,
        "screen_name": row.screen_name,
        "organization": row.organization,
        "name_with_organization": format!("{} (@{})", row.name, row.screen_name),
        "user_id": row.user_id,
        "name": row.name,
        "profile_image_url": row.profile_image_url,
    })
}

const SELECT: &str = "SELECT h.id, h.screen_name, o.name AS organization, h.user_id, h.name, \
     h.profile_image_url FROM handles h JOIN organizations o ON o.id = h.organization_id";

async fn list(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> Result<ApiResponse, ApiError> {
    let sql = format!("{SELECT} WHERE h.organization_id = ? ORDER BY h.id");
    let rows: Vec<HandleRow> = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .fetch_all(&state.db.reader)
        .await?;
    Ok(ApiResponse::ok(rows.iter().map(to_json).collect()))
}

async fn fetch(state: &AppState, user: &User, id: i64) -> Result<HandleRow, ApiError> {
    let sql = format!("{SELECT} WHERE h.organization_id = ? AND h.id = ?");
    let row: Option<HandleRow> = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .bind(id)
        .fetch_optional(&state.db.reader)
        .await?;
    row.ok_or(ApiError::NotFound)
}

/// The writable fields of a handle. `None` means absent.
#[derive(Debug, Default)]
struct HandleInput {
    screen_name: Option<String>,
    name: Option<String>,
    user_id: Option<Option<i64>>,
    profile_image_url: Option<String>,
}

fn parse_input(fields: &Fields, partial: bool) -> Result<HandleInput, ApiError> {
    let mut errors = FieldErrors::default();
    let screen_name = if partial {
        super::fields::optional_string(fields, "screen_name", &mut errors)
    } else {
        required_string(fields, "screen_name", &mut errors)
    };
    let screen_name = screen_name.map(|text| text.trim().to_owned());
    if screen_name
        .as_ref()
        .is_some_and(|text| text.chars().count() > MAX_SCREEN_NAME)
    {
        errors.add(
            "screen_name",
            format!("Ensure this field has no more than {MAX_SCREEN_NAME} characters."),
        );
    }
    let input = HandleInput {
        user_id: optional_nullable_integer(fields, "user_id", &mut errors),
        name: optional_text(fields, "name", MAX_NAME, &mut errors),
        profile_image_url: optional_text(fields, "profile_image_url", MAX_URL, &mut errors),
        screen_name,
    };
    errors.into_result()?;
    Ok(input)
}

/// Creates a handle in the caller's organization. The original required a Twitter sign-in for
/// this, so here the fields are taken as sent.
async fn create(
    State(state): State<AppState>,
    Caller(user): Caller,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let Some(organization_id) = user.organization_id else {
        return Err(ApiError::PermissionDenied);
    };
    let input = parse_input(&fields, false)?;

    insert(&state, &user, organization_id, &input).await
}

/// Inserts a handle into `organization_id` and returns the 201 response with it.
async fn insert(
    state: &AppState,
    user: &User,
    organization_id: i64,
    input: &HandleInput,
) -> Result<ApiResponse, ApiError> {
    let result = sqlx::query(
        "INSERT INTO handles (organization_id, screen_name, name, user_id, profile_image_url) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(organization_id)
    .bind(input.screen_name.as_deref().unwrap_or_default())
    .bind(input.name.as_deref().unwrap_or_default())
    .bind(input.user_id.flatten())
    .bind(input.profile_image_url.as_deref().unwrap_or_default())
    .execute(&state.db.writer)
    .await?;

    let row = fetch_written(state, user, result.last_insert_rowid()).await?;
    Ok(ApiResponse::created(to_json(&row)))
}

/// Creates a handle named `screen_name` in the caller's organization, as a Twitter sign-in did.
pub async fn create_signed_in(
    state: &AppState,
    user: &User,
    screen_name: String,
) -> Result<ApiResponse, ApiError> {
    let Some(organization_id) = user.organization_id else {
        return Err(ApiError::PermissionDenied);
    };
    let input = HandleInput {
        name: Some(screen_name.clone()),
        screen_name: Some(screen_name),
        ..HandleInput::default()
    };
    insert(state, user, organization_id, &input).await
}

/// Reads a handle back through the writer connection, which reads its own writes at once.
async fn fetch_written(state: &AppState, user: &User, id: i64) -> Result<HandleRow, ApiError> {
    let sql = format!("{SELECT} WHERE h.organization_id = ? AND h.id = ?");
    let row: Option<HandleRow> = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .bind(id)
        .fetch_optional(&state.db.writer)
        .await?;
    row.ok_or(ApiError::NotFound)
}

async fn retrieve(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let row = fetch(&state, &user, parse_id(&id)?).await?;
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
    fetch(&state, &user, id).await?;
    let input = parse_input(&fields, partial)?;

    // One statement, so the change is atomic. Absent fields keep their value.
    sqlx::query(
        "UPDATE handles SET screen_name = COALESCE(?, screen_name), name = COALESCE(?, name), \
         user_id = CASE WHEN ? THEN ? ELSE user_id END, \
         profile_image_url = COALESCE(?, profile_image_url) \
         WHERE id = ? AND organization_id = ?",
    )
    .bind(input.screen_name)
    .bind(input.name)
    .bind(input.user_id.is_some())
    .bind(input.user_id.flatten())
    .bind(input.profile_image_url)
    .bind(id)
    .bind(user.organization_id)
    .execute(&state.db.writer)
    .await?;

    let row = fetch_written(&state, &user, id).await?;
    Ok(ApiResponse::ok(to_json(&row)))
}

async fn destroy(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    let deleted = sqlx::query("DELETE FROM handles WHERE id = ? AND organization_id = ?")
        .bind(id)
        .bind(user.organization_id)
        .execute(&state.db.writer)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(ApiResponse::no_content())
}

fn field_metadata() -> Value {
    options::describe(&[
        FieldMeta::read_only("id", "integer", "ID"),
        FieldMeta::writable("screen_name", "string", true, "Screen name")
            .max_length(MAX_SCREEN_NAME),
        FieldMeta::read_only("organization", "string", "Organization"),
        FieldMeta::read_only("name_with_organization", "string", "Name with organization"),
        FieldMeta::writable("user_id", "integer", false, "User id"),
        FieldMeta::writable("name", "string", false, "Name").max_length(MAX_NAME),
        FieldMeta::writable("profile_image_url", "string", false, "Profile image url")
            .max_length(MAX_URL),
    ])
}

async fn list_options(_caller: Caller) -> ApiResponse {
    options::response(&LIST, "POST", field_metadata())
}

async fn detail_options(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    fetch(&state, &user, parse_id(&id)?).await?;
    Ok(options::response(&DETAIL, "PUT", field_metadata()))
}
