//! Full-text search over every incident's files (`inc search`): which lines hold the query's
//! words, grouped by incident and ranked.
//!
//! Thousands of incidents are searched by scanning the files' bytes with one multi-pattern
//! matcher, in parallel, without parsing YAML: only the lines that match are looked at further.
//! Which field a line belongs to is read from the line itself (the YAML key it starts with, or
//! the last key above it for list items and block text), so new fields in incident.yaml are
//! searched without any change here.

use std::ops::Range;
use std::path::PathBuf;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anyhow::Result;
use serde::Serialize;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::error::Error;
use crate::store::layout::POSTMORTEM_FILE;
use crate::store::{INCIDENT_FILE, Store, parallel_map};

/// The files searched, in the order hits are shown. roles.yaml (who held which role) only with
/// `--all-fields`.
const FILES: [&str; 5] = [
    INCIDENT_FILE,
    "timeline.yaml",
    "comms.yaml",
    POSTMORTEM_FILE,
    "roles.yaml",
];

/// YAML keys whose lines are not searched unless `--all-fields`: ids, times, people and the
/// bookkeeping a person would not search for. Everything else (title, summary, tags, links,
/// impact and whatever fields are added later, entry text, messages) is.
const BOOKKEEPING: [&str; 24] = [
    "id",
    "conflict_of",
    "at",
    "recorded",
    "by",
    "kind",
    "ref",
    "key",
    "internal",
    "opened",
    "severity",
    "status",
    "changed",
    "milestones",
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
    "source",
    "audience",
    "channel",
    "attachment",
    "person",
];

/// What to look for: the query's words, folded (lower case, accents removed).
pub struct Query {
    words: Vec<String>,
    matcher: AhoCorasick,
    all_fields: bool,
}

impl Query {
    /// The words of `text` (split on white space), each of which must occur in an incident.
    pub fn new(text: &str, all_fields: bool) -> Result<Query, Error> {
        let mut words: Vec<String> = Vec::new();
        for word in text.split_whitespace().map(|w| fold(w).0) {
            if !word.is_empty() && !words.contains(&word) {
                words.push(word);
            }
        }
        if words.is_empty() {
            return Err(Error::usage(
                "the query is empty: give one or more words, like inc search database failover",
            ));
        }
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| Error::usage(format!("cannot search for that: {e}")))?;
        Ok(Query {
            words,
            matcher,
            all_fields,
        })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }
}

/// One line that matched.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Hit {
    /// The file, relative to the repository root.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The field the line belongs to: a YAML key (`title`, `text`, `message` …), or `postmortem`.
    pub field: String,
    /// The line as it is in the file (without its line break).
    pub text: String,
    /// Byte ranges of `text` that matched (`start` inclusive, `end` exclusive), in order, not
    /// overlapping.
    #[serde(rename = "matches")]
    pub spans: Vec<Range<usize>>,
}

/// An incident in which every word was found.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Found {
    pub incident: String,
    /// The incident's title line as written in incident.yaml (unparsed).
    pub title: String,
    /// How many of the query's words its title holds.
    pub title_words: usize,
    /// How many distinct fields hold a match.
    pub fields: usize,
    pub hits: Vec<Hit>,
}

/// Every incident in which each word of `query` occurs (in any searched line of any of its
/// files), best first: more query words in the title, then more fields matching, then newest.
/// Files that cannot be read are skipped and returned as errors, so one broken incident does not
/// hide the others.
pub fn search(store: &Store, query: &Query) -> Result<(Vec<Found>, Vec<anyhow::Error>)> {
    let ids = store.ids()?;
    let results = parallel_map(ids, |id| search_incident(store, query, &id));
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (hit, mut errs) in results {
        found.extend(hit);
        errors.append(&mut errs);
    }
    found.sort_by(|a, b| {
        (b.title_words, b.fields)
            .cmp(&(a.title_words, a.fields))
            .then_with(|| b.incident.cmp(&a.incident))
    });
    Ok((found, errors))
}

fn search_incident(store: &Store, query: &Query, id: &str) -> (Option<Found>, Vec<anyhow::Error>) {
    let dir = store.incident_dir(id);
    let mut hits = Vec::new();
    let mut errors = Vec::new();
    let mut seen = vec![false; query.words.len()];
    let mut title = String::new();
    let mut title_words = 0;
    // First only where the words occur at all: an incident that lacks one is done with after a
    // pass over its bytes, without looking at a single line.
    let mut files = Vec::new();
    for file in FILES {
        if file == "roles.yaml" && !query.all_fields {
            continue;
        }
        let path: PathBuf = dir.join(file);
        let text = match store.read_text(&path) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        let matches = find(query, &text);
        for m in &matches {
            seen[m.2] = true;
        }
        files.push((file, path, text, matches));
    }
    if !seen.iter().all(|s| *s) {
        return (None, errors);
    }
    seen.fill(false);
    for (file, path, text, matches) in files {
        if file == INCIDENT_FILE {
            title = text
                .lines()
                .find_map(|l| l.strip_prefix("title:"))
                .map(|t| t.trim().trim_matches(['"', '\'']).to_string())
                .unwrap_or_default();
        }
        if matches.is_empty() {
            continue;
        }
        let shown = store.display(&path).to_string();
        for (hit, words) in lines(query, &text, file.ends_with(".md"), &matches) {
            for w in &words {
                seen[*w] = true;
            }
            if file == INCIDENT_FILE && hit.field == "title" {
                title_words = words.len();
            }
            hits.push(Hit {
                file: shown.clone(),
                ..hit
            });
        }
    }
    if !seen.iter().all(|s| *s) {
        return (None, errors);
    }
    // Only the incidents found are parsed, for a title without YAML quoting.
    if let Ok(incident) = store.load_incident(id) {
        title = incident.title;
    }
    let mut fields: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h.file.as_str(), h.field.as_str()))
        .collect();
    fields.sort();
    fields.dedup();
    let fields = fields.len();
    (
        Some(Found {
            incident: id.to_string(),
            title,
            title_words,
            fields,
            hits,
        }),
        errors,
    )
}

/// The searched lines of one file that match, each with the indexes of the words it holds.
#[cfg(test)]
fn search_text(query: &Query, text: &str, markdown: bool) -> Vec<(Hit, Vec<usize>)> {
    lines(query, text, markdown, &find(query, text))
}

/// Where the words occur in `text`: (start, end, word) by start, byte offsets of `text`.
fn find(query: &Query, text: &str) -> Vec<(usize, usize, usize)> {
    let folded;
    let (haystack, map) = if text.is_ascii() {
        (text, None)
    } else {
        folded = fold(text);
        (folded.0.as_str(), Some(&folded.1))
    };
    let mut matches: Vec<(usize, usize, usize)> = query
        .matcher
        .find_overlapping_iter(haystack)
        .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
        .collect();
    if let Some(map) = map {
        // Back to the original text's bytes (folding changes lengths).
        let back = |i: usize| map.get(i).copied().unwrap_or(text.len());
        for m in &mut matches {
            m.0 = back(m.0);
            m.1 = if m.1 == 0 { 0 } else { back(m.1 - 1) };
            // The end is the end of the original character the last folded byte came from.
            m.1 += text[m.1..].chars().next().map_or(0, char::len_utf8);
        }
    }
    matches.sort();
    matches
}

/// The searched lines of `text` holding `matches` (see [`find`]), each with the indexes of the
/// words it holds.
fn lines(
    query: &Query,
    text: &str,
    markdown: bool,
    matches: &[(usize, usize, usize)],
) -> Vec<(Hit, Vec<usize>)> {
    let mut out = Vec::new();
    let mut next = 0;
    let mut fields = Fields::new(markdown);
    let mut start = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let end = start + line.len();
        let field = fields.next(line);
        let mut words = Vec::new();
        let mut spans: Vec<Range<usize>> = Vec::new();
        while next < matches.len() && matches[next].0 < end {
            let (s, e, w) = matches[next];
            next += 1;
            if !words.contains(&w) {
                words.push(w);
            }
            let span = s - start..e.min(end) - start;
            match spans.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => spans.push(span),
            }
        }
        let searched = field.is_some_and(|f| query.all_fields || !BOOKKEEPING.contains(&f));
        if !words.is_empty() && (searched || (query.all_fields && field.is_none())) {
            let shown = line.trim_end_matches(['\n', '\r']);
            let spans = spans
                .into_iter()
                .map(|s| s.start.min(shown.len())..s.end.min(shown.len()))
                .filter(|s| !s.is_empty())
                .collect();
            out.push((
                Hit {
                    file: String::new(),
                    line: number + 1,
                    field: field.unwrap_or("comment").to_string(),
                    text: shown.to_string(),
                    spans,
                },
                words,
            ));
        }
        start = end;
        if next >= matches.len() {
            break;
        }
    }
    out
}

/// Which field each line of a file belongs to, read line by line. `None` for lines that are not
/// content: YAML comments, and in postmortem.md its front matter and HTML comments (the
/// template's guidance).
struct Fields {
    markdown: bool,
    /// YAML: the last key seen (its buffer reused: a timeline has a key on every line).
    key: String,
    front_matter: u8,
    comment: bool,
    first: bool,
    /// YAML: the indentation of the key whose block text (`|`, `>`) the lines below belong to.
    block: Option<usize>,
}

impl Fields {
    fn new(markdown: bool) -> Fields {
        Fields {
            markdown,
            key: String::new(),
            front_matter: 0,
            comment: false,
            first: true,
            block: None,
        }
    }

    fn next(&mut self, line: &str) -> Option<&str> {
        let first = std::mem::replace(&mut self.first, false);
        let trimmed = line.trim();
        if self.markdown {
            if (first || self.front_matter == 1) && trimmed == "---" {
                self.front_matter += 1;
                return None;
            }
            if self.front_matter == 1 {
                return None;
            }
            if self.comment || trimmed.starts_with("<!--") {
                self.comment = !trimmed.contains("-->");
                return None;
            }
            return Some("postmortem");
        }
        let indent = line.len() - line.trim_start().len();
        // Block text is the key's, whatever it says (`by: 5pm` inside an entry's text is text).
        if let Some(block) = self.block {
            if trimmed.is_empty() || indent > block {
                return self.current();
            }
            self.block = None;
        }
        if trimmed.starts_with('#') {
            return None;
        }
        let item = trimmed.trim_start_matches("- ").trim_start();
        let len = item
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
            .count();
        let key = &item[..len];
        if let Some(value) = item[key.len()..]
            .strip_prefix(':')
            .filter(|_| !key.is_empty())
        {
            if value.trim_start().starts_with(['|', '>']) {
                // The key's column: its text's lines are indented more.
                self.block = Some(item.as_ptr() as usize - line.as_ptr() as usize);
            }
            self.key.clear();
            self.key.push_str(key);
        }
        self.current()
    }

    fn current(&self) -> Option<&str> {
        (!self.key.is_empty()).then_some(self.key.as_str())
    }
}

/// `text` in lower case without accents (`Café` → `cafe`), with, for each byte of the result,
/// where the character it came from starts in `text`.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            map.push(at);
            continue;
        }
        decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            for l in d.to_lowercase() {
                out.push(l);
                map.extend(std::iter::repeat_n(at, l.len_utf8()));
            }
        });
    }
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents_and_maps_back() {
        let (folded, map) = fold("Café É");
        assert_eq!(folded, "cafe e");
        assert_eq!(map[3], 3);
        assert_eq!(map[5], 6);
    }

    #[test]
    fn finds_words_in_content_lines_only() {
        let query = Query::new("CAFE by", false).unwrap();
        let text = "# cafe comment\n- id: cafe12\n  by: alice\n  text: |\n    Le café est fermé\n    by: cafe time\n- id: x\n  by: cafe\n";
        let hits = search_text(&query, text, false);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!((hits[1].0.line, hits[1].0.field.as_str()), (6, "text"));
        let (hit, words) = &hits[0];
        assert_eq!(hit.line, 5);
        assert_eq!(hit.field, "text");
        assert_eq!(&hit.text[hit.spans[0].clone()], "café");
        assert_eq!(words, &[0]);
    }

    #[test]
    fn skips_front_matter_and_guidance_in_postmortems() {
        let query = Query::new("status", false).unwrap();
        let text = "---\nstatus: draft\n---\n<!--\nstatus guidance\n-->\nThe status page lied.\n";
        let hits = search_text(&query, text, true);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].0.line, 7);
    }
}
