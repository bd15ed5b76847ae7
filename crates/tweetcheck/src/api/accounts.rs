//! `/auth/*`: registering an organization, activating accounts and inviting users.
//!
//! These were plain Django views in the original, so their errors are `{"error": "..."}` or a
//! field map, and a successful registration returns an empty 200.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::routing::{get, post, MethodRouter};
use serde_json::json;
use sqlx::SqliteConnection;

use super::fields::{is_valid_email, required_string};
use super::root::base_url;
use super::{query, ApiError, ApiResponse, FieldErrors, Fields, Resource};
use crate::auth::{password, token, Caller, User};
use crate::db::{outbox, time};
use crate::state::AppState;

pub static REGISTER: Resource = Resource {
    name: "Register",
    description: "Creates an organization and its first user, an inactive approver.",
    allow: "POST, OPTIONS",
    requires_auth: false,
};

pub static ACTIVATE: Resource = Resource {
    name: "Activate",
    description: "Activates a registered account with the key from its e-mail.",
    allow: "GET, POST, HEAD, OPTIONS",
    requires_auth: false,
};

pub static INVITE: Resource = Resource {
    name: "Invite",
    description: "Invites a user into the approver's organization.",
    allow: "POST, OPTIONS",
    requires_auth: true,
};

pub static REINVITE: Resource = Resource {
    name: "Reinvite",
    description: "Sends an invited user a new invitation key.",
    allow: "POST, OPTIONS",
    requires_auth: true,
};

pub static ACTIVATE_INVITATION: Resource = Resource {
    name: "Activate Invitation",
    description: "Sets an invited user's password and activates the account.",
    allow: "POST, OPTIONS",
    requires_auth: false,
};

pub fn register_handlers() -> MethodRouter<AppState> {
    post(register)
}

pub fn activate_handlers() -> MethodRouter<AppState> {
    get(activate_from_query).post(activate_from_body)
}

pub fn invite_handlers() -> MethodRouter<AppState> {
    post(invite)
}

pub fn reinvite_handlers() -> MethodRouter<AppState> {
    post(reinvite)
}

pub fn activate_invitation_handlers() -> MethodRouter<AppState> {
    post(activate_invitation)
}

/// Builds the error for a broken business rule, in the shape the original's views used.
fn error(message: impl Into<String>) -> ApiError {
    ApiError::Custom {
        status: http::StatusCode::BAD_REQUEST,
        body: json!({ "error": message.into() }),
    }
}

fn account_exists(email: &str) -> ApiError {
    error(format!(
        "Email address {email} already has a TweetCheck account."
    ))
}

fn required_email(fields: &Fields, errors: &mut FieldErrors) -> Option<String> {
    let email = required_string(fields, "email", errors)?.trim().to_owned();
    if is_valid_email(&email) {
        Some(email)
    } else {
        errors.add("email", "Enter a valid email address.");
        None
    }
}

async fn email_taken(connection: &mut SqliteConnection, email: &str) -> sqlx::Result<bool> {
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = ?")
        .bind(email)
        .fetch_optional(connection)
        .await?;
    Ok(existing.is_some())
}

/// Generates an activation key, as random as an API token.
fn new_key() -> String {
    token::generate()
}

async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let email = required_email(&fields, &mut errors);
    let password = required_string(&fields, "password", &mut errors);
    let organization = required_string(&fields, "organization", &mut errors);
    errors.into_result()?;
    let (Some(email), Some(password), Some(organization)) = (email, password, organization) else {
        unreachable!("all fields are present when there are no errors");
    };
    let organization = organization.trim().to_owned();

    let hash = password::hash(password).await?;
    let key = new_key();
    let mut transaction = state.db.writer.begin().await?;
    if email_taken(&mut transaction, &email).await? {
        return Err(account_exists(&email));
    }
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM organizations WHERE name = ?")
        .bind(&organization)
        .fetch_optional(&mut *transaction)
        .await?;
    if existing.is_some() {
        return Err(error(format!(
            "Organization {organization} already exists."
        )));
    }
    let organization_id = sqlx::query("INSERT INTO organizations (name) VALUES (?)")
        .bind(&organization)
        .execute(&mut *transaction)
        .await?
        .last_insert_rowid();
    sqlx::query(
        "INSERT INTO users (email, password_hash, is_admin, is_approver, is_active, \
         organization_id, activation_key, created) VALUES (?, ?, 0, 1, 0, ?, ?, ?)",
    )
    .bind(&email)
    .bind(&hash)
    .bind(organization_id)
    .bind(&key)
    .bind(time::now())
    .execute(&mut *transaction)
    .await?;
    let link = format!("{}/auth/activate?key={key}", base_url(&headers));
    let body = format!("Welcome to TweetCheck. Activate your account: {link}");
    outbox::send(
        &mut transaction,
        &email,
        "Activate your TweetCheck account",
        &body,
    )
    .await?;
    transaction.commit().await?;

    Ok(ApiResponse::empty(http::StatusCode::OK))
}

async fn activate_from_query(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
) -> Result<ApiResponse, ApiError> {
    let key = query::param(raw_query.as_deref(), "key").unwrap_or_default();
    activate(&state, &key, None).await
}

async fn activate_from_body(
    State(state): State<AppState>,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let key = required_string(&fields, "key", &mut errors);
    errors.into_result()?;
    activate(&state, &key.unwrap_or_default(), None).await
}

/// Activates the account with activation `key`, setting `new_password` when given, and returns
/// the user's API token.
async fn activate(
    state: &AppState,
    key: &str,
    new_password: Option<String>,
) -> Result<ApiResponse, ApiError> {
    let hash = match new_password {
        Some(new_password) => Some(password::hash(new_password).await?),
        None => None,
    };

    let mut transaction = state.db.writer.begin().await?;
    let user: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE activation_key = ?")
        .bind(key)
        .fetch_optional(&mut *transaction)
        .await?;
    let Some((user_id,)) = user.filter(|_| !key.is_empty()) else {
        return Err(error("Invalid or used activation key."));
    };
    sqlx::query(
        "UPDATE users SET is_active = 1, activation_key = NULL, \
         password_hash = COALESCE(?, password_hash) WHERE id = ?",
    )
    .bind(hash)
    .bind(user_id)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    state.tokens.clear();

    let key = token::get_or_create(&state.db.writer, user_id).await?;
    Ok(ApiResponse::ok(json!({ "token": key })))
}

fn require_approver(caller: &User) -> Result<i64, ApiError> {
    match caller.organization_id {
        Some(organization_id) if caller.is_approver => Ok(organization_id),
        _ => Err(ApiError::PermissionDenied),
    }
}

async fn send_invitation(
    connection: &mut SqliteConnection,
    headers: &HeaderMap,
    email: &str,
    key: &str,
) -> sqlx::Result<()> {
    let link = format!("{}/auth/activate-invitation?key={key}", base_url(headers));
    let body =
        format!("You are invited to TweetCheck. POST your new password with this key to {link}");
    outbox::send(connection, email, "Your TweetCheck invitation", &body).await
}

async fn invite(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let organization_id = require_approver(&caller)?;
    let mut errors = FieldErrors::default();
    let email = required_email(&fields, &mut errors);
    errors.into_result()?;
    let Some(email) = email else {
        unreachable!("the email is present when there are no errors");
    };

    let key = new_key();
    let mut transaction = state.db.writer.begin().await?;
    if email_taken(&mut transaction, &email).await? {
        return Err(account_exists(&email));
    }
    let user_id = sqlx::query(
        "INSERT INTO users (email, password_hash, is_admin, is_approver, is_active, \
         organization_id, activation_key, created) VALUES (?, ?, 0, 0, 0, ?, ?, ?)",
    )
    .bind(&email)
    .bind(password::UNUSABLE)
    .bind(organization_id)
    .bind(&key)
    .bind(time::now())
    .execute(&mut *transaction)
    .await?
    .last_insert_rowid();
    send_invitation(&mut transaction, &headers, &email, &key).await?;
    transaction.commit().await?;

    Ok(ApiResponse::created(
        json!({ "id": user_id, "email": email }),
    ))
}

async fn reinvite(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let organization_id = require_approver(&caller)?;
    let mut errors = FieldErrors::default();
    let email = required_email(&fields, &mut errors);
    errors.into_result()?;
    let Some(email) = email else {
        unreachable!("the email is present when there are no errors");
    };

    let key = new_key();
    let mut transaction = state.db.writer.begin().await?;
    let updated = sqlx::query(
        "UPDATE users SET activation_key = ? \
         WHERE email = ? AND organization_id = ? AND is_active = 0",
    )
    .bind(&key)
    .bind(&email)
    .bind(organization_id)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(error(format!(
            "No pending invitation for {email} in your organization."
        )));
    }
    send_invitation(&mut transaction, &headers, &email, &key).await?;
    transaction.commit().await?;

    Ok(ApiResponse::ok(json!({ "email": email })))
}

async fn activate_invitation(
    State(state): State<AppState>,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let key = required_string(&fields, "key", &mut errors);
    let password = required_string(&fields, "password", &mut errors);
    errors.into_result()?;
    let (Some(key), Some(password)) = (key, password) else {
        unreachable!("both fields are present when there are no errors");
    };
    activate(&state, &key, Some(password)).await
}
