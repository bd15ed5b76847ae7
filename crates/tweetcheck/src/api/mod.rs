//! The JSON API: one module per resource, all rendered through [`render`].

mod body;
mod error;
mod fields;
mod options;
pub mod render;
mod response;
mod root;
mod token_auth;
mod tweets;

use axum::middleware::from_fn_with_state;
use axum::routing::MethodRouter;
use axum::Router;

pub use body::Fields;
pub use error::{field_error, ApiError, FieldErrors};
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
}
