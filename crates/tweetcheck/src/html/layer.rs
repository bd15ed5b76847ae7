//! The service around the whole router that turns API responses into browsable API pages.
//!
//! The API's renderer negotiates the format. When it chose the browsable API, it renders JSON
//! as usual and attaches a [`PageData`] to the response. This service, which has the request
//! as well, replaces such responses with an HTML page. Before the API handles a request, it
//! removes format suffixes ([`super::suffix`]) and applies the form overrides of
//! [`super::tunnel`]. Browsers also get an HTML page for unknown paths.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use tower::{Layer, Service, ServiceExt};

use super::nav::Nav;
use super::page::{self, ApiPage};
use super::{filters, forms, json, suffix, tunnel, PageData};
use crate::api::render::{negotiate, Format, SuffixFormat};
use crate::state::AppState;

/// The response headers that a page lists, in this order, when the response has them.
const SHOWN_HEADERS: [header::HeaderName; 5] = [
    header::ALLOW,
    header::CONTENT_TYPE,
    header::VARY,
    header::WWW_AUTHENTICATE,
    header::LOCATION,
];

/// Wraps a router in [`Browsable`].
#[derive(Clone, Debug)]
pub struct BrowsableLayer {
    state: AppState,
}

impl BrowsableLayer {
    pub fn new(state: AppState) -> BrowsableLayer {
        BrowsableLayer { state }
    }
}

impl<S> Layer<S> for BrowsableLayer {
    type Service = Browsable<S>;

    fn layer(&self, inner: S) -> Browsable<S> {
        Browsable {
            inner,
            state: self.state.clone(),
        }
    }
}

/// The service that renders browsable API pages; see the module documentation.
#[derive(Clone, Debug)]
pub struct Browsable<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Browsable<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The service that was polled ready handles the request; the clone stays for the next.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        Box::pin(async move { Ok(handle(inner, state, request).await) })
    }
}

/// The request as the page shows it and as the OPTIONS request for its forms repeats it.
struct Exchange {
    method: Method,
    /// The request's URI as sent, format suffix included, for the request line.
    sent_uri: Uri,
    /// The URI that the API handled, without a format suffix.
    uri: Uri,
    headers: HeaderMap,
}

async fn handle<S>(inner: S, state: AppState, request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let sent_uri = request.uri().clone();
    let mut request = request;
    request = suffix::apply(request);
    // The login and logout forms read their own CSRF field, so only API routes get overrides.
    if !sent_uri.path().starts_with("/api-auth/") {
        request = match tunnel::apply(request).await {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        };
    }
    // Only pages need a copy of the request, so JSON requests skip it.
    let wants_html =
        may_want_html(&request) && matches!(negotiate(&request), Ok(Format::BrowsableApi));
    let exchange = wants_html.then(|| Exchange {
        method: request.method().clone(),
        sent_uri,
        uri: request.uri().clone(),
        headers: request.headers().clone(),
    });

    let Ok(mut response) = inner.clone().oneshot(request).await;
    let data = response.extensions_mut().remove::<PageData>();
    let Some(exchange) = exchange else {
        return response;
    };
    if let Some(data) = data {
        return render(inner, &state, &exchange, response, data).await;
    }
    if response.status() == StatusCode::NOT_FOUND && is_json(&response) {
        let data = PageData::not_found();
        return render(inner, &state, &exchange, response, data).await;
    }
    response
}

/// Builds the page for `response`, which the API rendered as JSON for `data`.
async fn render<S>(
    inner: S,
    state: &AppState,
    exchange: &Exchange,
    response: Response,
    data: PageData,
) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let status = response.status();
    let path = exchange.uri.path().to_owned();
    let allow = header_text(response.headers(), header::ALLOW);
    let allows = |method: &str| allow.split(',').any(|allowed| allowed.trim() == method);

    let nav = Nav::for_request(&state.db, &exchange.headers, &path).await;

    // Forms appear after a success, and after a 405 from a route that takes only writes (such
    // as `/api-token-auth/`), but not when the caller lacks credentials or permission.
    let mut forms = Vec::new();
    let shows_forms = status.is_success() || status == StatusCode::METHOD_NOT_ALLOWED;
    if shows_forms && (allows("POST") || allows("PUT")) {
        if let Some(options) = options_of(inner, exchange).await {
            if allows("POST") {
                forms.push(forms::build_or_raw(&options, "POST", None));
            }
            // A PUT form needs the object it replaces, which only a GET shows.
            if allows("PUT") && exchange.method == Method::GET && status.is_success() {
                forms.push(forms::build_or_raw(&options, "PUT", data.body.as_ref()));
            }
        }
    }

    let query = exchange.uri.query();
    let filters = filters::for_list(&path, query);
    let filtered = filters.iter().any(|field| !field.value.is_empty());
    let (previous_url, next_url) = page::page_links(data.body.as_ref());
    let headers = SHOWN_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((display_name(name), value.to_owned()))
        })
        .collect();

    let page = ApiPage {
        nav,
        name: data.name.to_owned(),
        description: if data.description.is_empty() {
            page::describe(&path).to_owned()
        } else {
            data.description.to_owned()
        },
        breadcrumbs: page::breadcrumbs(&path),
        json_url: page::json_url(&path, query),
        allows_options: allows("OPTIONS"),
        allows_delete: allows("DELETE"),
        filters,
        filtered,
        method: exchange.method.to_string(),
        request_target: exchange
            .sent_uri
            .path_and_query()
            .map_or_else(|| path.clone(), |target| target.to_string()),
        status: format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ),
        headers,
        body_html: data.body.as_ref().map(json::to_html).unwrap_or_default(),
        previous_url,
        next_url,
        forms,
        path,
    };
    html_response(page.render(), response)
}

/// Sends an OPTIONS request for the same path with the same credentials and returns its JSON
/// body, which describes the fields of the route's forms.
async fn options_of<S>(inner: S, exchange: &Exchange) -> Option<Value>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let mut request = Request::builder()
        .method(Method::OPTIONS)
        .uri(exchange.uri.path())
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .ok()?;
    for name in [header::HOST, header::AUTHORIZATION, header::COOKIE] {
        if let Some(value) = exchange.headers.get(&name) {
            request.headers_mut().insert(name, value.clone());
        }
    }

    let Ok(response) = inner.oneshot(request).await;
    if !response.status().is_success() {
        return None;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Turns a rendered page into the response, keeping the status and headers of the API's JSON
/// response but with an HTML body.
fn html_response(rendered: askama::Result<String>, api_response: Response) -> Response {
    let html = match rendered {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "failed to render a browsable API page");
            return api_response;
        }
    };
    let (mut parts, _) = api_response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    super::add_security_headers(&mut parts.headers);
    // The page depends on the session cookie (the navigation bar) as well as on `Accept`.
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("Accept, Cookie"));
    let mut response = Html(html).into_response();
    // A 204 response cannot carry a page, and a browser that receives one keeps showing the
    // form it submitted. So the page about a 204 is sent as 200 and shows the 204 inside.
    if parts.status != StatusCode::NO_CONTENT {
        *response.status_mut() = parts.status;
    }
    response.headers_mut().extend(parts.headers);
    response
}

/// Returns false for requests that cannot negotiate the browsable API, without parsing their
/// `Accept` header: only a format suffix, a `format` parameter or an `Accept` header naming a
/// `text/` type can select it. Load tests send many such requests, so this check is cheap.
fn may_want_html(request: &Request) -> bool {
    if request.extensions().get::<SuffixFormat>().is_some() {
        return true;
    }
    if request
        .uri()
        .query()
        .is_some_and(|query| query.contains("format"))
    {
        return true;
    }
    request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .any(|value| {
            value
                .as_bytes()
                .windows(5)
                .any(|window| window.eq_ignore_ascii_case(b"text/"))
        })
}

fn is_json(response: &Response) -> bool {
    header_text(response.headers(), header::CONTENT_TYPE).starts_with("application/json")
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Returns the header name capitalized as Django REST Framework shows it (`WWW-Authenticate`, `Content-Type`).
fn display_name(name: &header::HeaderName) -> String {
    if *name == header::WWW_AUTHENTICATE {
        return String::from("WWW-Authenticate");
    }
    name.as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}
