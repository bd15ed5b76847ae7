//! `/api/users/` and `/api/users/{id}/`: the users of the caller's organization.
//!
//! Approvers create, change and delete any user of their organization. Other users may change
//! or delete only themselves, and never `is_approver` or `is_active`.

use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, MethodRouter};
use serde_json::{json, Value};

use super::fields::{is_valid_email, optional_bool, optional_string, parse_bool};
use super::options::{self, FieldMeta};
use super::tweets::parse_id;
use super::update::route_put_and_patch;
use super::{field_error, query, ApiError, ApiResponse, FieldErrors, Fields, Resource};
use crate::auth::caller::email_without_domain;
use crate::auth::{password, Caller, User};
use crate::db::time;
use crate::state::AppState;

pub static LIST: Resource = Resource {
    name: "User List",
    description: "",
    allow: "GET, POST, HEAD, OPTIONS",
    requires_auth: true,
};

pub static DETAIL: Resource = Resource {
    name: "User Instance",
    description: "",
    allow: "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
    requires_auth: true,
};

const MAX_EMAIL: usize = 254;

pub fn list_handlers() -> MethodRouter<AppState> {
    get(list).post(create).options(list_options)
}

pub fn detail_handlers() -> MethodRouter<AppState> {
    route_put_and_patch(get(retrieve), update)
        .delete(destroy)
        .options(detail_options)
}

fn to_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "email_without_domain": email_without_domain(&user.email),
        "organization": user.organization_id,
        "is_approver": user.is_approver,
        "is_active": user.is_active,
    })
}

/// The users visible to a caller: their organization's, or for a user without an organization
/// only themselves. `?1` is the organization, `?2` the caller.
const SCOPE: &str = "(u.organization_id = ?1 OR (?1 IS NULL AND u.id = ?2))";
const SELECT: &str = "SELECT u.id, u.email, u.is_admin, u.is_approver, u.is_active, \
     u.organization_id FROM users u";

async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<ApiResponse, ApiError> {
    let raw_query = raw_query.as_deref();
    // django-filter ignores a boolean filter it cannot parse, and so does this.
    let is_approver =
        query::param(raw_query, "is_approver").and_then(|text| parse_bool(&Value::String(text)));
    let token = query::param(raw_query, "token").filter(|token| !token.is_empty());

    let sql = format!(
        "{SELECT} WHERE {SCOPE} AND (?3 IS NULL OR u.is_approver = ?3) \
         AND (?4 IS NULL OR u.id = (SELECT user_id FROM tokens WHERE key = ?4)) ORDER BY u.id"
    );
    let users: Vec<User> = sqlx::query_as(&sql)
        .bind(caller.organization_id)
        .bind(caller.id)
        .bind(is_approver)
        .bind(token)
        .fetch_all(&state.db.reader)
        .await?;
    Ok(ApiResponse::ok(users.iter().map(to_json).collect()))
}

async fn fetch<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    caller: &User,
    id: i64,
) -> Result<User, ApiError> {
    let sql = format!("{SELECT} WHERE {SCOPE} AND u.id = ?3");
    let user: Option<User> = sqlx::query_as(&sql)
        .bind(caller.organization_id)
        .bind(caller.id)
        .bind(id)
        .fetch_optional(executor)
        .await?;
    user.ok_or(ApiError::NotFound)
}

/// Validated user fields. `None` means absent.
#[derive(Debug, Default)]
struct UserInput {
    email: Option<String>,
    is_approver: Option<bool>,
    is_active: Option<bool>,
}

fn parse_input(fields: &Fields, partial: bool) -> Result<UserInput, ApiError> {
    let mut errors = FieldErrors::default();
    if !partial && !fields.contains("email") {
        errors.add("email", "This field is required.");
    }
    let email = optional_string(fields, "email", &mut errors).map(|text| text.trim().to_owned());
    if let Some(email) = &email {
        if email.chars().count() > MAX_EMAIL {
            errors.add(
                "email",
                format!("Ensure this field has no more than {MAX_EMAIL} characters."),
            );
        } else if !is_valid_email(email) {
            errors.add("email", "Enter a valid email address.");
        }
    }
    let input = UserInput {
        email,
        is_approver: optional_bool(fields, "is_approver", &mut errors),
        is_active: optional_bool(fields, "is_active", &mut errors),
    };
    errors.into_result()?;
    Ok(input)
}

/// Maps a unique constraint failure on the e-mail address to a validation error.
fn email_taken(error: sqlx::Error) -> ApiError {
    if let sqlx::Error::Database(database_error) = &error {
        if database_error.is_unique_violation() {
            return field_error("email", "user with this email already exists.");
        }
    }
    ApiError::Database(error)
}

/// Creates a user in the approver's organization. The user has no usable password until an
/// invitation or a password reset sets one.
async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    if !caller.is_approver {
        return Err(ApiError::PermissionDenied);
    }
    let Some(organization_id) = caller.organization_id else {
        return Err(ApiError::PermissionDenied);
    };
    let input = parse_input(&fields, false)?;
    let Some(email) = input.email else {
        unreachable!("a valid create has an email");
    };

    let is_approver = input.is_approver.unwrap_or(false);
    let is_active = input.is_active.unwrap_or(true);
    let result = sqlx::query(
        "INSERT INTO users (email, password_hash, is_admin, is_approver, is_active, \
         organization_id, created) VALUES (?, ?, 0, ?, ?, ?, ?)",
    )
    .bind(&email)
    .bind(password::UNUSABLE)
    .bind(is_approver)
    .bind(is_active)
    .bind(organization_id)
    .bind(time::now())
    .execute(&state.db.writer)
    .await
    .map_err(email_taken)?;

    let user = User {
        id: result.last_insert_rowid(),
        email,
        is_admin: false,
        is_approver,
        is_active,
        organization_id: Some(organization_id),
    };
    Ok(ApiResponse::created(to_json(&user)))
}

async fn retrieve(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let user = fetch(&state.db.reader, &caller, parse_id(&id)?).await?;
    Ok(ApiResponse::ok(to_json(&user)))
}

/// Rejects a change of another user by a non-approver.
fn check_may_change(caller: &User, target: &User) -> Result<(), ApiError> {
    if caller.is_approver || caller.id == target.id {
        Ok(())
    } else {
        Err(ApiError::PermissionDenied)
    }
}

async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    fields: Fields,
    partial: bool,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    let target = fetch(&state.db.reader, &caller, id).await?;
    check_may_change(&caller, &target)?;
    let input = parse_input(&fields, partial)?;
    let changes_flags = input
        .is_approver
        .is_some_and(|flag| flag != target.is_approver)
        || input.is_active.is_some_and(|flag| flag != target.is_active);
    if changes_flags && !caller.is_approver {
        return Err(ApiError::PermissionDenied);
    }

    sqlx::query(
        "UPDATE users SET email = COALESCE(?, email), is_approver = COALESCE(?, is_approver), \
         is_active = COALESCE(?, is_active) WHERE id = ?",
    )
    .bind(input.email)
    .bind(input.is_approver)
    .bind(input.is_active)
    .bind(id)
    .execute(&state.db.writer)
    .await
    .map_err(email_taken)?;
    state.tokens.clear();

    let user = fetch(&state.db.writer, &caller, id).await?;
    Ok(ApiResponse::ok(to_json(&user)))
}

async fn destroy(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    let target = fetch(&state.db.reader, &caller, id).await?;
    check_may_change(&caller, &target)?;

    sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(id)
        .execute(&state.db.writer)
        .await?;
    state.tokens.clear();
    Ok(ApiResponse::no_content())
}

fn field_metadata() -> Value {
    options::describe(&[
        FieldMeta::read_only("id", "integer", "ID"),
        FieldMeta::writable("email", "email", true, "Email address").max_length(MAX_EMAIL),
        FieldMeta::read_only("email_without_domain", "string", "Email without domain"),
        FieldMeta::read_only("organization", "field", "Organization"),
        FieldMeta::writable("is_approver", "boolean", false, "Is approver"),
        FieldMeta::writable("is_active", "boolean", false, "Active"),
    ])
}

async fn list_options(_caller: Caller) -> ApiResponse {
    options::response(&LIST, "POST", field_metadata())
}

async fn detail_options(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    fetch(&state.db.reader, &caller, parse_id(&id)?).await?;
    Ok(options::response(&DETAIL, "PUT", field_metadata()))
}
