//! JSON pretty-printed as HTML, with URLs turned into links.

use std::fmt::Write;

use serde_json::Value;

/// The indentation of one nesting level, in spaces.
const INDENT: usize = 4;

/// Renders `value` as indented JSON for a `<pre>` element. Every key and string is
/// HTML-escaped, and strings that are absolute `http` or `https` URLs become links.
pub fn to_html(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Null | Value::Bool(_) => {
            let _ = write!(out, "<span class=\"json-literal\">{value}</span>");
        }
        Value::Number(number) => {
            let _ = write!(out, "<span class=\"json-number\">{number}</span>");
        }
        Value::String(text) => write_string(out, text),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Object(fields) => {
            out.push('{');
            for (index, (key, item)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str("<span class=\"json-key\">");
                out.push_str(&escape(&quote(key)));
                out.push_str("</span>: ");
                write_value(out, item, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, text: &str) {
    let quoted = quote(text);
    // The literal without its quotes, so that a link covers only the URL.
    let inner = escape(&quoted[1..quoted.len() - 1]);
    if is_link(text) {
        let href = escape(text);
        let _ = write!(
            out,
            "<span class=\"json-string\">\"<a href=\"{href}\">{inner}</a>\"</span>"
        );
    } else {
        let _ = write!(out, "<span class=\"json-string\">\"{inner}\"</span>");
    }
}

/// Returns whether `text` is an absolute HTTP URL that is safe to link. Other schemes, such as
/// `javascript:`, stay plain text.
fn is_link(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', depth * INDENT));
}

/// Encodes `text` as a JSON string literal, quotes included.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\""))
}

/// Escapes the characters that are special in HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn to_html_indents_by_four_spaces() {
        let html = to_html(&json!({"count": 1, "results": []}));

        assert!(html.contains("{\n    <span class=\"json-key\">&quot;count&quot;</span>: "));
        assert!(html.ends_with("[]\n}"));
    }

    #[test]
    fn to_html_links_http_urls() {
        let html = to_html(&json!({"tweets": "http://127.0.0.1:8000/api/tweets/"}));

        assert!(html.contains(
            "<a href=\"http://127.0.0.1:8000/api/tweets/\">http://127.0.0.1:8000/api/tweets/</a>"
        ));
    }

    #[test]
    fn to_html_escapes_markup_in_strings_and_keys() {
        let html = to_html(&json!({"<b>": "<script>alert(1)</script>"}));

        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn to_html_does_not_link_other_schemes() {
        let html = to_html(&json!("javascript:alert(1)"));

        assert!(!html.contains("<a "));
    }
}
