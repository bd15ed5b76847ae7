//! The first two workshop exercises, done in the web UI in headless Chromium against a real
//! TweetCheck. They are scaled down: 4 users at 4 per second instead of 250 at 25, waiting
//! 0.1–0.3 s instead of 5–10 s. Every run is limited to 60 s in the start form.
//!
//! These tests need `chromium` and `chromedriver` on PATH (`make test-deps` installs them).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use browser_harness::{Browser, Locator};
use swarm::engine::{Runner, RunnerOptions};
use swarm::web::{self, FormDefaults, RunnerControl, RunningWeb, WebConfig};

const USERS: &str = "4";
const SPAWN_RATE: &str = "4";

/// The tasks that replace `GET /api/` in the second exercise, as its solution gives them.
const EXERCISE_2_TASKS: &str = r#"
[[user.WorkshopUser.task]]
method = "GET"
path = "/api/tweets/"
headers = { Authorization = "Token {{ token }}" }
weight = 10

[[user.WorkshopUser.task]]
method = "POST"
path = "/api/tweets/"
headers = { Authorization = "Token {{ token }}" }
form = { handle = "1", body = "Load test tweet {{ random_string(8) }}" }
weight = 1
"#;

/// Returns the workshop's swarmfile with short waits, so that its users send many requests
/// within seconds.
fn workshop_swarmfile() -> String {
    let workshop =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../swarmfile.toml"))
            .expect("the workshop's swarmfile.toml");
    let fast = workshop.replace(
        "wait_time = { between = [5, 10] }",
        "wait_time = { between = [0.1, 0.3] }",
    );
    assert_ne!(
        fast, workshop,
        "the workshop swarmfile no longer waits 5–10 s"
    );
    fast
}

/// Returns the second exercise's swarmfile: the workshop's, with its one task replaced.
fn exercise_2_swarmfile() -> String {
    let workshop = workshop_swarmfile();
    let task_start = workshop
        .find("[[user.WorkshopUser.task]]")
        .expect("the workshop swarmfile has a task");
    format!("{}{EXERCISE_2_TASKS}", &workshop[..task_start])
}

/// Starts swarm's web UI for `swarmfile` as `make swarm` does (`-H host --reset-stats`), with
/// the run log beside the swarmfile.
async fn start_swarm(
    swarmfile: &Path,
    host: &str,
) -> (Arc<RunnerControl>, RunningWeb<RunnerControl>) {
    let scenario = swarm::scenario::load(swarmfile).expect("a valid swarmfile");
    let defaults = FormDefaults {
        user_count: 1,
        spawn_rate: 1.0,
        host: host.to_owned(),
        run_time: None,
        swarmfile: swarmfile.display().to_string(),
    };
    let options = RunnerOptions {
        default_host: Some(host.to_owned()),
        reset_stats_after_spawn: true,
        ..RunnerOptions::default()
    };
    let runner = Runner::new(scenario, options).expect("build the runner's HTTP client");
    let control = Arc::new(RunnerControl::new(runner, defaults));
    let config = WebConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        auth: None,
        runs_file: web::RunLog::beside(swarmfile).path().to_owned(),
        full_history_csv: None,
        autostart: None,
    };
    let running = web::start(control.clone(), config)
        .await
        .expect("start the web UI");
    (control, running)
}

/// Stops the run and the web UI, as Ctrl-C in `make swarm` does.
async fn stop_swarm(control: Arc<RunnerControl>, running: RunningWeb<RunnerControl>) {
    control.runner().stop_and_wait().await;
    running.record_finished_run().await;
    drop(running);
}

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
        .unwrap_or_else(|error| panic!("no element matched {css}: {error}"))
        .text()
        .await
        .expect("its text")
}

/// Returns a JavaScript expression for the request count in the statistics row of `method`
/// and `name`, or -1 while that row is missing.
fn request_count(method: &str, name: &str) -> String {
    format!(
        "(() => {{ const row = [...document.querySelectorAll('#stats-table tbody tr')].find((r) => r.cells[0].textContent === '{method}' && r.cells[1].textContent === '{name}'); return row ? Number(row.cells[2].textContent.replace(/,/g, '')) : -1; }})()"
    )
}

/// Starts a test from the form on the page, with the exercise's settings scaled down.
async fn start_from_form(browser: &Browser, host: &str) {
    browser.wait_for("#start-form").await.unwrap();
    let shown_host = browser
        .wait_for("#start-form input[name=host]")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        shown_host.as_deref(),
        Some(host),
        "the form does not offer -H's host"
    );
    fill(browser, "#start-form", "user_count", USERS).await;
    fill(browser, "#start-form", "spawn_rate", SPAWN_RATE).await;
    fill(browser, "#start-form", "run_time", "60s").await;
    click(browser, "#start-form button[type=submit]").await;
}

async fn stop_from_page(browser: &Browser) {
    click(browser, "#stop-button").await;
    browser
        .wait_until(
            "document.body.dataset.state === 'stopped'",
            Duration::from_secs(15),
        )
        .await
        .expect("the stopped state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attendee_does_exercises_one_and_two() {
    let folder = tempfile::tempdir().unwrap();
    let tweetcheck = tweetcheck::start(tweetcheck::Config {
        bind: "127.0.0.1:0".to_owned(),
        database_url: format!("sqlite://{}", folder.path().join("tweetcheck.db").display()),
    })
    .await
    .expect("start TweetCheck");
    let host = format!("http://{}", tweetcheck.local_addr());
    let swarmfile: PathBuf = folder.path().join("swarmfile.toml");
    std::fs::write(&swarmfile, workshop_swarmfile()).unwrap();
    let browser = Browser::start_with_size(1280, 900)
        .await
        .expect("start Chromium under ChromeDriver");

    // Exercise 1: start, read the numbers, reset once the logins are done, stop.
    let (control, running) = start_swarm(&swarmfile, &host).await;
    browser.client.goto(&running.url()).await.unwrap();
    start_from_form(&browser, &host).await;
    browser
        .wait_until(
            &format!("{} >= 40", request_count("GET", "/api/")),
            Duration::from_secs(30),
        )
        .await
        .expect("GET /api/ requests in the Statistics tab");
    browser
        .wait_until(
            "document.getElementById('monitor-users').textContent === '4'",
            Duration::from_secs(10),
        )
        .await
        .expect("4 users in the top bar");
    let before_reset = browser
        .client
        .execute(
            &format!("return {};", request_count("GET", "/api/")),
            vec![],
        )
        .await
        .unwrap();
    click(&browser, "#reset-button").await;
    browser
        .wait_until(
            &format!(
                "{} < {before_reset} && {} >= 0",
                request_count("GET", "/api/"),
                request_count("GET", "/api/")
            ),
            Duration::from_secs(10),
        )
        .await
        .expect("Reset stats restarts the counts");
    // Count a few seconds of steady state (the exercise takes a minute).
    browser
        .wait_until(
            &format!("{} >= 20", request_count("GET", "/api/")),
            Duration::from_secs(20),
        )
        .await
        .expect("requests after the reset");
    // The current RPS counts the 10 s ending 2 s ago, so it reads 0 for a moment after a reset.
    browser
        .wait_until(
            "Number(document.getElementById('monitor-rps').textContent) > 0",
            Duration::from_secs(15),
        )
        .await
        .expect("the RPS in the top bar");
    let failures = text_of(&browser, "#monitor-failures").await;
    let aggregated = text_of(&browser, "#stats-table tfoot").await;
    stop_from_page(&browser).await;
    assert_eq!(failures, "0.0 %", "the workshop's users failed");
    assert!(aggregated.contains("Aggregated"), "{aggregated}");

    click(&browser, ".tabs [data-tab='runs']").await;
    browser
        .wait_until(
            "document.querySelectorAll('#runs-table tbody tr').length === 1",
            Duration::from_secs(10),
        )
        .await
        .expect("the first run in the Runs tab");
    stop_swarm(control, running).await;

    // Exercise 2: new tasks, swarm restarted so that it reads them, the same test again.
    std::fs::write(&swarmfile, exercise_2_swarmfile()).unwrap();
    let (control, running) = start_swarm(&swarmfile, &host).await;
    browser.client.goto(&running.url()).await.unwrap();
    start_from_form(&browser, &host).await;
    browser
        .wait_until(
            &format!(
                "{} >= 30 && {} >= 1",
                request_count("GET", "/api/tweets/"),
                request_count("POST", "/api/tweets/")
            ),
            Duration::from_secs(30),
        )
        .await
        .expect("tweet list requests in the Statistics tab");
    let methods = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#stats-table tbody tr')].filter((r) => r.cells[1].textContent === '/api/tweets/').map((r) => r.cells[0].textContent).sort();",
            vec![],
        )
        .await
        .unwrap();
    let fails = text_of(&browser, "#stats-table tfoot td:nth-child(4)").await;

    click(&browser, ".tabs [data-tab='ratios']").await;
    browser
        .wait_until(
            "document.querySelectorAll('#ratio-per-class li li').length === 2",
            Duration::from_secs(10),
        )
        .await
        .expect("the two tasks in Current ratio");
    let ratios = text_of(&browser, "#ratio-per-class").await;

    click(&browser, ".tabs [data-tab='charts']").await;
    browser
        .wait_until(
            "Number(document.querySelector('.charts').dataset.points || 0) >= 1",
            Duration::from_secs(15),
        )
        .await
        .expect("points in the Charts tab");
    stop_from_page(&browser).await;

    // The Runs tab compares this run with the one from exercise 1.
    click(&browser, ".tabs [data-tab='runs']").await;
    browser
        .wait_until(
            "document.querySelectorAll('#runs-table tbody tr').length === 2",
            Duration::from_secs(10),
        )
        .await
        .expect("both runs in the Runs tab");
    click(&browser, "#runs-table tr[data-run='1'] input[type=radio]").await;
    browser
        .wait_until(
            "document.querySelector(\"#runs-table tr[data-run='1']\").classList.contains('baseline')",
            Duration::from_secs(5),
        )
        .await
        .expect("run 1 is the baseline");
    let deltas = browser
        .client
        .execute(
            "return document.querySelectorAll(\"#runs-table tr[data-run='2'] .delta\").length;",
            vec![],
        )
        .await
        .unwrap();
    stop_swarm(control, running).await;
    tweetcheck.shutdown().await.expect("stop TweetCheck");

    assert_eq!(methods, serde_json::json!(["GET", "POST"]));
    assert_eq!(fails, "0", "the second exercise's requests failed");
    assert!(
        ratios.contains("90.9 %"),
        "the read task is not 10 in 11: {ratios}"
    );
    assert!(
        ratios.contains("9.1 %"),
        "the write task is not 1 in 11: {ratios}"
    );
    assert_eq!(deltas, 8, "run 2 shows no difference for each figure");
}
