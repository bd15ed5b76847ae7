//! `/api/tweets/` and `/api/tweets/{id}/`: listing, creating, changing and deleting tweets.

use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, MethodRouter};
use http::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};

use super::fields::{optional_pk, optional_string};
use super::options::{self, FieldMeta};
use super::update::route_put_and_patch;
use super::{field_error, ApiError, ApiResponse, FieldErrors, Fields, Resource};
use crate::auth::caller::email_without_domain;
use crate::auth::{Caller, User};
use crate::db::actions::{self, ActionKind, NewAction};
use crate::db::time::{self, ApiDatetime};
use crate::db::tweets::{self, HandleRef, Scope, TweetRow, TweetValues, TweetView};
use crate::domain::{eta, tweet_body, twitter_id, TweetStatus};
use crate::state::AppState;

pub static LIST: Resource = Resource {
    name: "Tweet List",
    description: "",
    allow: "GET, POST, HEAD, OPTIONS",
    requires_auth: true,
};

pub static DETAIL: Resource = Resource {
    name: "Tweet Instance",
    description: "",
    allow: "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
    requires_auth: true,
};

pub fn list_handlers() -> MethodRouter<AppState> {
    get(list).post(create).options(list_options)
}

pub fn detail_handlers() -> MethodRouter<AppState> {
    route_put_and_patch(get(retrieve), update)
        .delete(destroy)
        .options(detail_options)
}

pub fn scope(user: &User) -> Scope {
    Scope {
        organization_id: user.organization_id,
        user_id: user.id,
    }
}

/// A tweet as the API shows it, with the fields in the API's order.
#[derive(Serialize)]
struct TweetJson<'r> {
    id: i64,
    handle: i64,
    screen_name: &'r str,
    body: &'r str,
    status: i64,
    eta: Option<ApiDatetime<'r>>,
    twitter_id: &'r str,
    author: Option<&'r str>,
    created: ApiDatetime<'r>,
    last_editor: Option<&'r str>,
    last_modified: ApiDatetime<'r>,
}

impl<'r> From<TweetView<'r>> for TweetJson<'r> {
    fn from(tweet: TweetView<'r>) -> TweetJson<'r> {
        TweetJson {
            id: tweet.id,
            handle: tweet.handle_id,
            screen_name: tweet.screen_name,
            body: tweet.body,
            status: tweet.status,
            eta: tweet.eta.map(ApiDatetime),
            twitter_id: tweet.twitter_id,
            author: tweet.author_email.map(email_without_domain),
            created: ApiDatetime(tweet.created),
            last_editor: tweet.last_editor_email.map(email_without_domain),
            last_modified: ApiDatetime(tweet.last_modified),
        }
    }
}

/// Appends the API's representation of `tweet` to `out`.
fn write_json(out: &mut Vec<u8>, tweet: TweetView<'_>) -> Result<(), ApiError> {
    serde_json::to_writer(out, &TweetJson::from(tweet)).map_err(|error| {
        ApiError::Internal(anyhow::Error::new(error).context("failed to write a tweet"))
    })
}

/// Builds the response for one tweet.
fn tweet_response(status: StatusCode, row: &TweetRow) -> Result<ApiResponse, ApiError> {
    let mut out = Vec::with_capacity(512);
    write_json(&mut out, row.view())?;
    Ok(ApiResponse::serialized(status, out))
}

/// The bytes first reserved for a list response, enough for 16 tweets with short bodies.
/// Longer lists grow the buffer by doubling.
const LIST_CAPACITY: usize = 16 * 384;

async fn list(
    State(state): State<AppState>,
    Caller(user): Caller,
    RawQuery(query): RawQuery,
) -> Result<ApiResponse, ApiError> {
    let status = status_filter(query.as_deref())?;

    let mut out = Vec::with_capacity(LIST_CAPACITY);
    out.push(b'[');
    tweets::for_each_in_list(&state.db.reader, scope(&user), status, |tweet| {
        if out.len() > 1 {
            out.push(b',');
        }
        write_json(&mut out, tweet)
    })
    .await?;
    out.push(b']');

    Ok(ApiResponse::serialized(StatusCode::OK, out))
}

/// Parses the `?status=` filter. An empty value means no filter, as in django-filter.
fn status_filter(query: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(query) = query else {
        return Ok(None);
    };
    let value = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == "status")
        .map(|(_, value)| value.into_owned())
        .last();
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(text) => match TweetStatus::parse_text(text) {
            Some(status) => Ok(Some(status.code())),
            None => Err(field_error(
                "status",
                format!("Select a valid choice. {text} is not one of the available choices."),
            )),
        },
    }
}

/// The fields of a create or update request, after validation. `None` means absent.
#[derive(Debug, Default)]
struct TweetInput {
    handle: Option<HandleRef>,
    body: Option<String>,
    status: Option<TweetStatus>,
    /// `Some(None)` clears the eta.
    eta: Option<Option<String>>,
}

/// Rejects a non-approver's request that sets any status other than pending.
fn check_status_permission(user: &User, fields: &Fields) -> Result<(), ApiError> {
    let Some(value) = fields.get("status") else {
        return Ok(());
    };
    let pending = TweetStatus::parse_value(value) == Ok(TweetStatus::Pending);
    if user.is_approver || pending {
        Ok(())
    } else {
        Err(ApiError::PermissionDenied)
    }
}

/// Validates the writable fields. With `partial` (PATCH) every field is optional, otherwise
/// `handle` and `body` are required.
async fn parse_input(
    state: &AppState,
    user: &User,
    fields: &Fields,
    partial: bool,
) -> Result<TweetInput, ApiError> {
    let mut errors = FieldErrors::default();
    let mut input = TweetInput::default();

    check_required(fields, partial, &mut errors);

    if let Some(id) = optional_pk(fields, "handle", &mut errors) {
        let handle =
            tweets::handle_in_organization(&state.db.reader, id, user.organization_id).await?;
        match handle {
            Some(handle) => input.handle = Some(handle),
            None => errors.add("handle", handle_not_found(id)),
        }
    }

    parse_other_fields(fields, &mut input, &mut errors);
    errors.into_result()?;
    Ok(input)
}

/// Validates a create's fields as [`parse_input`] does but without looking the handle up.
/// Returns the handle's id and the other fields, or `None` when any field is invalid.
fn parse_without_lookup(fields: &Fields) -> Option<(i64, TweetInput)> {
    let mut errors = FieldErrors::default();
    let mut input = TweetInput::default();

    check_required(fields, false, &mut errors);
    let handle_id = optional_pk(fields, "handle", &mut errors);
    parse_other_fields(fields, &mut input, &mut errors);

    if errors.is_empty() {
        Some((handle_id?, input))
    } else {
        None
    }
}

fn check_required(fields: &Fields, partial: bool, errors: &mut FieldErrors) {
    if partial {
        return;
    }
    for name in ["handle", "body"] {
        if !fields.contains(name) {
            errors.add(name, "This field is required.");
        }
    }
}

fn handle_not_found(id: i64) -> String {
    format!("Invalid pk \"{id}\" - object does not exist.")
}

/// Validates `body`, `status` and `eta`, the fields that need no query.
fn parse_other_fields(fields: &Fields, input: &mut TweetInput, errors: &mut FieldErrors) {
    if let Some(body) = optional_string(fields, "body", errors) {
        // Django REST Framework trims surrounding whitespace from text fields.
        let body = body.trim().to_owned();
        let messages = tweet_body::validate(&body);
        if messages.is_empty() {
            input.body = Some(body);
        }
        for message in messages {
            errors.add("body", message);
        }
    }

    match fields.get("status") {
        None => {}
        // Django REST Framework's message for any non-nullable field.
        Some(Value::Null) => errors.add("status", "This field may not be null."),
        Some(value) => match TweetStatus::parse_value(value) {
            Ok(status) => input.status = Some(status),
            Err(text) => errors.add("status", format!("\"{text}\" is not a valid choice.")),
        },
    }

    match fields.get("eta") {
        None => {}
        Some(Value::Null) => input.eta = Some(None),
        Some(Value::String(text)) if text.trim().is_empty() => input.eta = Some(None),
        Some(Value::String(text)) => match eta::parse(text) {
            Ok(at) => input.eta = Some(Some(time::format(at))),
            Err(error) => errors.add("eta", error.message()),
        },
        Some(_) => errors.add("eta", eta::FORMAT_ERROR),
    }
}

/// Rejects a scheduled tweet without an `eta`, the time it is posted at.
fn check_schedule(values: &TweetValues) -> Result<(), ApiError> {
    if values.status == TweetStatus::Scheduled.code() && values.eta.is_none() {
        return Err(field_error("eta", "A scheduled tweet needs an eta."));
    }
    Ok(())
}

/// Returns the action that a change to `status` records, if that status has its own action.
fn status_action(status: TweetStatus) -> Option<ActionKind> {
    match status {
        TweetStatus::Pending => None,
        TweetStatus::Posted => Some(ActionKind::Posted),
        TweetStatus::Rejected => Some(ActionKind::Rejected),
        TweetStatus::Scheduled => Some(ActionKind::Scheduled),
    }
}

async fn create(
    State(state): State<AppState>,
    Caller(user): Caller,
    fields: Fields,
) -> Result<ApiResponse, ApiError> {
    check_status_permission(&user, &fields)?;
    // Valid input needs no query before the write, which checks the handle itself. Invalid
    // input is validated again with the handle looked up, so that its errors list every
    // field in the usual order.
    let fast = parse_without_lookup(&fields).and_then(|(handle_id, input)| {
        let (status, values) = new_tweet(handle_id, input)?;
        check_schedule(&values).is_ok().then_some((status, values))
    });
    let (status, values) = match fast {
        Some(parsed) => parsed,
        None => {
            let input = parse_input(&state, &user, &fields, false).await?;
            let handle_id = input.handle.as_ref().map(|handle| handle.id);
            let parsed = handle_id.and_then(|id| new_tweet(id, input));
            let Some((status, values)) = parsed else {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "a create passed validation without a handle or a body"
                )));
            };
            check_schedule(&values)?;
            (status, values)
        }
    };

    let now = time::now();
    let kind = status_action(status).unwrap_or(ActionKind::Created);
    let inserted = tweets::insert_with_action(
        &state.db.writer,
        &values,
        user.id,
        user.organization_id,
        kind,
        &now,
    )
    .await?;
    let Some(inserted) = inserted else {
        return Err(field_error("handle", handle_not_found(values.handle_id)));
    };

    if values.eta.is_some() {
        state.schedule_changed.notify_one();
    }
    let row = TweetRow {
        id: inserted.id,
        handle_id: values.handle_id,
        screen_name: inserted.screen_name,
        organization_id: user.organization_id.unwrap_or_default(),
        body: values.body,
        status: values.status,
        eta: values.eta,
        twitter_id: values.twitter_id,
        author_email: Some(user.email.clone()),
        created: now.clone(),
        last_editor_email: Some(user.email.clone()),
        last_modified: now,
    };
    tweet_response(StatusCode::CREATED, &row)
}

/// Builds the values of a new tweet from validated input, or `None` without a body.
fn new_tweet(handle_id: i64, input: TweetInput) -> Option<(TweetStatus, TweetValues)> {
    let status = input.status.unwrap_or(TweetStatus::Pending);
    let values = TweetValues {
        handle_id,
        body: input.body?,
        status: status.code(),
        eta: input.eta.flatten(),
        twitter_id: if status == TweetStatus::Posted {
            twitter_id::next()
        } else {
            String::new()
        },
    };
    Some((status, values))
}

/// Parses the id in a detail path. Anything but an integer matches no tweet.
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| ApiError::NotFound)
}

async fn retrieve(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    let row = tweets::get(&state.db.reader, scope(&user), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    tweet_response(StatusCode::OK, &row)
}

async fn update(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
    fields: Fields,
    partial: bool,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;
    // A tweet outside the caller's organization is 404 before any permission or validation.
    tweets::get(&state.db.reader, scope(&user), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    check_status_permission(&user, &fields)?;
    let input = parse_input(&state, &user, &fields, partial).await?;

    let now = time::now();
    let mut transaction = state.db.writer.begin().await?;
    // Read again inside the write transaction so that concurrent changes are not lost.
    let old = tweets::get(&mut *transaction, scope(&user), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let old_status = TweetStatus::from_code(old.status).unwrap_or(TweetStatus::Pending);
    let status = input.status.unwrap_or(old_status);
    let newly_posted = status == TweetStatus::Posted && old_status != TweetStatus::Posted;
    let organization_id = input
        .handle
        .as_ref()
        .map_or(old.organization_id, |h| h.organization_id);
    let values = TweetValues {
        handle_id: input
            .handle
            .as_ref()
            .map_or(old.handle_id, |handle| handle.id),
        body: input.body.unwrap_or(old.body),
        status: status.code(),
        eta: input.eta.unwrap_or(old.eta),
        twitter_id: if newly_posted {
            twitter_id::next()
        } else {
            old.twitter_id
        },
    };
    check_schedule(&values)?;

    tweets::update(&mut transaction, id, &values, Some(user.id), &now).await?;
    let kind = if status != old_status {
        status_action(status).unwrap_or(ActionKind::Edited)
    } else {
        ActionKind::Edited
    };
    let action = NewAction {
        organization_id,
        handle_id: values.handle_id,
        actor_id: Some(user.id),
        kind,
        tweet_id: id,
        body: &values.body,
    };
    actions::record(&mut transaction, &action, &now).await?;
    let row = tweets::get(&mut *transaction, scope(&user), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    transaction.commit().await?;

    if values.eta.is_some() || old_status == TweetStatus::Scheduled {
        state.schedule_changed.notify_one();
    }
    tweet_response(StatusCode::OK, &row)
}

async fn destroy(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> Result<ApiResponse, ApiError> {
    let id = parse_id(&id)?;

    let mut transaction = state.db.writer.begin().await?;
    tweets::get(&mut *transaction, scope(&user), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    tweets::delete(&mut transaction, id).await?;
    transaction.commit().await?;

    Ok(ApiResponse::no_content())
}

/// Describes the writable fields for OPTIONS, with the caller's handles as choices.
async fn field_metadata(state: &AppState, user: &User) -> Result<Value, ApiError> {
    let handles: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, screen_name FROM handles WHERE organization_id = ? ORDER BY id",
    )
    .bind(user.organization_id)
    .fetch_all(&state.db.reader)
    .await?;
    let handle_choices = handles
        .iter()
        .map(|(id, name, screen_name)| {
            json!({ "value": id.to_string(), "display_name": format!("{name} (@{screen_name})") })
        })
        .collect();
    let status_choices = TweetStatus::ALL
        .iter()
        .map(|status| json!({ "value": status.code(), "display_name": status.label() }))
        .collect();

    Ok(options::describe(&[
        FieldMeta::read_only("id", "integer", "ID"),
        FieldMeta::writable("handle", "field", true, "Handle").choices(handle_choices),
        FieldMeta::read_only("screen_name", "string", "Screen name"),
        FieldMeta::writable("body", "string", true, "Body").max_length(tweet_body::MAX_CHARACTERS),
        FieldMeta::writable("status", "choice", false, "Status").choices(status_choices),
        FieldMeta::writable("eta", "datetime", false, "Eta"),
        FieldMeta::read_only("twitter_id", "string", "Twitter id"),
        FieldMeta::read_only("author", "string", "Author"),
        FieldMeta::read_only("created", "datetime", "Created"),
        FieldMeta::read_only("last_editor", "string", "Last editor"),
        FieldMeta::read_only("last_modified", "datetime", "Last modified"),
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
    let id = parse_id(&id)?;
    tweets::get(&state.db.reader, scope(&user), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let fields = field_metadata(&state, &user).await?;
    Ok(options::response(&DETAIL, "PUT", fields))
}
