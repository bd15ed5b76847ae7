//! One HTTP/1.1 connection over TCP or TLS: opens it, sends an encoded request, and reads one
//! response (head, then body by its framing).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use url::Host;

use super::decode::{chunk_size, decode_body, ContentEncoding};
use super::{body_limit_text, TransportError, MAX_BODY_BYTES};

/// Maximum size of a response head; real heads are far smaller.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Headers parsed in a stack array; heads with more are parsed again with room for
/// `MAX_HEADERS`.
const INLINE_HEADERS: usize = 32;
const MAX_HEADERS: usize = 512;
/// Free space ensured in the read buffer before each read.
const READ_SPACE: usize = 4 * 1024;
/// Maximum length of a chunk-size or trailer line in a chunked body.
const MAX_CHUNK_LINE: usize = 4 * 1024;
/// Maximum number of bytes a body read reserves ahead of the bytes received, so a
/// `Content-Length` larger than the body the server sends costs no memory.
const MAX_RESERVE_AHEAD: usize = 64 * 1024;

/// A TCP or TLS connection to one origin, with its read and write buffers.
#[derive(Debug)]
pub struct Connection {
    stream: Stream,
    host: Box<str>,
    port: u16,
    read_buffer: BytesMut,
    /// The encoded request; `write_request` fills it.
    pub request: Vec<u8>,
}

#[derive(Debug)]
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A response as read from the connection, body already decoded.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Status line and header lines, up to and including the blank line.
    pub head: Bytes,
    pub body: Bytes,
    /// Whether the connection may carry another request.
    pub keep_alive: bool,
}

/// The fields of a response head that the client acts on.
struct Head {
    length: usize,
    status: u16,
    framing: Framing,
    keep_alive: bool,
    encoding: ContentEncoding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

impl Connection {
    /// Opens a connection to `host:port`, trying each resolved address in turn, with
    /// `TCP_NODELAY` set because every request leaves in one write. With `tls`, a TLS
    /// handshake follows, which checks the certificate against `host`.
    pub async fn open(
        host: Host<&str>,
        port: u16,
        tls: Option<&Arc<rustls::ClientConfig>>,
    ) -> Result<Self, TransportError> {
        let addresses: Vec<SocketAddr> = match host {
            Host::Ipv4(ip) => vec![SocketAddr::from((ip, port))],
            Host::Ipv6(ip) => vec![SocketAddr::from((ip, port))],
            Host::Domain(name) => tokio::net::lookup_host((name, port))
                .await
                .map_err(TransportError::Dns)?
                .collect(),
        };
        let mut last_error =
            io::Error::new(io::ErrorKind::NotFound, "the host name has no addresses");
        let mut connected = None;
        for address in addresses {
            match TcpStream::connect(address).await {
                Ok(stream) => {
                    connected = Some(stream);
                    break;
                }
                Err(error) => last_error = error,
            }
        }
        let Some(stream) = connected else {
            return Err(TransportError::Connect(last_error));
        };
        stream.set_nodelay(true).map_err(TransportError::Connect)?;

        let stream = match tls {
            None => Stream::Plain(stream),
            Some(config) => {
                let server_name = server_name(&host)?;
                let connector = tokio_rustls::TlsConnector::from(config.clone());
                let stream = connector
                    .connect(server_name, stream)
                    .await
                    .map_err(TransportError::Tls)?;
                Stream::Tls(Box::new(stream))
            }
        };
        Ok(Self {
            stream,
            host: host_text(host),
            port,
            read_buffer: BytesMut::new(),
            request: Vec::new(),
        })
    }

    /// Returns whether this connection goes to `host:port` (`host` as `Url::host_str` writes
    /// it), over TLS or not.
    pub fn is_to(&self, host: &str, port: u16, tls: bool) -> bool {
        self.port == port && *self.host == *host && matches!(self.stream, Stream::Tls(_)) == tls
    }

    /// Returns whether an idle connection can carry another request: the peer has not closed
    /// it and sent nothing since the last response. A server that closes an idle connection
    /// may send a last response first (such as 408 Request Timeout), which must not be read
    /// as the response to the next request. Checks the socket without waiting, as urllib3 does
    /// before it reuses a pooled connection.
    pub fn is_reusable(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd as _;
            let fd = match &self.stream {
                Stream::Plain(stream) => stream.as_raw_fd(),
                Stream::Tls(stream) => stream.get_ref().0.as_raw_fd(),
            };
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: `poll` points to one valid `pollfd` for the duration of the call, and
            // a zero timeout returns at once.
            let ready = unsafe { libc::poll(&mut poll, 1, 0) };
            // Any event (bytes, the end of the stream, an error, a hang-up) rules the connection out.
            ready == 0
        }
        #[cfg(not(unix))]
        {
            true
        }
    }

    /// Sends `self.request` and reads the response. Set `head_request` for a HEAD request,
    /// because its response has no body whatever its headers claim.
    pub async fn exchange(&mut self, head_request: bool) -> Result<RawResponse, TransportError> {
        let written = match &mut self.stream {
            Stream::Plain(stream) => stream.write_all(&self.request).await,
            Stream::Tls(stream) => {
                // Flush so that no encrypted record stays buffered in the TLS stream.
                match stream.write_all(&self.request).await {
                    Ok(()) => stream.flush().await,
                    Err(error) => Err(error),
                }
            }
        };
        written.map_err(|error| TransportError::Io {
            error,
            response_started: false,
        })?;
        let head = loop {
            let head = self.read_head().await?;
            // Interim responses (100 Continue, 103 Early Hints) precede the real one.
            if (100..200).contains(&head.status) && head.status != 101 {
                self.read_buffer.advance(head.length);
                continue;
            }
            break head;
        };
        let head_bytes = self.read_buffer.split_to(head.length).freeze();
        let framing = if head_request || matches!(head.status, 101 | 204 | 304) {
            Framing::Empty
        } else {
            head.framing
        };
        let body = match framing {
            Framing::Empty => Bytes::new(),
            Framing::Length(length) => self.read_length(length).await?,
            Framing::Chunked => self.read_chunked().await?,
            Framing::UntilClose => self.read_until_close().await?,
        };
        let body = decode_body(head.encoding, body).map_err(TransportError::Decode)?;
        // Bytes after the response would be a reply to nothing, and after 101 Switching
        // Protocols the connection no longer speaks HTTP/1.1: start afresh next time.
        let keep_alive = head.keep_alive
            && head.status != 101
            && framing != Framing::UntilClose
            && self.read_buffer.is_empty();
        Ok(RawResponse {
            status: head.status,
            head: head_bytes,
            body,
            keep_alive,
        })
    }

    /// Reads until the buffer contains a whole response head, and parses it.
    async fn read_head(&mut self) -> Result<Head, TransportError> {
        loop {
            if !self.read_buffer.is_empty() {
                if let Some(head) = parse_head(&self.read_buffer)? {
                    return Ok(head);
                }
                if self.read_buffer.len() > MAX_HEAD_BYTES {
                    return Err(TransportError::InvalidResponse(format!(
                        "the response head is longer than {} KiB",
                        MAX_HEAD_BYTES / 1024
                    )));
                }
            }
            let started = !self.read_buffer.is_empty();
            self.read_more(started).await?;
        }
    }

    async fn read_length(&mut self, length: u64) -> Result<Bytes, TransportError> {
        let length = usize::try_from(length)
            .ok()
            .filter(|&length| length <= MAX_BODY_BYTES)
            .ok_or_else(|| {
                TransportError::InvalidResponse(format!(
                    "Content-Length {length} is over {}",
                    body_limit_text()
                ))
            })?;
        // Grow with the data that arrives, never by the claimed length at once.
        while self.read_buffer.len() < length {
            let missing = length - self.read_buffer.len();
            let spare = self.read_buffer.capacity() - self.read_buffer.len();
            if spare < READ_SPACE {
                self.read_buffer.reserve(missing.min(MAX_RESERVE_AHEAD));
            }
            self.read_more(true).await?;
        }
        Ok(self.read_buffer.split_to(length).freeze())
    }

    async fn read_chunked(&mut self) -> Result<Bytes, TransportError> {
        let mut body = BytesMut::new();
        loop {
            let line = self.read_line().await?;
            let size = chunk_size(&line).ok_or_else(|| {
                TransportError::InvalidResponse(format!(
                    "invalid chunk size line `{}` in a chunked body",
                    String::from_utf8_lossy(&line).escape_debug()
                ))
            })?;
            if size == 0 {
                // Trailer fields, ignored, end with an empty line.
                while !self.read_line().await?.is_empty() {}
                return Ok(body.freeze());
            }
            let size = usize::try_from(size)
                .ok()
                .filter(|&size| size <= MAX_BODY_BYTES - body.len())
                .ok_or_else(|| {
                    TransportError::InvalidResponse(format!(
                        "a chunk of {size} bytes takes the body over {}",
                        body_limit_text()
                    ))
                })?;
            while self.read_buffer.len() < size {
                self.read_more(true).await?;
            }
            body.extend_from_slice(&self.read_buffer[..size]);
            self.read_buffer.advance(size);
            if !self.read_line().await?.is_empty() {
                return Err(TransportError::InvalidResponse(
                    "invalid chunked body: a chunk is longer than its size line".to_owned(),
                ));
            }
        }
    }

    /// Reads one line of a chunked body and returns it without its line end.
    async fn read_line(&mut self) -> Result<Bytes, TransportError> {
        loop {
            if let Some(end) = self.read_buffer.iter().position(|&byte| byte == b'\n') {
                let mut line = self.read_buffer.split_to(end + 1);
                line.truncate(end);
                if line.last() == Some(&b'\r') {
                    line.truncate(end - 1);
                }
                return Ok(line.freeze());
            }
            if self.read_buffer.len() > MAX_CHUNK_LINE {
                return Err(TransportError::InvalidResponse(format!(
                    "a line of a chunked body is longer than {} KiB",
                    MAX_CHUNK_LINE / 1024
                )));
            }
            self.read_more(true).await?;
        }
    }

    async fn read_until_close(&mut self) -> Result<Bytes, TransportError> {
        loop {
            if self.read_buffer.len() > MAX_BODY_BYTES {
                return Err(TransportError::InvalidResponse(format!(
                    "the body is over {}",
                    body_limit_text()
                )));
            }
            match self.read_more(true).await {
                Ok(()) => {}
                Err(TransportError::Closed { .. }) => return Ok(self.read_buffer.split().freeze()),
                Err(error) => return Err(error),
            }
        }
    }

    /// Reads what the socket has into the buffer; `Closed` at the end of the stream.
    async fn read_more(&mut self, response_started: bool) -> Result<(), TransportError> {
        if self.read_buffer.capacity() - self.read_buffer.len() < READ_SPACE {
            self.read_buffer.reserve(READ_SPACE);
        }
        let read = match &mut self.stream {
            Stream::Plain(stream) => stream.read_buf(&mut self.read_buffer).await,
            Stream::Tls(stream) => stream.read_buf(&mut self.read_buffer).await,
        };
        match read {
            Ok(0) => Err(TransportError::Closed { response_started }),
            Ok(_) => Ok(()),
            // A TLS peer that closes without close_notify, which many servers do.
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
                Err(TransportError::Closed { response_started })
            }
            Err(error) => Err(TransportError::Io {
                error,
                response_started,
            }),
        }
    }
}

fn server_name(
    host: &Host<&str>,
) -> Result<rustls::pki_types::ServerName<'static>, TransportError> {
    use rustls::pki_types::ServerName;
    match host {
        Host::Domain(name) => ServerName::try_from((*name).to_owned()).map_err(|error| {
            TransportError::Tls(io::Error::new(io::ErrorKind::InvalidInput, error))
        }),
        Host::Ipv4(ip) => Ok(ServerName::IpAddress(std::net::IpAddr::V4(*ip).into())),
        Host::Ipv6(ip) => Ok(ServerName::IpAddress(std::net::IpAddr::V6(*ip).into())),
    }
}

fn host_text(host: Host<&str>) -> Box<str> {
    match host {
        Host::Domain(name) => name.into(),
        // As `Url::host_str` writes them, so `is_to` compares like with like.
        Host::Ipv4(ip) => ip.to_string().into(),
        Host::Ipv6(ip) => format!("[{ip}]").into(),
    }
}

/// Parses a response head at the start of `buffer`; `None` while it is incomplete.
fn parse_head(buffer: &[u8]) -> Result<Option<Head>, TransportError> {
    let mut inline = [httparse::EMPTY_HEADER; INLINE_HEADERS];
    let mut response = httparse::Response::new(&mut inline);
    match response.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => Ok(Some(read_head_fields(&response, length)?)),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            let mut many = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut response = httparse::Response::new(&mut many);
            match response.parse(buffer) {
                Ok(httparse::Status::Complete(length)) => {
                    Ok(Some(read_head_fields(&response, length)?))
                }
                Ok(httparse::Status::Partial) => Ok(None),
                Err(error) => Err(invalid_head(error)),
            }
        }
        Err(error) => Err(invalid_head(error)),
    }
}

fn invalid_head(error: httparse::Error) -> TransportError {
    TransportError::InvalidResponse(format!("invalid response head: {error}"))
}

fn read_head_fields(response: &httparse::Response, length: usize) -> Result<Head, TransportError> {
    let status = response.code.unwrap_or_default();
    let http_1_0 = response.version == Some(0);
    let mut content_length = None;
    let mut chunked = false;
    let mut transfer_encoding = false;
    let mut close = false;
    let mut keep_alive_token = false;
    let mut encoding = ContentEncoding::Identity;
    for header in response.headers.iter() {
        let name = header.name;
        if name.eq_ignore_ascii_case("content-length") {
            let value = std::str::from_utf8(header.value)
                .ok()
                .and_then(|text| text.trim().parse::<u64>().ok())
                .ok_or_else(|| {
                    TransportError::InvalidResponse(format!(
                        "invalid Content-Length `{}`",
                        String::from_utf8_lossy(header.value).escape_debug()
                    ))
                })?;
            if content_length.is_some_and(|known| known != value) {
                return Err(TransportError::InvalidResponse(
                    "two different Content-Length headers".to_owned(),
                ));
            }
            content_length = Some(value);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            transfer_encoding = true;
            // Chunked must be the last coding; anything else is read until close.
            chunked = header
                .value
                .rsplit(|&byte| byte == b',')
                .next()
                .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            for token in header.value.split(|&byte| byte == b',') {
                let token = token.trim_ascii();
                close |= token.eq_ignore_ascii_case(b"close");
                keep_alive_token |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case("content-encoding") {
            encoding = ContentEncoding::parse(header.value);
        }
    }
    // Transfer-Encoding overrides Content-Length (RFC 9112, section 6.3).
    let framing = match (transfer_encoding, chunked, content_length) {
        (true, true, _) => Framing::Chunked,
        (true, false, _) => Framing::UntilClose,
        (false, _, Some(length)) => Framing::Length(length),
        (false, _, None) => Framing::UntilClose,
    };
    let keep_alive = !close && (!http_1_0 || keep_alive_token);
    Ok(Head {
        length,
        status,
        framing,
        keep_alive,
        encoding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Head {
        parse_head(text.as_bytes())
            .unwrap_or_else(|error| panic!("{error:?}"))
            .expect("complete head")
    }

    #[test]
    fn head_framing_follows_the_headers() {
        let cases = [
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n",
                Framing::Length(12),
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                Framing::Chunked,
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n",
                Framing::Chunked,
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                Framing::UntilClose,
            ),
            ("HTTP/1.1 200 OK\r\n\r\n", Framing::UntilClose),
        ];
        for (text, framing) in cases {
            assert_eq!(head(text).framing, framing, "{text}");
        }
    }

    #[test]
    fn keep_alive_follows_version_and_connection() {
        let cases = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            (
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                false,
            ),
            (
                "HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\n\r\n",
                false,
            ),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", true),
        ];
        for (text, keep_alive) in cases {
            assert_eq!(head(text).keep_alive, keep_alive, "{text}");
        }
    }

    #[test]
    fn partial_head_waits_for_more() {
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le")
            .unwrap()
            .is_none());
    }

    #[test]
    fn conflicting_lengths_are_invalid() {
        let error =
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        assert!(matches!(error, Err(TransportError::InvalidResponse(_))));
        let error = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n");
        assert!(matches!(error, Err(TransportError::InvalidResponse(_))));
    }

    #[test]
    fn many_headers_parse_on_the_heap() {
        let mut text = String::from("HTTP/1.1 200 OK\r\n");
        for index in 0..100 {
            text.push_str(&format!("X-Header-{index}: {index}\r\n"));
        }
        text.push_str("Content-Length: 4\r\n\r\n");
        assert_eq!(head(&text).framing, Framing::Length(4));
    }
}
