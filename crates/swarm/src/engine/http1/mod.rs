//! A small HTTP/1.1 client built on tokio's `TcpStream`, `httparse` and, for `https://` URLs,
//! tokio-rustls.
//!
//! Each user owns its connections (`Connections`): at most one keep-alive connection per
//! origin, reused between requests and closed when the user is dropped. A request is encoded
//! into one buffer and sent with one write. The response head is parsed with `httparse`, and
//! the body is read by `Content-Length`, by chunked transfer coding, or until the server
//! closes.

mod connection;
mod decode;
mod encode;
mod pool;
mod tls;

use std::io;

/// The largest response body the client accepts, as received and after decoding: a peer's
/// `Content-Length`, chunk sizes or compressed data cannot make a user hold more. Load tests
/// measure APIs and pages, whose bodies are far smaller.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// Describes `MAX_BODY_BYTES` for failure messages.
pub fn body_limit_text() -> String {
    format!(
        "swarm's limit of {} MiB per response body",
        MAX_BODY_BYTES / (1024 * 1024)
    )
}

pub use connection::{Connection, RawResponse};
pub use encode::{write_request, ACCEPT_ENCODING, USER_AGENT};
pub use pool::Connections;
pub use tls::client_config;

/// The cause of a failed exchange on a connection.
#[derive(Debug)]
pub enum TransportError {
    /// The host name did not resolve.
    Dns(io::Error),
    /// No connection could be opened to any of the host's addresses.
    Connect(io::Error),
    /// The TLS handshake failed (for example, an untrusted certificate).
    Tls(io::Error),
    /// Writing the request or reading the response failed.
    Io {
        error: io::Error,
        response_started: bool,
    },
    /// The server closed the connection before the response was complete.
    Closed { response_started: bool },
    /// The response is not valid HTTP/1.1.
    InvalidResponse(String),
    /// The body could not be decoded with its `Content-Encoding`.
    Decode(String),
}

impl TransportError {
    /// Returns whether the failure happened before any byte of the response arrived, which on a
    /// reused keep-alive connection means the server had closed it while it was idle.
    pub fn before_response(&self) -> bool {
        match self {
            TransportError::Io {
                response_started, ..
            }
            | TransportError::Closed { response_started } => !response_started,
            _ => false,
        }
    }
}
