//! Checks that every relative link and image in the rendered pages points to a file of the
//! site, and that every `#fragment` names an element id on the target page.

use std::collections::BTreeMap;
use std::fmt;

use crate::render::markdown::has_scheme;

/// A link or image source that does not resolve within the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page containing the link, relative to the site root.
    pub page: String,
    /// The link as written in the page's HTML.
    pub target: String,
    pub reason: String,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: broken link to {}: {}",
            self.page, self.target, self.reason
        )
    }
}

/// Checks the `href` and `src` attributes of every HTML file in `files` (path to bytes).
/// Links with a scheme (`https:`, `mailto:`) or starting with `//` are external and skipped.
///
/// NOTE: only double-quoted attribute values are seen, which is what the renderer writes.
/// A single-quoted or unquoted attribute in raw HTML inside a Markdown page goes unchecked.
pub fn check_links(files: &BTreeMap<&str, &[u8]>) -> Vec<BrokenLink> {
    let mut broken = Vec::new();
    for (page, bytes) in files {
        if !page.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for target in attribute_values(&html) {
            if let Err(reason) = resolve(files, page, &target) {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    target,
                    reason,
                });
            }
        }
    }
    broken
}

/// Returns the values of every `href="..."` and `src="..."` attribute, unescaped.
fn attribute_values(html: &str) -> Vec<String> {
    let mut values = Vec::new();
    for attribute in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let Some(end) = rest.find('"') else {
                break;
            };
            values.push(unescape_attribute(&rest[..end]));
            rest = &rest[end..];
        }
    }
    values
}

fn unescape_attribute(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Resolves `target`, written in `page`, to a file of the site. The error is the reason it
/// does not resolve.
fn resolve(files: &BTreeMap<&str, &[u8]>, page: &str, target: &str) -> Result<(), String> {
    if has_scheme(target) || target.starts_with("//") {
        return Ok(());
    }
    if target.starts_with('/') {
        return Err(
            "an absolute path breaks when the site is served under a prefix such as /workshop/, \
             so use a path relative to the page"
                .to_string(),
        );
    }

    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, fragment),
        None => (target, ""),
    };
    let path = path.split('?').next().unwrap_or_default();

    let resolved = if path.is_empty() {
        page.to_string()
    } else {
        join_relative(page, path)?
    };
    let Some(bytes) = files.get(resolved.as_str()) else {
        return Err(format!("the site contains no file {resolved}"));
    };

    if !fragment.is_empty() && resolved.ends_with(".html") {
        let html = String::from_utf8_lossy(bytes);
        if !html.contains(&format!(" id=\"{fragment}\"")) {
            return Err(format!(
                "points to #{fragment}, but {resolved} has no element with that id"
            ));
        }
    }
    Ok(())
}

/// Joins `path` to the folder of `page`, resolving `.` and `..`. A path ending in `/` means the
/// `index.html` in that folder.
///
/// NOTE: percent-encoded characters (`%20`) are not decoded, so a link to a file name with a
/// space is reported as broken.
fn join_relative(page: &str, path: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the path goes above the site root".to_string());
                }
            }
            name => parts.push(name),
        }
    }
    if path.ends_with('/') || parts.is_empty() {
        parts.push("index.html");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_relative_resolves_dot_segments() {
        assert_eq!(
            join_relative("index.html", "images/a.png"),
            Ok("images/a.png".into())
        );
        assert_eq!(
            join_relative("guide/a.html", "../b.html"),
            Ok("b.html".into())
        );
        assert_eq!(join_relative("a.html", "./"), Ok("index.html".into()));
        assert!(join_relative("a.html", "../b.html").is_err());
    }

    #[test]
    fn attribute_values_are_unescaped() {
        let values = attribute_values(r#"<a href="a.html?x=1&amp;y=2">a</a><img src="b.png">"#);
        assert_eq!(values, ["a.html?x=1&y=2", "b.png"]);
    }
}
