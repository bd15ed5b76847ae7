//! The HTTP handlers, one per endpoint, with Locust's paths and JSON field names.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use chrono::Local;
use serde::Deserialize;
use serde_json::json;

use super::control::SwarmControl;
use super::page::IndexPage;
use super::stats_json::{history_json, stats_requests_json};
use super::swarm_form::parse_swarm_form;
use super::AppState;

pub async fn index<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    // While a test runs, the forms offer its settings, so that Edit after a reload proposes
    // the running spawn rate rather than the command line's.
    let mut defaults = app.control.form_defaults();
    if let Some(run) = app.current_run() {
        defaults.user_count = run.settings.user_count;
        defaults.spawn_rate = run.settings.spawn_rate;
        defaults.host = run.settings.host;
        defaults.run_time = run.settings.run_time;
    }
    let page = IndexPage::new(
        defaults,
        app.control.state(),
        app.full_history_csv.is_some(),
    );
    match askama::Template::render(&page) {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!("failed to render the web UI page: {error}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to render the page: {error}\n"),
            )
                .into_response()
        }
    }
}

/// Starts a run, or changes users and spawn rate while one runs (Locust's `POST /swarm`).
pub async fn swarm<C: SwarmControl>(
    State(app): State<Arc<AppState<C>>>,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let current_host = app
        .current_run()
        .map(|run| run.settings.host)
        .unwrap_or_else(|| app.control.form_defaults().host);

    let settings = match parse_swarm_form(&fields, &current_host) {
        Ok(settings) => settings,
        Err(error) => {
            tracing::warn!("rejected POST /swarm: {error}");
            let body =
                json!({"success": false, "message": error.to_string(), "host": current_host});
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };

    if let Err(rejected) = app.swarm(settings.clone()).await {
        tracing::warn!("rejected POST /swarm: {rejected}");
        let body =
            json!({"success": false, "message": rejected.to_string(), "host": settings.host});
        return (StatusCode::CONFLICT, Json(body)).into_response();
    }

    let mut body = json!({
        "success": true,
        "message": "Swarming started",
        "host": settings.host,
    });
    if let Some(run_time) = settings.run_time {
        body["run_time"] = json!(run_time.as_secs());
    }
    Json(body).into_response()
}

pub async fn stop<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    app.control.stop().await;
    Json(json!({"success": true, "message": "Test stopped"})).into_response()
}

pub async fn reset_stats<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    app.control.reset_stats().await;
    "ok".into_response()
}

pub async fn stats_requests<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    let snapshot = app.control.stats();
    let body = stats_requests_json(&snapshot, app.control.state(), app.control.user_count());
    Json(body).into_response()
}

pub async fn stats_history<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    Json(history_json(&app.control.history())).into_response()
}

pub async fn stats_csv<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    csv_download(&app, "requests", app.control.stats_csv())
}

/// Sends the `--csv-full-history` file that the command line writes, as Locust does. Without
/// that option (where Locust returns 404) it sends the Aggregated history kept in memory.
pub async fn history_csv<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    let Some(path) = app.full_history_csv.as_ref() else {
        return csv_download(&app, "requests_history", app.control.history_csv());
    };
    match tokio::fs::read_to_string(path).await {
        Ok(csv) => csv_download(&app, "requests_full_history", csv),
        Err(error) => {
            tracing::error!("failed to read {}: {error}", path.display());
            let message = format!("failed to read {}: {error}\n", path.display());
            (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
        }
    }
}

pub async fn failures_csv<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    csv_download(&app, "failures", app.control.failures_csv())
}

pub async fn exceptions_csv<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    csv_download(&app, "exceptions", app.control.exceptions_csv())
}

pub async fn exceptions<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    Json(json!({"exceptions": app.control.exceptions()})).into_response()
}

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    download: Option<String>,
}

pub async fn report<C: SwarmControl>(
    State(app): State<Arc<AppState<C>>>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let html = app.control.html_report();
    let download = query
        .download
        .is_some_and(|value| value == "1" || value == "true");
    if !download {
        return Html(html).into_response();
    }
    let file_name = download_name(&app, "report.html");
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        html,
    )
        .into_response()
}

pub async fn tasks<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    Json(app.control.task_ratios()).into_response()
}

pub async fn logs<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    Json(json!({"master": app.control.log_lines(), "workers": {}})).into_response()
}

/// Returns Locust's worker count, which is 0 because swarm runs every user in one process.
pub async fn worker_count() -> Response {
    Json(json!({"worker_count": 0})).into_response()
}

/// Lists the recorded runs for the Runs tab, oldest first.
pub async fn runs<C: SwarmControl>(State(app): State<Arc<AppState<C>>>) -> Response {
    match app.runs.list().await {
        Ok(runs) => Json(json!({"runs": runs, "file": app.runs.path()})).into_response(),
        Err(error) => {
            tracing::error!("failed to list runs: {error}");
            let message =
                format!("{error}; fix or move the file, and the next run starts a new one");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"runs": [], "file": app.runs.path(), "error": message})),
            )
                .into_response()
        }
    }
}

/// The page's stylesheet and scripts, compiled into the binary so the UI works offline.
const STATIC_FILES: [(&str, &str, &str); 5] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    ),
    (
        "charts.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/charts.js"),
    ),
    (
        "format.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/format.js"),
    ),
    (
        "runs.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/runs.js"),
    ),
];

pub async fn static_file(Path(name): Path<String>) -> Response {
    match STATIC_FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, contents)) => {
            ([(header::CONTENT_TYPE, *content_type)], *contents).into_response()
        }
        None => not_found().await,
    }
}

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found.\n").into_response()
}

fn csv_download<C: SwarmControl>(app: &AppState<C>, kind: &str, csv: String) -> Response {
    let file_name = download_name(app, &format!("{kind}.csv"));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        csv,
    )
        .into_response()
}

/// Names a download like Locust does, `swarm_<date>-<hh>h<mm>_<swarmfile>_<suffix>`, keeping
/// only characters that are safe in a `Content-Disposition` header.
fn download_name<C: SwarmControl>(app: &AppState<C>, suffix: &str) -> String {
    let swarmfile = app.control.form_defaults().swarmfile;
    let stem = std::path::Path::new(&swarmfile)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = Local::now().format("%Y-%m-%d-%Hh%M");
    let name = format!("swarm_{stamp}_{stem}_{suffix}");
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
