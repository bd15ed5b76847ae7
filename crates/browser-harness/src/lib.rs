//! Headless Chromium for end-to-end tests, driven over WebDriver.
//!
//! [`Browser::start`] launches `chromedriver` on a free loopback port and opens one Chromium
//! session with a fresh profile. Chromium runs with background networking, component updates
//! and first-run pages off, so it opens no connection that the test did not ask for.
//! Downloads land in a private folder, [`Browser::download_dir`], without a prompt.
//! Dropping the [`Browser`] kills ChromeDriver, which ends Chromium with it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
pub use fantoccini::{elements::Element, Client, Locator};
use tokio::process::{Child, Command};

/// A Chromium session under a private ChromeDriver process.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    downloads: tempfile::TempDir,
}

/// Returns the Chromium binary: `$CHROMIUM` when set, else the first of the usual names on PATH.
pub fn chromium_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(path) = find_on_path(name) {
            return Ok(path);
        }
    }
    bail!("chromium not found on PATH; run `make test-deps` (Debian: apt-get install chromium chromium-driver)")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("failed to find a free port")?;
    Ok(listener.local_addr()?.port())
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a window of 1280×900 pixels.
    pub async fn start() -> Result<Browser> {
        Self::start_with_size(1280, 900).await
    }

    /// Starts ChromeDriver and a headless Chromium whose viewport is `width`×`height` pixels.
    /// A width under 500 pixels emulates a phone, with touch input.
    pub async fn start_with_size(width: u32, height: u32) -> Result<Browser> {
        // With both of rustls's crypto back ends enabled somewhere in the workspace, rustls
        // cannot pick one by itself, so the harness picks ring for every test that uses it.
        // Another caller may have installed one already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chromium = chromium_path()?;
        let driver_path = find_on_path("chromedriver").context(
            "chromedriver not found on PATH; run `make test-deps` (Debian: apt-get install chromium-driver)",
        )?;
        let port = free_port()?;
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("failed to start {}", driver_path.display()))?;

        let profile = tempfile::tempdir().context("failed to create a Chromium profile folder")?;
        let downloads =
            tempfile::tempdir().context("failed to create a Chromium download folder")?;
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.path().to_string_lossy(),
                    "download.prompt_for_download": false,
                    // Several downloads from one page would otherwise wait for permission.
                    "profile.default_content_setting_values.automatic_downloads": 1,
                }
            }
        });
        let mut capabilities = capabilities;
        // Headless Chromium 148 keeps its window at least 500 pixels wide, so a narrower size
        // is emulated as a phone screen, whose viewport has exactly the requested width.
        if width < 500 {
            capabilities["goog:chromeOptions"]["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": {
                    "width": width,
                    "height": height,
                    "pixelRatio": 1.0,
                    "touch": true,
                    "mobile": true,
                }
            });
        }
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("capabilities are built as an object"),
        };

        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            match fantoccini::ClientBuilder::rustls()
                .context("failed to set up the WebDriver client")?
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => bail!("chromedriver at {url} did not open a session in 20 s: {err}"),
            }
        };

        Ok(Browser {
            client,
            driver,
            _profile: profile,
            downloads,
        })
    }

    /// Returns the folder that Chromium saves downloads to. Dropping the [`Browser`] removes it.
    pub fn download_dir(&self) -> &Path {
        self.downloads.path()
    }

    /// Waits up to `timeout` for a finished download whose file name ends with `suffix`, and
    /// returns its path. Chromium writes a `.crdownload` file first and renames it when done,
    /// so a file with the final name is complete.
    pub async fn wait_for_download(&self, suffix: &str, timeout: Duration) -> Result<PathBuf> {
        let deadline = Instant::now() + timeout;
        loop {
            let entries = std::fs::read_dir(self.downloads.path())
                .with_context(|| format!("failed to list {}", self.downloads.path().display()))?;
            for entry in entries {
                let path = entry?.path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if name.ends_with(suffix) {
                    return Ok(path);
                }
            }
            if Instant::now() >= deadline {
                bail!(
                    "no download ending with `{suffix}` appeared in {} within {timeout:?}",
                    self.downloads.path().display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits up to 10 s for an element matching the CSS selector.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element matched `{css}` within 10 s"))
    }

    /// Waits up to `timeout` for `script` (a JavaScript expression) to return true.
    pub async fn wait_until(&self, script: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self
                .client
                .execute(&format!("return Boolean({script});"), vec![])
                .await
                .with_context(|| format!("failed to evaluate `{script}`"))?;
            if value == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("`{script}` was still false after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG screenshot of the current page to `path`, creating its folder.
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        let png = self
            .client
            .screenshot()
            .await
            .context("failed to take a screenshot")?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create {}", parent.display()))?;
        }
        std::fs::write(path, png).with_context(|| format!("failed to write {}", path.display()))
    }

    /// Ends the Chromium session and ChromeDriver.
    pub async fn close(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        let _ = self.driver.kill().await;
        closed.context("failed to close the Chromium session")
    }
}
