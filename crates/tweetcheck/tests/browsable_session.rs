//! The session login of the browsable API: login and logout pages, session cookies and CSRF.

mod browsable_common;
mod common;

use browsable_common::{
    content_type, login, login_page_token, post_login, set_cookie, set_cookie_line,
};
use common::{spawn_app, status_and_json, with_token, ADMIN};
use serde_json::json;

#[tokio::test]
async fn login_page_sets_csrf_cookie_and_form_field() {
    let app = spawn_app().await;

    let response = app
        .get("/api-auth/login/?next=/api/tweets/")
        .send()
        .await
        .unwrap();
    let kind = content_type(&response);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    let cookie = set_cookie_line(response.headers(), "csrftoken").expect("a csrftoken cookie");
    let token = set_cookie(response.headers(), "csrftoken").unwrap();
    let frames = response.headers()["x-frame-options"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();

    assert_eq!(kind, "text/html; charset=utf-8");
    assert!(cache.contains("no-store"), "Cache-Control: {cache}");
    assert_eq!(
        frames, "SAMEORIGIN",
        "other sites must not frame the login form"
    );
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("HttpOnly"),
        "scripts must be able to read {cookie}"
    );
    assert!(
        html.contains(&format!("name=\"csrfmiddlewaretoken\" value=\"{token}\"")),
        "{html}"
    );
    assert!(
        html.contains("name=\"next\" value=\"/api/tweets/\""),
        "{html}"
    );
}

#[tokio::test]
async fn login_redirects_to_next_with_session_cookie() {
    let app = spawn_app().await;

    let response = post_login(&app, ADMIN, "/api/tweets/").await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let cookie = set_cookie_line(response.headers(), "sessionid").expect("a sessionid cookie");
    let session_id = set_cookie(response.headers(), "sessionid").unwrap();

    assert_eq!(response.status(), 302);
    assert_eq!(location, "/api/tweets/");
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("; Max-Age=1209600"), "{cookie}");
    assert!(cookie.contains("; Expires="), "{cookie}");
    assert_eq!(session_id.len(), 64, "session id {session_id}");
}

#[tokio::test]
async fn login_gives_each_session_a_new_id() {
    let app = spawn_app().await;

    let first = login(&app, ADMIN).await;
    let second = login(&app, ADMIN).await;

    assert_ne!(first.session_id, second.session_id);
    assert_ne!(first.csrf_token, second.csrf_token);
}

#[tokio::test]
async fn login_ignores_next_on_other_sites() {
    let app = spawn_app().await;

    let response = post_login(&app, ADMIN, "//evil.example/").await;

    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/api/");
}

#[tokio::test]
async fn login_with_wrong_password_shows_form_again() {
    let app = spawn_app().await;

    let response = post_login(&app, ("admin@tweetcheck.com", "nope"), "/api/").await;
    let status = response.status();
    let session = set_cookie(response.headers(), "sessionid");
    let html = response.text().await.unwrap();

    assert_eq!(status, 200);
    assert_eq!(session, None);
    assert!(
        html.contains("Invalid e-mail address or password."),
        "{html}"
    );
    assert!(
        html.contains("value=\"admin@tweetcheck.com\""),
        "the e-mail is kept: {html}"
    );
}

#[tokio::test]
async fn login_without_csrf_token_is_forbidden() {
    let app = spawn_app().await;
    let token = login_page_token(&app).await;

    let no_cookie = app
        .post("/api-auth/login/")
        .form(&[("username", ADMIN.0), ("password", ADMIN.1)])
        .send()
        .await
        .unwrap();
    let no_field = app
        .post("/api-auth/login/")
        .header("Cookie", format!("csrftoken={token}"))
        .form(&[("username", ADMIN.0), ("password", ADMIN.1)])
        .send()
        .await
        .unwrap();
    let wrong_field = app
        .post("/api-auth/login/")
        .header("Cookie", format!("csrftoken={token}"))
        .form(&[
            ("username", ADMIN.0),
            ("password", ADMIN.1),
            ("csrfmiddlewaretoken", "x".repeat(32).as_str()),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(no_cookie.status(), 403);
    assert_eq!(set_cookie(no_cookie.headers(), "sessionid"), None);
    assert_eq!(no_field.status(), 403);
    assert_eq!(wrong_field.status(), 403);
    let html = no_field.text().await.unwrap();
    assert!(html.contains("CSRF token missing."), "{html}");
}

#[tokio::test]
async fn session_authenticates_json_requests() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let response = session
        .cookies(app.get("/api/"))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 200);
    assert_eq!(body["tweets"], format!("{}/api/tweets/", app.base));
}

#[tokio::test]
async fn session_unsafe_request_without_csrf_is_forbidden() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let response = session
        .cookies(app.request(reqwest::Method::PUT, "/api/"))
        .header("Accept", "application/json")
        .form(&[("body", "session-post")])
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 403);
    assert_eq!(body, json!({"detail": "CSRF Failed: CSRF token missing."}));
}

#[tokio::test]
async fn session_unsafe_request_with_wrong_csrf_is_forbidden() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;
    let other = login(&app, ADMIN).await;

    let response = session
        .cookies(app.request(reqwest::Method::PUT, "/api/"))
        .header("Accept", "application/json")
        .header("X-CSRFToken", other.csrf_token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"detail": "CSRF Failed: CSRF token incorrect."})
    );
}

#[tokio::test]
async fn session_csrf_header_passes_the_check() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    // PUT is not allowed on the API root, so passing the CSRF check shows as 405.
    let response = session
        .cookies(app.request(reqwest::Method::PUT, "/api/"))
        .header("Accept", "application/json")
        .header("X-CSRFToken", &session.csrf_token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 405);
    assert_eq!(body, json!({"detail": "Method \"PUT\" not allowed."}));
}

#[tokio::test]
async fn session_csrf_form_field_passes_the_check() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let response = session
        .cookies(app.post("/api/"))
        .header("Accept", "application/json")
        .form(&[
            ("csrfmiddlewaretoken", session.csrf_token.as_str()),
            ("_method", "PUT"),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;

    assert_eq!(status, 405);
    assert_eq!(body, json!({"detail": "Method \"PUT\" not allowed."}));
}

#[tokio::test]
async fn token_auth_needs_no_csrf_token() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;
    let token = app.token(ADMIN).await;

    // A session cookie alongside the token does not bring the CSRF check back.
    let response = with_token(
        session.cookies(app.request(reqwest::Method::PUT, "/api/")),
        &token,
    )
    .header("Accept", "application/json")
    .send()
    .await
    .unwrap();

    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn unknown_session_id_is_unauthenticated() {
    let app = spawn_app().await;

    let response = app
        .get("/api/")
        .header("Accept", "application/json")
        .header("Cookie", format!("sessionid={}", "a".repeat(64)))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let response = session
        .cookies(app.post("/api-auth/logout/"))
        .form(&[
            ("csrfmiddlewaretoken", session.csrf_token.as_str()),
            ("next", "/api/"),
        ])
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let cleared = set_cookie_line(response.headers(), "sessionid").expect("the cookie is cleared");
    let after = session
        .cookies(app.get("/api/"))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 302);
    assert_eq!(location, "/api/");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn logout_without_csrf_keeps_the_session() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let response = session
        .cookies(app.post("/api-auth/logout/"))
        .form(&[("next", "/api/")])
        .send()
        .await
        .unwrap();
    let after = session
        .cookies(app.get("/api/"))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    assert_eq!(after.status(), 200);
}

#[tokio::test]
async fn logout_page_shows_a_logout_button() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;

    let response = session
        .cookies(app.get("/api-auth/logout/"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();

    assert_eq!(status, 200);
    assert!(html.contains("action=\"/api-auth/logout/\""), "{html}");
    assert!(
        html.contains(&session.csrf_token),
        "the form needs the CSRF token: {html}"
    );
}

#[tokio::test]
async fn expired_session_is_unauthenticated() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN).await;
    let db = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    sqlx::query("UPDATE sessions SET expires = '2000-01-01T00:00:00.000000Z' WHERE id = ?")
        .bind(&session.session_id)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    let response = session
        .cookies(app.get("/api/"))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}
