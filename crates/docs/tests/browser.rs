//! The rendered workshop pages in headless Chromium, served under `/workshop/` the way the
//! TweetCheck server mounts them, and opened from disk with a `file://` URL.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use browser_harness::{Browser, Locator};
use common::{serve_site, workshop_docs_dir};
use workshop_docs::Site;

/// Returns the folder for screenshots, which stay after the test so a person can view them.
fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("docs-screenshots")
}

/// Returns the value of a JavaScript expression evaluated in the current page.
async fn evaluate(browser: &Browser, expression: &str) -> Result<serde_json::Value> {
    Ok(browser
        .client
        .execute(&format!("return {expression};"), vec![])
        .await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_work_under_workshop_prefix() -> Result<()> {
    let site = Site::build(&workshop_docs_dir())?;
    let page_count = site.paths().filter(|path| path.ends_with(".html")).count();
    let address = serve_site(site, "/workshop/").await;
    let browser = Browser::start().await?;

    browser
        .client
        .goto(&format!("http://{address}/workshop/"))
        .await?;
    browser.wait_for(".sidebar").await?;

    let sidebar_links = browser
        .client
        .find_all(Locator::Css(".sidebar li a"))
        .await?;
    assert_eq!(sidebar_links.len(), page_count);
    let current = browser.wait_for(".sidebar a[aria-current=page]").await?;
    assert_eq!(current.attr("href").await?.as_deref(), Some("index.html"));
    let layout = evaluate(
        &browser,
        "getComputedStyle(document.querySelector('.layout')).display",
    )
    .await?;
    assert_eq!(layout, "grid", "style.css did not load under /workshop/");
    let warning = browser.wait_for(".callout-warning").await?;
    assert!(warning.is_displayed().await?);
    let title_color = "getComputedStyle(document.querySelector('.callout-title')).color";
    let warning_color = evaluate(&browser, title_color).await?;

    browser.wait_for(".pager-next").await?.click().await?;
    browser
        .wait_until(
            "location.pathname === '/workshop/exercise-0.html'",
            Duration::from_secs(10),
        )
        .await?;
    browser
        .wait_for(".sidebar a[aria-current=page][href='exercise-0.html']")
        .await?;
    browser.wait_for(".callout-note").await?;
    let note_color = evaluate(&browser, title_color).await?;
    assert_ne!(note_color, warning_color, "notes and warnings look alike");
    let details_open = evaluate(&browser, "document.querySelector('details').open").await?;
    assert_eq!(details_open, false, "solutions start collapsed");

    let copy_button = browser.wait_for(".code-block .copy-button").await?;
    assert_eq!(copy_button.text().await?, "Copy");
    copy_button.click().await?;
    browser
        .wait_until(
            "document.querySelector('.code-block .copy-button').textContent === 'Copied'",
            Duration::from_secs(5),
        )
        .await?;

    browser
        .screenshot(&screenshot_dir().join("exercise-0-desktop.png"))
        .await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_phone_width() -> Result<()> {
    let site = Site::build(&workshop_docs_dir())?;
    let address = serve_site(site, "/workshop/").await;
    let browser = Browser::start_with_size(390, 844).await?;

    for page in ["index.html", "exercise-1.html", "exercise-3.html"] {
        browser
            .client
            .goto(&format!("http://{address}/workshop/{page}"))
            .await?;
        browser.wait_for(".content h1").await?;
        browser
            .wait_until(
                "Array.from(document.images).every(image => image.complete && image.naturalWidth > 0)",
                Duration::from_secs(10),
            )
            .await?;
        if page == "exercise-1.html" {
            let image_count = evaluate(&browser, "document.images.length").await?;
            assert_eq!(
                image_count, 2,
                "exercise 1 shows the ready and running screenshots"
            );
        }

        let overflow = evaluate(
            &browser,
            "document.documentElement.scrollWidth - document.documentElement.clientWidth",
        )
        .await?;
        assert_eq!(
            overflow, 0,
            "{page} scrolls sideways on a phone-sized window"
        );
    }

    browser
        .screenshot(&screenshot_dir().join("exercise-3-phone.png"))
        .await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn written_site_opens_from_disk() -> Result<()> {
    let out = tempfile::tempdir()?;
    Site::build(&workshop_docs_dir())?.write_to(out.path())?;
    let browser = Browser::start().await?;

    let url = format!("file://{}", out.path().join("exercise-1.html").display());
    browser.client.goto(&url).await?;
    browser.wait_for(".callout-warning").await?;

    let layout = evaluate(
        &browser,
        "getComputedStyle(document.querySelector('.layout')).display",
    )
    .await?;
    assert_eq!(layout, "grid", "style.css did not load from disk");
    browser.wait_for(".pager-previous").await?.click().await?;
    browser
        .wait_until(
            "location.pathname.endsWith('/exercise-0.html')",
            Duration::from_secs(10),
        )
        .await?;

    browser.close().await
}
