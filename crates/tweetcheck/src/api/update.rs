//! PUT and PATCH on a detail route, which share one update handler.

use std::future::Future;

use axum::extract::{Path, State};
use axum::routing::MethodRouter;

use super::{ApiError, ApiResponse, Fields};
use crate::auth::Caller;
use crate::state::AppState;

/// Adds PUT and PATCH to `router`, both handled by `update`: PUT with `partial` false, so that
/// every required field must be present, and PATCH with `partial` true, as Django REST
/// Framework splits update and partial update.
pub fn route_put_and_patch<F, Fut>(
    router: MethodRouter<AppState>,
    update: F,
) -> MethodRouter<AppState>
where
    F: Fn(State<AppState>, Caller, Path<String>, Fields, bool) -> Fut
        + Clone
        + Send
        + Sync
        + 'static,
    Fut: Future<Output = Result<ApiResponse, ApiError>> + Send + 'static,
{
    let replace = update.clone();
    router
        .put(
            move |state: State<AppState>, caller: Caller, id: Path<String>, fields: Fields| {
                replace(state, caller, id, fields, false)
            },
        )
        .patch(
            move |state: State<AppState>, caller: Caller, id: Path<String>, fields: Fields| {
                update(state, caller, id, fields, true)
            },
        )
}
