//! The serde types of inc's files, their validation, and the one way they are read and written.
//!
//! No I/O happens here: callers pass text in and get text out, so the rules are testable alone.
//! Field order in the structs is the key order in the files, which keeps pull-request diffs stable.

pub mod comms;
pub mod config;
pub mod incident;
pub mod log;
pub mod roles;
pub mod schema;
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
pub fn from_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Error> {
    serde_saphyr::from_str(text).map_err(|err| yaml_error(path, &err))
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

/// Everyone who appears in an incident's files: people named in roles, whoever wrote entries,
/// and the post-mortem's authors. Names shorter than two characters are left out.
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
        .filter(|n| n.chars().count() >= 2)
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

    #[test]
    fn finds_conflict_markers() {
        assert_eq!(conflict_marker_line("a\n<<<<<<< HEAD\nb\n"), Some(2));
        assert_eq!(conflict_marker_line("a\n=======\n"), Some(2));
        assert_eq!(conflict_marker_line("text: '<<<<<<< not at start'\n"), None);
    }
}
