//! Renders the workshop exercises in `docs/` at build time, so the `tweetcheck` binary serves
//! them at `/workshop/` wherever it is copied to.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let docs_dir = manifest_dir.join("../../docs");
    println!("cargo:rerun-if-changed={}", docs_dir.display());

    let site = match workshop_docs::Site::build(&docs_dir) {
        Ok(site) => site,
        Err(err) => panic!(
            "failed to render the workshop pages in {}: {err}",
            docs_dir.display()
        ),
    };

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let site_dir = out_dir.join("workshop");
    let mut table = String::from("&[\n");
    for path in site.paths() {
        let (content_type, bytes) = site.get(path).expect("every listed path has a file");
        let file = site_dir.join(path);
        write_file(&file, bytes);
        writeln!(
            table,
            "    ({path:?}, {content_type:?}, include_bytes!({file:?})),",
            file = file.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    table.push(']');
    write_file(&out_dir.join("workshop_files.rs"), table.as_bytes());
}

fn write_file(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .unwrap_or_else(|err| panic!("failed to create {}: {err}", parent.display()));
    }
    fs::write(path, bytes)
        .unwrap_or_else(|err| panic!("failed to write {}: {err}", path.display()));
}
