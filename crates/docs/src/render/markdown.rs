//! Markdown to HTML: headings with ids, callouts, code blocks with a copy button, and links
//! between pages rewritten from `.md` to `.html`.

use std::collections::HashSet;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use super::escape::escape_html;

/// A heading of level 2 or 3, listed in the page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The rendered body of one page.
#[derive(Debug)]
pub struct RenderedMarkdown {
    /// The text of the first level-1 heading, if the page has one.
    pub title: Option<String>,
    pub body_html: String,
    pub toc: Vec<TocEntry>,
}

/// Renders one page of Markdown (CommonMark with GitHub's tables, strikethrough, task lists
/// and alerts) to an HTML fragment.
pub fn render_markdown(markdown: &str) -> RenderedMarkdown {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let mut events = Parser::new_ext(markdown, options).peekable();

    let mut output: Vec<Event> = Vec::new();
    let mut title = None;
    let mut toc = Vec::new();
    let mut used_ids = HashSet::new();

    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let mut inner = Vec::new();
                for event in events.by_ref() {
                    if matches!(event, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    inner.push(rewrite_link(event));
                }
                let text = plain_text(&inner);
                let id = unique_id(
                    id.as_deref().map_or_else(|| slugify(&text), String::from),
                    &mut used_ids,
                );
                let number = heading_number(level);
                if level == HeadingLevel::H1 && title.is_none() {
                    title = Some(text.clone());
                }
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                    toc.push(TocEntry {
                        level: number,
                        id: id.clone(),
                        text,
                    });
                }
                output.push(Event::Html(
                    format!("<h{number} id=\"{}\">", escape_html(&id)).into(),
                ));
                output.extend(inner);
                output.push(Event::Html(format!("</h{number}>\n").into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = callout_style(kind);
                output.push(Event::Html(
                    format!(
                        "<aside class=\"callout callout-{class}\" role=\"note\">\
                         <p class=\"callout-title\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                output.push(Event::Html("</aside>\n".into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                let class = if language.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"language-{}\"", escape_html(language))
                };
                output.push(Event::Html(
                    format!(
                        "<div class=\"code-block\"><button type=\"button\" class=\"copy-button\" \
                         aria-label=\"Copy the code to the clipboard\">Copy</button>\
                         <pre><code{class}>"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::CodeBlock) => {
                output.push(Event::Html("</code></pre></div>\n".into()));
            }
            other => output.push(rewrite_link(other)),
        }
    }

    let mut body_html = String::new();
    pulldown_cmark::html::push_html(&mut body_html, output.into_iter());
    RenderedMarkdown {
        title,
        body_html,
        toc,
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn callout_style(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Concatenates the text of a heading's inline events, dropping markup.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(part) | Event::Code(part) => text.push_str(part),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Turns heading text into an id: lowercase letters and digits, words joined by `-`.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for character in text.chars() {
        if character.is_alphanumeric() {
            slug.extend(character.to_lowercase());
        } else if (character.is_whitespace() || character == '-' || character == '_')
            && !slug.ends_with('-')
            && !slug.is_empty()
        {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// Appends `-2`, `-3`, ... to an id already used on the page.
fn unique_id(id: String, used: &mut HashSet<String>) -> String {
    let mut candidate = id.clone();
    let mut suffix = 2;
    while used.contains(&candidate) {
        candidate = format!("{id}-{suffix}");
        suffix += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Points a link to another page's Markdown file at its HTML output, and returns every other
/// event unchanged.
fn rewrite_link(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite_page_link(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// Rewrites a relative link to another page, `exercise-1.md#step`, to its output name,
/// `exercise-1.html#step`. Absolute URLs and links to other files stay as they are.
fn rewrite_page_link(url: CowStr<'_>) -> CowStr<'_> {
    if has_scheme(&url) || url.starts_with('/') {
        return url;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (url.as_ref(), None),
    };
    let Some(stem) = path.strip_suffix(".md") else {
        return url;
    };
    match fragment {
        Some(fragment) => format!("{stem}.html#{fragment}").into(),
        None => format!("{stem}.html").into(),
    }
}

/// Tells whether `url` starts with a scheme such as `https:` or `mailto:`.
pub fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut characters = scheme.chars();
    characters
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && characters
            .all(|character| character.is_ascii_alphanumeric() || "+.-".contains(character))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_joins_words_with_hyphens() {
        assert_eq!(
            slugify("Exercise 1: the first swarm"),
            "exercise-1-the-first-swarm"
        );
        assert_eq!(slugify("`--csv` and `--html`"), "csv-and-html");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn headings_with_same_text_get_distinct_ids() {
        let rendered = render_markdown("## Steps\n\n## Steps\n");
        let ids: Vec<_> = rendered.toc.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(ids, ["steps", "steps-2"]);
    }

    #[test]
    fn title_is_first_level_one_heading() {
        let rendered = render_markdown("Intro\n\n# The `swarm` tool\n\n# Second\n");
        assert_eq!(rendered.title.as_deref(), Some("The swarm tool"));
    }

    #[test]
    fn page_links_are_rewritten_to_html() {
        let cases = [
            ("exercise-1.md", "exercise-1.html"),
            ("exercise-1.md#steps", "exercise-1.html#steps"),
            ("images/a.png", "images/a.png"),
            ("https://example.org/a.md", "https://example.org/a.md"),
            ("#steps", "#steps"),
        ];
        for (source, expected) in cases {
            assert_eq!(
                rewrite_page_link(source.into()).as_ref(),
                expected,
                "for {source}"
            );
        }
    }

    #[test]
    fn links_in_headings_are_rewritten() {
        let rendered = render_markdown("## See [exercise 1](exercise-1.md)\n");
        assert!(rendered
            .body_html
            .contains("<a href=\"exercise-1.html\">exercise 1</a>"));
        assert_eq!(rendered.toc[0].text, "See exercise 1");
    }

    #[test]
    fn code_block_text_is_escaped() {
        let rendered = render_markdown("```html\n<b>&</b>\n```\n");
        assert!(rendered.body_html.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(rendered.body_html.contains("class=\"language-html\""));
    }
}
