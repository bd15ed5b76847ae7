//! `POST /api-token-auth/`: exchanges an e-mail address and password for the user's token.

use axum::extract::State;
use axum::routing::{post, MethodRouter};
use serde_json::json;

use super::fields::required_string;
use super::{ApiError, ApiResponse, FieldErrors, Fields, Resource};
use crate::auth::{password, token};
use crate::state::AppState;

pub static RESOURCE: Resource = Resource {
    name: "Obtain Auth Token",
    description: "",
    allow: "POST, OPTIONS",
    requires_auth: false,
};

pub fn handlers() -> MethodRouter<AppState> {
    post(obtain_token)
}

const WRONG_CREDENTIALS: &str = "Unable to log in with provided credentials.";

async fn obtain_token(
    State(state): State<AppState>,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let username = required_string(&fields, "username", &mut errors);
    let password = required_string(&fields, "password", &mut errors);
    errors.into_result()?;
    let (Some(username), Some(password)) = (username, password) else {
        unreachable!("both fields are present when there are no errors");
    };

    let user: Option<(i64, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, is_active FROM users WHERE email = ?")
            .bind(&username)
            .fetch_optional(&state.db.reader)
            .await?;
    let (user_id, stored, is_active) = match user {
        Some((id, hash, active)) => (Some(id), Some(hash), active),
        None => (None, None, false),
    };

    let matches = password::verify(password, stored).await?;
    let Some(user_id) = user_id.filter(|_| matches && is_active) else {
        return Err(ApiError::NonField(WRONG_CREDENTIALS.to_owned()));
    };

    let key = token::get_or_create(&state.db.writer, user_id).await?;
    Ok(ApiResponse::ok(json!({ "token": key })))
}
