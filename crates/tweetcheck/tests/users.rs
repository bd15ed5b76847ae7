//! `/api/users/` and `/api/users/{id}/`, with the rule that only approvers change others.

mod common;

use common::{delete, get_json, send_form, spawn_app, ADMIN, FORBIDDEN, NONAPPROVER, SCHEDULER};
use reqwest::Method;
use serde_json::json;

fn nonapprover(is_approver: bool) -> serde_json::Value {
    json!({
        "id": 3,
        "email": "nonapprover@tweetcheck.com",
        "email_without_domain": "nonapprover",
        "organization": 1,
        "is_approver": is_approver,
        "is_active": true,
    })
}

#[tokio::test]
async fn users_list_is_organization_scoped() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let scheduler = app.token(SCHEDULER).await;

    let (status, body) = get_json(&app, "/api/users/", &admin).await;
    let (_, alone) = get_json(&app, "/api/users/", &scheduler).await;

    assert_eq!(status, 200);
    let admin_json = json!({"id": 1, "email": "admin@tweetcheck.com", "email_without_domain": "admin", "organization": 1, "is_approver": true, "is_active": true});
    assert_eq!(
        body.to_string(),
        json!([admin_json, nonapprover(false)]).to_string()
    );
    assert_eq!(
        alone,
        json!([{"id": 2, "email": "scheduler@tweetcheck.com", "email_without_domain": "scheduler", "organization": null, "is_approver": true, "is_active": true}])
    );
}

#[tokio::test]
async fn users_filter_by_token_and_approver() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let other = app.token(NONAPPROVER).await;

    let (_, by_token) = get_json(&app, &format!("/api/users/?token={other}"), &admin).await;
    let (_, not_approvers) = get_json(&app, "/api/users/?is_approver=False", &admin).await;
    let (_, approvers) = get_json(&app, "/api/users/?is_approver=true", &admin).await;
    let (_, unknown_token) = get_json(&app, "/api/users/?token=nope", &admin).await;

    assert_eq!(by_token, json!([nonapprover(false)]));
    assert_eq!(not_approvers, json!([nonapprover(false)]));
    assert_eq!(approvers[0]["id"], 1);
    assert_eq!(approvers.as_array().unwrap().len(), 1);
    assert_eq!(unknown_token, json!([]));
}

#[tokio::test]
async fn users_nonapprover_may_not_change_others() {
    let app = spawn_app().await;
    let token = app.token(NONAPPROVER).await;

    let (status, body) = send_form(
        &app,
        Method::PATCH,
        "/api/users/1/",
        &token,
        &[("is_approver", "false")],
    )
    .await;
    let delete_status = delete(&app, "/api/users/1/", &token).await;

    assert_eq!(status, 403);
    assert_eq!(body, json!({"detail": FORBIDDEN}));
    assert_eq!(delete_status, 403);
}

#[tokio::test]
async fn users_nonapprover_may_not_promote_self() {
    let app = spawn_app().await;
    let token = app.token(NONAPPROVER).await;

    let (status, body) = send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &token,
        &[("is_approver", "true")],
    )
    .await;
    let (_, after) = get_json(&app, "/api/users/3/", &token).await;
    let (email_status, email_body) = send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &token,
        &[("email", "renamed@tweetcheck.com")],
    )
    .await;

    assert_eq!(status, 403);
    assert_eq!(body, json!({"detail": FORBIDDEN}));
    assert_eq!(after, nonapprover(false));
    assert_eq!(email_status, 200);
    assert_eq!(email_body["email_without_domain"], "renamed");
}

#[tokio::test]
async fn users_approver_changes_others() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;

    let (promote_status, promoted) = send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &admin,
        &[("is_approver", "true")],
    )
    .await;
    let (restore_status, restored) = send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &admin,
        &[("is_approver", "false")],
    )
    .await;
    let (bad_status, bad) = send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &admin,
        &[("is_approver", "maybe")],
    )
    .await;

    assert_eq!(promote_status, 200);
    assert_eq!(promoted, nonapprover(true));
    assert_eq!(restore_status, 200);
    assert_eq!(restored, nonapprover(false));
    assert_eq!(bad_status, 400);
    assert_eq!(
        bad,
        json!({"is_approver": ["\"maybe\" is not a valid boolean."]})
    );
}

#[tokio::test]
async fn users_promotion_takes_effect_at_once() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let token = app.token(NONAPPROVER).await;
    // Authenticate once so the token's user is cached, then promote.
    get_json(&app, "/api/", &token).await;
    send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &admin,
        &[("is_approver", "true")],
    )
    .await;

    let (status, _) = send_form(
        &app,
        Method::POST,
        "/api/tweets/",
        &token,
        &[("handle", "1"), ("body", "x"), ("status", "1")],
    )
    .await;

    assert_eq!(status, 201);
}

#[tokio::test]
async fn users_deactivated_token_is_rejected() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let token = app.token(NONAPPROVER).await;
    get_json(&app, "/api/", &token).await;

    send_form(
        &app,
        Method::PATCH,
        "/api/users/3/",
        &admin,
        &[("is_active", "false")],
    )
    .await;
    let (status, body) = get_json(&app, "/api/", &token).await;

    assert_eq!(status, 401);
    assert_eq!(body, json!({"detail": "User inactive or deleted."}));
}

#[tokio::test]
async fn users_create_by_approver_only() {
    let app = spawn_app().await;
    let admin = app.token(ADMIN).await;
    let other = app.token(NONAPPROVER).await;

    let (status, body) = send_form(
        &app,
        Method::POST,
        "/api/users/",
        &admin,
        &[("email", "new@tweetcheck.com")],
    )
    .await;
    let (duplicate_status, duplicate) = send_form(
        &app,
        Method::POST,
        "/api/users/",
        &admin,
        &[("email", "new@tweetcheck.com")],
    )
    .await;
    let (invalid_status, invalid) = send_form(
        &app,
        Method::POST,
        "/api/users/",
        &admin,
        &[("email", "not-an-email")],
    )
    .await;
    let (forbidden_status, _) = send_form(
        &app,
        Method::POST,
        "/api/users/",
        &other,
        &[("email", "x@tweetcheck.com")],
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(body["email"], "new@tweetcheck.com");
    assert_eq!(body["organization"], 1);
    assert_eq!(body["is_approver"], false);
    assert_eq!(duplicate_status, 400);
    assert_eq!(
        duplicate,
        json!({"email": ["user with this email already exists."]})
    );
    assert_eq!(invalid_status, 400);
    assert_eq!(invalid, json!({"email": ["Enter a valid email address."]}));
    assert_eq!(forbidden_status, 403);
}

#[tokio::test]
async fn users_of_other_organizations_are_404() {
    let app = spawn_app().await;
    let scheduler = app.token(SCHEDULER).await;

    let (status, _) = get_json(&app, "/api/users/1/", &scheduler).await;

    assert_eq!(status, 404);
}
