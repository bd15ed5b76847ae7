//! Every link and image of the rendered site resolves, and the checker catches those that
//! do not.

mod common;

use common::{build_site, workshop_docs_dir};
use workshop_docs::Site;

#[test]
fn workshop_site_has_no_broken_links() {
    let site = Site::build(&workshop_docs_dir()).expect("docs/ should build");

    let broken: Vec<String> = site
        .broken_links()
        .iter()
        .map(ToString::to_string)
        .collect();

    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn workshop_site_has_every_exercise() {
    let site = Site::build(&workshop_docs_dir()).expect("docs/ should build");
    let paths: Vec<&str> = site.paths().collect();

    for page in [
        "index.html",
        "exercise-0.html",
        "exercise-1.html",
        "exercise-2.html",
        "exercise-3.html",
        "hosts.html",
        "style.css",
    ] {
        assert!(paths.contains(&page), "{page} missing from {paths:?}");
    }
}

#[test]
fn checker_reports_each_broken_kind() {
    let (site, _dir) = build_site(&[
        (
            "index.md",
            b"# Home\n\n## Start\n\n[gone](missing.md)\n\n![chart](images/none.png)\n\n\
              [bad anchor](other.md#nowhere)\n\n[absolute](/api/)\n\n[above](../secret.html)\n",
        ),
        ("other.md", b"# Other\n"),
    ]);

    let broken = site.broken_links();
    let targets: Vec<&str> = broken.iter().map(|link| link.target.as_str()).collect();

    assert!(targets.contains(&"missing.html"), "{broken:?}");
    assert!(targets.contains(&"images/none.png"), "{broken:?}");
    assert!(targets.contains(&"other.html#nowhere"), "{broken:?}");
    assert!(targets.contains(&"/api/"), "{broken:?}");
    assert!(targets.contains(&"../secret.html"), "{broken:?}");
    assert_eq!(broken.len(), 5, "{broken:?}");
    assert!(
        broken.iter().all(|link| link.page == "index.html"),
        "{broken:?}"
    );
}

#[test]
fn checker_message_names_page_and_target() {
    let (site, _dir) = build_site(&[("index.md", b"# Home\n\n[gone](missing.md)\n")]);

    let broken = site.broken_links();

    assert_eq!(broken.len(), 1);
    assert_eq!(
        broken[0].to_string(),
        "index.html: broken link to missing.html: the site contains no file missing.html"
    );
}

#[test]
fn checker_accepts_valid_links() {
    let (site, _dir) = build_site(&[
        (
            "index.md",
            b"# Home\n\n## Start here\n\n[next](exercise-1.md#the-task)\n\n[top](#start-here)\n\n\
              ![chart](images/chart.png)\n\n[external](https://example.org/missing.md)\n\n\
              <a href=\"images/chart.png\">raw HTML link</a>\n",
        ),
        (
            "exercise-1.md",
            b"# Exercise 1\n\n## The task\n\n[home](index.md)\n",
        ),
        ("images/chart.png", b"\x89PNG\r\n\x1a\n"),
    ]);

    let broken = site.broken_links();

    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn checker_sees_links_in_raw_html() {
    let (site, _dir) = build_site(&[(
        "index.md",
        b"# Home\n\n<a href=\"nowhere.html\">raw</a>\n\n<img src=\"lost.png\" alt=\"\">\n",
    )]);

    let broken = site.broken_links();
    let targets: Vec<&str> = broken.iter().map(|link| link.target.as_str()).collect();

    assert_eq!(targets, ["nowhere.html", "lost.png"]);
}
