//! The JSON API: one module per resource, all rendered through [`render`].

mod accounts;
mod actions;
mod body;
mod counts;
mod devices;
mod error;
mod fallback;
mod fields;
mod handles;
mod options;
mod query;
pub mod render;
mod response;
mod root;
mod token_auth;
mod tweets;
mod twitter_signin;
mod update;
mod users;

use axum::middleware::from_fn_with_state;
use axum::routing::MethodRouter;
use axum::Router;

pub use body::{too_large_message, Fields, MAX_BODY_BYTES};
pub use error::{field_error, ApiError, FieldErrors};
pub use fallback::fallback;
pub use render::{Format, Resource};
pub use response::ApiResponse;

use crate::state::AppState;

/// Wraps the handlers of one route in the rendering middleware for `resource`.
fn route(
    state: &AppState,
    resource: &'static Resource,
    handlers: MethodRouter<AppState>,
) -> MethodRouter<AppState> {
    handlers.layer(from_fn_with_state(
        (state.clone(), resource),
        render::middleware,
    ))
}

/// The API's routes.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/", route(state, &root::RESOURCE, root::handlers()))
        .route(
            "/api-token-auth/",
            route(state, &token_auth::RESOURCE, token_auth::handlers()),
        )
        .route(
            "/api/tweets/",
            route(state, &tweets::LIST, tweets::list_handlers()),
        )
        .route(
            "/api/tweets/{id}/",
            route(state, &tweets::DETAIL, tweets::detail_handlers()),
        )
        .route(
            "/api/handles/",
            route(state, &handles::LIST, handles::list_handlers()),
        )
        .route(
            "/api/handles/{id}/",
            route(state, &handles::DETAIL, handles::detail_handlers()),
        )
        .route(
            "/api/users/",
            route(state, &users::LIST, users::list_handlers()),
        )
        .route(
            "/api/users/{id}/",
            route(state, &users::DETAIL, users::detail_handlers()),
        )
        .route(
            "/api/devices/",
            route(state, &devices::LIST, devices::list_handlers()),
        )
        .route(
            "/api/devices/{id}/",
            route(state, &devices::DETAIL, devices::detail_handlers()),
        )
        .route(
            "/api/actions/",
            route(state, &actions::LIST, actions::list_handlers()),
        )
        .route(
            "/api/actions/{id}/",
            route(state, &actions::DETAIL, actions::detail_handlers()),
        )
        .route(
            "/api/counts/",
            route(state, &counts::RESOURCE, counts::handlers()),
        )
        // The original's pattern for counts had no end anchor, so any path below it matched.
        .route(
            "/api/counts/{*rest}",
            route(state, &counts::RESOURCE, counts::handlers()),
        )
        .route(
            "/auth/register",
            route(state, &accounts::REGISTER, accounts::register_handlers()),
        )
        .route(
            "/auth/activate",
            route(state, &accounts::ACTIVATE, accounts::activate_handlers()),
        )
        .route(
            "/auth/invite",
            route(state, &accounts::INVITE, accounts::invite_handlers()),
        )
        .route(
            "/auth/reinvite",
            route(state, &accounts::REINVITE, accounts::reinvite_handlers()),
        )
        .route(
            "/auth/activate-invitation",
            route(
                state,
                &accounts::ACTIVATE_INVITATION,
                accounts::activate_invitation_handlers(),
            ),
        )
        .route(
            "/auth/request",
            route(
                state,
                &twitter_signin::REQUEST,
                twitter_signin::request_handlers(),
            ),
        )
        .route(
            "/auth/callback",
            route(
                state,
                &twitter_signin::CALLBACK,
                twitter_signin::callback_handlers(),
            ),
        )
}
