//! The HTTP client behind every user: sends one request, follows redirects, keeps cookies,
//! decodes gzip, deflate and brotli, and turns transport errors into clear failure messages.
//!
//! Everything the engine needs from HTTP goes through `HttpClient::send`, so a leaner client can
//! replace reqwest here without touching users or statistics.

use std::error::Error as _;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use reqwest::cookie::CookieStore;
use url::Url;

/// Requests per user follow at most this many redirects unless the request sets its own limit;
/// the value is that of python-requests, which Locust's `HttpUser` uses.
pub const DEFAULT_MAX_REDIRECTS: u32 = 30;
/// Default request timeout, as Locust's `FastHttpUser` network timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A request ready to send.
#[derive(Debug)]
pub struct OutgoingRequest {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    pub timeout: Duration,
    pub max_redirects: u32,
}

/// A complete response, with the body read and decoded.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub url: Url,
}

/// One user's cookies. Each user owns its jar, so no session crosses between users.
#[derive(Debug, Default)]
pub struct CookieJar {
    jar: reqwest::cookie::Jar,
}

impl CookieJar {
    /// Returns the value of cookie `name` that would be sent to `url`.
    pub fn get(&self, url: &Url, name: &str) -> Option<String> {
        let header = self.jar.cookies(url)?;
        let header = header.to_str().ok()?;
        header.split("; ").find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }
}

/// The shared HTTP client. Connections are pooled per host across users.
// NOTE: users share one connection pool (one reqwest client for the whole run) to keep memory
// per waiting user small; cookies stay per user, but the server sees fewer connections than
// users, unlike Locust where each user opens its own.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: reqwest::Client,
}

impl HttpClient {
    pub fn new() -> Result<Self, reqwest::Error> {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .deflate(true)
            .brotli(true)
            .user_agent(concat!("swarm/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { inner })
    }

    /// Sends `request`, following redirects up to its limit, and reads the whole body.
    ///
    /// Returns a failure message for transport errors (connection refused, DNS failure,
    /// timeout, reset, too many redirects); HTTP error statuses are responses, not errors.
    pub async fn send(
        &self,
        request: OutgoingRequest,
        jar: &CookieJar,
    ) -> Result<Response, String> {
        let timeout = request.timeout;
        match tokio::time::timeout(timeout, self.follow(request, jar)).await {
            Ok(result) => result,
            Err(_) => Err(format!("timed out after {}", describe_duration(timeout))),
        }
    }

    async fn follow(&self, request: OutgoingRequest, jar: &CookieJar) -> Result<Response, String> {
        let OutgoingRequest {
            mut method,
            mut url,
            headers,
            mut body,
            max_redirects,
            ..
        } = request;
        let mut redirects = 0;
        loop {
            let mut builder = self
                .inner
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(cookies) = jar.jar.cookies(&url) {
                builder = builder.header(COOKIE, cookies);
            }
            if let Some(bytes) = &body {
                builder = builder.body(bytes.clone());
            }
            let response = builder
                .send()
                .await
                .map_err(|error| describe_error(&error, &url))?;
            let status = response.status();
            let response_headers = response.headers().clone();
            let mut set_cookies = response_headers.get_all(SET_COOKIE).iter();
            jar.jar.set_cookies(&mut set_cookies, &url);

            let location = response_headers
                .get(LOCATION)
                .and_then(|value| value.to_str().ok());
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                if let Some(location) = location {
                    if redirects >= max_redirects {
                        if max_redirects == 0 {
                            // Redirects are off: the redirect itself is the response.
                        } else {
                            return Err(format!("too many redirects: more than {max_redirects}"));
                        }
                    } else {
                        let next = url.join(location).map_err(|_| {
                            format!(
                                "invalid redirect location `{location}` from HTTP {}",
                                status.as_u16()
                            )
                        })?;
                        // 303, and 301/302 after anything but GET or HEAD, switch to GET without
                        // a body as browsers do; 307 and 308 repeat the request.
                        let to_get = status == StatusCode::SEE_OTHER
                            || ((status == StatusCode::MOVED_PERMANENTLY
                                || status == StatusCode::FOUND)
                                && method != Method::GET
                                && method != Method::HEAD);
                        if to_get {
                            method = Method::GET;
                            body = None;
                        }
                        // Drain the body so the connection can be reused.
                        let _ = response.bytes().await;
                        url = next;
                        redirects += 1;
                        continue;
                    }
                }
            }
            let body = response
                .bytes()
                .await
                .map_err(|error| describe_error(&error, &url))?;
            return Ok(Response {
                status,
                headers: response_headers,
                body,
                url,
            });
        }
    }
}

/// Builds headers for a body: sets `Content-Type` unless the request already has one.
pub fn set_content_type(headers: &mut HeaderMap, content_type: &str) {
    if headers.contains_key(CONTENT_TYPE) {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
}

/// Returns the length of a response body as received, for statistics.
pub fn content_length(response: &Response) -> u64 {
    if response.body.is_empty() {
        if let Some(length) = response
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
        {
            return length.parse().unwrap_or(0);
        }
    }
    response.body.len() as u64
}

fn describe_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds.fract() == 0.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{seconds} s")
    }
}

/// Turns a reqwest error into a message that names the cause and the host.
fn describe_error(error: &reqwest::Error, url: &Url) -> String {
    let target = match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.as_str().to_owned(),
    };
    let mut source = error.source();
    let mut innermost = error.to_string();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return format!("connection refused by {target}: is the server running?")
                }
                std::io::ErrorKind::ConnectionReset => {
                    return format!("connection reset by {target}")
                }
                std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::BrokenPipe => {
                    return format!("connection closed by {target}")
                }
                _ => {}
            }
        }
        innermost = cause.to_string();
        source = cause.source();
    }
    let lowered = innermost.to_ascii_lowercase();
    if lowered.contains("dns")
        || lowered.contains("lookup")
        || lowered.contains("name or service not known")
    {
        return format!(
            "DNS lookup failed for {}: {innermost}",
            url.host_str().unwrap_or("the host")
        );
    }
    if error.is_timeout() {
        return format!("timed out waiting for {target}");
    }
    if lowered.contains("connection closed") || lowered.contains("incomplete message") {
        return format!("connection closed by {target} before the response was complete");
    }
    if error.is_connect() {
        return format!("cannot connect to {target}: {innermost}");
    }
    if error.is_decode() || error.is_body() {
        return format!("cannot read the response body from {target}: {innermost}");
    }
    format!("request to {target} failed: {innermost}")
}
