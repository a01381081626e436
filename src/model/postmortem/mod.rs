//! Reading `postmortem.md`: the front matter, the sections, and the Issues and Improvements lists,
//! each with the line it is on, so `inc check` and pull-request annotations can point at it.
//!
//! The file is people's prose; this module only reads structure out of it (pulldown-cmark) and
//! never rewrites it. Judging what it finds is `check`'s job.

use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;

pub mod refresh;

/// The sections a post-mortem has, in order. All must be filled in before review.
pub const SECTIONS: [&str; 11] = [
    "Summary",
    "Impact",
    "Root cause",
    "Trigger",
    "Detection",
    "Resolution",
    "Timeline",
    "Statistics",
    "Issues",
    "Improvements",
    "Lessons",
];

/// The YAML between the `---` lines at the top.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// draft → in-review → reviewed
    pub status: Status,
    /// The incident id (the directory name).
    pub incident: String,
    #[serde(default)]
    pub authors: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    InReview,
    Reviewed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in-review",
            Status::Reviewed => "reviewed",
        }
    }
}

/// What the file holds, with 1-based line numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Postmortem {
    pub front: FrontMatter,
    pub sections: Vec<Section>,
    pub issues: Vec<Issue>,
    pub improvements: Vec<Improvement>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub title: String,
    pub line: u64,
    /// Nothing but headings, whitespace and HTML comments (the template's guidance).
    pub empty: bool,
    /// The Markdown under the heading, up to the next `##`, without HTML comments.
    pub body: String,
    /// Marked for publication: a line `<!-- inc:public -->` in the section.
    pub public: bool,
    /// [`Section::body`] without what inc wrote and no person changed (generated parts,
    /// untouched suggestions): the only text of the section that public outputs may show.
    pub written: String,
}

/// The line that marks a section for publication.
pub const PUBLIC_MARKER: &str = "<!-- inc:public -->";

/// A bullet of the Issues section: a system or process failure that contributed.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Issue {
    pub line: u64,
    pub column: u64,
    pub text: String,
}

/// A task of the Improvements section: one action, with its attributes in parentheses at the end:
/// `- [ ] Load-test the pool (owner: carol, due: 2026-12-15, type: prevent, ref: OPS-12)`.
// Deserialize: `inc stats` keeps the Improvements in the parse cache.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Improvement {
    pub line: u64,
    pub column: u64,
    /// The action, without the attributes.
    pub text: String,
    pub done: bool,
    pub owner: Option<String>,
    /// As written; `inc check` reports one that is not a date (YYYY-MM-DD).
    pub due: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// A short id that names the item across reorderings and rewordings (`inc actions`); inc adds
    /// it when it writes the file.
    pub id: Option<String>,
    /// When it was ticked with `inc actions done` (`done: YYYY-MM-DD`).
    pub done_on: Option<String>,
    /// Who ticked it (`by: NAME`).
    pub done_by: Option<String>,
    /// The commit whose `Fixes-Action:` trailer ticked it (`commit: HASH`, written by
    /// `inc actions scan` beside `ref`, so a tracker's ticket is kept).
    // Default: parse caches and post-mortems from before this attribute have none.
    #[serde(default)]
    pub commit: Option<String>,
    /// The last line of the item (it may wrap), where its attributes are.
    #[serde(skip)]
    pub end_line: u64,
    /// Attributes other than owner, due, type, ref, id, done, by and commit: reported by `inc check`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
}

/// The attributes an Improvement may have in its parentheses.
pub const ATTRIBUTES: [&str; 8] = ["owner", "due", "type", "ref", "id", "done", "by", "commit"];

/// Improvement types.
pub const TYPES: [&str; 3] = ["mitigate", "prevent", "process"];

/// Parses a post-mortem read from `path`. Errors are front-matter problems (file:line:column).
pub fn parse(path: &Path, text: &str) -> Result<Postmortem, Error> {
    let (front, body, body_line) = front_matter(path, text)?;
    let lines = LineIndex::new(body, body_line);
    let mut sections: Vec<Section> = Vec::new();
    let mut issues = Vec::new();
    let mut improvements = Vec::new();

    let mut starts: Vec<usize> = Vec::new();
    let mut in_heading: Option<HeadingLevel> = None;
    let mut list_depth = 0usize;
    // The top-level item being read: (offset, text, task marker).
    let mut item: Option<(usize, String, Option<bool>)> = None;
    // Where the item being read ends (its range covers every line it wraps onto), and how much
    // of its text is its own (before a sub-list).
    let mut item_end = 0usize;
    let mut own_len: Option<usize> = None;

    let parser = Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level);
                if level == HeadingLevel::H2 {
                    sections.push(Section {
                        title: String::new(),
                        line: lines.line(range.start),
                        empty: true,
                        body: String::new(),
                        public: false,
                        written: String::new(),
                    });
                    starts.push(range.start);
                }
            }
            Event::End(TagEnd::Heading(_)) => in_heading = None,
            Event::Start(Tag::List(_)) => {
                // A sub-list ends the item's own text: an Improvement's attributes come before it.
                if list_depth == 1
                    && let Some((_, text, _)) = &item
                    && own_len.is_none()
                {
                    item_end = item_end.min(range.start);
                    own_len = Some(text.len());
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => list_depth -= 1,
            Event::Start(Tag::Item) if list_depth == 1 => {
                item = Some((range.start, String::new(), None));
                item_end = range.end;
                own_len = None;
            }
            Event::TaskListMarker(done) => {
                if let Some((_, _, task)) = item.as_mut() {
                    *task = Some(done);
                }
            }
            Event::End(TagEnd::Item) if list_depth == 1 => {
                let Some((offset, text, task)) = item.take() else {
                    continue;
                };
                let (line, column) = (lines.line(offset), lines.column(offset));
                let own = own_len
                    .map_or(text.as_str(), |len| &text[..len])
                    .trim()
                    .to_string();
                let text = text.trim().to_string();
                match sections.last().map(|s| s.title.as_str()) {
                    Some("Issues") => issues.push(Issue { line, column, text }),
                    Some("Improvements") => {
                        let mut found = improvement(line, column, &own, task.unwrap_or(false));
                        found.end_line = lines.line(item_end.saturating_sub(1).max(offset));
                        improvements.push(found);
                    }
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading == Some(HeadingLevel::H2) {
                    if let Some(section) = sections.last_mut() {
                        section.title.push_str(&t);
                    }
                    continue;
                }
                if in_heading.is_none()
                    && !t.trim().is_empty()
                    && let Some(section) = sections.last_mut()
                {
                    section.empty = false;
                }
                if let Some((_, text, _)) = item.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, text, _)) = item.as_mut() {
                    text.push(' ');
                }
            }
            Event::Rule | Event::InlineHtml(_) => {}
            Event::Html(html) => {
                if !html.trim_start().starts_with("<!--")
                    && let Some(section) = sections.last_mut()
                {
                    section.empty = false;
                }
            }
            _ => {}
        }
    }
    for (index, section) in sections.iter_mut().enumerate() {
        section.title = section.title.trim().to_string();
        let start = starts[index];
        let end = starts.get(index + 1).copied().unwrap_or(body.len());
        let text = &body[start..end];
        let text = text.split_once('\n').map_or("", |(_, rest)| rest);
        section.body = without_comments(text).trim().to_string();
        section.public = text.lines().any(|line| line.trim() == PUBLIC_MARKER);
        section.written = without_comments(&refresh::person_written(text))
            .trim()
            .to_string();
    }
    Ok(Postmortem {
        front,
        sections,
        issues,
        improvements,
    })
}

/// Markdown with every `<!-- … -->` comment removed (the template's guidance is not content).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    // Lines that held only a comment leave blank lines behind; keep paragraphs apart by one.
    let mut cleaned = String::new();
    let mut blank = 0;
    for line in out.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        cleaned.push_str(line);
        cleaned.push('\n');
    }
    cleaned
}

impl Postmortem {
    /// Whether the file has a `## title` section (case-insensitive), empty or not.
    pub fn section_present(&self, title: &str) -> bool {
        self.sections
            .iter()
            .any(|s| s.title.eq_ignore_ascii_case(title))
    }

    /// The required sections ([`SECTIONS`]) the file has no heading for.
    pub fn missing(&self) -> Vec<&'static str> {
        SECTIONS
            .into_iter()
            .filter(|title| !self.section_present(title))
            .collect()
    }

    /// A section's body by title (case-insensitive), `""` when it is missing.
    pub fn section(&self, title: &str) -> &str {
        self.sections
            .iter()
            .find(|s| s.title.eq_ignore_ascii_case(title))
            .map_or("", |s| s.body.as_str())
    }
}

/// Splits off and parses the front matter; returns it, the body, and the body's first line number.
fn front_matter<'a>(path: &Path, text: &'a str) -> Result<(FrontMatter, &'a str, u64), Error> {
    let (yaml, body, body_line) = crate::model::split_front_matter(
        path,
        text,
        "no front matter: the file must start with a `---` line, then status, incident and authors, then `---`",
    )?;
    let front: FrontMatter = crate::model::from_front_matter(path, yaml)?;
    Ok((front, body, body_line))
}

/// Splits `Action (owner: carol, due: 2026-12-15)` into the action and its attributes.
fn improvement(line: u64, column: u64, text: &str, done: bool) -> Improvement {
    let mut found = Improvement {
        line,
        column,
        text: text.to_string(),
        done,
        owner: None,
        due: None,
        kind: None,
        reference: None,
        id: None,
        done_on: None,
        done_by: None,
        commit: None,
        end_line: line,
        unknown: Vec::new(),
    };
    let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind('(')) else {
        return found;
    };
    let inner = &text[open + 1..text.len() - 1];
    let pairs: Vec<(&str, &str)> = inner
        .split(',')
        .filter_map(|part| part.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    let known = ATTRIBUTES;
    if !pairs
        .iter()
        .any(|(k, _)| known.contains(&k.to_lowercase().as_str()))
    {
        return found;
    }
    found.text = text[..open].trim().to_string();
    for (key, value) in pairs {
        let value = Some(value.to_string()).filter(|v| !v.is_empty());
        match key.to_lowercase().as_str() {
            "owner" => found.owner = value,
            "due" => found.due = value,
            "type" => found.kind = value,
            "ref" => found.reference = value,
            "id" => found.id = value,
            "done" => found.done_on = value,
            "by" => found.done_by = value,
            "commit" => found.commit = value,
            _ => found.unknown.push(key.to_string()),
        }
    }
    found
}

/// Byte offsets in the body to 1-based lines and columns of the whole file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: u64,
}

impl LineIndex {
    fn new(body: &str, first_line: u64) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    fn index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    fn line(&self, offset: usize) -> u64 {
        self.first_line + self.index(offset) as u64
    }

    fn column(&self, offset: usize) -> u64 {
        (offset - self.starts[self.index(offset)]) as u64 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---
status: draft
incident: 2026-11-22-checkout-api-down
authors: [alice]
---
# Post-mortem: Checkout API down

## Summary

<!-- Two or three sentences. -->

## Issues

- The pool size is not validated in CI.
- Alerts fire on error rate only
  after five minutes.

## Improvements

- [ ] Validate pool sizes in CI (owner: carol, due: 2026-12-15, type: prevent, ref: OPS-12)
- [x] Page on pool exhaustion (owner: bob)
- [ ] Write the runbook (due: next week, colour: blue)
- [ ] Something (in parentheses)

## Lessons

### Went well

<!-- … -->
";

    fn parsed() -> Postmortem {
        parse(Path::new("postmortem.md"), SAMPLE).unwrap()
    }

    #[test]
    fn reads_front_matter_and_sections_with_lines() {
        let pm = parsed();
        assert_eq!(pm.front.status, Status::Draft);
        assert_eq!(pm.front.authors, ["alice"]);
        let sections: Vec<(&str, u64, bool)> = pm
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.line, s.empty))
            .collect();
        assert_eq!(
            sections,
            [
                ("Summary", 8, true),
                ("Issues", 12, false),
                ("Improvements", 18, false),
                ("Lessons", 25, true)
            ]
        );
    }

    #[test]
    fn keeps_section_bodies_without_the_guidance() {
        let pm = parsed();
        assert_eq!(pm.section("summary"), "");
        assert_eq!(
            pm.section("Issues"),
            "- The pool size is not validated in CI.\n- Alerts fire on error rate only\n  after five minutes."
        );
        assert_eq!(pm.section("Lessons"), "### Went well");
    }

    #[test]
    fn reads_issues_with_their_lines() {
        let pm = parsed();
        assert_eq!(pm.issues.len(), 2);
        assert_eq!(pm.issues[0].text, "The pool size is not validated in CI.");
        assert_eq!((pm.issues[0].line, pm.issues[0].column), (14, 1));
        assert_eq!(
            pm.issues[1].text,
            "Alerts fire on error rate only after five minutes."
        );
        assert_eq!(pm.issues[1].line, 15);
    }

    #[test]
    fn reads_improvements_and_their_attributes() {
        let pm = parsed();
        let first = &pm.improvements[0];
        assert_eq!(first.text, "Validate pool sizes in CI");
        assert_eq!(first.line, 20);
        assert!(!first.done);
        assert_eq!(first.owner.as_deref(), Some("carol"));
        assert_eq!(first.due.as_deref(), Some("2026-12-15"));
        assert_eq!(first.kind.as_deref(), Some("prevent"));
        assert_eq!(first.reference.as_deref(), Some("OPS-12"));
        assert!(pm.improvements[1].done);
        assert_eq!(pm.improvements[2].owner, None);
        assert_eq!(pm.improvements[2].due.as_deref(), Some("next week"));
        assert_eq!(pm.improvements[2].unknown, ["colour"]);
        // Parentheses without attributes are part of the action.
        assert_eq!(pm.improvements[3].text, "Something (in parentheses)");
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let err = parse(Path::new("p.md"), "---\nstatus: done\nincident: x\n---\n").unwrap_err();
        let Error::File { line, message, .. } = err else {
            panic!()
        };
        assert_eq!(line, 2);
        assert!(message.starts_with("front matter: "), "{message}");
        assert!(parse(Path::new("p.md"), "# no front matter\n").is_err());
    }
}
