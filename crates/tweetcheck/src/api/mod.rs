//! The JSON API: one module per resource, all rendered through [`render`].

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
mod users;

use axum::middleware::from_fn_with_state;
use axum::routing::MethodRouter;
use axum::Router;

pub use body::Fields;
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
}
