//! Saves screenshots of swarm's web UI for the workshop docs: `docs/images/swarm-ready.png`
//! (the start form), `docs/images/swarm-running.png` (a run in progress) and
//! `docs/images/swarm-charts.png` (its Charts tab). The same states on a phone-sized screen go to
//! `swarm-ready-phone.png` and `swarm-running-phone.png`, to check the narrow layout by eye.
//!
//! Everything runs in this process on loopback ports: TweetCheck on a fresh SQLite file, the
//! runner with the workshop's `swarmfile.toml`, and the web UI. The run swarms TweetCheck with
//! 50 users for at most 60 s, and the script stops it after taking the pictures. Run it with
//! `make screenshots`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use browser_harness::Browser;
use swarm::engine::{Runner, RunnerOptions};
use swarm::web::{self, FormDefaults, RunnerControl, WebConfig};

/// Users and spawn rate of the pictured run: enough to show steady figures within seconds.
const USERS: u64 = 50;
const SPAWN_RATE: f64 = 10.0;

#[tokio::main]
async fn main() -> Result<()> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let images = repository.join("docs/images");
    std::fs::create_dir_all(&images)
        .with_context(|| format!("failed to create {}", images.display()))?;
    let folder = tempfile::tempdir().context("failed to create a temporary folder")?;

    let tweetcheck = tweetcheck::start(tweetcheck::Config {
        bind: "127.0.0.1:0".to_owned(),
        database_url: format!("sqlite://{}", folder.path().join("tweetcheck.db").display()),
    })
    .await
    .context("failed to start TweetCheck")?;
    let host = format!("http://{}", tweetcheck.local_addr());

    let control = Arc::new(runner_control(&repository.join("swarmfile.toml"), &host)?);
    let web = web::start(
        control.clone(),
        WebConfig {
            bind: "127.0.0.1:0".parse()?,
            auth: None,
            runs_file: folder.path().join(web::RUNS_FILE_NAME),
            full_history_csv: None,
            autostart: None,
        },
    )
    .await?;

    let browser = Browser::start_with_size(1280, 760).await?;
    let phone = Browser::start_with_size(390, 844).await?;
    let result = take_screenshots(&browser, &phone, &web.url(), &images).await;

    control.runner().stop_and_wait().await;
    drop(browser);
    drop(phone);
    tweetcheck.shutdown().await?;
    result
}

async fn take_screenshots(
    browser: &Browser,
    phone: &Browser,
    url: &str,
    images: &Path,
) -> Result<()> {
    phone.client.goto(url).await?;
    phone.wait_for("#start-form").await?;
    save(phone, &images.join("swarm-ready-phone.png")).await?;

    browser.client.goto(url).await?;
    browser.wait_for("#start-form").await?;
    // The run time keeps the run bounded even if this script dies before it stops the run.
    let run_time = browser.wait_for("#start-form input[name=run_time]").await?;
    run_time.send_keys("60s").await?;
    // Without focus the form shows no text cursor or focus ring.
    browser
        .client
        .execute("document.activeElement.blur();", vec![])
        .await?;
    save(browser, &images.join("swarm-ready.png")).await?;

    browser
        .wait_for("#start-form button[type=submit]")
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "document.body.dataset.state === 'running'",
            Duration::from_secs(20),
        )
        .await?;
    // Let every user log in and send a few requests, so that the figures have settled.
    tokio::time::sleep(Duration::from_secs(12)).await;
    save(browser, &images.join("swarm-running.png")).await?;
    phone
        .wait_until(
            "document.body.dataset.state === 'running'",
            Duration::from_secs(5),
        )
        .await?;
    save(phone, &images.join("swarm-running-phone.png")).await?;

    browser
        .wait_for(".tabs [data-tab='charts']")
        .await?
        .click()
        .await?;
    browser
        .wait_until(
            "Number(document.querySelector('.charts').dataset.points || 0) >= 2",
            Duration::from_secs(15),
        )
        .await?;
    save(browser, &images.join("swarm-charts.png")).await
}

async fn save(browser: &Browser, path: &Path) -> Result<()> {
    browser.screenshot(path).await?;
    println!("saved {}", path.display());
    Ok(())
}

/// Builds the runner for the workshop's swarmfile with `host` in place of its own, as `-H`
/// does on the command line.
fn runner_control(swarmfile: &Path, host: &str) -> Result<RunnerControl> {
    let scenario = swarm::scenario::load(swarmfile)?;
    let defaults = FormDefaults {
        user_count: USERS,
        spawn_rate: SPAWN_RATE,
        host: host.to_owned(),
        run_time: None,
        swarmfile: "swarmfile.toml".to_owned(),
    };
    let options = RunnerOptions {
        default_host: Some(host.to_owned()),
        ..RunnerOptions::default()
    };
    let runner = Runner::new(scenario, options)?;
    Ok(RunnerControl::new(runner, defaults))
}
