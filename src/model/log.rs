//! What the append-only files (timeline, roles, comms) have in common: entries with short unique
//! ids and a time, appended as YAML list items and never rewritten. Post-mortem actions take their
//! ids from the same scheme ([`hashed_id`]).

use std::hash::{BuildHasher, Hash, Hasher};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::time::Time;

/// An entry of an append-only file.
pub trait LogEntry: Serialize + DeserializeOwned + Send {
    /// The file name inside the incident directory.
    const FILE: &'static str;
    /// The comment a new file starts with (after the schema line).
    const HEADER: &'static str;
    /// The name of its JSON Schema (see `model::schema`).
    const SCHEMA: &'static str;

    fn id(&self) -> &str;
    fn set_id(&mut self, id: String);
    fn at(&self) -> Time;
    /// The id of the entry this one is the other version of (see `merge::log`), if it is one.
    fn conflict_of(&self) -> Option<&str>;
    fn set_conflict_of(&mut self, id: Option<String>);
    /// The content that makes reproducible ids (pinned clock) differ between entries.
    fn fingerprint(&self) -> String;
}

/// Implements [`LogEntry`] for an entry struct with `id`, `conflict_of` and `at` fields.
macro_rules! log_entry {
    ($type:ty, file: $file:literal, schema: $schema:literal, header: $header:expr,
     fingerprint: |$entry:ident| $fingerprint:expr) => {
        impl $crate::model::LogEntry for $type {
            const FILE: &'static str = $file;
            const HEADER: &'static str = $header;
            const SCHEMA: &'static str = $schema;

            fn id(&self) -> &str {
                &self.id
            }

            fn set_id(&mut self, id: String) {
                self.id = id;
            }

            fn at(&self) -> $crate::time::Time {
                self.at
            }

            fn conflict_of(&self) -> Option<&str> {
                self.conflict_of.as_deref()
            }

            fn set_conflict_of(&mut self, id: Option<String>) {
                self.conflict_of = id;
            }

            fn fingerprint(&self) -> String {
                let $entry = self;
                $fingerprint
            }
        }
    };
}
pub(crate) use log_entry;

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

/// An entry id derived from `content` alone, the same on every machine and inc version: two
/// clones merging the same entries must name a renamed entry alike.
pub fn stable_id(content: &str, attempt: u32) -> String {
    hashed_id(&[content.as_bytes(), &attempt.to_le_bytes()], ID_LEN)
}

/// An id of `len` characters from the entry id alphabet, taken from the SHA-1 of `parts` one after
/// the other: what makes an id depend on content alone (entries here, post-mortem actions too).
pub fn hashed_id(parts: &[&[u8]], len: usize) -> String {
    use sha1::Digest;
    let mut hasher = sha1::Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .take(len)
        .map(|&byte| ALPHABET[byte as usize % ALPHABET.len()] as char)
        .collect()
}

/// Whether `text` (a log file) already holds an entry with this id.
pub fn holds_id(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(at, _)| {
        let before = &text[..at];
        let after = &text[at + id.len()..];
        before.ends_with("id: ") && (after.is_empty() || after.starts_with(['\n', '\r', ' ']))
    })
}

/// Where each entry of a log's text lies, in order: an entry starts at a `- ` (or a lone `-`)
/// line at the left margin, which no entry's own text can produce, and runs to the next one or
/// the end. What comes before the first is the file's header. The merge driver and every edit of
/// one entry in place cut a log here.
pub fn entry_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("- ") || line.trim_end() == "-" {
            starts.push(offset);
        }
        offset += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts
        .iter()
        .copied()
        .zip(ends)
        .map(|(a, b)| a..b)
        .collect()
}

/// Entries sorted by `at`; entries at the same time keep their file order.
pub fn sorted<E: LogEntry>(entries: &[E]) -> Vec<&E> {
    let mut sorted: Vec<&E> = entries.iter().collect();
    sorted.sort_by_key(|e| e.at());
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_and_reproducible_with_a_seed() {
        let a = new_id(Some(("2026-11-22T14:32:00Z", "text")), 0);
        assert_eq!(a.len(), ID_LEN);
        assert_eq!(a, new_id(Some(("2026-11-22T14:32:00Z", "text")), 0));
        assert_ne!(a, new_id(Some(("2026-11-22T14:32:00Z", "text")), 1));
        assert_ne!(new_id(None::<()>, 0), new_id(None::<()>, 0));
    }

    #[test]
    fn hashed_ids_are_pinned_because_clones_must_agree_on_them() {
        assert_eq!(stable_id("some entry", 1), "c7vdhw");
        // The parts are hashed as one run of bytes, and `len` only cuts the same id shorter.
        let parts: [&[u8]; 3] = [b"some ", b"entry", &1u32.to_le_bytes()];
        assert_eq!(hashed_id(&parts, 6), "c7vdhw");
        assert_eq!(hashed_id(&parts, 3), "c7v");
    }

    #[test]
    fn holds_id_matches_whole_ids_only() {
        let file = "- id: abc234\n  text: id: zzz\n";
        assert!(holds_id(file, "abc234"));
        assert!(!holds_id(file, "abc23"));
        assert!(!holds_id(file, "bc234"));
    }

    #[test]
    fn entry_spans_cut_at_items_on_the_left_margin() {
        let text = "# header\n- id: a\n  text: x\n-\n  id: b\n  text: |\n    - not an entry\n";
        let spans = entry_spans(text);
        let blocks: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(
            blocks,
            [
                "- id: a\n  text: x\n",
                "-\n  id: b\n  text: |\n    - not an entry\n"
            ]
        );
        assert_eq!(spans[0].start, "# header\n".len());
        assert!(entry_spans("# header only\n").is_empty());
    }
}
