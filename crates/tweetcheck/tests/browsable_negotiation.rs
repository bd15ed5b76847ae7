//! Content negotiation: browsers get HTML pages, JSON clients get the same JSON as before.

mod browsable_common;
mod common;

use browsable_common::{content_type, BROWSER_ACCEPT};
use common::{spawn_app, status_and_json, with_token, ADMIN};

#[tokio::test]
async fn browser_gets_html_api_root() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/"), &token)
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = content_type(&response);
    let vary = response.headers()["vary"].to_str().unwrap().to_owned();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    let frames = response.headers()["x-frame-options"]
        .to_str()
        .unwrap()
        .to_owned();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();

    assert_eq!(status, 200);
    assert_eq!(kind, "text/html; charset=utf-8");
    assert_eq!(vary, "Accept, Cookie");
    assert_eq!(allow, "GET, HEAD, OPTIONS");
    assert_eq!(frames, "SAMEORIGIN");
    assert!(
        policy.contains("script-src 'none'"),
        "Content-Security-Policy: {policy}"
    );
    assert!(html.contains("<h1>Api Root</h1>"), "{html}");
    assert!(
        html.contains("<b>GET</b> /api/"),
        "no request line in {html}"
    );
    assert!(
        html.contains("<b>HTTP 200 OK</b>"),
        "no status line in {html}"
    );
    assert!(
        html.contains("<b>Content-Type:</b> application/json"),
        "{html}"
    );
    let link = format!("<a href=\"{}/api/tweets/\">", app.base);
    assert!(html.contains(&link), "no link to the tweets in {html}");
}

#[tokio::test]
async fn json_client_gets_unchanged_json() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    for accept in ["application/json", "*/*"] {
        let response = with_token(app.get("/api/"), &token)
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        let kind = content_type(&response);
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, 200, "Accept: {accept}");
        assert_eq!(kind, "application/json", "Accept: {accept}");
        assert_eq!(body["tweets"], format!("{}/api/tweets/", app.base));
    }
}

#[tokio::test]
async fn format_json_overrides_browser_accept() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/?format=json"), &token)
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let kind = content_type(&response);
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(kind, "application/json");
    assert!(body["users"].is_string());
}

#[tokio::test]
async fn format_api_overrides_json_accept() {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;

    let response = with_token(app.get("/api/?format=api"), &token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(content_type(&response), "text/html; charset=utf-8");
}

#[tokio::test]
async fn html_page_without_credentials_is_401() {
    let app = spawn_app().await;

    let response = app
        .get("/api/")
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = content_type(&response);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();

    assert_eq!(status, 401);
    assert_eq!(kind, "text/html; charset=utf-8");
    assert_eq!(challenge, "Token");
    assert!(
        html.contains("Authentication credentials were not provided."),
        "{html}"
    );
    assert!(
        html.contains("href=\"/api-auth/login/?next=%2Fapi%2F\""),
        "no login link in {html}"
    );
}

#[tokio::test]
async fn unknown_path_is_html_404_for_browsers_only() {
    let app = spawn_app().await;

    let page = app
        .get("/api/nonexistent/")
        .header("Accept", BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    let json = app
        .get("/api/nonexistent/")
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), 404);
    assert_eq!(content_type(&page), "text/html; charset=utf-8");
    assert_eq!(json.status(), 404);
    assert_eq!(content_type(&json), "application/json");
}
