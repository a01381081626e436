//! The serde types of inc's files, their validation, and the one way they are read and written.
//!
//! No I/O happens here: callers pass text in and get text out, so the rules are testable alone.
//! Field order in the structs is the key order in the files, which keeps pull-request diffs stable.

pub mod cadence;
pub mod catalog;
pub mod comms;
pub mod config;
pub mod exchange;
mod fast_log;
pub mod incident;
pub mod limits;
pub mod locate;
pub mod log;
pub mod maintenance;
pub mod names;
pub mod postmortem;
pub mod roles;
pub mod runbook;
pub mod schema;
pub mod severity;
pub mod severity_history;
pub mod slug;
pub mod strike;
pub mod timeline;

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;

pub use comms::CommsEntry;
pub use config::Config;
pub use incident::{Incident, Milestone, Milestones, Source, Status};
pub use log::LogEntry;
pub use roles::{RoleAction, RoleEvent};
pub use timeline::{Kind, TimelineEntry};

/// Parses YAML text read from `path` into `T`; errors carry the file, line and column.
///
/// Every YAML read in inc goes through here, so this is where a hostile file is bounded (see
/// [`limits`]). Duplicate keys are left to serde's derived structs (which reject a repeated
/// field) instead of being hashed a second time: inc's files are read by the thousand.
pub fn from_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Error> {
    let limits = limits::for_text(text.len());
    let options = serde_saphyr::options! {
        budget: Some(limits.budget()),
        alias_limits: limits.alias_limits(),
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|err| match limits.breach(&err) {
        Some(message) => yaml_error_with(path, &err, message),
        None => yaml_error(path, &err),
    })
}

/// Parses an append-only log. A log in the form inc writes it is read without the YAML parser
/// (`model/fast_log.rs`); anything else, and every error, is the parser's. A long one is cut at its
/// entries (lines starting with `- ` at the left margin, which no entry's own text can produce)
/// and the parts are parsed on all cores; any error is then reported by parsing the file whole,
/// so its line numbers are the file's own.
pub fn from_yaml_log<E: LogEntry>(path: &Path, text: &str) -> Result<Vec<E>, Error> {
    if let Some(entries) = fast_log::read(text) {
        return Ok(entries);
    }
    const PARALLEL_ABOVE: usize = 256 * 1024;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if text.len() < PARALLEL_ABOVE || threads == 1 {
        return from_yaml(path, text);
    }
    let mut cuts = vec![0];
    let target = text.len() / threads;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset >= cuts.last().expect("starts with 0") + target && line.starts_with("- ") {
            cuts.push(offset);
        }
        offset += line.len();
    }
    cuts.push(text.len());
    let parts: Vec<&str> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let parsed: Vec<Result<Vec<E>, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| scope.spawn(move || from_yaml::<Vec<E>>(path, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a parser thread panicked"))
            .collect()
    });
    let mut entries = Vec::new();
    for part in parsed {
        match part {
            Ok(mut part) => entries.append(&mut part),
            Err(_) => return from_yaml(path, text),
        }
    }
    Ok(entries)
}

/// Splits a Markdown file's YAML front matter (between `---` lines at its top) from its body:
/// the YAML, the body, and the body's first line number. `missing` is the message for a file
/// that does not start with front matter.
pub fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
    missing: &str,
) -> Result<(&'a str, &'a str, u64), Error> {
    let missing = || Error::File {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: missing.to_string(),
    };
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(missing)?;
    let end = rest
        .match_indices("\n---")
        .map(|(i, _)| i + 1)
        .find(|&i| {
            rest[i + 3..].starts_with('\n')
                || rest[i + 3..].starts_with("\r\n")
                || rest.len() == i + 3
        })
        .ok_or_else(missing)?;
    let after = &rest[end + 3..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let body_line = text[..text.len() - body.len()].matches('\n').count() as u64 + 1;
    Ok((&rest[..end], body, body_line))
}

/// Parses front matter split off by [`split_front_matter`]; errors carry the file's own line
/// numbers (the YAML starts on line 2) and say they are in the front matter.
pub fn from_front_matter<T: DeserializeOwned>(path: &Path, yaml: &str) -> Result<T, Error> {
    from_yaml(path, yaml).map_err(|err| match err {
        Error::File {
            path,
            line,
            column,
            message,
        } => Error::File {
            path,
            line: line + 1,
            column,
            message: format!("front matter: {message}"),
        },
        other => other,
    })
}

/// Serializes `value` the way inc writes every file: block style, strings quoted only where a
/// YAML 1.1 reader would misread them, multi-line text as literal blocks, long lines unfolded.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    let options = serde_saphyr::ser_options! {
        prefer_block_scalars: true,
        folded_wrap_chars: usize::MAX,
    };
    serde_saphyr::to_string_with_options(value, options).expect("inc's types always serialize")
}

/// Turns a serde-saphyr error into `path:line:column: message`.
pub fn yaml_error(path: &Path, err: &serde_saphyr::Error) -> Error {
    let plain = err.without_snippet().to_string();
    // The plain message ends with " at line L, column C"; the location is reported separately.
    let message = match plain.rfind(" at line ") {
        Some(cut) => plain[..cut].to_string(),
        None => plain,
    };
    yaml_error_with(path, err, message)
}

/// `message` at the position of `err` in the file at `path`.
fn yaml_error_with(path: &Path, err: &serde_saphyr::Error, message: String) -> Error {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    Error::File {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

/// The `by` of the entries inc writes by itself (the notes of a merge).
pub const INC: &str = "inc";

/// Everyone who appears in an incident's files: people named in roles, whoever wrote entries,
/// and the post-mortem's authors. Names shorter than two characters, and inc itself, are left
/// out.
pub fn people(
    timeline: &[TimelineEntry],
    roles: &[RoleEvent],
    comms: &[CommsEntry],
    authors: &[String],
) -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    names.extend(timeline.iter().map(|e| e.by.as_str()));
    names.extend(
        roles
            .iter()
            .flat_map(|e| [e.by.as_str(), e.person.as_str()]),
    );
    names.extend(comms.iter().map(|e| e.by.as_str()));
    names.extend(authors.iter().map(String::as_str));
    names
        .into_iter()
        .map(str::trim)
        // inc itself signs the notes a merge writes: it is no person, and its name is a word.
        .filter(|n| n.chars().count() >= 2 && *n != INC)
        .map(String::from)
        .collect()
}

/// The first line that is a git conflict marker, 1-based, if any.
pub fn conflict_marker_line(text: &str) -> Option<u64> {
    text.lines()
        .position(|line| {
            line.starts_with("<<<<<<< ")
                || line == "<<<<<<<"
                || line == "======="
                || line.starts_with(">>>>>>> ")
                || line == ">>>>>>>"
        })
        .map(|index| index as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_log(entries: usize) -> String {
        let mut text = timeline::HEADER.to_string();
        for n in 0..entries {
            text.push_str(&format!(
                "- id: e{n:05}\n  at: \"2026-11-22T14:32:00+00:00\"\n  by: alice\n  kind: event\n  text: |-\n    entry {n}\n    - not an item: indented\n"
            ));
        }
        text
    }

    #[test]
    fn a_long_log_parses_in_parts_exactly_as_whole() {
        let text = long_log(4000);
        assert!(text.len() > 256 * 1024);
        let path = Path::new("timeline.yaml");
        let parts: Vec<TimelineEntry> = from_yaml_log(path, &text).unwrap();
        let whole: Vec<TimelineEntry> = from_yaml(path, &text).unwrap();
        assert_eq!(parts.len(), 4000);
        assert_eq!(parts, whole);
    }

    #[test]
    fn an_error_deep_in_a_long_log_has_the_files_line_number() {
        let text = long_log(4000).replacen("  by: alice\n", "  by: [alice\n", 3999);
        let text = text.replacen("  by: [alice\n", "  by: alice\n", 3998);
        let err = from_yaml_log::<TimelineEntry>(Path::new("t"), &text).unwrap_err();
        let whole = from_yaml::<Vec<TimelineEntry>>(Path::new("t"), &text).unwrap_err();
        assert_eq!(err.to_string(), whole.to_string());
        assert!(err.to_string().starts_with("t:27990:"), "{err}");
    }

    #[test]
    fn finds_conflict_markers() {
        assert_eq!(conflict_marker_line("a\n<<<<<<< HEAD\nb\n"), Some(2));
        assert_eq!(conflict_marker_line("a\n=======\n"), Some(2));
        assert_eq!(conflict_marker_line("text: '<<<<<<< not at start'\n"), None);
    }
}
