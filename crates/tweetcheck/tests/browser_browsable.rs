//! End-to-end tests of the browsable API in headless Chromium: log in through the form, open
//! the tweet list, post a tweet with the HTML form and see it listed.
//!
//! They save screenshots to `target/screenshots/` in the workspace for a person to look at.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use browser_harness::{Browser, Locator};
use common::{spawn_app, TestApp};

/// A phone-sized viewport in CSS pixels, the size of an iPhone 12 to 14.
const PHONE: (u32, u32) = (390, 844);

fn screenshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/screenshots")
        .join(name)
}

/// Starts Chromium with a window of `width`×`height` pixels.
///
/// NOTE: the dev-dependencies enable both of rustls's crypto providers (ring through reqwest,
/// aws-lc-rs through fantoccini), so the WebDriver client cannot pick one and panics.
/// Installing ring first avoids that until browser-harness installs one itself.
async fn start_browser(width: u32, height: u32) -> Result<Browser> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Browser::start_with_size(width, height).await
}

/// Logs in as the workshop's admin through the login form, starting at `next`'s login page.
async fn log_in(browser: &Browser, app: &TestApp, next: &str) -> Result<()> {
    browser
        .client
        .goto(&app.url(&format!("/api-auth/login/?next={next}")))
        .await?;
    browser
        .wait_for("#id_username")
        .await?
        .send_keys("admin@tweetcheck.com")
        .await?;
    browser
        .wait_for("#id_password")
        .await?
        .send_keys("admin")
        .await?;
    browser.screenshot(&screenshot_path("login.png")).await?;
    browser
        .wait_for(".login button[type=submit]")
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "document.querySelector('.navbar .user') !== null",
            Duration::from_secs(10),
        )
        .await
        .context("the page after login shows no logged-in user")
}

async fn page_source(browser: &Browser) -> Result<String> {
    Ok(browser.client.source().await?)
}

#[tokio::test]
async fn home_page_links_api_workshop_and_login() -> Result<()> {
    let app = spawn_app().await;
    let browser = start_browser(1280, 900).await?;

    browser.client.goto(&app.url("/")).await?;
    browser.wait_for("h1").await?;
    browser.screenshot(&screenshot_path("root.png")).await?;
    let links: Vec<String> = {
        let mut hrefs = Vec::new();
        for link in browser.client.find_all(Locator::Css("a")).await? {
            hrefs.extend(link.attr("href").await?);
        }
        hrefs
    };
    browser.close().await?;

    for expected in ["/api/", "/workshop/", "/api-auth/login/?next=/api/"] {
        ensure!(
            links.iter().any(|href| href == expected),
            "no link to {expected} in {links:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn login_form_leads_to_api_root() -> Result<()> {
    let app = spawn_app().await;
    let browser = start_browser(1280, 900).await?;

    log_in(&browser, &app, "/api/").await?;
    let url = browser.client.current_url().await?;
    let heading = browser.wait_for("h1").await?.text().await?;
    let user = browser.wait_for(".navbar .user").await?.text().await?;
    browser.client.goto(&app.url("/api/users/1/")).await?;
    browser.wait_for("#put-form").await?;
    browser
        .screenshot(&screenshot_path("user-detail.png"))
        .await?;
    browser.close().await?;

    ensure!(url.path() == "/api/", "login ended at {url}");
    ensure!(heading == "Api Root", "heading {heading:?}");
    ensure!(
        user == "admin@tweetcheck.com",
        "navigation bar shows {user:?}"
    );
    Ok(())
}

#[tokio::test]
async fn logout_button_ends_the_session() -> Result<()> {
    let app = spawn_app().await;
    let browser = start_browser(1280, 900).await?;

    log_in(&browser, &app, "/api/").await?;
    browser
        .wait_for(".navbar form button")
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "document.querySelector('.navbar .user') === null",
            Duration::from_secs(10),
        )
        .await?;
    browser.client.goto(&app.url("/api/")).await?;
    let status_line = browser.wait_for("pre.response b").await?.text().await?;
    browser.close().await?;

    ensure!(
        status_line == "HTTP 401 Unauthorized",
        "after logout: {status_line:?}"
    );
    Ok(())
}

#[tokio::test]
async fn post_form_creates_listed_tweet() -> Result<()> {
    let app = spawn_app().await;
    let browser = start_browser(1280, 900).await?;
    let body = "Posted from Chromium <script>window.injected = true</script>";

    log_in(&browser, &app, "/api/tweets/").await?;
    browser
        .wait_for("#post-body")
        .await?
        .send_keys(body)
        .await?;
    browser
        .wait_for("form.html-form button[type=submit]")
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "document.querySelector('pre.response b')?.textContent === 'HTTP 201 Created'",
            Duration::from_secs(10),
        )
        .await
        .context("the POST form did not create a tweet")?;
    browser
        .screenshot(&screenshot_path("tweet-created.png"))
        .await?;

    browser.client.goto(&app.url("/api/tweets/")).await?;
    browser.wait_for("pre.response").await?;
    let listed = browser.wait_for("pre.response").await?.text().await?;
    let injected = browser
        .client
        .execute("return window.injected === true;", vec![])
        .await?;
    browser.screenshot(&screenshot_path("tweets.png")).await?;
    let source = page_source(&browser).await?;
    browser.close().await?;

    ensure!(
        listed.contains(body),
        "the list does not show the new tweet: {listed}"
    );
    ensure!(
        injected == serde_json::Value::Bool(false),
        "the tweet body ran as a script"
    );
    ensure!(
        !source.contains("<script>window.injected"),
        "the tweet body is not escaped"
    );
    Ok(())
}

#[tokio::test]
async fn tweets_page_fits_a_phone_screen() -> Result<()> {
    let app = spawn_app().await;
    let browser = start_browser(1280, 900).await?;

    // Headless Chromium keeps windows at least 500 px wide, so the page is loaded into a
    // phone-sized frame on the same origin instead, where scripts can still measure it.
    log_in(&browser, &app, "/").await?;
    let frame = format!(
        "document.body.innerHTML = '<iframe id=\"phone\" src=\"/api/tweets/\" \
         width=\"{}\" height=\"{}\"></iframe>';",
        PHONE.0, PHONE.1
    );
    browser.client.execute(&frame, vec![]).await?;
    browser
        .wait_until(
            "document.getElementById('phone').contentDocument?.querySelector('#post-body')",
            Duration::from_secs(10),
        )
        .await
        .context("the tweets page did not load in the phone-sized frame")?;
    browser
        .screenshot(&screenshot_path("tweets-phone.png"))
        .await?;
    let overflow = browser
        .client
        .execute(
            "const page = document.getElementById('phone').contentDocument.documentElement; \
             return page.scrollWidth - page.clientWidth;",
            vec![],
        )
        .await?;
    browser.close().await?;

    ensure!(
        overflow.as_i64() == Some(0),
        "the page is wider than the screen by {overflow} px"
    );
    Ok(())
}
