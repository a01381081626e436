//! `timeline.yaml`: the logbook, a YAML list that inc only ever appends to.

use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::Time;

/// One logbook entry. `at` is when it happened; `recorded` is when it was written, present only
/// when `at` was given by hand, so backdating stays visible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// Short unique id; merges of two clones union entries by it.
    pub id: String,
    pub at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Time>,
    pub by: String,
    pub kind: Kind,
    /// Part of the summary timeline in reports and the post-mortem.
    #[serde(default, skip_serializing_if = "is_false")]
    pub key: bool,
    /// Never shown to customers.
    #[serde(default, skip_serializing_if = "is_false")]
    pub internal: bool,
    pub text: String,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// What an entry records. The first five are what people log; the rest are written by inc when
/// the incident itself changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Event,
    Action,
    Decision,
    Observation,
    Detection,
    /// A milestone was set (`inc mark`, `inc resolve`).
    Milestone,
    /// Status or severity changed (`inc status`, `inc sev`).
    Status,
}

impl Kind {
    /// The kinds a person may choose with `inc log --kind`.
    pub const LOGGABLE: [Kind; 5] = [
        Kind::Event,
        Kind::Action,
        Kind::Decision,
        Kind::Observation,
        Kind::Detection,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Action => "action",
            Kind::Decision => "decision",
            Kind::Observation => "observation",
            Kind::Detection => "detection",
            Kind::Milestone => "milestone",
            Kind::Status => "status",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The comment at the top of a new timeline.yaml.
pub const HEADER: &str = "# Logbook: one entry per list item, oldest first. inc appends; hand edits and comments stay.\n";

/// Entry ids: 6 characters from an alphabet without look-alikes (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const ID_LEN: usize = 6;

/// A new entry id. With a `seed` (a pinned clock) ids are reproducible; without one they are random.
pub fn new_id(seed: Option<impl Hash>, attempt: u32) -> String {
    let mut hasher = match seed {
        Some(seed) => {
            let mut h = std::hash::DefaultHasher::new();
            seed.hash(&mut h);
            h
        }
        None => {
            let mut h = std::hash::RandomState::new().build_hasher();
            std::time::SystemTime::now().hash(&mut h);
            std::process::id().hash(&mut h);
            h
        }
    };
    attempt.hash(&mut hasher);
    let mut bits = hasher.finish();
    (0..ID_LEN)
        .map(|_| {
            let c = ALPHABET[(bits % ALPHABET.len() as u64) as usize] as char;
            bits /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// Whether `text` (a timeline file) already holds an entry with this id.
pub fn holds_id(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(at, _)| {
        let before = &text[..at];
        let after = &text[at + id.len()..];
        before.ends_with("id: ") && (after.is_empty() || after.starts_with(['\n', '\r', ' ']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{from_yaml, to_yaml};
    use std::path::Path;

    fn entry(text: &str) -> TimelineEntry {
        TimelineEntry {
            id: "abc234".into(),
            at: Time::parse_rfc3339("2026-11-22T14:32:00+01:00").unwrap(),
            recorded: None,
            by: "alice".into(),
            kind: Kind::Event,
            key: false,
            internal: false,
            text: text.into(),
        }
    }

    #[test]
    fn text_round_trips_exactly() {
        let texts = [
            "no",
            "14:32",
            "yes",
            "null",
            "~",
            "1e3",
            "0x1F",
            "2026-11-22",
            "key: value",
            "# not a comment",
            "x #y",
            "\"double\" and 'single' quotes",
            "multi\nline\n",
            "multi\nline",
            "  leading spaces\nsecond",
            "trailing space \n x",
            "blank lines\n\n\nafter\n\n",
            "\nstarts with a newline",
            "emoji 🔥 and ünïcödé",
            "tab\there",
            "crlf\r\nline",
            "- looks like a list",
            "--- looks like a document",
            "[flow] {map} &anchor *alias !tag | > ? @ ` %",
            "a long line that goes on well past eighty characters so that a folding emitter would be tempted to wrap it",
        ];
        // All in one file, one after another, the way appends build it.
        let mut file = HEADER.to_string();
        let entries: Vec<TimelineEntry> = texts.iter().map(|t| entry(t)).collect();
        for e in &entries {
            file.push_str(&to_yaml(&[e]));
        }
        let back: Vec<TimelineEntry> = from_yaml(Path::new("timeline.yaml"), &file).unwrap();
        assert_eq!(back, entries);
    }

    #[test]
    fn an_entry_is_written_in_a_fixed_order() {
        let mut e = entry("Failed over primary DB");
        e.key = true;
        assert_eq!(
            to_yaml(&[e]),
            "- id: abc234\n  at: \"2026-11-22T14:32:00+01:00\"\n  by: alice\n  kind: event\n  key: true\n  text: Failed over primary DB\n"
        );
    }

    #[test]
    fn ids_are_short_and_reproducible_with_a_seed() {
        let a = new_id(Some(("2026-11-22T14:32:00Z", "text")), 0);
        assert_eq!(a.len(), ID_LEN);
        assert_eq!(a, new_id(Some(("2026-11-22T14:32:00Z", "text")), 0));
        assert_ne!(a, new_id(Some(("2026-11-22T14:32:00Z", "text")), 1));
        assert_ne!(new_id(None::<()>, 0), new_id(None::<()>, 0));
    }

    #[test]
    fn holds_id_matches_whole_ids_only() {
        let file = "- id: abc234\n  text: id: zzz\n";
        assert!(holds_id(file, "abc234"));
        assert!(!holds_id(file, "abc23"));
        assert!(!holds_id(file, "bc234"));
    }
}
