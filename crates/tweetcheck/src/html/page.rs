//! The browsable API's page for one API response.

use askama::Template;
use serde_json::Value;

use super::forms::{Form, FormField};
use super::nav::Nav;

/// One API response as an HTML page.
#[derive(Template)]
#[template(path = "api_page.html")]
pub struct ApiPage {
    pub nav: Nav,
    pub name: String,
    pub description: String,
    pub breadcrumbs: Vec<Crumb>,
    /// The request's path, which the page's forms post to.
    pub path: String,
    /// The same resource with `?format=json`.
    pub json_url: String,
    pub allows_options: bool,
    pub allows_delete: bool,
    pub filters: Vec<FormField>,
    /// Whether the request had any of the filters set, so the controls start open.
    pub filtered: bool,
    pub method: String,
    /// The path with its query string, as in the request line.
    pub request_target: String,
    /// The status code and reason, such as `200 OK`.
    pub status: String,
    /// The response headers worth showing, in the order they are shown.
    pub headers: Vec<(String, String)>,
    /// The response body, already escaped by [`super::json::to_html`].
    pub body_html: String,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub forms: Vec<Form>,
}

/// One link in the breadcrumbs.
#[derive(Debug, PartialEq, Eq)]
pub struct Crumb {
    pub name: String,
    pub url: String,
}

/// Builds the breadcrumbs of an API path: the API root, then the list, then the object, each up to
/// the page's own path.
pub fn breadcrumbs(path: &str) -> Vec<Crumb> {
    let mut crumbs = vec![Crumb {
        name: String::from("Api Root"),
        url: String::from("/api/"),
    }];
    let Some(rest) = path.strip_prefix("/api/") else {
        return crumbs;
    };
    let segments: Vec<&str> = rest
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();

    let mut url = String::from("/api/");
    for (index, segment) in segments.iter().enumerate() {
        url.push_str(segment);
        url.push('/');
        let name = match index {
            0 => list_name(segment),
            _ => format!("{} Instance", singular(segments[0])),
        };
        crumbs.push(Crumb {
            name,
            url: url.clone(),
        });
    }
    crumbs
}

fn list_name(segment: &str) -> String {
    match segment {
        "counts" => String::from("Counts"),
        _ => format!("{} List", singular(segment)),
    }
}

/// "tweets" → "Tweet": the model name that Django REST Framework puts in view names.
fn singular(segment: &str) -> String {
    let stem = segment.strip_suffix('s').unwrap_or(segment);
    let mut chars = stem.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Returns a description of the route at `path` for pages whose view has none. The texts
/// summarize what each route does in this server.
pub fn describe(path: &str) -> &'static str {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["api"] => "The entry point of the API: links to every list. Everything here is limited to your organization.",
        ["api", "tweets"] => "Tweets waiting for approval, posted, rejected or scheduled. POST a handle and a body to draft one. Only approvers may set a status other than pending.",
        ["api", "tweets", _] => "One tweet. PUT or PATCH changes it and records an action, and DELETE removes it.",
        ["api", "handles"] => "The Twitter accounts your organization tweets from.",
        ["api", "handles", _] => "One Twitter account of your organization.",
        ["api", "users"] => "The users of your organization. Only approvers may create users or change others.",
        ["api", "users", _] => "One user of your organization.",
        ["api", "devices"] => "Phones registered for push notifications, which this server never sends.",
        ["api", "devices", _] => "One registered phone.",
        ["api", "actions"] => "The audit log of your organization's tweets, newest first, 10 to a page.",
        ["api", "actions", _] => "One entry of the audit log.",
        ["api", "counts"] => "The number of pending and scheduled tweets.",
        _ => "",
    }
}

/// Returns the `next` and `previous` page links of a paginated body.
pub fn page_links(body: Option<&Value>) -> (Option<String>, Option<String>) {
    let link = |name: &str| {
        body.and_then(|body| body.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    (link("previous"), link("next"))
}

/// Returns `path_and_query` with `format=json` added to its query string.
pub fn json_url(path: &str, query: Option<&str>) -> String {
    let other_parameters: Vec<(String, String)> = query
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .filter(|(key, _)| key != "format")
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(other_parameters)
        .append_pair("format", "json")
        .finish();
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn breadcrumbs_of_a_detail_path() {
        let names: Vec<_> = breadcrumbs("/api/tweets/3/")
            .into_iter()
            .map(|c| c.name)
            .collect();

        assert_eq!(names, ["Api Root", "Tweet List", "Tweet Instance"]);
    }

    #[test]
    fn breadcrumbs_link_each_level() {
        let urls: Vec<_> = breadcrumbs("/api/users/2/")
            .into_iter()
            .map(|c| c.url)
            .collect();

        assert_eq!(urls, ["/api/", "/api/users/", "/api/users/2/"]);
    }

    #[test]
    fn json_url_replaces_format_and_keeps_filters() {
        assert_eq!(
            json_url("/api/tweets/", Some("status=0&format=api")),
            "/api/tweets/?status=0&format=json"
        );
        assert_eq!(json_url("/api/", None), "/api/?format=json");
    }

    #[test]
    fn page_links_reads_next_and_previous() {
        let body = json!({"count": 20, "next": "http://h/api/actions/?page=2", "previous": null});

        assert_eq!(
            page_links(Some(&body)),
            (None, Some(String::from("http://h/api/actions/?page=2")))
        );
    }
}
