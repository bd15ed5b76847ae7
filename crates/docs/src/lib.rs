//! Renders the workshop exercises, Markdown files in `docs/`, to a static HTML site.
//!
//! [`Site::build`] reads a folder and keeps the rendered site in memory. The `workshop-docs`
//! binary writes it to disk (`workshop-docs build docs target/site`), and the TweetCheck server
//! serves it with [`Site::get`]. Every link the renderer writes is relative, so the same files
//! work from `target/site/`, from a `file://` URL and under `/workshop/`.
//!
//! # The source folder
//!
//! - Every `.md` file at the top level becomes a page named after it: `exercise-1.md` renders
//!   to `exercise-1.html`. `index.md` is required and becomes the first page, and its title
//!   becomes the site's title.
//! - Each page's first level-1 heading (`# Title`) is its title in the sidebar.
//! - The sidebar lists `index` first, then `exercise-N` (or `exercise-N-anything`) by N, then
//!   the other pages by file name. Previous and next links follow the same order.
//! - Every other file, such as `images/swarm-ready.png`, is copied unchanged, keeping its path.
//!   Names starting with `.` are skipped.
//!
//! # Markdown
//!
//! CommonMark with GitHub's tables, strikethrough and task lists. Raw HTML passes through,
//! which is how `<details>` makes a collapsed solution section.
//!
//! - Links to other pages use the Markdown file name, `[exercise 1](exercise-1.md#steps)`,
//!   and are rewritten to `exercise-1.html#steps`.
//! - Callouts use GitHub's alert syntax, a blockquote whose first line is `[!NOTE]`,
//!   `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`:
//!
//!   ```markdown
//!   > [!WARNING]
//!   > Only swarm servers that you own.
//!   ```
//!
//!   Notes, tips and important notes are drawn in blue, warnings and cautions in orange. A
//!   blockquote without such a line stays a plain quotation.
//! - Every fenced or indented code block gets a Copy button, made to work by a short inline
//!   script. Nothing is loaded from the network.
//! - Level-2 and level-3 headings are listed in the page's table of contents. Each heading
//!   gets an id made from its text (`## Run it twice` becomes `run-it-twice`), or the one
//!   given with `{#id}`.
//!
//! [`Site::broken_links`] lists links and images that do not resolve within the site, and
//! anchors missing on their target page.

mod error;
mod links;
mod render;
mod site;
mod source;

pub use error::Error;
pub use links::BrokenLink;
pub use site::Site;
