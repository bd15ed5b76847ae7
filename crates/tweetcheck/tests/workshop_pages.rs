//! The workshop exercises served at `/workshop/`, rendered from `docs/` at build time.

mod common;

use common::spawn_app;

#[tokio::test]
async fn workshop_index_is_html_with_the_exercises() {
    let app = spawn_app().await;

    let response = app.get("/workshop/").send().await.unwrap();

    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = response.text().await.unwrap();
    assert!(
        body.contains("exercise-1.html"),
        "the index links to exercise 1"
    );
    assert!(body.contains("style.css"), "the index links its stylesheet");
}

#[tokio::test]
async fn workshop_serves_every_linked_page_and_the_stylesheet() {
    let app = spawn_app().await;

    for path in [
        "exercise-0.html",
        "exercise-1.html",
        "exercise-2.html",
        "style.css",
    ] {
        let response = app.get(&format!("/workshop/{path}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET /workshop/{path}");
        assert!(
            !response.bytes().await.unwrap().is_empty(),
            "/workshop/{path} is empty"
        );
    }

    let css = app.get("/workshop/style.css").send().await.unwrap();
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

#[tokio::test]
async fn workshop_without_slash_redirects_to_index() {
    let app = spawn_app().await;

    let response = app.get("/workshop").send().await.unwrap();

    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], "/workshop/");
}

#[tokio::test]
async fn workshop_unknown_page_is_not_found() {
    let app = spawn_app().await;

    let response = app.get("/workshop/exercise-99.html").send().await.unwrap();

    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("/workshop/"));
}
