//! Every route's responses to methods and content types: OPTIONS metadata, 405 with `Allow`,
//! HEAD, 406, 415, malformed JSON, and the redirect of a path without its trailing slash.

mod common;

use common::{send_form, spawn_app, status_and_json, with_token, TestApp, ADMIN};
use reqwest::Method;
use serde_json::json;

/// One route: its path, `Allow` header, view name, the method whose fields OPTIONS describes
/// (if any) and a method that the route does not allow.
struct Route {
    path: &'static str,
    allow: &'static str,
    name: &'static str,
    described: Option<&'static str>,
    not_allowed: Method,
}

const fn route(
    path: &'static str,
    allow: &'static str,
    name: &'static str,
    described: Option<&'static str>,
    not_allowed: Method,
) -> Route {
    Route {
        path,
        allow,
        name,
        described,
        not_allowed,
    }
}

const LIST: &str = "GET, POST, HEAD, OPTIONS";
const DETAIL: &str = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS";
const READ_ONLY: &str = "GET, HEAD, OPTIONS";
const POST_ONLY: &str = "POST, OPTIONS";

fn routes() -> Vec<Route> {
    vec![
        route("/api/", READ_ONLY, "Api Root", None, Method::PUT),
        route(
            "/api/tweets/",
            LIST,
            "Tweet List",
            Some("POST"),
            Method::DELETE,
        ),
        route(
            "/api/tweets/1/",
            DETAIL,
            "Tweet Instance",
            Some("PUT"),
            Method::POST,
        ),
        route(
            "/api/handles/",
            LIST,
            "Handle List",
            Some("POST"),
            Method::PUT,
        ),
        route(
            "/api/handles/1/",
            DETAIL,
            "Handle Instance",
            Some("PUT"),
            Method::POST,
        ),
        route(
            "/api/users/",
            LIST,
            "User List",
            Some("POST"),
            Method::PATCH,
        ),
        route(
            "/api/users/1/",
            DETAIL,
            "User Instance",
            Some("PUT"),
            Method::POST,
        ),
        route(
            "/api/devices/",
            LIST,
            "Device List",
            Some("POST"),
            Method::DELETE,
        ),
        route(
            "/api/devices/1/",
            DETAIL,
            "Device Instance",
            Some("PUT"),
            Method::POST,
        ),
        route(
            "/api/actions/",
            READ_ONLY,
            "Action List",
            None,
            Method::POST,
        ),
        route(
            "/api/actions/1/",
            READ_ONLY,
            "Action Instance",
            None,
            Method::DELETE,
        ),
        route("/api/counts/", READ_ONLY, "Count", None, Method::POST),
        route(
            "/api-token-auth/",
            POST_ONLY,
            "Obtain Auth Token",
            None,
            Method::GET,
        ),
        route("/auth/register", POST_ONLY, "Register", None, Method::GET),
        route(
            "/auth/activate",
            "GET, POST, HEAD, OPTIONS",
            "Activate",
            None,
            Method::PUT,
        ),
        route("/auth/invite", POST_ONLY, "Invite", None, Method::GET),
        route("/auth/reinvite", POST_ONLY, "Reinvite", None, Method::GET),
        route(
            "/auth/activate-invitation",
            POST_ONLY,
            "Activate Invitation",
            None,
            Method::GET,
        ),
        route(
            "/auth/request",
            READ_ONLY,
            "Twitter Request",
            None,
            Method::POST,
        ),
        route(
            "/auth/callback",
            READ_ONLY,
            "Twitter Callback",
            None,
            Method::POST,
        ),
    ]
}

/// Starts a server with tweet 1, action 1 and device 1, so that every detail route exists.
async fn app_with_objects() -> (TestApp, String) {
    let app = spawn_app().await;
    let token = app.token(ADMIN).await;
    let tweet = [("handle", "1"), ("body", "x")];
    let (status, _) = send_form(&app, Method::POST, "/api/tweets/", &token, &tweet).await;
    assert_eq!(status, 201, "create tweet 1");
    let device = [("token", "phone"), ("user", "1")];
    let (status, _) = send_form(&app, Method::POST, "/api/devices/", &token, &device).await;
    assert_eq!(status, 201, "create device 1");
    (app, token)
}

#[tokio::test]
async fn options_describes_every_route() {
    let (app, token) = app_with_objects().await;

    for route in routes() {
        let response = with_token(app.request(Method::OPTIONS, route.path), &token)
            .send()
            .await
            .unwrap();
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, 200, "OPTIONS {}: {body}", route.path);
        assert_eq!(allow, route.allow, "OPTIONS {}: Allow", route.path);
        assert_eq!(body["name"], route.name, "OPTIONS {}: name", route.path);
        assert_eq!(
            body["renders"],
            json!(["application/json", "text/html"]),
            "OPTIONS {}: renders",
            route.path
        );
        assert_eq!(
            body["parses"],
            json!([
                "application/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data"
            ]),
            "OPTIONS {}: parses",
            route.path
        );
        match route.described {
            Some(method) => assert!(
                body["actions"][method].is_object(),
                "OPTIONS {}: actions.{method} in {body}",
                route.path
            ),
            None => assert!(
                body.get("actions").is_none(),
                "OPTIONS {}: no actions in {body}",
                route.path
            ),
        }
    }
}

#[tokio::test]
async fn wrong_method_is_405_with_allow_everywhere() {
    let (app, token) = app_with_objects().await;

    for route in routes() {
        let method = route.not_allowed.clone();
        let response = with_token(app.request(method.clone(), route.path), &token)
            .send()
            .await
            .unwrap();
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, 405, "{method} {}: {body}", route.path);
        assert_eq!(allow, route.allow, "{method} {}: Allow", route.path);
        assert_eq!(
            body,
            json!({"detail": format!("Method \"{method}\" not allowed.")}),
            "{method} {}",
            route.path
        );
    }
}

#[tokio::test]
async fn head_matches_get_without_body_everywhere() {
    let (app, token) = app_with_objects().await;

    for route in routes().iter().filter(|route| route.allow.contains("HEAD")) {
        let get = with_token(app.get(route.path), &token)
            .send()
            .await
            .unwrap();
        let get_status = get.status();
        let get_type = get.headers().get("content-type").cloned();
        let head = with_token(app.request(Method::HEAD, route.path), &token)
            .send()
            .await
            .unwrap();
        let head_status = head.status();
        let head_type = head.headers().get("content-type").cloned();
        let head_body = head.bytes().await.unwrap();

        assert_eq!(head_status, get_status, "HEAD {}", route.path);
        assert_eq!(head_type, get_type, "HEAD {}: Content-Type", route.path);
        assert!(head_body.is_empty(), "HEAD {}: body", route.path);
    }
}

#[tokio::test]
async fn missing_slash_keeps_every_unsafe_method() {
    let (app, token) = app_with_objects().await;

    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let response = with_token(app.request(method.clone(), "/api/tweets/1?x=1"), &token)
            .form(&[("body", "changed")])
            .send()
            .await
            .unwrap();

        assert_eq!(response.status(), 308, "{method}");
        assert_eq!(
            response.headers()["location"],
            "/api/tweets/1/?x=1",
            "{method}"
        );
    }
    let (status, tweet) = status_and_json(
        with_token(app.get("/api/tweets/1/"), &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "the redirects must not delete the tweet");
    assert_eq!(
        tweet["body"], "x",
        "the redirects must not change the tweet"
    );
}

#[tokio::test]
async fn unacceptable_accept_is_406_everywhere() {
    let (app, token) = app_with_objects().await;

    for route in routes() {
        let response = with_token(app.request(Method::OPTIONS, route.path), &token)
            .header("Accept", "text/plain")
            .send()
            .await
            .unwrap();
        let (status, body) = status_and_json(response).await;

        assert_eq!(status, 406, "{}", route.path);
        assert_eq!(
            body,
            json!({"detail": "Could not satisfy the request Accept header."}),
            "{}",
            route.path
        );
    }
}

/// Returns the method that writes to `route`, if it has one.
fn write_method(route: &Route) -> Option<Method> {
    [Method::POST, Method::PUT]
        .into_iter()
        .find(|method| route.allow.contains(method.as_str()))
}

#[tokio::test]
async fn bad_bodies_are_client_errors_on_every_write() {
    let (app, token) = app_with_objects().await;

    for route in routes() {
        let Some(method) = write_method(&route) else {
            continue;
        };
        let plain = with_token(app.request(method.clone(), route.path), &token)
            .header("Content-Type", "text/plain")
            .body("handle=1")
            .send()
            .await
            .unwrap();
        let (plain_status, plain_body) = status_and_json(plain).await;
        let malformed = with_token(app.request(method.clone(), route.path), &token)
            .header("Content-Type", "application/json")
            .body("{\"body\": ")
            .send()
            .await
            .unwrap();
        let (malformed_status, malformed_body) = status_and_json(malformed).await;

        assert_eq!(plain_status, 415, "{method} {}: {plain_body}", route.path);
        assert_eq!(
            plain_body,
            json!({"detail": "Unsupported media type \"text/plain\" in request."}),
            "{method} {}",
            route.path
        );
        assert_eq!(malformed_status, 400, "{method} {}", route.path);
        let detail = malformed_body["detail"].as_str().unwrap_or_default();
        assert!(
            detail.starts_with("JSON parse error - "),
            "{method} {}: {malformed_body}",
            route.path
        );
    }
}
