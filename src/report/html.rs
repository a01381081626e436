//! Every standalone HTML page inc writes, and the two ways a report becomes one: Markdown
//! converted (raw HTML shown as text, safe links, drawn charts) and an HTML template's output
//! sanitized.
//!
//! One function, [`standalone`], builds the page around the content: doctype, the Content
//! Security Policy (first in the head, so it covers everything after it), charset, viewport,
//! title and style. Reports, HTML templates and every page of `inc site` go through it, so no page
//! leaves without the policy.

use std::sync::LazyLock;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// What [`standalone`] wraps in inc's page.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageParts<'a> {
    /// The page's title, as text (it is escaped here).
    pub title: &'a str,
    /// The text of each inline script the content holds, exactly as between `<script>` and
    /// `</script>`: the policy allows these by their SHA-256 hash, and no other script. Empty
    /// for a page without script (`script-src 'none'`).
    pub scripts: &'a [&'a str],
    /// More of inc's own markup for the head, after the report style (the site's style).
    pub head: &'a str,
    /// What goes in `<main>`: inc's own markup, or sanitized HTML.
    pub body: &'a str,
}

/// The Content Security Policy of every page inc writes: nothing is loaded from elsewhere
/// (pictures only from the page's own origin, styles only inline), no `<base>`, no form posts,
/// and no script but the ones given, allowed by hash.
pub fn content_security_policy(scripts: &[&str]) -> String {
    let scripts = if scripts.is_empty() {
        "'none'".to_string()
    } else {
        scripts
            .iter()
            .map(|text| {
                let hash = base64::engine::general_purpose::STANDARD
                    .encode(Sha256::digest(text.as_bytes()));
                format!("'sha256-{hash}'")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src {scripts}; base-uri 'none'; form-action 'none'"
    )
}

/// The start of every page inc writes, up to its policy: what a page that already has one starts
/// with.
pub const POLICY_START: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"";

/// A standalone HTML page: the one page shell of everything inc writes as HTML.
pub fn standalone(parts: &PageParts<'_>) -> String {
    let PageParts {
        title,
        scripts,
        head,
        body,
    } = *parts;
    format!(
        "{POLICY_START}{policy}\">\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n{head}</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        policy = content_security_policy(scripts),
        title = crate::text::escape_markup(if title.trim().is_empty() {
            "Incident report"
        } else {
            title
        }),
    )
}

/// Turns a Markdown report into a standalone HTML page. Raw HTML in the Markdown (which may come
/// from anything a person typed) is shown as text, never rendered, and links other than http(s),
/// mailto and in-page anchors lose their target.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options as MdOptions, Parser, Tag, TagEnd};

    let mut title = String::new();
    let mut in_title = false;
    let events = Parser::new_ext(
        markdown,
        MdOptions::ENABLE_TABLES | MdOptions::ENABLE_TASKLISTS | MdOptions::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        // Raw HTML is shown as text, and control characters in any text are shown escaped (in
        // the page's title too, which is taken from these events).
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(escaped(html)),
        Event::Text(text) => Event::Text(escaped(text)),
        Event::Code(code) => Event::Code(escaped(code)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    })
    .inspect(|event| match event {
        Event::Start(Tag::Heading { level, .. })
            if *level == pulldown_cmark::HeadingLevel::H1 && title.is_empty() =>
        {
            in_title = true
        }
        Event::End(TagEnd::Heading(_)) => in_title = false,
        Event::Text(text) | Event::Code(text) if in_title => title.push_str(text),
        _ => {}
    });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, charts(events).into_iter());
    fn escaped(text: CowStr<'_>) -> CowStr<'_> {
        if crate::text::has_unsafe(&text) {
            CowStr::from(crate::text::escape_controls(&text).into_owned())
        } else {
            text
        }
    }
    fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
        let lower = url.trim().to_ascii_lowercase();
        let allowed = ["http://", "https://", "mailto:", "#"]
            .iter()
            .any(|p| lower.starts_with(p))
            || !lower.contains(':');
        if allowed { url } else { CowStr::from("#") }
    }
    standalone(&PageParts {
        title: &title,
        body: &body,
        ..PageParts::default()
    })
}

/// Turns what an HTML template rendered into a standalone HTML page: the markup sanitized (see
/// [`sanitize`]), control characters shown escaped, and wrapped by [`standalone`] with the title
/// of its first `<h1>`. The template's own `<head>`, `<title>` and `<style>` are dropped.
pub fn from_html(html: &str) -> String {
    let body = sanitize(html);
    let body = crate::text::escape_controls(&body);
    standalone(&PageParts {
        title: &first_heading(&body),
        body: &body,
        ..PageParts::default()
    })
}

/// HTML with only the markup of a report left: headings, paragraphs, lists, tables, links
/// (http, https, mailto and relative), pictures (relative or http(s) sources), code, quotes,
/// details and summary, with `class`, `title`, `lang` and `dir` attributes. No script, no event
/// handler or `style` attribute, no `javascript:` or `data:` URL, and no element that loads,
/// embeds, styles or submits anything (iframe, object, embed, form, meta, base, link, style,
/// svg, math): those go with their content, other unknown elements leave their text. Comments
/// are dropped; links get `rel="noopener noreferrer"`.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The elements an HTML template keeps: a report's markup.
const KEPT: &str = "a abbr article aside b blockquote br caption cite code col colgroup dd del
    details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd
    li mark ol p pre q s samp section small span strong sub summary sup table tbody td tfoot th
    thead time tr u ul var wbr";

/// The elements that go with everything inside them: what runs, loads, embeds, styles or asks
/// for input. (Any other element not kept leaves its text.)
const DROPPED: &str = "script style title template iframe frame frameset object embed applet
    noscript noembed noframes svg math textarea select head";

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    use std::collections::{HashMap, HashSet};
    let set = |names: &'static str| names.split_whitespace().collect::<HashSet<_>>();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(set(KEPT))
        .clean_content_tags(set(DROPPED))
        .generic_attributes(set("class title lang dir"))
        .tag_attributes(HashMap::from([
            ("a", set("href")),
            ("img", set("src alt width height")),
            ("td", set("colspan rowspan")),
            ("th", set("colspan rowspan scope")),
            ("col", set("span")),
            ("colgroup", set("span")),
            ("ol", set("start reversed type")),
            ("li", set("value")),
            ("details", set("open")),
            ("time", set("datetime")),
        ]))
        .url_schemes(set("http https mailto"))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
});

/// The text of the first `<h1>` of sanitized HTML (whose attribute values are double-quoted and
/// whose text has `<` escaped), whitespace collapsed; `""` when there is none.
fn first_heading(html: &str) -> String {
    let Some(start) = html
        .match_indices("<h1")
        .map(|(at, _)| at + 3)
        .find(|&at| matches!(html.as_bytes().get(at), Some(b'>' | b' ')))
    else {
        return String::new();
    };
    let mut text = String::new();
    let mut chars = html[start..].chars();
    // The rest of the <h1 …> tag, then text and tags up to </h1>.
    let mut in_tag = true;
    let mut in_quote = false;
    let mut tag = String::new();
    for c in chars.by_ref() {
        if in_tag {
            tag.push(c);
            match c {
                '"' => in_quote = !in_quote,
                '>' if !in_quote => {
                    if tag.starts_with("</h1") {
                        break;
                    }
                    in_tag = false;
                }
                _ => {}
            }
        } else if c == '<' {
            in_tag = true;
            tag = String::from(c);
        } else {
            text.push(c);
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The events with every Mermaid gantt block inc can draw replaced by its SVG chart (built from
/// escaped text by [`crate::chart`], so it is the one piece of HTML a report lets through).
fn charts<'a>(
    events: impl Iterator<Item = pulldown_cmark::Event<'a>>,
) -> Vec<pulldown_cmark::Event<'a>> {
    use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

    let mut out = Vec::new();
    let mut block: Option<Vec<Event<'a>>> = None;
    let mut drawn = 0;
    for event in events {
        match (&mut block, &event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))))
                if lang.trim() == "mermaid" =>
            {
                block = Some(vec![event]);
            }
            (Some(events), Event::End(TagEnd::CodeBlock)) => {
                let source: String = events
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                match crate::chart::gantt_svg(&source, drawn + 1) {
                    Some(svg) => {
                        drawn += 1;
                        out.push(Event::Html(CowStr::from(svg)));
                    }
                    None => {
                        out.append(events);
                        out.push(event);
                    }
                }
                block = None;
            }
            (Some(events), _) => events.push(event),
            (None, _) => out.push(event),
        }
    }
    out.extend(block.into_iter().flatten());
    out
}

/// A small, readable, printable style; no external resources.
const CSS: &str = "body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; margin: 0; overflow-wrap: break-word; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f4f4f4; }
img { max-width: 100%; height: auto; }
blockquote { margin: 0.5rem 0; padding-left: 1rem; border-left: 3px solid #ccc; color: #444; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; }
code { font-size: 0.9em; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
@media print { main { margin: 0; max-width: none; } }
@media (max-width: 40rem) { table:not(.reflow) { display: block; overflow-x: auto; } }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_raw_html_and_neuters_script_links() {
        let page = to_html(
            "# Title <b>x</b>\n\n<script>alert(1)</script>\n\nSee [this](javascript:alert(1)) and <img src=x onerror=alert(1)>.\n",
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(!page.contains("javascript:"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains("<title>Title &lt;b&gt;x&lt;/b&gt;</title>"),
            "{page}"
        );
    }

    /// The `<meta http-equiv="Content-Security-Policy" …>` tags of a page.
    fn policies(page: &str) -> Vec<&str> {
        page.match_indices("<meta http-equiv=\"Content-Security-Policy\"")
            .map(|(at, _)| &page[at..at + page[at..].find('>').unwrap()])
            .collect()
    }

    #[test]
    fn every_page_has_one_policy_first_in_its_head() {
        let report = to_html("# Checkout down\n\nText.\n");
        let template = from_html("<h1>Checkout down</h1><p>Text.</p>");
        let shell = standalone(&PageParts {
            title: "Index",
            scripts: &["alert(1)"],
            body: "<script>alert(1)</script>",
            ..PageParts::default()
        });
        for page in [&report, &template, &shell] {
            assert!(page.starts_with(POLICY_START), "{page}");
            assert_eq!(policies(page).len(), 1, "{page}");
            assert!(
                page.contains(
                    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src "
                ) && page
                    .contains("; base-uri 'none'; form-action 'none'\">\n<meta charset=\"utf-8\">"),
                "{page}"
            );
        }
        assert!(report.contains("script-src 'none';"), "{report}");
        assert!(template.contains("script-src 'none';"), "{template}");
        assert!(
            template.contains("<title>Checkout down</title>"),
            "{template}"
        );
        // The hash of the script's exact text (as `openssl dgst -sha256 -binary | base64`).
        assert!(
            shell.contains("script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=';"),
            "{shell}"
        );
    }

    #[test]
    fn sanitizing_drops_everything_active_and_keeps_report_markup() {
        let hostile = concat!(
            "<!doctype html><html><head><title>PWNED</title>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
            "<base href=\"https://evil.example/\"><link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
            "<style>body { display: none }</style><script>document.title='PWNED'</script></head><body>",
            "<h1 class=\"title\" onclick=\"x()\">Checkout &amp; <em>payments</em> down</h1>",
            "<img src=x onerror=\"document.title='PWNED'\">",
            "<a href=\"javascript:document.title='PWNED'\">js</a>",
            "<a href=\" JaVaScRiPt:alert(1)\">js2</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">data</a>",
            "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
            "<svg onload=\"document.title='PWNED'\"><text>svg text</text></svg>",
            "<math><mi>x</mi></math>",
            "<iframe srcdoc=\"<script>parent.document.title='PWNED'</script>\"></iframe>",
            "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">",
            "<form action=\"https://evil.example/\"><input name=q><button formaction=x>go</button></form>",
            "<p style=\"position:fixed\" id=\"filters\" data-x=\"1\">kept <!-- a comment --></p>",
            "<noscript><p>ns</p></noscript><template><p>tpl</p></template>",
            "</body></html>",
        );
        let out = sanitize(hostile);
        for gone in [
            "PWNED",
            "<script",
            "onerror",
            "onclick",
            "onload",
            "javascript",
            "JaVaScRiPt",
            "data:",
            "<svg",
            "<math",
            "<iframe",
            "srcdoc",
            "<object",
            "<embed",
            "<form",
            "<input",
            "<button",
            "formaction",
            "<meta",
            "<base",
            "<link",
            "<style",
            "style=",
            "<title",
            "id=",
            "data-x",
            "comment",
            "evil.example",
            "ns</p>",
            "tpl",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        let report = concat!(
            "<h2>Timeline</h2><p class=\"lead\">Text <strong>bold</strong> <code>x &lt; y</code></p>",
            "<ul><li>one</li></ul><ol start=\"3\"><li>three</li></ol>",
            "<table><thead><tr><th scope=\"col\">Time</th></tr></thead><tbody><tr><td colspan=\"2\">14:02</td></tr></tbody></table>",
            "<a href=\"https://example.com/runbook\">runbook</a><a href=\"attachments/graph.png\">graph</a><a href=\"mailto:ops@example.com\">mail</a><a href=\"#top\">top</a>",
            "<img src=\"attachments/graph.png\" alt=\"graph\" width=\"600\"><img src=\"https://example.com/x.png\" alt=\"x\">",
            "<pre><code>$ curl</code></pre><blockquote><p>quoted</p></blockquote>",
            "<details open=\"\"><summary>More</summary><p>hidden</p></details>",
        );
        let out = sanitize(report);
        for kept in [
            "<h2>Timeline</h2>",
            "<p class=\"lead\">Text <strong>bold</strong> <code>x &lt; y</code></p>",
            "<ul><li>one</li></ul><ol start=\"3\"><li>three</li></ol>",
            "<th scope=\"col\">Time</th>",
            "<td colspan=\"2\">14:02</td>",
            "<a href=\"https://example.com/runbook\" rel=\"noopener noreferrer\">runbook</a>",
            "<a href=\"attachments/graph.png\" rel=\"noopener noreferrer\">graph</a>",
            "<a href=\"mailto:ops@example.com\" rel=\"noopener noreferrer\">mail</a>",
            "<a href=\"#top\" rel=\"noopener noreferrer\">top</a>",
            "<img src=\"attachments/graph.png\" alt=\"graph\" width=\"600\">",
            "<img src=\"https://example.com/x.png\" alt=\"x\">",
            "<pre><code>$ curl</code></pre>",
            "<blockquote><p>quoted</p></blockquote>",
            "<details open=\"\"><summary>More</summary><p>hidden</p></details>",
        ] {
            assert!(out.contains(kept), "no {kept} in {out}");
        }
    }

    #[test]
    fn a_template_page_is_titled_by_its_first_heading() {
        let page = from_html(
            "<title>ignored</title><h1 class=\"a\" title=\"x>y\">Checkout &amp; <em>pay\nments</em> &lt;down&gt;\u{1b}</h1><h1>Second</h1>",
        );
        assert!(
            page.contains("<title>Checkout &amp; pay ments &lt;down&gt;\\u{1b}</title>"),
            "{page}"
        );
        assert!(!page.contains("ignored"), "{page}");
        assert!(!page.contains('\u{1b}'), "{page}");
        let untitled = from_html("<p>No heading</p>");
        assert!(
            untitled.contains("<title>Incident report</title>"),
            "{untitled}"
        );
    }
}
