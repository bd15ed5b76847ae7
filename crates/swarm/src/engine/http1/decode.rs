//! Decoding of response bodies: `Content-Encoding` (gzip, deflate, brotli) and the size lines
//! of chunked transfer coding.

use std::io::Read as _;

use bytes::Bytes;

use super::{body_limit_text, MAX_BODY_BYTES};

/// A body coding the client decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentEncoding {
    Identity,
    Gzip,
    Deflate,
    Brotli,
}

impl ContentEncoding {
    /// Parses a `Content-Encoding` value. Codings the client cannot decode, and several codings
    /// in a row, leave the body as received.
    pub fn parse(value: &[u8]) -> Self {
        let value = value.trim_ascii();
        if value.eq_ignore_ascii_case(b"gzip") || value.eq_ignore_ascii_case(b"x-gzip") {
            ContentEncoding::Gzip
        } else if value.eq_ignore_ascii_case(b"deflate") {
            ContentEncoding::Deflate
        } else if value.eq_ignore_ascii_case(b"br") {
            ContentEncoding::Brotli
        } else {
            ContentEncoding::Identity
        }
    }
}

/// Decodes `body` sent with `encoding`. An empty body stays empty whatever the header says
/// (a 204 may carry `Content-Encoding: gzip`). Decoded data over `MAX_BODY_BYTES` is an error,
/// so a small compressed body cannot expand into gigabytes.
pub fn decode_body(encoding: ContentEncoding, body: Bytes) -> Result<Bytes, String> {
    decode_body_within(encoding, body, MAX_BODY_BYTES)
}

fn decode_body_within(
    encoding: ContentEncoding,
    body: Bytes,
    limit: usize,
) -> Result<Bytes, String> {
    if body.is_empty() || encoding == ContentEncoding::Identity {
        return Ok(body);
    }
    // Reading one byte past the limit distinguishes a body at the limit from one over it.
    let take = limit as u64 + 1;
    // A first guess at the decoded size, capped so that a large body does not reserve much
    // more than it decodes to.
    let mut decoded = Vec::with_capacity(body.len().saturating_mul(4).min(limit).min(1 << 20));
    let result = match encoding {
        ContentEncoding::Identity => unreachable!("returned above"),
        ContentEncoding::Gzip => flate2::read::MultiGzDecoder::new(&body[..])
            .take(take)
            .read_to_end(&mut decoded),
        ContentEncoding::Deflate => {
            // HTTP's "deflate" is the zlib format, but some servers send raw deflate data.
            let zlib = flate2::read::ZlibDecoder::new(&body[..])
                .take(take)
                .read_to_end(&mut decoded);
            if zlib.is_err() {
                decoded.clear();
                flate2::read::DeflateDecoder::new(&body[..])
                    .take(take)
                    .read_to_end(&mut decoded)
            } else {
                zlib
            }
        }
        ContentEncoding::Brotli => brotli::Decompressor::new(&body[..], 4096)
            .take(take)
            .read_to_end(&mut decoded),
    };
    let name = match encoding {
        ContentEncoding::Gzip => "gzip",
        ContentEncoding::Deflate => "deflate",
        _ => "brotli",
    };
    result.map_err(|error| format!("invalid {name} data: {error}"))?;
    if decoded.len() > limit {
        return Err(if limit == MAX_BODY_BYTES {
            format!("the {name}-decoded body is over {}", body_limit_text())
        } else {
            format!("the {name}-decoded body is over {limit} bytes")
        });
    }
    Ok(Bytes::from(decoded))
}

/// Parses a chunk-size line (without its line end): hexadecimal digits, then optional
/// `;extension`s, which are ignored.
pub fn chunk_size(line: &[u8]) -> Option<u64> {
    let digits = match line.iter().position(|&byte| byte == b';') {
        Some(end) => &line[..end],
        None => line,
    };
    let digits = digits.trim_ascii();
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut size = 0u64;
    for &byte in digits {
        let digit = (byte as char).to_digit(16)?;
        size = size * 16 + u64::from(digit);
    }
    Some(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn chunk_sizes_parse_as_hex() {
        assert_eq!(chunk_size(b"0"), Some(0));
        assert_eq!(chunk_size(b"1a"), Some(26));
        assert_eq!(chunk_size(b"FF ; name=value"), Some(255));
        assert_eq!(chunk_size(b""), None);
        assert_eq!(chunk_size(b"xyz"), None);
        assert_eq!(chunk_size(b"-1"), None);
        assert_eq!(
            chunk_size(b"1000000000000000"),
            None,
            "longer than 15 digits"
        );
    }

    #[test]
    fn raw_deflate_is_accepted_too() {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"raw deflate data").unwrap();
        let body = Bytes::from(encoder.finish().unwrap());
        let decoded = decode_body(ContentEncoding::Deflate, body).unwrap();
        assert_eq!(&decoded[..], b"raw deflate data");
    }

    #[test]
    fn corrupt_gzip_names_the_coding() {
        let error =
            decode_body(ContentEncoding::Gzip, Bytes::from_static(b"not gzip")).unwrap_err();
        assert!(error.starts_with("invalid gzip data: "), "{error}");
    }

    #[test]
    fn decoding_stops_at_the_limit() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&[b'a'; 10_000]).unwrap();
        let body = Bytes::from(encoder.finish().unwrap());
        let error = decode_body_within(ContentEncoding::Gzip, body.clone(), 9_999).unwrap_err();
        assert_eq!(error, "the gzip-decoded body is over 9999 bytes");
        let decoded = decode_body_within(ContentEncoding::Gzip, body, 10_000).unwrap();
        assert_eq!(decoded.len(), 10_000);
    }

    #[test]
    fn unknown_codings_are_left_alone() {
        assert_eq!(ContentEncoding::parse(b"zstd"), ContentEncoding::Identity);
        assert_eq!(ContentEncoding::parse(b" GZIP "), ContentEncoding::Gzip);
        let body = Bytes::from_static(b"as sent");
        assert_eq!(
            decode_body(ContentEncoding::Identity, body.clone()).unwrap(),
            body
        );
    }
}
