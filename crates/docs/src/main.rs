//! `workshop-docs build SRC_DIR OUT_DIR`: renders the workshop exercises to a static site.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use workshop_docs::Site;

#[derive(Parser)]
#[command(
    version,
    about = "Renders the workshop exercises to a static HTML site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Renders every Markdown page in SRC_DIR, and copies its images, to OUT_DIR. Nothing is
    /// written when a link or image is broken.
    Build {
        /// Folder containing index.md, the other pages and their images, such as `docs`.
        src_dir: PathBuf,
        /// Folder to write the site to, such as `target/site`. It is created if missing.
        out_dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { src_dir, out_dir } => match build(&src_dir, &out_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn build(src_dir: &Path, out_dir: &Path) -> Result<()> {
    let site = Site::build(src_dir)
        .with_context(|| format!("failed to render the pages in {}", src_dir.display()))?;

    let broken = site.broken_links();
    if !broken.is_empty() {
        for link in &broken {
            eprintln!("{link}");
        }
        anyhow::bail!(
            "{} broken links or images in {}; fix them and run again",
            broken.len(),
            src_dir.display()
        );
    }

    site.write_to(out_dir)?;
    eprintln!(
        "wrote {} files to {}",
        site.paths().count(),
        out_dir.display()
    );
    Ok(())
}
