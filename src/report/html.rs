//! Markdown reports as standalone HTML pages: escaped, with safe links and drawn charts.

/// Turns a Markdown report into a standalone HTML page. Raw HTML in the Markdown (which may come
/// from anything a person typed) is shown as text, never rendered, and links other than http(s),
/// mailto and in-page anchors lose their target.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options as MdOptions, Parser, Tag, TagEnd};

    let mut title = String::new();
    let mut in_title = false;
    let events = Parser::new_ext(
        markdown,
        MdOptions::ENABLE_TABLES | MdOptions::ENABLE_TASKLISTS,
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
    let title = crate::text::escape_markup(if title.is_empty() {
        "Incident report"
    } else {
        &title
    });
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
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
const CSS: &str = "body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; margin: 0; }
main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
blockquote { margin: 0.5rem 0; padding-left: 1rem; border-left: 3px solid #ccc; color: #444; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; }
code { font-size: 0.9em; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
@media print { main { margin: 0; max-width: none; } }
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
}
