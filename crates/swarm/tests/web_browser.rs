//! The web UI in headless Chromium: an attendee's steps from the start form to the Runs tab.
//!
//! These tests need `chromium` and `chromedriver` on PATH (`make test-deps` installs them).

mod web_support;

use std::time::Duration;

use browser_harness::{Browser, Locator};
use web_support::spawn_swarm;

/// Replaces the value of the input `name` inside the form `form` (a CSS selector).
async fn fill(browser: &Browser, form: &str, name: &str, value: &str) {
    let field = browser
        .wait_for(&format!("{form} input[name=\"{name}\"]"))
        .await
        .expect("the form field");
    field.clear().await.expect("clear the field");
    field.send_keys(value).await.expect("type into the field");
}

async fn click(browser: &Browser, css: &str) {
    browser
        .wait_for(css)
        .await
        .expect("the element to click")
        .click()
        .await
        .unwrap_or_else(|error| panic!("failed to click {css}: {error}"));
}

async fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .expect("the element")
        .text()
        .await
        .expect("its text")
}

#[tokio::test]
async fn attendee_runs_edits_stops_and_resets() {
    let app = spawn_swarm().await;
    let browser = Browser::start().await.expect("start Chromium");
    browser.client.goto(&app.base).await.unwrap();

    // Start a bounded run from the form.
    browser.wait_for("#start-form").await.unwrap();
    fill(&browser, "#start-form", "user_count", "2").await;
    fill(&browser, "#start-form", "spawn_rate", "10").await;
    fill(&browser, "#start-form", "run_time", "60s").await;
    click(&browser, "#start-form button[type=submit]").await;

    // The table fills and the top bar follows the run.
    browser
        .wait_until(
            "document.querySelectorAll('#stats-table tbody tr').length >= 2",
            Duration::from_secs(15),
        )
        .await
        .expect("rows for /hello and /broken");
    browser
        .wait_until(
            "document.getElementById('monitor-users').textContent === '2'",
            Duration::from_secs(10),
        )
        .await
        .expect("2 users in the top bar");
    let names = text_of(&browser, "#stats-table tbody").await;
    assert!(names.contains("/hello"), "{names}");
    assert!(names.contains("/broken"), "{names}");
    let aggregated = text_of(&browser, "#stats-table tfoot").await;
    assert!(aggregated.contains("Aggregated"), "{aggregated}");
    assert!(!browser
        .client
        .find(Locator::Css("#start-panel"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap());

    // Edit: 3 users.
    click(&browser, "#edit-button").await;
    browser.wait_for("#swarm-dialog[open]").await.unwrap();
    fill(&browser, "#dialog-form", "user_count", "3").await;
    click(&browser, "#dialog-form button[type=submit]").await;
    browser
        .wait_until(
            "document.getElementById('monitor-users').textContent === '3'",
            Duration::from_secs(10),
        )
        .await
        .expect("3 users after Edit");

    // Sorting by a column marks it and keeps Aggregated at the bottom.
    click(&browser, "#stats-table th[data-key='num_requests']").await;
    browser
        .wait_until(
            "document.querySelector(\"#stats-table th[data-key='num_requests']\").getAttribute('aria-sort') === 'descending'",
            Duration::from_secs(2),
        )
        .await
        .expect("the column is sorted");
    let first_row = text_of(&browser, "#stats-table tbody tr:first-child").await;
    assert!(
        first_row.contains("/hello"),
        "the busiest entry comes first: {first_row}"
    );

    // Charts: the history from the server is drawn.
    click(&browser, ".tabs [data-tab='charts']").await;
    browser
        .wait_until(
            "Number(document.querySelector('.charts').dataset.points || 0) >= 1",
            Duration::from_secs(15),
        )
        .await
        .expect("chart points");
    let url = browser.client.current_url().await.unwrap();
    assert!(url.as_str().ends_with("?tab=charts"), "{url}");

    // Stop, then reset.
    click(&browser, "#stop-button").await;
    browser
        .wait_until(
            "document.body.dataset.state === 'stopped'",
            Duration::from_secs(15),
        )
        .await
        .expect("the stopped state");
    let new_test = browser
        .client
        .find(Locator::Css("#new-button"))
        .await
        .unwrap();
    assert!(new_test.is_displayed().await.unwrap());
    click(&browser, ".tabs [data-tab='stats']").await;
    click(&browser, "#reset-button").await;
    browser
        .wait_until(
            "document.querySelector('#stats-table tfoot td:nth-child(3)').textContent === '0'",
            Duration::from_secs(10),
        )
        .await
        .expect("no requests after Reset stats");

    // The run was recorded.
    click(&browser, ".tabs [data-tab='runs']").await;
    browser
        .wait_until(
            "document.querySelectorAll('#runs-table tbody tr').length === 1",
            Duration::from_secs(10),
        )
        .await
        .expect("one recorded run");
    let run = text_of(&browser, "#runs-table tbody tr").await;
    assert!(run.contains(&app.target.addr.to_string()), "{run}");
}

#[tokio::test]
async fn requests_csv_link_downloads_locust_header() {
    let app = spawn_swarm().await;
    let browser = Browser::start().await.expect("start Chromium");
    browser.client.goto(&app.base).await.unwrap();
    click(&browser, ".tabs [data-tab='download']").await;

    let href = browser
        .wait_for("#download-requests")
        .await
        .unwrap()
        .prop("href")
        .await
        .unwrap()
        .expect("the link has an address");
    let header = browser
        .client
        .execute_async(
            "const [href, done] = arguments; fetch(href).then((r) => r.text()).then((t) => done(t.split('\\n')[0]));",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();

    assert!(href.ends_with("/stats/requests/csv"), "{href}");
    assert_eq!(
        header,
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
    );
}

#[tokio::test]
async fn start_form_shows_server_error() {
    let app = spawn_swarm().await;
    let browser = Browser::start().await.expect("start Chromium");
    browser.client.goto(&app.base).await.unwrap();

    fill(&browser, "#start-form", "run_time", "soon").await;
    click(&browser, "#start-form button[type=submit]").await;

    browser
        .wait_until(
            "!document.querySelector('#start-form .form-error').hidden",
            Duration::from_secs(5),
        )
        .await
        .expect("an error under the form");
    let message = text_of(&browser, "#start-form .form-error").await;
    assert!(message.contains("run_time"), "{message}");
    let state = browser
        .client
        .execute("return document.body.dataset.state;", vec![])
        .await
        .unwrap();
    assert_eq!(state, "ready");
}

#[tokio::test]
async fn page_fits_phone_width() {
    let app = spawn_swarm().await;
    let browser = Browser::start_with_size(390, 844)
        .await
        .expect("start Chromium");
    browser.client.goto(&app.base).await.unwrap();
    browser.wait_for("#start-form").await.unwrap();

    let overflow = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();

    assert_eq!(overflow, 0, "the page scrolls sideways on a phone");
}
