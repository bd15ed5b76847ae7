//! The contents of the browsable API's pages: forms, buttons, filters, escaping, the home page
//! and the stylesheet.

mod browsable_common;
mod common;

use browsable_common::{content_type, login, Session, BROWSER_ACCEPT};
use common::{spawn_app, status_and_json, with_token, TestApp, ADMIN};
use serde_json::{json, Value};

/// Creates a tweet through the JSON API and returns it.
async fn create_tweet(app: &TestApp, token: &str, body: &str) -> Value {
    let response = with_token(app.post("/api/tweets/"), token)
        .json(&json!({"handle": 1, "body": body}))
        .send()
        .await
        .unwrap();
    let (status, tweet) = status_and_json(response).await;
    assert_eq!(status, 201, "creating a tweet failed: {tweet}");
    tweet
}

/// Opens `path` as a logged-in browser and returns the status and the HTML.
async fn browse(app: &TestApp, session: &Session, path: &str) -> (u16, String) {
    let response = session
        .cookies(app.get(path))
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        content_type(&response),
        "text/html; charset=utf-8",
        "{path}"
    );
    (status, response.text().await.unwrap())
}

/// Submits a form of the browsable API to `path` as a logged-in browser.
async fn submit(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let mut fields = fields.to_vec();
    fields.push(("csrfmiddlewaretoken", &session.csrf_token));
    let response = session
        .cookies(app.post(path))
        .header("Accept", BROWSER_ACCEPT)
        .form(&fields)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn home_page_links_api_workshop_and_login() {
    let app = spawn_app().await;

    let response = app
        .get("/")
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();

    assert_eq!(status, 200);
    assert!(html.contains("href=\"/api/\""), "{html}");
    assert!(html.contains("href=\"/workshop/\""), "{html}");
    assert!(
        html.contains("href=\"/api-auth/login/?next=/api/\""),
        "{html}"
    );
    assert!(
        html.contains("admin@tweetcheck.com"),
        "the workshop's login is missing: {html}"
    );
    assert!(html.contains("href=\"/static/tweetcheck.css\""), "{html}");
}

#[tokio::test]
async fn stylesheet_is_served_by_the_binary() {
    let app = spawn_app().await;

    let response = app.get("/static/tweetcheck.css").send().await.unwrap();
    let kind = content_type(&response);
    let css = response.text().await.unwrap();

    assert_eq!(kind, "text/css; charset=utf-8");
    assert!(css.contains(".navbar"), "{css}");
    assert!(
        !css.contains("http"),
        "the stylesheet must not load anything from the network"
    );
}

#[tokio::test]
async fn tweet_body_markup_is_escaped() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    create_tweet(&app, &token, "<script>alert(\"x\")</script> & <b>bold</b>").await;

    let (status, html) = browse(&app, &session, "/api/tweets/").await;

    assert_eq!(status, 200);
    assert!(
        !html.contains("<script>alert"),
        "the body was not escaped: {html}"
    );
    assert!(
        !html.contains("<b>bold</b>"),
        "the body was not escaped: {html}"
    );
    assert!(
        html.contains(
            "&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
        ),
        "{html}"
    );
}

#[tokio::test]
async fn list_page_has_post_forms() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let (status, html) = browse(&app, &session, "/api/tweets/").await;

    assert_eq!(status, 200);
    assert!(html.contains("<h1>Tweet List</h1>"), "{html}");
    assert!(
        html.contains("class=\"description\">Tweets waiting for approval"),
        "{html}"
    );
    assert!(
        html.contains("<select id=\"post-handle\" name=\"handle\">"),
        "no handle select: {html}"
    );
    assert!(
        html.contains(">tweetcheck (@tweetcheck)</option>"),
        "no handle choice: {html}"
    );
    assert!(
        html.contains("<textarea id=\"post-body\" name=\"body\""),
        "no body field: {html}"
    );
    assert!(
        html.contains(">scheduled</option>"),
        "no status choices: {html}"
    );
    assert!(
        html.contains("name=\"_content_type\""),
        "no raw form: {html}"
    );
    assert!(
        html.contains(&format!("value=\"{}\"", session.csrf_token)),
        "no CSRF token: {html}"
    );
    assert!(
        !html.contains("value=\"DELETE\""),
        "a list has no DELETE button: {html}"
    );
}

#[tokio::test]
async fn detail_page_has_put_form_and_delete_button() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    let tweet = create_tweet(&app, &token, "first draft").await;
    let path = format!("/api/tweets/{}/", tweet["id"]);

    let (status, html) = browse(&app, &session, &path).await;

    assert_eq!(status, 200);
    assert!(html.contains("<h1>Tweet Instance</h1>"), "{html}");
    assert!(
        html.contains("<a href=\"/api/tweets/\">Tweet List</a>"),
        "no breadcrumb: {html}"
    );
    assert!(
        html.contains("<input type=\"hidden\" name=\"_method\" value=\"DELETE\">"),
        "{html}"
    );
    assert!(
        html.contains("<input type=\"hidden\" name=\"_method\" value=\"PUT\">"),
        "{html}"
    );
    assert!(
        html.contains("name=\"body\" rows=\"3\">first draft</textarea>"),
        "not prefilled: {html}"
    );
    assert!(
        html.contains("<b>Allow:</b> GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
        "{html}"
    );
}

#[tokio::test]
async fn list_page_has_status_filter() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let (status, html) = browse(&app, &session, "/api/tweets/?status=1").await;

    assert_eq!(status, 200);
    assert!(html.contains("<details class=\"filters\" open>"), "{html}");
    assert!(
        html.contains("<select id=\"filter-status\" name=\"status\">"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"1\" selected>posted</option>"),
        "{html}"
    );
    assert!(html.contains("<b>GET</b> /api/tweets/?status=1"), "{html}");
}

#[tokio::test]
async fn html_form_post_creates_a_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;

    let fields = [
        ("handle", "1"),
        ("body", "from the form"),
        ("status", "0"),
        ("eta", ""),
    ];
    let (status, html) = submit(&app, &session, "/api/tweets/", &fields).await;
    let list = with_token(app.get("/api/tweets/"), &token)
        .send()
        .await
        .unwrap();
    let (_, tweets) = status_and_json(list).await;

    assert_eq!(status, 201, "{html}");
    assert!(html.contains("<b>POST</b> /api/tweets/"), "{html}");
    assert!(html.contains("<b>HTTP 201 Created</b>"), "{html}");
    assert_eq!(tweets[0]["body"], "from the form");
    assert_eq!(tweets[0]["author"], "admin");
}

#[tokio::test]
async fn raw_form_posts_its_json_body() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;

    let content = r#"{"handle": 1, "body": "raw JSON", "status": 0, "eta": null}"#;
    let fields = [
        ("_method", "POST"),
        ("_content_type", "application/json"),
        ("_content", content),
    ];
    let (status, html) = submit(&app, &session, "/api/tweets/", &fields).await;
    let list = with_token(app.get("/api/tweets/"), &token)
        .send()
        .await
        .unwrap();
    let (_, tweets) = status_and_json(list).await;

    assert_eq!(status, 201, "{html}");
    assert_eq!(tweets[0]["body"], "raw JSON");
}

#[tokio::test]
async fn put_form_replaces_the_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    let tweet = create_tweet(&app, &token, "before").await;
    let path = format!("/api/tweets/{}/", tweet["id"]);

    let fields = [
        ("_method", "PUT"),
        ("handle", "1"),
        ("body", "after"),
        ("status", "0"),
        ("eta", ""),
    ];
    let (status, html) = submit(&app, &session, &path, &fields).await;
    let detail = with_token(app.get(&path), &token).send().await.unwrap();
    let (_, changed) = status_and_json(detail).await;

    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&format!("<b>PUT</b> {path}")), "{html}");
    assert_eq!(changed["body"], "after");
}

#[tokio::test]
async fn delete_button_deletes_the_tweet() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    let tweet = create_tweet(&app, &token, "to be deleted").await;
    let path = format!("/api/tweets/{}/", tweet["id"]);

    let (status, html) = submit(&app, &session, &path, &[("_method", "DELETE")]).await;
    let after = with_token(app.get(&path), &token).send().await.unwrap();

    // The page itself is a 200, because a 204 response has no body to show.
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<b>HTTP 204 No Content</b>"), "{html}");
    assert_eq!(after.status(), 404);
}

#[tokio::test]
async fn delete_button_without_csrf_is_forbidden() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    let tweet = create_tweet(&app, &token, "kept").await;
    let path = format!("/api/tweets/{}/", tweet["id"]);

    let response = session
        .cookies(app.post(&path))
        .header("Accept", BROWSER_ACCEPT)
        .form(&[("_method", "DELETE")])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    let after = with_token(app.get(&path), &token).send().await.unwrap();

    assert_eq!(status, 403);
    assert!(html.contains("CSRF Failed: CSRF token missing."), "{html}");
    assert_eq!(after.status(), 200);
}

#[tokio::test]
async fn options_button_shows_the_metadata() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let (status, html) = submit(&app, &session, "/api/tweets/", &[("_method", "OPTIONS")]).await;

    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<b>OPTIONS</b> /api/tweets/"), "{html}");
    assert!(html.contains("&quot;actions&quot;"), "{html}");
}

#[tokio::test]
async fn format_suffix_selects_the_format() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let json = with_token(app.get("/api/tweets.json"), &token)
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let html = with_token(app.get("/api/tweets.api"), &token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    let root = with_token(app.get("/api/.json"), &token)
        .send()
        .await
        .unwrap();
    let unknown = with_token(app.get("/api/tweets.xml"), &token)
        .send()
        .await
        .unwrap();

    assert_eq!(json.status(), 200);
    assert_eq!(content_type(&json), "application/json");
    assert_eq!(html.status(), 200);
    assert_eq!(content_type(&html), "text/html; charset=utf-8");
    let (status, body) = status_and_json(root).await;
    assert_eq!(status, 200);
    assert!(body["tweets"].is_string(), "{body}");
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn actions_page_links_the_next_page() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    // One action per created tweet, so 11 tweets fill more than the first page of 10.
    for number in 0..11 {
        create_tweet(&app, &token, &format!("filler tweet {number}")).await;
    }

    let (first_status, first) = browse(&app, &session, "/api/actions/").await;
    let (second_status, second) = browse(&app, &session, "/api/actions/?page=2").await;

    assert_eq!(first_status, 200);
    let next = format!("href=\"{}/api/actions/?page=2\">Next &raquo;</a>", app.base);
    assert!(first.contains(&next), "no link to page 2: {first}");
    assert!(
        !first.contains("&laquo; Previous"),
        "page 1 has no previous page: {first}"
    );
    assert_eq!(second_status, 200);
    assert!(
        second.contains("&laquo; Previous</a>"),
        "no link back to page 1: {second}"
    );
    assert!(
        !second.contains("Next &raquo;"),
        "page 2 is the last: {second}"
    );
}

#[tokio::test]
async fn every_list_and_detail_renders_as_a_page() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let session = login(&app, ADMIN).await;
    let tweet = create_tweet(&app, &token, "for the detail pages").await;
    let tweet_path = format!("/api/tweets/{}/", tweet["id"]);

    let pages = [
        ("/api/", "Api Root"),
        ("/api/tweets/", "Tweet List"),
        (tweet_path.as_str(), "Tweet Instance"),
        ("/api/handles/", "Handle List"),
        ("/api/handles/1/", "Handle Instance"),
        ("/api/users/", "User List"),
        ("/api/users/1/", "User Instance"),
        ("/api/devices/", "Device List"),
        ("/api/actions/", "Action List"),
        ("/api/counts/", "Counts"),
    ];
    for (path, breadcrumb) in pages {
        let (status, html) = browse(&app, &session, path).await;

        assert_eq!(status, 200, "{path}: {html}");
        assert!(
            html.contains(&format!("<li aria-current=\"page\">{breadcrumb}</li>")),
            "{path}: {html}"
        );
        assert!(
            html.contains(&format!("<b>GET</b> {path}")),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn write_only_route_offers_a_raw_form() {
    let app = spawn_app().await;

    let response = app
        .get("/api-token-auth/")
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();

    assert_eq!(status, 405);
    assert!(html.contains("<h2>POST /api-token-auth/</h2>"), "{html}");
    assert!(html.contains("name=\"_content\""), "no raw form: {html}");

    let content = r#"{"username": "admin@tweetcheck.com", "password": "admin"}"#;
    let posted = app
        .post("/api-token-auth/")
        .header("Accept", BROWSER_ACCEPT)
        .form(&[("_content_type", "application/json"), ("_content", content)])
        .send()
        .await
        .unwrap();
    let posted_status = posted.status();
    let page = posted.text().await.unwrap();

    assert_eq!(posted_status, 200, "{page}");
    assert!(
        page.contains("&quot;token&quot;"),
        "no token on the page: {page}"
    );
}

#[tokio::test]
async fn unauthenticated_page_has_no_forms() {
    let app = spawn_app().await;

    let response = app
        .get("/api/tweets/")
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();

    assert_eq!(status, 401);
    assert!(!html.contains("name=\"_content\""), "{html}");
    assert!(!html.contains("<h2>POST"), "{html}");
}
