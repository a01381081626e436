//! `inc postmortem --refresh`: rewriting the parts of postmortem.md that inc generates (the
//! timeline, the statistics) from the incident's files, and nothing that people wrote.
//!
//! The scaffold marks what inc owns with HTML comments, which Markdown viewers hide:
//!
//! ```markdown
//! <!-- inc:generated timeline -->
//! …rewritten on every refresh…
//! <!-- inc:end -->
//!
//! <!-- inc:suggested summary 3f2a9c1b04de -->
//! …inc's suggestion, rewritten while it is unchanged: the hash is of the text inc wrote…
//! <!-- inc:end -->
//! ```
//!
//! Everything outside the markers is kept byte for byte. A post-mortem scaffolded before the
//! markers existed has its Timeline and Statistics sections found by their headings instead.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use sha1::{Digest, Sha1};

const GENERATED: &str = "inc:generated";
const SUGGESTED: &str = "inc:suggested";
const END: &str = "<!-- inc:end -->";

/// The sections found by their headings in a post-mortem that has no markers for them.
const BY_HEADING: [&str; 2] = ["timeline", "statistics"];

/// A marked region: its kind, name, the hash in its start marker, and where it lies.
struct Region {
    suggested: bool,
    name: String,
    hash: Option<String>,
    /// The start marker's line, without its line break.
    marker: Range<usize>,
    /// Between the start marker's line break and the end marker.
    content: Range<usize>,
}

/// The regions of `text`, in order. A start marker without an end is not a region.
fn regions(text: &str) -> Vec<Region> {
    let mut found = Vec::new();
    let mut offset = 0;
    // A region whose end marker has not come yet; its content ends where that marker starts.
    let mut open: Option<Region> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if let Some(mut region) = open.take() {
            if trimmed.trim() == END {
                region.content.end = start;
                found.push(region);
            } else {
                open = Some(region);
            }
            continue;
        }
        let Some(inner) = trimmed
            .trim()
            .strip_prefix("<!--")
            .and_then(|t| t.strip_suffix("-->"))
        else {
            continue;
        };
        let mut words = inner.split_whitespace();
        let suggested = match words.next() {
            Some(GENERATED) => false,
            Some(SUGGESTED) => true,
            _ => continue,
        };
        let Some(name) = words.next() else { continue };
        open = Some(Region {
            suggested,
            name: name.to_string(),
            hash: words.next().map(str::to_string),
            marker: start..start + trimmed.len(),
            content: offset..offset,
        });
    }
    found
}

/// The short hash a suggestion's marker carries: of its text exactly as inc wrote it.
fn hash(content: &str) -> String {
    Sha1::digest(content.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A freshly rendered scaffold with each suggestion's marker carrying the hash of its text, so a
/// later refresh can tell whether someone has changed it.
pub fn seal(rendered: &str) -> String {
    let mut out = rendered.to_string();
    // From the end, so earlier offsets stay valid.
    for region in regions(rendered).into_iter().rev() {
        if region.suggested {
            let marker = format!(
                "<!-- {SUGGESTED} {} {} -->",
                region.name,
                hash(&rendered[region.content.clone()])
            );
            out.replace_range(region.marker, &marker);
        }
    }
    out
}

/// `text` without what inc wrote into it and no person has changed: the content of every
/// generated part, and of every suggestion still as inc wrote it (or from a scaffold that did not
/// record what it wrote). What is left is people's own words, the only part of a post-mortem
/// that may be published.
pub fn person_written(text: &str) -> String {
    let mut out = text.to_string();
    for region in regions(text).into_iter().rev() {
        let content = &text[region.content.clone()];
        let untouched =
            !region.suggested || region.hash.as_deref().is_none_or(|h| h == hash(content));
        if untouched {
            out.replace_range(region.content, "");
        }
    }
    out
}

/// What a refresh did.
#[derive(Debug, Default, PartialEq)]
pub struct Refreshed {
    pub text: String,
    /// The parts rewritten from the incident's files.
    pub rewritten: Vec<String>,
    /// Suggestions kept because someone changed them.
    pub kept: Vec<String>,
    /// Generated parts the new scaffold has and the file does not (no marker, no heading).
    pub missing: Vec<String>,
}

/// `existing` with every generated part replaced by the same part of `rendered` (a fresh,
/// sealed scaffold). Text outside the generated parts is not touched.
pub fn refresh(existing: &str, rendered: &str) -> Refreshed {
    let fresh = regions(rendered);
    let mut result = Refreshed::default();
    // (range in existing, replacement), applied from the end.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let current = regions(existing);
    for new in &fresh {
        let new_content = &rendered[new.content.clone()];
        match current
            .iter()
            .find(|r| r.name == new.name && r.suggested == new.suggested)
        {
            Some(old) if old.suggested => {
                let old_content = &existing[old.content.clone()];
                if old.hash.as_deref() != Some(hash(old_content).as_str()) {
                    result.kept.push(new.name.clone());
                } else if old_content != new_content {
                    edits.push((
                        old.marker.start..old.content.end,
                        format!("{}\n{new_content}", &rendered[new.marker.clone()]),
                    ));
                    result.rewritten.push(new.name.clone());
                }
            }
            Some(old) if &existing[old.content.clone()] != new_content => {
                edits.push((old.content.clone(), new_content.to_string()));
                result.rewritten.push(new.name.clone());
            }
            Some(_) => {}
            None if !new.suggested && BY_HEADING.contains(&new.name.as_str()) => {
                by_heading(existing, rendered, &new.name, &mut edits, &mut result);
            }
            // A part the file never had a marker for (an older scaffold's header or summary)
            // is the people's now.
            None => {}
        }
    }
    // A template without markers (a repository's own, from before them) still has its sections.
    for name in BY_HEADING {
        if !fresh.iter().chain(&current).any(|r| r.name == name) {
            by_heading(existing, rendered, name, &mut edits, &mut result);
        }
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut text = existing.to_string();
    for (range, replacement) in edits {
        text.replace_range(range, &replacement);
    }
    result.text = text;
    result
}

/// Replaces the `##` section `name` of `existing` with the same section of `rendered`, when both
/// have it and they differ.
fn by_heading(
    existing: &str,
    rendered: &str,
    name: &str,
    edits: &mut Vec<(Range<usize>, String)>,
    result: &mut Refreshed,
) {
    match (section_body(existing, name), section_body(rendered, name)) {
        (Some(old), Some(body)) if existing[old.clone()] != rendered[body.clone()] => {
            edits.push((old, rendered[body].to_string()));
            result.rewritten.push(name.to_string());
        }
        (None, Some(_)) => result.missing.push(name.to_string()),
        _ => {}
    }
}

/// The body of the `##` section titled `name` (any case): from the line after its heading to the
/// next `##` heading or the end.
fn section_body(text: &str, name: &str) -> Option<Range<usize>> {
    let mut headings: Vec<(String, Range<usize>)> = Vec::new();
    let mut current: Option<(String, Range<usize>)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => current = Some((String::new(), range)),
            Event::Text(t) | Event::Code(t) => {
                if let Some((title, _)) = current.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => headings.extend(current.take()),
            _ => {}
        }
    }
    let index = headings
        .iter()
        .position(|(title, _)| title.trim().eq_ignore_ascii_case(name))?;
    let heading = &headings[index].1;
    // The heading's range ends with its line; the body starts on the next line.
    let start = text[heading.start..]
        .find('\n')
        .map_or(text.len(), |i| heading.start + i + 1)
        .max(heading.end.min(text.len()));
    let end = headings
        .get(index + 1)
        .map_or(text.len(), |(_, next)| next.start);
    Some(start..end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH: &str = "# PM\n\n## Summary\n\n<!-- inc:suggested summary -->\nNew summary.\n<!-- inc:end -->\n\n## Timeline\n\n<!-- inc:generated timeline -->\n\n| a |\n|---|\n| new |\n\n<!-- inc:end -->\n\n## Issues\n";

    #[test]
    fn rewrites_generated_parts_and_keeps_the_rest_byte_for_byte() {
        let old = seal(
            "# PM\n\n## Summary\n\n<!-- inc:suggested summary -->\nOld summary.\n<!-- inc:end -->\n\n## Timeline\n\n<!-- inc:generated timeline -->\n\n| a |\n|---|\n| old |\n\n<!-- inc:end -->\n\n## Issues\n\n- Mine,  with  odd   spacing\r\n",
        );
        let done = refresh(&old, &seal(FRESH));
        assert_eq!(done.rewritten, ["summary", "timeline"]);
        assert!(done.text.contains("New summary."), "{}", done.text);
        assert!(done.text.contains("| new |"));
        assert!(!done.text.contains("| old |"));
        assert!(
            done.text
                .ends_with("## Issues\n\n- Mine,  with  odd   spacing\r\n")
        );
        // Refreshing again changes nothing.
        let again = refresh(&done.text, &seal(FRESH));
        assert_eq!(again.text, done.text);
        assert!(again.rewritten.is_empty());
    }

    #[test]
    fn an_edited_suggestion_is_kept() {
        let old =
            seal("## Summary\n\n<!-- inc:suggested summary -->\nOld summary.\n<!-- inc:end -->\n")
                .replace("Old summary.", "What we really think.");
        let done = refresh(&old, &seal(FRESH));
        assert_eq!(done.kept, ["summary"]);
        assert!(done.text.contains("What we really think."));
        assert!(!done.text.contains("New summary."));
    }

    #[test]
    fn finds_sections_by_heading_in_a_file_without_markers() {
        let old = "# PM\n\n## Summary\n\nMine.\n\n## Timeline\n\n| a |\n|---|\n| old |\n\n## Issues\n\n- Mine\n";
        let done = refresh(old, &seal(FRESH));
        assert_eq!(done.rewritten, ["timeline"]);
        assert_eq!(
            done.text,
            "# PM\n\n## Summary\n\nMine.\n\n## Timeline\n\n<!-- inc:generated timeline -->\n\n| a |\n|---|\n| new |\n\n<!-- inc:end -->\n\n## Issues\n\n- Mine\n"
        );
        let none = refresh("# PM\n\n## Issues\n", &seal(FRESH));
        assert_eq!(none.missing, ["timeline"]);
        assert_eq!(none.text, "# PM\n\n## Issues\n");
    }

    #[test]
    fn a_template_without_markers_is_refreshed_by_heading() {
        let template = "# PM\n\n## Timeline\n\n| new |\n\n## Issues\n";
        let old = "# PM\n\n## Timeline\n\n| old |\n\n## Issues\n\n- Mine\n";
        let done = refresh(old, template);
        assert_eq!(done.rewritten, ["timeline"]);
        assert_eq!(
            done.text,
            "# PM\n\n## Timeline\n\n| new |\n\n## Issues\n\n- Mine\n"
        );
        assert!(refresh(&done.text, template).rewritten.is_empty());
    }
}
