//! Reads the source folder: Markdown pages at its top level and every other file to copy.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;

/// A Markdown page found at the top level of the source folder.
#[derive(Debug)]
pub struct SourcePage {
    /// The path the page was read from, for error messages.
    pub path: PathBuf,
    /// The file stem, which names the output page (`exercise-1` renders to `exercise-1.html`).
    pub stem: String,
    pub markdown: String,
}

impl SourcePage {
    /// The output file name, relative to the site root.
    pub fn output_name(&self) -> String {
        format!("{}.html", self.stem)
    }

    /// Where the page goes in the sidebar: the index, then exercises by number, then the rest.
    fn sort_key(&self) -> (u8, u64, &str) {
        if self.stem == "index" {
            return (0, 0, &self.stem);
        }
        match exercise_number(&self.stem) {
            Some(number) => (1, number, &self.stem),
            None => (2, 0, &self.stem),
        }
    }
}

/// A file that is not a page, copied to the site unchanged (images, mostly).
#[derive(Debug)]
pub struct SourceAsset {
    pub path: PathBuf,
    /// The path relative to the source folder, with `/` separators.
    pub relative: String,
}

/// The pages, in sidebar order, and the files to copy.
#[derive(Debug)]
pub struct Sources {
    pub pages: Vec<SourcePage>,
    pub assets: Vec<SourceAsset>,
}

/// Reads `src_dir`. Files and folders whose names start with `.` are skipped.
pub fn read_sources(src_dir: &Path) -> Result<Sources, Error> {
    let mut pages = Vec::new();
    let mut assets = Vec::new();

    for path in list_files(src_dir)? {
        let relative = relative_path(src_dir, &path);
        let is_top_level = !relative.contains('/');
        let is_markdown = path.extension().is_some_and(|extension| extension == "md");
        if is_top_level && is_markdown {
            pages.push(read_page(path)?);
        } else {
            assets.push(SourceAsset { path, relative });
        }
    }

    if !pages.iter().any(|page| page.stem == "index") {
        return Err(Error::MissingIndex {
            dir: src_dir.to_path_buf(),
        });
    }

    pages.sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
    assets.sort_by(|left, right| left.relative.cmp(&right.relative));
    Ok(Sources { pages, assets })
}

/// Returns N for a stem `exercise-N` or `exercise-N-anything`.
fn exercise_number(stem: &str) -> Option<u64> {
    let rest = stem.strip_prefix("exercise-")?;
    let digits = rest.split('-').next()?;
    digits.parse().ok()
}

fn read_page(path: PathBuf) -> Result<SourcePage, Error> {
    let bytes = fs::read(&path).map_err(|source| Error::ReadFile {
        path: path.clone(),
        source,
    })?;
    let markdown = String::from_utf8(bytes).map_err(|_| Error::NotUtf8 { path: path.clone() })?;
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(SourcePage {
        path,
        stem,
        markdown,
    })
}

/// Lists the files under `dir`, recursively, skipping hidden entries.
fn list_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read_error = |source| Error::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = fs::read_dir(dir)
        .map_err(read_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_error)?;
    entries.sort_by_key(|entry| entry.file_name());

    let mut files = Vec::new();
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let metadata = fs::metadata(&path).map_err(|source| Error::ReadFile {
            path: path.clone(),
            source,
        })?;
        if metadata.is_dir() {
            files.extend(list_files(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercise_number_reads_plain_and_suffixed_stems() {
        assert_eq!(exercise_number("exercise-3"), Some(3));
        assert_eq!(exercise_number("exercise-12-ci"), Some(12));
        assert_eq!(exercise_number("exercise-x"), None);
        assert_eq!(exercise_number("hosts"), None);
    }
}
