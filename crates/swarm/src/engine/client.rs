//! The HTTP client behind every user: sends one request, follows redirects, keeps cookies,
//! decodes gzip, deflate and brotli, and turns transport errors into clear failure messages.
//!
//! Requests go through the small HTTP/1.1 client in `http1`, over connections that the user
//! owns. Everything the engine needs from HTTP goes through `HttpClient::send`.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONNECTION, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use reqwest::cookie::CookieStore;
use url::Url;

use super::http1::{self, Connection, Connections, RawResponse, TransportError};

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
    /// The status line and header lines as received, up to the blank line.
    pub head: Bytes,
    pub body: Bytes,
    pub url: Url,
}

impl Response {
    /// Returns the first value of header `name` (any case) that is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_values(&self.head, name).find_map(|value| std::str::from_utf8(value).ok())
    }
}

/// Returns the values of header `name` (any case) in a response head, in order.
///
/// `httparse` validated the head, so every line after the status line is `name: value`, and
/// line folding cannot occur because `httparse` rejects it.
fn header_values<'h, 'n>(
    head: &'h [u8],
    name: &'n str,
) -> impl Iterator<Item = &'h [u8]> + use<'h, 'n> {
    head.split(|&byte| byte == b'\n')
        .skip(1)
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .take_while(|line| !line.is_empty())
        .filter_map(move |line| {
            let colon = line.iter().position(|&byte| byte == b':')?;
            line[..colon]
                .eq_ignore_ascii_case(name.as_bytes())
                .then(|| line[colon + 1..].trim_ascii())
        })
}

/// One user's cookies. Each user owns its jar, so no session crosses between users.
#[derive(Debug, Default)]
pub struct CookieJar {
    jar: reqwest::cookie::Jar,
    /// Whether any cookie was ever stored; until then requests skip the jar and its lock.
    used: AtomicBool,
}

impl CookieJar {
    /// Returns the value of cookie `name` that would be sent to `url`.
    pub fn get(&self, url: &Url, name: &str) -> Option<String> {
        let header = self.cookie_header(url)?;
        let header = header.to_str().ok()?;
        header.split("; ").find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    fn cookie_header(&self, url: &Url) -> Option<HeaderValue> {
        if !self.used.load(Ordering::Relaxed) {
            return None;
        }
        self.jar.cookies(url)
    }

    /// Stores the `Set-Cookie` headers of a response head received from `url`.
    fn store(&self, head: &[u8], url: &Url) {
        let values: Vec<HeaderValue> = header_values(head, "set-cookie")
            .filter_map(|value| HeaderValue::from_bytes(value).ok())
            .collect();
        if values.is_empty() {
            return;
        }
        self.used.store(true, Ordering::Relaxed);
        self.jar.set_cookies(&mut values.iter(), url);
    }
}

/// The client that all users of a run share: only the TLS configuration, because the
/// connections belong to each user (`Connections`).
#[derive(Clone, Debug)]
pub struct HttpClient {
    tls: Arc<rustls::ClientConfig>,
}

impl HttpClient {
    /// Creates the client, which skips certificate checks when `insecure` is set. Fails only
    /// when rustls cannot build its TLS configuration.
    pub fn new(insecure: bool) -> Result<Self, rustls::Error> {
        Ok(Self {
            tls: http1::client_config(insecure)?,
        })
    }

    /// Sends `request` over `connections`, following redirects up to its limit, and reads the
    /// whole body.
    ///
    /// Returns a failure message for transport errors (connection refused, DNS failure,
    /// timeout, reset, too many redirects); HTTP error statuses are responses, not errors.
    pub async fn send(
        &self,
        request: OutgoingRequest,
        jar: &CookieJar,
        connections: &mut Connections,
    ) -> Result<Response, String> {
        let timeout = request.timeout;
        // Boxed, so that a waiting user's task keeps a pointer instead of the 2 KiB state of an
        // exchange: one allocation per request against a smaller user.
        let exchange = Box::pin(self.follow(request, jar, connections));
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(format!("timed out after {}", describe_duration(timeout))),
        }
    }

    async fn follow(
        &self,
        request: OutgoingRequest,
        jar: &CookieJar,
        connections: &mut Connections,
    ) -> Result<Response, String> {
        let OutgoingRequest {
            mut method,
            mut url,
            mut headers,
            mut body,
            max_redirects,
            ..
        } = request;
        let mut redirects = 0;
        loop {
            let cookie = jar.cookie_header(&url);
            let tls = match url.scheme() {
                "http" => None,
                "https" => Some(&self.tls),
                other => return Err(format!("unsupported URL scheme `{other}` in {url}")),
            };
            let raw = send_once(
                &method,
                &url,
                &headers,
                cookie.as_ref(),
                body.as_deref(),
                tls,
                connections,
            )
            .await
            .map_err(|error| {
                let message = describe_transport_error(&error, &url);
                if error.before_response() && !is_idempotent(&method) {
                    format!("{message} (a {method} is not sent again, because the server may have acted on it)")
                } else {
                    message
                }
            })?;
            let status = StatusCode::from_u16(raw.status).map_err(|_| {
                format!(
                    "invalid HTTP response from {}: status {} is out of range",
                    target(&url),
                    raw.status
                )
            })?;
            jar.store(&raw.head, &url);

            let response = Response {
                status,
                head: raw.head,
                body: raw.body,
                url,
            };
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                return Ok(response);
            }
            let Some(location) = response.header("location") else {
                return Ok(response);
            };
            if redirects >= max_redirects {
                if max_redirects == 0 {
                    // Redirects are off: the redirect itself is the response.
                    return Ok(response);
                }
                return Err(format!("too many redirects: more than {max_redirects}"));
            }
            let next = response.url.join(location).map_err(|_| {
                format!(
                    "invalid redirect location `{location}` from HTTP {}",
                    status.as_u16()
                )
            })?;
            // 303, and 301/302 after anything but GET or HEAD, switch to GET without a body as
            // browsers do; 307 and 308 repeat the request.
            let to_get = status == StatusCode::SEE_OTHER
                || ((status == StatusCode::MOVED_PERMANENTLY || status == StatusCode::FOUND)
                    && method != Method::GET
                    && method != Method::HEAD);
            if to_get {
                method = Method::GET;
                body = None;
            }
            // Credentials meant for one origin do not follow a redirect to another, as in
            // python-requests and reqwest. The jar still sends the cookies of the new host.
            if !same_origin(&response.url, &next) {
                headers.remove(AUTHORIZATION);
                headers.remove(PROXY_AUTHORIZATION);
                headers.remove(COOKIE);
            }
            url = next;
            redirects += 1;
        }
    }
}

/// Sends one request over the user's connection to the URL's origin, opening one when there is
/// none (with TLS when `tls` is set).
///
/// An idle connection that the server has closed, or on which it sent something unasked, is
/// replaced before use. If a reused connection still fails before any byte of the response,
/// the server most likely closed it just as the request left, and an idempotent request is
/// sent once more on a new connection. Other methods are not resent, because the server may
/// have acted on the request.
async fn send_once(
    method: &Method,
    url: &Url,
    headers: &HeaderMap,
    cookie: Option<&HeaderValue>,
    body: Option<&[u8]>,
    tls: Option<&Arc<rustls::ClientConfig>>,
    connections: &mut Connections,
) -> Result<RawResponse, TransportError> {
    let Some(host) = url.host() else {
        return Err(TransportError::Connect(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the URL has no host",
        )));
    };
    let host_text = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    let over_tls = tls.is_some();
    let head_request = method == Method::HEAD;
    let close_after = asks_to_close(headers);

    let reusable = connections
        .take(host_text, port, over_tls)
        .filter(Connection::is_reusable);
    if let Some(mut connection) = reusable {
        http1::write_request(&mut connection.request, method, url, headers, cookie, body);
        match connection.exchange(head_request).await {
            Ok(response) => {
                if response.keep_alive && !close_after {
                    connections.put(connection);
                }
                return Ok(response);
            }
            Err(error) if error.before_response() && is_idempotent(method) => {}
            Err(error) => return Err(error),
        }
    }
    // Boxed for the same reason as the exchange in `send`, once per new connection.
    let mut connection = Box::pin(Connection::open(host, port, tls)).await?;
    http1::write_request(&mut connection.request, method, url, headers, cookie, body);
    let response = connection.exchange(head_request).await?;
    if response.keep_alive && !close_after {
        connections.put(connection);
    }
    Ok(response)
}

/// Returns whether sending `method` twice has the effect of sending it once (RFC 9110, section
/// 9.2.2), which makes a resend safe.
fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::DELETE,
        Method::TRACE,
    ]
    .contains(method)
}

/// Returns whether `from` and `to` have the same scheme, host and port.
fn same_origin(from: &Url, to: &Url) -> bool {
    from.scheme() == to.scheme()
        && from.host_str() == to.host_str()
        && from.port_or_known_default() == to.port_or_known_default()
}

/// Returns whether the request's own headers contain `Connection: close`.
fn asks_to_close(headers: &HeaderMap) -> bool {
    headers.get_all(CONNECTION).iter().any(|value| {
        value
            .as_bytes()
            .split(|&byte| byte == b',')
            .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"close"))
    })
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

/// Returns the length of a response body as received, for statistics: the decoded length,
/// or `Content-Length` when there is no body (a HEAD request).
pub fn content_length(response: &Response) -> u64 {
    if response.body.is_empty() {
        if let Some(length) = response.header("content-length") {
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

/// Returns `host:port` of `url`, the form failure messages name a server by.
fn target(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.as_str().to_owned(),
    }
}

/// Turns a transport error of the HTTP/1.1 client into a message that names the cause and
/// the server.
fn describe_transport_error(error: &TransportError, url: &Url) -> String {
    let target = target(url);
    match error {
        TransportError::Dns(error) => format!(
            "DNS lookup failed for {}: {error}",
            url.host_str().unwrap_or("the host")
        ),
        TransportError::Connect(error) if too_many_open_files(error) => {
            describe_open_file_limit(&target)
        }
        TransportError::Connect(error) => match error.kind() {
            io::ErrorKind::ConnectionRefused => {
                format!("connection refused by {target}: is the server running?")
            }
            _ => format!("cannot connect to {target}: {error}"),
        },
        TransportError::Tls(error) => describe_tls_error(error, &target),
        TransportError::Io { error, .. } => match error.kind() {
            io::ErrorKind::ConnectionReset => format!("connection reset by {target}"),
            io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
                format!("connection closed by {target}")
            }
            _ => format!("request to {target} failed: {error}"),
        },
        TransportError::Closed {
            response_started: false,
        } => format!("connection closed by {target} before the response began"),
        TransportError::Closed {
            response_started: true,
        } => format!("connection closed by {target} before the response was complete"),
        TransportError::InvalidResponse(detail) => {
            format!("invalid HTTP response from {target}: {detail}")
        }
        TransportError::Decode(detail) => {
            format!("cannot read the response body from {target}: {detail}")
        }
    }
}

/// Describes a failed TLS handshake, with the likely fix for the two common causes: a plain
/// HTTP server behind an `https://` URL, and a certificate from a CA that is not trusted.
fn describe_tls_error(error: &io::Error, target: &str) -> String {
    let cause = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match cause {
        Some(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)) => {
            format!(
                "TLS handshake with {target} failed: the server at {target} did not answer \
                 with TLS, so the URL probably needs http:// instead of https://"
            )
        }
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) => {
            format!(
                "TLS handshake with {target} failed: {error}. If a private CA signed the \
                 server's certificate, set SSL_CERT_FILE to that CA's PEM file"
            )
        }
        _ => format!("TLS handshake with {target} failed: {error}"),
    }
}

fn too_many_open_files(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(error.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

fn describe_open_file_limit(target: &str) -> String {
    let limit = match crate::open_files::soft_limit() {
        Some(limit) => format!("the open-file limit of {limit}"),
        None => "the open-file limit".to_owned(),
    };
    format!(
        "too many open files: cannot open a connection to {target} within {limit}; each user \
         keeps its own connection open, so raise the limit (`ulimit -n`), run fewer users, or \
         send `Connection: close` in the requests' headers"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_match_any_case() {
        let head = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Other: x\r\nset-cookie:b=2 \r\n\r\n";
        let values: Vec<&[u8]> = header_values(head, "set-cookie").collect();
        assert_eq!(values, [&b"a=1"[..], &b"b=2"[..]]);
        assert_eq!(header_values(head, "x-missing").count(), 0);
    }

    #[test]
    fn connection_close_is_found_among_tokens() {
        let mut headers = HeaderMap::new();
        assert!(!asks_to_close(&headers));
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade, Close"));
        assert!(asks_to_close(&headers));
    }

    /// Every waiting user's task keeps the state of `send`, so 100,000 users pay for each byte
    /// of it; the exchange itself is boxed.
    #[test]
    fn send_future_stays_small() {
        let client = HttpClient::new(false).unwrap();
        let jar = CookieJar::default();
        let mut connections = Connections::default();
        let request = OutgoingRequest {
            method: Method::GET,
            url: Url::parse("http://127.0.0.1:1/").unwrap(),
            headers: HeaderMap::new(),
            body: None,
            timeout: Duration::from_secs(1),
            max_redirects: 0,
        };
        let send = client.send(request, &jar, &mut connections);
        let size = std::mem::size_of_val(&send);
        assert!(size <= 512, "the send future takes {size} bytes");
    }
}
