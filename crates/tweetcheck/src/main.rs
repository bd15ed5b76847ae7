//! The `tweetcheck` command: parses the command line and runs the server.

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(version, about = "A stand-in for the TweetCheck REST API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the API server until Ctrl-C or SIGTERM.
    Serve {
        /// The address and port to listen on.
        #[arg(long, env = "TWEETCHECK_BIND", default_value = "127.0.0.1:8000")]
        bind: String,
        /// The SQLite database URL. The file is created and seeded if missing.
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://tweetcheck.db")]
        database: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tweetcheck::telemetry::init();

    let Command::Serve { bind, database } = Cli::parse().command;
    let running = tweetcheck::start(tweetcheck::Config {
        bind,
        database_url: database,
    })
    .await?;

    tracing::info!(
        "TweetCheck is running at http://{}/api/ (log in as {} with password {:?})",
        running.local_addr(),
        tweetcheck::db::ADMIN_EMAIL,
        tweetcheck::db::ADMIN_PASSWORD,
    );

    shutdown_signal()
        .await
        .context("failed to listen for Ctrl-C or SIGTERM")?;
    tracing::info!("shutting down: finishing in-flight requests");
    running.shutdown().await
}

async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
