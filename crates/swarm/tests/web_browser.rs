//! The web UI in headless Chromium: an attendee's steps from the start form to the Runs tab.
//!
//! These tests need `chromium` and `chromedriver` on PATH (`make test-deps` installs them).

mod web_support;

use std::time::Duration;

use browser_harness::{Browser, Locator};
use web_support::spawn_swarm;

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

/// Starts Chromium with a window of `width`×`height` pixels.
async fn start_browser(width: u32, height: u32) -> Browser {
    Browser::start_with_size(width, height)
        .await
        .expect("start Chromium under ChromeDriver")
}

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
    let browser = start_browser(1280, 900).await;
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
    let offered_rate = browser
        .wait_for("#dialog-form input[name=spawn_rate]")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        offered_rate.as_deref(),
        Some("10"),
        "Edit does not offer the running test's spawn rate"
    );
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
    let counts = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#stats-table tbody tr')].map((row) => Number(row.cells[2].textContent.replace(/,/g, '')));",
            vec![],
        )
        .await
        .unwrap();
    let counts: Vec<f64> = serde_json::from_value(counts).unwrap();
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(
        counts[0] >= counts[1],
        "the busiest entry comes first: {counts:?}"
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

    // A reload keeps the tab and the chart history, which the server holds: the points are
    // back at once, not one by one as the page polls.
    let points = browser
        .client
        .execute(
            "return Number(document.querySelector('.charts').dataset.points);",
            vec![],
        )
        .await
        .unwrap();
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            &format!("Number(document.querySelector('.charts').dataset.points || 0) >= {points}"),
            Duration::from_secs(2),
        )
        .await
        .expect("as many chart points after a reload");
    let charts_visible = browser
        .client
        .find(Locator::Css("#tab-charts"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(charts_visible, "the reload lost the Charts tab");

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

/// Clicks the link `css` on the Download data tab and returns the text of the file that
/// Chromium saved, whose name ends with `suffix`.
async fn download(browser: &Browser, css: &str, suffix: &str) -> String {
    click(browser, css).await;
    let path = browser
        .wait_for_download(suffix, Duration::from_secs(10))
        .await
        .unwrap_or_else(|error| panic!("clicking {css} saved no file: {error:#}"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

#[tokio::test]
async fn download_links_save_locust_files() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(15), |stats| {
        !stats["errors"].as_array().unwrap().is_empty()
    })
    .await;
    let browser = start_browser(1280, 900).await;
    browser.client.goto(&app.base).await.unwrap();
    browser
        .wait_until(
            "document.body.dataset.state !== 'ready'",
            Duration::from_secs(10),
        )
        .await
        .expect("the page shows the run");
    click(&browser, ".tabs [data-tab='download']").await;

    let requests = download(&browser, "#download-requests", "_requests.csv").await;
    let failures = download(&browser, "#download-failures", "_failures.csv").await;
    let exceptions = download(&browser, "#download-exceptions", "_exceptions.csv").await;
    let history = download(&browser, "#download-history", "_requests_history.csv").await;
    let report = download(&browser, "#download-report-file", ".html").await;
    app.stop_run().await;

    let first_line = |text: &str| text.lines().next().unwrap_or_default().to_owned();
    assert_eq!(first_line(&requests), STATS_HEADER);
    assert!(
        requests.lines().any(|line| line.starts_with("GET,/hello,")),
        "{requests}"
    );
    assert!(
        requests
            .lines()
            .any(|line| line.starts_with(",Aggregated,")),
        "{requests}"
    );
    assert_eq!(
        first_line(&failures),
        "Method,Name,Error,Occurrences,First Seen,Last Seen"
    );
    assert!(
        failures
            .lines()
            .any(|line| line.starts_with("GET,/broken,")),
        "{failures}"
    );
    assert_eq!(first_line(&exceptions), "Count,Message,Traceback,Nodes");
    assert!(
        first_line(&history).starts_with("Timestamp,User Count,Type,Name,Requests/s,"),
        "{history}"
    );
    assert!(report.contains("<html"), "the report is not HTML");
    assert!(report.contains("/hello"), "the report lacks the statistics");
}

#[tokio::test]
async fn tabs_show_failures_ratios_and_logs() {
    let app = spawn_swarm().await;
    app.start_run(2, "30s").await;
    app.wait_for_stats(Duration::from_secs(15), |stats| {
        !stats["errors"].as_array().unwrap().is_empty()
    })
    .await;
    let browser = start_browser(1280, 900).await;
    browser.client.goto(&app.base).await.unwrap();
    browser
        .wait_until(
            "document.body.dataset.state !== 'ready'",
            Duration::from_secs(10),
        )
        .await
        .expect("the page shows the run");

    // The top bar names the host under test and shows the failures of /broken.
    let host = text_of(&browser, "#monitor-host").await;
    let failure_percent = text_of(&browser, "#monitor-failures").await;

    // Failures: the 500s of /broken, grouped, with a count on the tab.
    click(&browser, ".tabs [data-tab='failures']").await;
    browser
        .wait_until(
            "document.querySelectorAll('#failures-table tbody tr').length === 1",
            Duration::from_secs(10),
        )
        .await
        .expect("one kind of failure");
    let failure = text_of(&browser, "#failures-table tbody tr").await;
    let failures_badge = text_of(&browser, "#failures-count").await;

    // Exceptions: none, because every error in this swarmfile is a failed request.
    click(&browser, ".tabs [data-tab='exceptions']").await;
    browser
        .wait_until(
            "!document.getElementById('exceptions-empty').hidden",
            Duration::from_secs(10),
        )
        .await
        .expect("the empty exceptions note");
    let exceptions_badge = text_of(&browser, "#exceptions-count").await;

    // Current ratio: one class, its tasks weighted 3 to 1.
    click(&browser, ".tabs [data-tab='ratios']").await;
    browser
        .wait_until(
            "document.querySelectorAll('#ratio-per-class li li').length === 2",
            Duration::from_secs(10),
        )
        .await
        .expect("the class and its two tasks");
    let per_class = text_of(&browser, "#ratio-per-class").await;
    let total = text_of(&browser, "#ratio-total").await;

    // Logs: the ramp-up line of this run.
    click(&browser, ".tabs [data-tab='logs']").await;
    browser
        .wait_until(
            "document.getElementById('log-lines').textContent.includes('Ramping to 2 users')",
            Duration::from_secs(10),
        )
        .await
        .expect("the ramp-up in the log");

    // Every file the page loaded came from swarm itself.
    let foreign = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map((entry) => entry.name).filter((name) => !name.startsWith(location.origin + '/'));",
            vec![],
        )
        .await
        .unwrap();
    let loaded = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').length;",
            vec![],
        )
        .await
        .unwrap();
    app.stop_run().await;

    assert_eq!(host, format!("http://{}", app.target.addr));
    assert_ne!(failure_percent, "0.0 %");
    assert!(failure_percent.ends_with(" %"), "{failure_percent}");
    assert!(failure.contains("/broken"), "{failure}");
    assert!(failure.contains("500"), "{failure}");
    assert_eq!(failures_badge, "1");
    assert_eq!(exceptions_badge, "");
    assert!(per_class.contains("Visitor"), "{per_class}");
    assert!(per_class.contains("100.0 %"), "{per_class}");
    assert!(per_class.contains("75.0 %"), "{per_class}");
    assert!(per_class.contains("25.0 %"), "{per_class}");
    assert!(total.contains("75.0 %"), "{total}");
    assert_eq!(foreign, serde_json::json!([]), "resources from elsewhere");
    assert!(
        loaded.as_u64().unwrap() >= 4,
        "the page loaded only {loaded} resources; is the resource timing list empty?"
    );
}

/// Writes a swarmfile whose two tasks read variables that the failed captures never set, so each
/// task raises its own exception.
fn uncaptured_variables_swarmfile(target: std::net::SocketAddr) -> String {
    format!(
        r#"[swarm]
host = "http://{target}"

[user.Visitor]
wait_time = {{ constant = 0.2 }}

[[user.Visitor.on_start]]
path = "/hello"
capture = {{ token = {{ json = "/token" }}, session = {{ json = "/session" }} }}

[[user.Visitor.task]]
path = "/hello?token={{{{ token }}}}"

[[user.Visitor.task]]
path = "/hello?session={{{{ session }}}}"
"#
    )
}

#[tokio::test]
async fn exceptions_tab_counts_distinct_exceptions() {
    let app = web_support::spawn_swarm_from(None, uncaptured_variables_swarmfile).await;
    app.start_run(2, "30s").await;
    let browser = start_browser(1280, 900).await;
    browser.client.goto(&app.base).await.unwrap();

    // The badge fills while the Statistics tab is open, as the failures badge does.
    browser
        .wait_until(
            "document.getElementById('exceptions-count').textContent === '2'",
            Duration::from_secs(15),
        )
        .await
        .expect("two distinct exceptions on the tab badge");
    let active_tab = browser
        .client
        .execute(
            "return document.querySelector('.tabs [aria-selected=true]').dataset.tab;",
            vec![],
        )
        .await
        .unwrap();
    let exceptions = app.get_json("/exceptions").await;
    app.stop_run().await;

    assert_eq!(active_tab, "stats");
    assert_eq!(
        exceptions["exceptions"].as_array().unwrap().len(),
        2,
        "{exceptions}"
    );
}

#[tokio::test]
async fn start_form_shows_server_error() {
    let app = spawn_swarm().await;
    let browser = start_browser(1280, 900).await;
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
    let browser = start_browser(390, 844).await;
    let overflow_script =
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;";
    browser.client.goto(&app.base).await.unwrap();
    browser.wait_for("#start-form").await.unwrap();

    let viewport_width = browser
        .client
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(
        viewport_width, 390,
        "the browser does not show a phone-sized page"
    );
    let ready_overflow = browser
        .client
        .execute(overflow_script, vec![])
        .await
        .unwrap();
    app.start_run(2, "30s").await;
    browser
        .wait_until(
            "document.querySelectorAll('#stats-table tbody tr').length >= 1",
            Duration::from_secs(15),
        )
        .await
        .expect("the statistics table fills");
    let running_overflow = browser
        .client
        .execute(overflow_script, vec![])
        .await
        .unwrap();
    app.stop_run().await;

    assert_eq!(
        ready_overflow, 0,
        "the start form scrolls sideways on a phone"
    );
    assert_eq!(
        running_overflow, 0,
        "the running view scrolls sideways on a phone"
    );
}

/// Writes two recorded runs; the second has twice the RPS and a higher median than the first.
fn write_two_runs(path: &std::path::Path) {
    let run = |id: u64, users: u64, rps: f64, median: f64| {
        serde_json::json!({
            "id": id,
            "started_at": "2026-12-04T10:00:00Z",
            "ended_at": "2026-12-04T10:01:00Z",
            "host": "http://127.0.0.1:8000",
            "user_count": users,
            "spawn_rate": 25.0,
            "run_time": null,
            "num_requests": 1000 * id,
            "num_failures": 0,
            "total_rps": rps,
            "median_response_time": median,
            "response_time_percentile_0.95": 40.0,
            "fail_percent": 0.0
        })
    };
    let runs = serde_json::json!([run(1, 250, 20.0, 8.0), run(2, 500, 40.0, 12.0)]);
    std::fs::write(path, serde_json::to_string_pretty(&runs).unwrap()).unwrap();
}

#[tokio::test]
async fn runs_show_difference_to_chosen_run() {
    let app = spawn_swarm().await;
    write_two_runs(&app.runs_file);
    let browser = start_browser(1280, 900).await;
    browser.client.goto(&app.base).await.unwrap();

    // Before any run the page shows the recorded runs under the form, newest first.
    browser
        .wait_until(
            "document.querySelectorAll('#runs-table tbody tr').length === 2",
            Duration::from_secs(10),
        )
        .await
        .expect("two recorded runs");
    let runs_panel = browser
        .client
        .find(Locator::Css("#tab-runs"))
        .await
        .unwrap();
    assert!(runs_panel.is_displayed().await.unwrap());
    let newest = text_of(&browser, "#runs-table tbody tr:first-child").await;
    assert!(newest.contains("40.00"), "{newest}");
    assert!(
        newest.contains("+20.00 (+100 %)"),
        "RPS against run 1: {newest}"
    );
    assert!(
        newest.contains("+4.00 (+50 %)"),
        "median against run 1: {newest}"
    );

    // Choosing run 2 as the baseline shows run 1's difference to it.
    click(&browser, "#runs-table tr[data-run='2'] input[type=radio]").await;
    browser
        .wait_until(
            "document.querySelector(\"#runs-table tr[data-run='2']\").classList.contains('baseline')",
            Duration::from_secs(5),
        )
        .await
        .expect("run 2 is the baseline");
    let oldest = text_of(&browser, "#runs-table tr[data-run='1']").await;
    assert!(
        oldest.contains("-20.00 (-50 %)"),
        "RPS against run 2: {oldest}"
    );
    let worse = browser
        .client
        .execute(
            "return document.querySelector(\"#runs-table tr[data-run='1'] td:nth-child(5) .delta\").className;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(worse, "delta worse");
}

#[tokio::test]
async fn new_test_after_stop_starts_again() {
    let app = spawn_swarm().await;
    app.start_run(1, "30s").await;
    app.stop_run().await;
    let browser = start_browser(1280, 900).await;
    browser.client.goto(&app.base).await.unwrap();
    browser
        .wait_until(
            "document.body.dataset.state === 'stopped'",
            Duration::from_secs(10),
        )
        .await
        .expect("the stopped state");

    click(&browser, "#new-button").await;
    browser.wait_for("#swarm-dialog[open]").await.unwrap();
    let host_field = browser
        .client
        .find(Locator::Css("#dialog-form input[name=host]"))
        .await
        .unwrap();
    assert!(
        host_field.is_displayed().await.unwrap(),
        "New test offers no host field"
    );
    fill(&browser, "#dialog-form", "user_count", "2").await;
    fill(&browser, "#dialog-form", "run_time", "30s").await;
    click(&browser, "#dialog-form button[type=submit]").await;

    browser
        .wait_until(
            "document.getElementById('monitor-users').textContent === '2'",
            Duration::from_secs(10),
        )
        .await
        .expect("2 users in the new test");
    let dialog_open = browser
        .client
        .execute(
            "return document.getElementById('swarm-dialog').open;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(dialog_open, false);
    app.stop_run().await;
    let runs = app.wait_for_runs(2).await;
    assert_eq!(runs["runs"][1]["user_count"], 2, "{runs}");
    assert_eq!(runs["runs"][1]["run_time"], 30, "{runs}");
}
