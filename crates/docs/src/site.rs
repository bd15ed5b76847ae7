//! The rendered site, held in memory: build it once, then serve it or write it to a folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::links::{check_links, BrokenLink};
use crate::render::layout::{render_page, NavEntry, PageContent};
use crate::render::markdown::render_markdown;
use crate::source::read_sources;
use crate::Error;

/// The stylesheet every page links to, at the site root.
const STYLESHEET: &str = include_str!("assets/style.css");
const STYLESHEET_PATH: &str = "style.css";

/// One file of the site.
#[derive(Debug)]
struct SiteFile {
    content_type: &'static str,
    bytes: Vec<u8>,
    /// The source file it came from, to report two sources that render to the same path.
    source: PathBuf,
}

/// Every file of the rendered site, keyed by its path relative to the site root
/// (`index.html`, `exercise-1.html`, `images/swarm-ready.png`, `style.css`).
#[derive(Debug)]
pub struct Site {
    files: BTreeMap<String, SiteFile>,
}

impl Site {
    /// Renders every Markdown file at the top level of `src_dir` to a page, and adds every other
    /// file under `src_dir` unchanged. `src_dir` must contain an `index.md`, and every page must
    /// have a level-1 heading, which becomes its title.
    pub fn build(src_dir: &Path) -> Result<Site, Error> {
        let sources = read_sources(src_dir)?;
        let mut site = Site {
            files: BTreeMap::new(),
        };

        let rendered: Vec<_> = sources
            .pages
            .iter()
            .map(|page| render_markdown(&page.markdown))
            .collect();
        let mut nav = Vec::with_capacity(rendered.len());
        for (page, markdown) in sources.pages.iter().zip(&rendered) {
            let title = markdown.title.clone().ok_or_else(|| Error::MissingTitle {
                path: page.path.clone(),
            })?;
            nav.push(NavEntry {
                title,
                href: page.output_name(),
            });
        }

        let site_title = nav[0].title.clone();
        for (index, (page, markdown)) in sources.pages.iter().zip(&rendered).enumerate() {
            let content = PageContent {
                title: &nav[index].title,
                body_html: &markdown.body_html,
                toc: &markdown.toc,
            };
            let html = render_page(&site_title, &nav, index, &content);
            site.insert(page.output_name(), html.into_bytes(), page.path.clone())?;
        }

        site.insert(
            STYLESHEET_PATH.to_string(),
            STYLESHEET.as_bytes().to_vec(),
            PathBuf::from("(built-in stylesheet)"),
        )?;

        for asset in sources.assets {
            let bytes = fs::read(&asset.path).map_err(|source| Error::ReadFile {
                path: asset.path.clone(),
                source,
            })?;
            site.insert(asset.relative, bytes, asset.path)?;
        }

        Ok(site)
    }

    /// Returns the content type and bytes of the file at `path`, relative to the site root.
    /// A leading `/` is ignored, and `""` or a path ending in `/` means the `index.html` there.
    pub fn get(&self, path: &str) -> Option<(&'static str, &[u8])> {
        let path = path.trim_start_matches('/');
        let file = if path.is_empty() || path.ends_with('/') {
            self.files.get(&format!("{path}index.html"))
        } else {
            self.files.get(path)
        }?;
        Some((file.content_type, &file.bytes))
    }

    /// Lists the paths of every file in the site, in sorted order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Lists the links and images that point to no file of the site, or to a missing anchor.
    pub fn broken_links(&self) -> Vec<BrokenLink> {
        let pages: BTreeMap<&str, &[u8]> = self
            .files
            .iter()
            .map(|(path, file)| (path.as_str(), file.bytes.as_slice()))
            .collect();
        check_links(&pages)
    }

    /// Writes every file under `out_dir`, creating folders as needed. Files already in
    /// `out_dir` that the site does not contain are left in place.
    pub fn write_to(&self, out_dir: &Path) -> Result<(), Error> {
        for (relative, file) in &self.files {
            let path = out_dir.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|source| Error::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            fs::write(&path, &file.bytes).map_err(|source| Error::Write { path, source })?;
        }
        Ok(())
    }

    fn insert(&mut self, path: String, bytes: Vec<u8>, source: PathBuf) -> Result<(), Error> {
        if let Some(existing) = self.files.get(&path) {
            return Err(Error::DuplicateOutput {
                first: existing.source.clone(),
                second: source,
                output: path,
            });
        }
        let file = SiteFile {
            content_type: content_type(&path),
            bytes,
            source,
        };
        self.files.insert(path, file);
        Ok(())
    }
}

/// Returns the media type for a file name's extension, `application/octet-stream` when unknown.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("toml") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}
