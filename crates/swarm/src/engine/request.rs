//! One request of a user: render templates, send, check, capture, record.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use url::Url;

use super::client::{
    self, CookieJar, OutgoingRequest, Response, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT,
};
use super::user::{UserEnv, UserState};
use crate::scenario::{Body, CaptureSource, JsonTemplate, Part, Request, TemplateContext};
use crate::stats::{unix_now, Sample};

/// Values templates read for one user.
struct Context<'a> {
    user: &'a UserState,
    env: &'a UserEnv,
}

impl TemplateContext for Context<'_> {
    fn variable(&self, name: &str) -> Option<&str> {
        self.user.variables.get(name).map(String::as_str)
    }

    fn user_index(&self) -> usize {
        self.user.index
    }

    fn data_column(&self, column: &str) -> Option<&str> {
        let data = self.env.class.data.as_ref()?;
        let row = data.rows.get(self.user.data_row?)?;
        let position = data.columns.iter().position(|known| known == column)?;
        row.get(position).map(String::as_str)
    }
}

/// Sends `request` for `user` and reports the outcome to the statistics.
pub async fn perform(env: &UserEnv, user: &mut UserState, request: &Request) {
    let started = Instant::now();
    let (name, result) = execute(env, user, request, started).await;
    let elapsed = started.elapsed();
    let (content_length, error) = match result {
        Ok(length) => (length, None),
        Err((length, message)) => (length, Some(message)),
    };
    let sample = Sample {
        method: request.method_label.clone(),
        name,
        at: unix_now(),
        response_time_us: elapsed.as_micros().min(u128::from(u64::MAX)) as u64,
        content_length,
        error,
    };
    env.record(sample);
}

type Outcome = Result<u64, (u64, String)>;

async fn execute(
    env: &UserEnv,
    user: &mut UserState,
    request: &Request,
    started: Instant,
) -> (Arc<str>, Outcome) {
    let context = Context { user, env };
    let path = match request.path.render(&context) {
        Ok(path) => path,
        Err(message) => {
            let name = request
                .name
                .clone()
                .unwrap_or_else(|| Arc::from(request.path.source()));
            return (name, Err((0, message)));
        }
    };
    let name = request
        .name
        .clone()
        .unwrap_or_else(|| Arc::from(path.as_str()));
    let outgoing = match build(env, &context, request, &path) {
        Ok(outgoing) => outgoing,
        Err(message) => return (name, Err((0, message))),
    };
    let response = match env
        .client
        .send(outgoing, &user.jar, &mut user.connections)
        .await
    {
        Ok(response) => response,
        Err(message) => return (name, Err((0, message))),
    };
    let elapsed = started.elapsed();
    let length = client::content_length(&response);
    if let Err(message) = check(request, &response, elapsed) {
        return (name, Err((length, message)));
    }
    if let Err(message) = capture(request, &response, &user.jar, &mut user.variables) {
        return (name, Err((length, message)));
    }
    (name, Ok(length))
}

fn build(
    env: &UserEnv,
    context: &Context,
    request: &Request,
    path: &str,
) -> Result<OutgoingRequest, String> {
    let mut url = if path.starts_with("http://") || path.starts_with("https://") {
        Url::parse(path).map_err(|error| format!("invalid URL `{path}`: {error}"))?
    } else {
        Url::parse(&format!("{}{path}", env.host))
            .map_err(|error| format!("invalid URL `{}{path}`: {error}", env.host))?
    };
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in &request.query {
            pairs.append_pair(key, &value.render(context)?);
        }
    }

    let mut headers = HeaderMap::new();
    for (name, value) in env.class.headers.iter().chain(&request.headers) {
        let rendered = value.render(context)?;
        // The message leaves the value out: it may hold a token, and it would make one
        // failure row per distinct value.
        let value = HeaderValue::from_str(&rendered).map_err(|_| {
            format!(
                "invalid value for header {name}: the rendered value has a control or \
                 non-ASCII character, which headers do not allow"
            )
        })?;
        headers.insert(name.clone(), value);
    }

    let body = match &request.body {
        Body::Empty => None,
        Body::Form(fields) => {
            let mut rendered = Vec::with_capacity(fields.len());
            for (key, value) in fields {
                rendered.push((key.as_str(), value.render(context)?));
            }
            client::set_content_type(&mut headers, "application/x-www-form-urlencoded");
            Some(Bytes::from(
                serde_urlencoded::to_string(&rendered).map_err(|error| error.to_string())?,
            ))
        }
        Body::Json(template) => {
            client::set_content_type(&mut headers, "application/json");
            let value = render_json(template, context)?;
            Some(Bytes::from(
                serde_json::to_vec(&value).map_err(|error| error.to_string())?,
            ))
        }
        Body::Raw { content_type, body } => {
            if let Some(content_type) = content_type {
                client::set_content_type(&mut headers, content_type);
            }
            Some(Bytes::from(body.render(context)?))
        }
        Body::Multipart(parts) => {
            let boundary = format!("swarm-{}", uuid::Uuid::new_v4().simple());
            client::set_content_type(
                &mut headers,
                &format!("multipart/form-data; boundary={boundary}"),
            );
            Some(multipart_body(parts, &boundary, context)?)
        }
    };

    Ok(OutgoingRequest {
        method: request.method.clone(),
        url,
        headers,
        body,
        timeout: request
            .timeout
            .or(env.class.timeout)
            .unwrap_or(DEFAULT_TIMEOUT),
        max_redirects: request.max_redirects.unwrap_or(DEFAULT_MAX_REDIRECTS),
    })
}

fn render_json(template: &JsonTemplate, context: &Context) -> Result<serde_json::Value, String> {
    Ok(match template {
        JsonTemplate::Literal(value) => value.clone(),
        JsonTemplate::String(text) => serde_json::Value::String(text.render(context)?),
        JsonTemplate::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|item| render_json(item, context))
                .collect::<Result<_, _>>()?,
        ),
        JsonTemplate::Object(fields) => {
            let mut object = serde_json::Map::new();
            for (key, value) in fields {
                object.insert(key.clone(), render_json(value, context)?);
            }
            serde_json::Value::Object(object)
        }
    })
}

fn multipart_body(parts: &[Part], boundary: &str, context: &Context) -> Result<Bytes, String> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text { name, value } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                        quote(name)
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(value.render(context)?.as_bytes());
            }
            Part::File {
                name,
                file_name,
                content_type,
                contents,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                        quote(name),
                        quote(file_name),
                        content_type.as_deref().unwrap_or("application/octet-stream")
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(contents);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(Bytes::from(body))
}

fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Applies the request's checks; without a `status` check, 4xx and 5xx fail as in Locust.
fn check(
    request: &Request,
    response: &Response,
    elapsed: std::time::Duration,
) -> Result<(), String> {
    let checks = &request.checks;
    let status = response.status;
    let reason = status.canonical_reason().unwrap_or("");
    match &checks.status {
        Some(expected) if !expected.contains(&status.as_u16()) => {
            let expected: Vec<String> = expected.iter().map(u16::to_string).collect();
            return Err(format!(
                "HTTP {} {reason}: expected status {}",
                status.as_u16(),
                expected.join(" or ")
            ));
        }
        None if status.is_client_error() || status.is_server_error() => {
            return Err(format!("HTTP {} {reason}", status.as_u16()));
        }
        _ => {}
    }
    for text in &checks.body_contains {
        if !contains(&response.body, text.as_bytes()) {
            return Err(format!("response body does not contain `{text}`"));
        }
    }
    if !checks.json.is_empty() {
        let document: serde_json::Value = serde_json::from_slice(&response.body).map_err(|_| {
            "response body is not JSON: expected JSON for the `json` check".to_owned()
        })?;
        for (pointer, expected) in &checks.json {
            match document.pointer(pointer) {
                Some(actual) if actual == expected => {}
                Some(actual) => {
                    let actual = truncated_json(actual);
                    return Err(format!(
                        "JSON value at {pointer} is {actual}, expected {expected}"
                    ));
                }
                None => {
                    return Err(format!(
                        "JSON value at {pointer} is missing: expected {expected}"
                    ))
                }
            }
        }
    }
    if let Some(limit) = checks.max_response_time {
        if elapsed > limit {
            return Err(format!(
                "response time above the limit of {} ms",
                limit.as_millis()
            ));
        }
    }
    Ok(())
}

/// Longest JSON text, in characters, that a failed `json` check quotes from a response.
const MAX_QUOTED_JSON: usize = 100;

/// Serializes `value` for a failure message, cut to [`MAX_QUOTED_JSON`] characters and marked
/// with `...` when longer, so a large document does not flood the error table.
fn truncated_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_QUOTED_JSON) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

fn capture(
    request: &Request,
    response: &Response,
    jar: &CookieJar,
    variables: &mut HashMap<String, String>,
) -> Result<(), String> {
    let mut document: Option<serde_json::Value> = None;
    for capture in &request.captures {
        let variable = &capture.variable;
        let value = match &capture.source {
            CaptureSource::Json(pointer) => {
                if document.is_none() {
                    document =
                        Some(serde_json::from_slice(&response.body).map_err(|_| {
                            format!("capture `{variable}`: response body is not JSON")
                        })?);
                }
                let found = document
                    .as_ref()
                    .and_then(|document| document.pointer(pointer));
                match found {
                    Some(serde_json::Value::String(text)) => text.clone(),
                    Some(serde_json::Value::Null) | None => {
                        return Err(format!(
                            "capture `{variable}`: no value at JSON pointer {pointer}"
                        ))
                    }
                    Some(other) => other.to_string(),
                }
            }
            CaptureSource::Header(name) => match response.header(name.as_str()) {
                Some(value) => value.to_owned(),
                None => {
                    return Err(format!(
                        "capture `{variable}`: no {name} header in the response"
                    ))
                }
            },
            CaptureSource::Regex(pattern) => {
                let text = String::from_utf8_lossy(&response.body);
                let Some(found) = pattern.captures(&text) else {
                    return Err(format!(
                        "capture `{variable}`: the regex `{}` does not match the body",
                        pattern.as_str()
                    ));
                };
                let matched = found
                    .get(1)
                    .or_else(|| found.get(0))
                    .map_or("", |m| m.as_str());
                matched.to_owned()
            }
            CaptureSource::Cookie(name) => match jar.get(&response.url, name) {
                Some(value) => value,
                None => return Err(format!("capture `{variable}`: no cookie `{name}` was set")),
            },
        };
        variables.insert(variable.clone(), value);
    }
    Ok(())
}
