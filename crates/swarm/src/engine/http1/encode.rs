//! Encodes a request (line, headers and body) into one buffer, so it leaves in one write.

use std::io::Write as _;

use http::header::{ACCEPT_ENCODING as ACCEPT_ENCODING_NAME, CONTENT_LENGTH, COOKIE, HOST};
use http::header::{TRANSFER_ENCODING, USER_AGENT as USER_AGENT_NAME};
use http::{HeaderMap, HeaderValue, Method};
use url::{Position, Url};

/// `User-Agent` sent unless the request sets its own.
pub const USER_AGENT: &str = concat!("swarm/", env!("CARGO_PKG_VERSION"));
/// `Accept-Encoding` sent unless the request sets its own: every coding the client decodes.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// Writes `method url` with `headers`, the jar's `cookie` and `body` into `out` (cleared first).
///
/// `Host`, `User-Agent` and `Accept-Encoding` are added unless `headers` has them. The request's
/// own `Content-Length` and `Transfer-Encoding` are replaced by the length of `body`, and its
/// `Cookie` header is joined with the jar's cookies into one line, as RFC 6265 (section 5.4) requires.
pub fn write_request(
    out: &mut Vec<u8>,
    method: &Method,
    url: &Url,
    headers: &HeaderMap,
    cookie: Option<&HeaderValue>,
    body: Option<&[u8]>,
) {
    out.clear();
    let target = &url[Position::BeforePath..Position::AfterQuery];
    let target = if target.is_empty() { "/" } else { target };
    out.extend_from_slice(method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");

    if !headers.contains_key(HOST) {
        out.extend_from_slice(b"host: ");
        out.extend_from_slice(url.host_str().unwrap_or_default().as_bytes());
        if let Some(port) = url.port() {
            let _ = write!(out, ":{port}");
        }
        out.extend_from_slice(b"\r\n");
    }
    if !headers.contains_key(USER_AGENT_NAME) {
        out.extend_from_slice(b"user-agent: ");
        out.extend_from_slice(USER_AGENT.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !headers.contains_key(ACCEPT_ENCODING_NAME) {
        out.extend_from_slice(b"accept-encoding: ");
        out.extend_from_slice(ACCEPT_ENCODING.as_bytes());
        out.extend_from_slice(b"\r\n");
    }

    let mut own_cookie = None;
    for (name, value) in headers {
        if name == CONTENT_LENGTH || name == TRANSFER_ENCODING {
            continue;
        }
        if name == COOKIE {
            own_cookie = Some(value);
            continue;
        }
        write_header(out, name.as_str().as_bytes(), value.as_bytes());
    }
    match (own_cookie, cookie) {
        (Some(own), Some(jar)) => {
            out.extend_from_slice(b"cookie: ");
            out.extend_from_slice(own.as_bytes());
            out.extend_from_slice(b"; ");
            out.extend_from_slice(jar.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        (Some(value), None) | (None, Some(value)) => {
            write_header(out, b"cookie", value.as_bytes());
        }
        (None, None) => {}
    }

    match body {
        Some(body) => {
            let _ = write!(out, "content-length: {}\r\n\r\n", body.len());
            out.extend_from_slice(body);
        }
        // Servers may reject a POST, PUT or PATCH without a length with 411 Length Required.
        None if expects_body(method) => out.extend_from_slice(b"content-length: 0\r\n\r\n"),
        None => out.extend_from_slice(b"\r\n"),
    }
}

fn write_header(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

fn expects_body(method: &Method) -> bool {
    method == Method::POST || method == Method::PUT || method == Method::PATCH
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        cookie: Option<&str>,
        body: Option<&[u8]>,
    ) -> String {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let cookie = cookie.map(|text| HeaderValue::from_str(text).unwrap());
        let mut out = b"left over".to_vec();
        write_request(
            &mut out,
            &method,
            &Url::parse(url).unwrap(),
            &map,
            cookie.as_ref(),
            body,
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn get_has_host_agent_and_encodings_only() {
        let text = encode(
            Method::GET,
            "http://127.0.0.1:8080/a?b=1#frag",
            &[],
            None,
            None,
        );
        assert_eq!(
            text,
            format!(
                "GET /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nuser-agent: {USER_AGENT}\r\n\
                 accept-encoding: gzip, deflate, br\r\n\r\n"
            )
        );
    }

    #[test]
    fn default_port_stays_out_of_host() {
        let text = encode(Method::GET, "http://example.test/", &[], None, None);
        assert!(text.contains("host: example.test\r\n"), "{text}");
    }

    #[test]
    fn own_headers_replace_defaults() {
        let text = encode(
            Method::GET,
            "http://127.0.0.1/",
            &[
                ("user-agent", "tester"),
                ("accept-encoding", "identity"),
                ("content-length", "99"),
            ],
            None,
            None,
        );
        assert!(text.contains("user-agent: tester\r\n"), "{text}");
        assert!(!text.contains("swarm/"), "{text}");
        assert!(text.contains("accept-encoding: identity\r\n"), "{text}");
        assert!(!text.contains("gzip"), "{text}");
        assert!(!text.contains("99"), "{text}");
    }

    #[test]
    fn body_gets_its_length() {
        let text = encode(Method::PUT, "http://127.0.0.1/x", &[], None, Some(b"hello"));
        assert!(text.ends_with("content-length: 5\r\n\r\nhello"), "{text}");
        let empty_post = encode(Method::POST, "http://127.0.0.1/x", &[], None, None);
        assert!(
            empty_post.ends_with("content-length: 0\r\n\r\n"),
            "{empty_post}"
        );
    }

    #[test]
    fn cookies_join_into_one_line() {
        let text = encode(
            Method::GET,
            "http://127.0.0.1/",
            &[("cookie", "own=1")],
            Some("session=abc"),
            None,
        );
        assert_eq!(text.matches("cookie:").count(), 1, "{text}");
        assert!(text.contains("cookie: own=1; session=abc\r\n"), "{text}");
    }
}
