//! The `workshop-docs build SRC_DIR OUT_DIR` command.

mod common;

use std::process::Command;

use common::source_dir;

fn workshop_docs() -> Command {
    Command::new(env!("CARGO_BIN_EXE_workshop-docs"))
}

#[test]
fn build_writes_pages_images_and_stylesheet() {
    let source = source_dir(&[
        (
            "index.md",
            b"# Home\n\n[Next](exercise-1.md)\n\n![chart](images/chart.png)\n",
        ),
        ("exercise-1.md", b"# Exercise 1\n"),
        ("images/chart.png", b"\x89PNG\r\n\x1a\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let site_dir = out.path().join("site");

    let output = workshop_docs()
        .arg("build")
        .arg(source.path())
        .arg(&site_dir)
        .output()
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        "index.html",
        "exercise-1.html",
        "style.css",
        "images/chart.png",
    ] {
        assert!(site_dir.join(file).is_file(), "{file} was not written");
    }
    let index = std::fs::read_to_string(site_dir.join("index.html")).unwrap();
    assert!(index.contains("href=\"exercise-1.html\""));
}

#[test]
fn build_with_broken_link_writes_nothing() {
    let source = source_dir(&[("index.md", b"# Home\n\n[gone](missing.md)\n")]);
    let out = tempfile::tempdir().unwrap();
    let site_dir = out.path().join("site");

    let output = workshop_docs()
        .arg("build")
        .arg(source.path())
        .arg(&site_dir)
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("index.html: broken link to missing.html"),
        "{stderr}"
    );
    assert!(stderr.contains("1 broken links or images"), "{stderr}");
    assert!(!site_dir.exists(), "nothing should be written");
}

#[test]
fn build_of_missing_folder_names_it() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-docs-here");

    let output = workshop_docs()
        .arg("build")
        .arg(&missing)
        .arg(out.path().join("site"))
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no-docs-here"), "{stderr}");
}

#[test]
fn build_without_arguments_prints_usage() {
    let output = workshop_docs().arg("build").output().unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("<SRC_DIR>"), "{stderr}");
}
