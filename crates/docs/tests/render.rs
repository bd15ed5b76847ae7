//! What a rendered page contains: sidebar order, previous and next links, callouts, code
//! blocks, table of contents, and the errors for bad source folders.

mod common;

use common::{build_site, page_text, source_dir};
use workshop_docs::{Error, Site};

const PAGES: &[(&str, &[u8])] = &[
    ("hosts.md", b"# For hosts\n"),
    ("exercise-10.md", b"# Exercise 10\n"),
    ("exercise-2-users.md", b"# Exercise 2\n"),
    ("index.md", b"# The workshop\n\nWelcome.\n"),
    ("exercise-0.md", b"# Exercise 0\n"),
    ("benchmarks.md", b"# Benchmarks\n"),
];

/// Returns the `href` values of the sidebar's links, in page order.
fn sidebar_hrefs(html: &str) -> Vec<String> {
    let start = html
        .find("<nav class=\"sidebar\"")
        .expect("page has a sidebar");
    let end = start + html[start..].find("</nav>").unwrap();
    html[start..end]
        .split("<li><a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn sidebar_orders_index_exercises_then_rest() {
    let (site, _dir) = build_site(PAGES);

    let hrefs = sidebar_hrefs(&page_text(&site, "index.html"));

    assert_eq!(
        hrefs,
        [
            "index.html",
            "exercise-0.html",
            "exercise-2-users.html",
            "exercise-10.html",
            "benchmarks.html",
            "hosts.html",
        ]
    );
}

#[test]
fn sidebar_marks_current_page() {
    let (site, _dir) = build_site(PAGES);

    let html = page_text(&site, "exercise-0.html");

    assert!(html.contains("<a href=\"exercise-0.html\" aria-current=\"page\">Exercise 0</a>"));
    assert_eq!(html.matches("aria-current").count(), 1);
}

#[test]
fn pager_links_neighbours_in_sidebar_order() {
    let (site, _dir) = build_site(PAGES);

    let first = page_text(&site, "index.html");
    let middle = page_text(&site, "exercise-2-users.html");
    let last = page_text(&site, "hosts.html");

    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("rel=\"next\" href=\"exercise-0.html\">Exercise 0 →"));
    assert!(middle.contains("rel=\"prev\" href=\"exercise-0.html\">← Exercise 0"));
    assert!(middle.contains("rel=\"next\" href=\"exercise-10.html\">Exercise 10 →"));
    assert!(last.contains("rel=\"prev\" href=\"benchmarks.html\">← Benchmarks"));
    assert!(!last.contains("rel=\"next\""));
}

#[test]
fn page_title_includes_site_title() {
    let (site, _dir) = build_site(PAGES);

    assert!(page_text(&site, "index.html").contains("<title>The workshop</title>"));
    assert!(page_text(&site, "hosts.html").contains("<title>For hosts · The workshop</title>"));
}

#[test]
fn alerts_become_callouts() {
    let (site, _dir) = build_site(&[(
        "index.md",
        b"# Home\n\n> [!NOTE]\n> Read this.\n\n> [!WARNING]\n> Own the server.\n\n\
          > A plain quotation.\n",
    )]);

    let html = page_text(&site, "index.html");

    assert!(html.contains(
        "<aside class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Note</p>"
    ));
    assert!(html.contains("<aside class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"));
    assert!(html.contains("<p>Own the server.</p>"));
    assert!(html.contains("<blockquote>\n<p>A plain quotation.</p>"));
}

#[test]
fn code_blocks_get_copy_button() {
    let (site, _dir) = build_site(&[(
        "index.md",
        b"# Home\n\n```sh\nmake serve\n```\n\n    indented\n",
    )]);

    let html = page_text(&site, "index.html");

    assert_eq!(html.matches("class=\"copy-button\"").count(), 2);
    assert!(html.contains("<code class=\"language-sh\">make serve\n</code>"));
    assert!(html.contains("<script>"), "the copy script is inline");
    assert!(
        !html.contains("<script src="),
        "no script is loaded from elsewhere"
    );
}

#[test]
fn toc_lists_level_two_and_three_headings() {
    let (site, _dir) = build_site(&[(
        "index.md",
        b"# Home\n\n## Set up\n\n### With `make`\n\n#### Too deep\n\n## Custom {#mine}\n",
    )]);

    let html = page_text(&site, "index.html");

    assert!(html.contains("<li class=\"toc-level-2\"><a href=\"#set-up\">Set up</a></li>"));
    assert!(html.contains("<li class=\"toc-level-3\"><a href=\"#with-make\">With make</a></li>"));
    assert!(html.contains("<a href=\"#mine\">Custom</a>"));
    assert!(!html.contains("href=\"#too-deep\""));
    assert!(html.contains("<h2 id=\"set-up\">Set up</h2>"));
    assert!(html.contains("<h4 id=\"too-deep\">Too deep</h4>"));
    let title_at = html
        .find("<h1 id=\"home\">Home</h1>")
        .expect("page has its title");
    let toc_at = html
        .find("<nav class=\"toc\"")
        .expect("page has a table of contents");
    assert!(title_at < toc_at, "the table of contents follows the title");
}

#[test]
fn details_pass_through_collapsed() {
    let (site, _dir) = build_site(&[(
        "index.md",
        b"# Home\n\n<details>\n<summary>Solution</summary>\n\nThe **answer**.\n\n</details>\n",
    )]);

    let html = page_text(&site, "index.html");

    assert!(html.contains("<details>\n<summary>Solution</summary>"));
    assert!(html.contains("<p>The <strong>answer</strong>.</p>"));
}

#[test]
fn images_and_other_files_are_copied() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\nnot really";
    let (site, _dir) = build_site(&[
        ("index.md", b"# Home\n\n![chart](images/chart.png)\n"),
        ("images/chart.png", png),
        (".hidden.png", b"skip me"),
    ]);

    assert_eq!(site.get("images/chart.png"), Some(("image/png", png)));
    assert_eq!(site.get(".hidden.png"), None);
    assert!(page_text(&site, "index.html").contains("<img src=\"images/chart.png\" alt=\"chart\""));
}

#[test]
fn get_maps_root_to_index() {
    let (site, _dir) = build_site(PAGES);
    let index = site.get("index.html").expect("index.html exists");

    assert_eq!(site.get(""), Some(index));
    assert_eq!(site.get("/"), Some(index));
    assert_eq!(site.get("/index.html"), Some(index));
    assert_eq!(index.0, "text/html; charset=utf-8");
    assert_eq!(
        site.get("style.css").map(|file| file.0),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(site.get("../index.html"), None);
    assert_eq!(site.get("index.md"), None);
}

#[test]
fn missing_index_is_rejected() {
    let dir = source_dir(&[("exercise-1.md", b"# Exercise 1\n")]);

    let error = Site::build(dir.path()).unwrap_err();

    assert!(matches!(error, Error::MissingIndex { .. }), "{error:?}");
    assert!(
        error.to_string().contains("contains no index.md"),
        "{error}"
    );
}

#[test]
fn page_without_title_is_rejected() {
    let dir = source_dir(&[("index.md", b"# Home\n"), ("notes.md", b"## Not a title\n")]);

    let error = Site::build(dir.path()).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("notes.md"), "{message}");
    assert!(message.contains("no level-1 heading"), "{message}");
}

#[test]
fn non_utf8_page_is_rejected() {
    let dir = source_dir(&[("index.md", b"# Caf\xe9\n")]);

    let error = Site::build(dir.path()).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("index.md"), "{message}");
    assert!(message.contains("not valid UTF-8"), "{message}");
}

#[test]
fn file_clashing_with_page_is_rejected() {
    let dir = source_dir(&[("index.md", b"# Home\n"), ("index.html", b"<p>old</p>")]);

    let error = Site::build(dir.path()).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("both render to index.html"), "{message}");
}

#[test]
fn missing_source_dir_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");

    let error = Site::build(&missing).unwrap_err();

    let message = error.to_string();
    assert!(message.contains("no-such-folder"), "{message}");
    assert!(
        message.starts_with("failed to read the folder"),
        "{message}"
    );
}
