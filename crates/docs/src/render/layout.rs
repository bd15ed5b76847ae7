//! The page around the rendered Markdown: sidebar, table of contents, previous and next links.

use std::fmt::Write;

use super::escape::escape_html;
use super::markdown::TocEntry;

/// The script that makes each code block's Copy button put the code on the clipboard.
const COPY_SCRIPT: &str = include_str!("../assets/copy.js");

/// A page as the sidebar and the previous and next links show it.
#[derive(Debug, Clone)]
pub struct NavEntry {
    pub title: String,
    /// The output file name, such as `exercise-1.html`.
    pub href: String,
}

/// The title, body and table of contents of one page.
pub struct PageContent<'a> {
    pub title: &'a str,
    pub body_html: &'a str,
    pub toc: &'a [TocEntry],
}

/// Renders the complete HTML document of `nav[current]`. Every link it writes is relative,
/// so the site works from any base path.
pub fn render_page(
    site_title: &str,
    nav: &[NavEntry],
    current: usize,
    page: &PageContent,
) -> String {
    let mut html = String::new();
    let title = if current == 0 {
        escape_html(site_title)
    } else {
        format!("{} · {}", escape_html(page.title), escape_html(site_title))
    };

    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(html, "<title>{title}</title>");
    html.push_str("<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n");

    html.push_str("<div class=\"layout\">\n");
    write_sidebar(&mut html, nav, current);
    html.push_str("<main>\n<article class=\"content\">\n");
    // The table of contents goes right after the page's title when the body starts with one.
    let (heading, rest) = match page.body_html.split_once("</h1>\n") {
        Some((heading, rest)) if page.body_html.starts_with("<h1") => (heading, rest),
        _ => ("", page.body_html),
    };
    if !heading.is_empty() {
        html.push_str(heading);
        html.push_str("</h1>\n");
    }
    write_toc(&mut html, page.toc);
    html.push_str(rest);
    html.push_str("</article>\n");
    write_pager(&mut html, nav, current);
    html.push_str("</main>\n</div>\n");

    let _ = write!(html, "<script>\n{COPY_SCRIPT}</script>\n</body>\n</html>\n");
    html
}

/// Writes the list of every page. The first entry, the index, also names the whole site.
fn write_sidebar(html: &mut String, nav: &[NavEntry], current: usize) {
    html.push_str("<nav class=\"sidebar\" aria-label=\"Pages\">\n<ol>\n");
    for (index, entry) in nav.iter().enumerate() {
        let current_marker = if index == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<li><a href=\"{}\"{current_marker}>{}</a></li>",
            escape_html(&entry.href),
            escape_html(&entry.title)
        );
    }
    html.push_str("</ol>\n</nav>\n");
}

fn write_toc(html: &mut String, toc: &[TocEntry]) {
    if toc.is_empty() {
        return;
    }
    html.push_str("<nav class=\"toc\" aria-label=\"On this page\">\n");
    html.push_str("<p class=\"toc-title\">On this page</p>\n<ul>\n");
    for entry in toc {
        let _ = writeln!(
            html,
            "<li class=\"toc-level-{}\"><a href=\"#{}\">{}</a></li>",
            entry.level,
            escape_html(&entry.id),
            escape_html(&entry.text)
        );
    }
    html.push_str("</ul>\n</nav>\n");
}

fn write_pager(html: &mut String, nav: &[NavEntry], current: usize) {
    let previous = current.checked_sub(1).and_then(|index| nav.get(index));
    let next = nav.get(current + 1);
    if previous.is_none() && next.is_none() {
        return;
    }

    html.push_str("<nav class=\"pager\" aria-label=\"Previous and next page\">\n");
    if let Some(entry) = previous {
        let _ = writeln!(
            html,
            "<a class=\"pager-previous\" rel=\"prev\" href=\"{}\">← {}</a>",
            escape_html(&entry.href),
            escape_html(&entry.title)
        );
    }
    if let Some(entry) = next {
        let _ = writeln!(
            html,
            "<a class=\"pager-next\" rel=\"next\" href=\"{}\">{} →</a>",
            escape_html(&entry.href),
            escape_html(&entry.title)
        );
    }
    html.push_str("</nav>\n");
}
