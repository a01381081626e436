//! The merge of an append-only log (timeline, roles, comms): the union of the entries by id, in
//! time order, each keeping its own text; an entry both sides edited differently is kept twice.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Error;
use crate::model::{self, LogEntry};
use crate::time::Time;

/// A log entry both sides edited differently: `kept` stays under the entry's id, the other
/// version is kept beside it as `other`, with `conflict_of: <kept>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryConflict {
    pub kept: String,
    pub other: String,
}

/// A merged log and the entries it had to keep twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogMerge {
    pub text: String,
    pub conflicts: Vec<EntryConflict>,
}

/// One entry of a log file: its id, time, and exact text (with comments that follow it).
struct Block<'a> {
    id: String,
    at: Time,
    text: &'a str,
}

impl Block<'_> {
    /// The text to compare and write: a last entry without a final newline equals itself with one.
    fn body(&self) -> String {
        ensure_newline(self.text)
    }
}

/// Splits a log into the text before the first entry and one block per entry.
fn blocks<'a, E: LogEntry>(path: &Path, text: &'a str) -> Result<(&'a str, Vec<Block<'a>>), Error> {
    let spans = model::log::entry_spans(text);
    let prelude = &text[..spans.first().map_or(text.len(), |s| s.start)];
    let mut blocks = Vec::new();
    for span in spans {
        let block = &text[span];
        let entry = one_entry::<E>(path, block)?;
        blocks.push(Block {
            id: entry.id().to_string(),
            at: entry.at(),
            text: block,
        });
    }
    Ok((prelude, blocks))
}

fn one_entry<E: LogEntry>(path: &Path, block: &str) -> Result<E, Error> {
    let mut entries: Vec<E> = model::from_yaml(path, block)?;
    entries.pop().ok_or_else(|| Error::File {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: "an entry that is not a mapping".into(),
    })
}

/// Blocks by (id, occurrence): a hand-copied duplicate id is matched with the same occurrence on
/// the other sides instead of being merged into the first.
fn keyed<'b, 'a>(blocks: &'b [Block<'a>]) -> BTreeMap<(String, usize), &'b Block<'a>> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    blocks
        .iter()
        .map(|block| {
            let nth = seen.entry(&block.id).or_default();
            *nth += 1;
            ((block.id.clone(), *nth), block)
        })
        .collect()
}

/// Merges three versions of an append-only log. Errors when a side does not parse (the caller
/// falls back to a line merge with conflict markers).
pub fn log<E: LogEntry>(
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<LogMerge, Error> {
    let (base_prelude, base_blocks) = blocks::<E>(path, base)?;
    let (ours_prelude, ours_blocks) = blocks::<E>(path, ours)?;
    let (theirs_prelude, theirs_blocks) = blocks::<E>(path, theirs)?;
    let (base_keyed, ours_keyed, theirs_keyed) = (
        keyed(&base_blocks),
        keyed(&ours_blocks),
        keyed(&theirs_blocks),
    );
    // A new id must not be one any side uses, or used to (a later merge with a third clone
    // that still has the entry would take them for one).
    let mut taken: BTreeSet<String> = [&base_blocks, &ours_blocks, &theirs_blocks]
        .into_iter()
        .flatten()
        .map(|b| b.id.clone())
        .collect();
    let keys: BTreeSet<&(String, usize)> = ours_keyed.keys().chain(theirs_keyed.keys()).collect();

    // Keys are visited in sorted order and every choice compares texts, never sides, so both
    // directions of a merge pick (and name) the same entries.
    let mut merged: Vec<(Time, String, String)> = Vec::new();
    let mut conflicts = Vec::new();
    for key in keys {
        let base = base_keyed.get(key).map(|b| b.body());
        match (ours_keyed.get(key), theirs_keyed.get(key)) {
            (Some(a), Some(b)) if a.body() == b.body() => {
                merged.push((a.at, a.id.clone(), a.body()));
            }
            (Some(a), Some(b)) => {
                let chosen = if base.as_ref() == Some(&a.body()) {
                    Some(b)
                } else if base.as_ref() == Some(&b.body()) {
                    Some(a)
                } else {
                    None
                };
                if let Some(chosen) = chosen {
                    merged.push((chosen.at, chosen.id.clone(), chosen.body()));
                    continue;
                }
                // Both changed it, or both added different entries under one new id: keep both.
                let (kept, other) = if a.body() < b.body() { (a, b) } else { (b, a) };
                merged.push((kept.at, kept.id.clone(), kept.body()));
                let id = fresh_id(&other.body(), &mut taken);
                let conflict_of = base.is_some().then_some(kept.id.as_str());
                let text = renamed::<E>(path, &other.body(), &other.id, &id, conflict_of)?;
                merged.push((other.at, id.clone(), text));
                if base.is_some() {
                    conflicts.push(EntryConflict {
                        kept: kept.id.clone(),
                        other: id,
                    });
                }
            }
            (Some(only), None) | (None, Some(only)) => {
                // Untouched here and gone there: deleted, and stays so.
                if base.as_ref() != Some(&only.body()) {
                    merged.push((only.at, only.id.clone(), only.body()));
                }
            }
            (None, None) => unreachable!("every key comes from one side"),
        }
    }
    merged.sort();

    let prelude = if ours_prelude == base_prelude {
        theirs_prelude
    } else if theirs_prelude == base_prelude {
        ours_prelude
    } else {
        ours_prelude.min(theirs_prelude)
    };
    let mut out = prelude.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for (_, _, text) in merged {
        out.push_str(&text);
    }
    // The result must read back as a log, or it is not a merge inc can vouch for.
    model::from_yaml::<Vec<E>>(path, &out)?;
    Ok(LogMerge {
        text: out,
        conflicts,
    })
}

fn ensure_newline(text: &str) -> String {
    let mut text = text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A new id for an entry kept under another, derived from its text so both merge directions agree.
fn fresh_id(text: &str, taken: &mut BTreeSet<String>) -> String {
    let id = (0..)
        .map(|attempt| model::log::stable_id(text, attempt))
        .find(|id| !taken.contains(id))
        .expect("ids run out only after billions of attempts");
    taken.insert(id.clone());
    id
}

/// `block` (one entry) with its id changed from `old` to `new` and, for the second version of an
/// edited entry, a `conflict_of` line after the id. The text (and its comments) is kept when the
/// id is on a line of its own; otherwise the entry is written afresh.
fn renamed<E: LogEntry>(
    path: &Path,
    block: &str,
    old: &str,
    new: &str,
    conflict_of: Option<&str>,
) -> Result<String, Error> {
    let edited = || -> Option<String> {
        let mut out = String::new();
        let mut done = false;
        for line in block.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let ending = &line[body.len()..];
            let key = body.trim_start_matches("- ").trim_start();
            let indent = body.len() - key.len();
            let value = key
                .strip_prefix("id:")
                .map(|v| v.trim().trim_matches(['"', '\'']));
            if !done && value == Some(old) {
                out.push_str(&body[..indent]);
                out.push_str(&format!("id: {new}{ending}"));
                if let Some(of) = conflict_of {
                    out.push_str(&format!("{}conflict_of: {of}{ending}", " ".repeat(indent)));
                }
                done = true;
            } else {
                out.push_str(line);
            }
        }
        let entry = one_entry::<E>(path, &out).ok()?;
        (done && entry.id() == new && entry.conflict_of() == conflict_of).then_some(out)
    };
    if let Some(text) = edited() {
        return Ok(text);
    }
    let mut entry = one_entry::<E>(path, block)?;
    entry.set_id(new.to_string());
    entry.set_conflict_of(conflict_of.map(String::from));
    Ok(model::to_yaml(&[entry]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimelineEntry;

    const HEADER: &str = "# header\n";

    fn entry(id: &str, minute: u32, text: &str) -> String {
        format!(
            "- id: {id}\n  at: \"2026-11-22T14:{minute:02}:00+00:00\"\n  by: alice\n  kind: event\n  text: {text}\n"
        )
    }

    /// Merges both ways, asserts the two give the same bytes, returns the merge.
    fn merged(base: &str, ours: &str, theirs: &str) -> LogMerge {
        let path = Path::new("timeline.yaml");
        let one = log::<TimelineEntry>(path, base, ours, theirs).unwrap();
        let other = log::<TimelineEntry>(path, base, theirs, ours).unwrap();
        assert_eq!(one, other, "the merge depends on its direction");
        one
    }

    fn merge(base: &str, ours: &str, theirs: &str) -> String {
        merged(base, ours, theirs).text
    }

    #[test]
    fn union_of_both_sides_in_time_order() {
        let base = format!("{HEADER}{}", entry("aaaaaa", 0, "base"));
        let ours = format!("{base}{}", entry("bbbbbb", 10, "ours"));
        let theirs = format!("{base}{}", entry("cccccc", 5, "theirs"));
        assert_eq!(
            merge(&base, &ours, &theirs),
            format!(
                "{HEADER}{}{}{}",
                entry("aaaaaa", 0, "base"),
                entry("cccccc", 5, "theirs"),
                entry("bbbbbb", 10, "ours")
            )
        );
    }

    #[test]
    fn hand_edits_and_comments_survive() {
        let base = format!("{HEADER}{}", entry("aaaaaa", 0, "typo"));
        let ours = format!(
            "{HEADER}{}# a comment about it\n",
            entry("aaaaaa", 0, "fixed")
        );
        let theirs = format!("{base}{}", entry("cccccc", 5, "new"));
        assert_eq!(
            merge(&base, &ours, &theirs),
            format!(
                "{HEADER}{}# a comment about it\n{}",
                entry("aaaaaa", 0, "fixed"),
                entry("cccccc", 5, "new")
            )
        );
    }

    #[test]
    fn a_deletion_on_one_side_stays_deleted() {
        let base = format!(
            "{HEADER}{}{}",
            entry("aaaaaa", 0, "keep"),
            entry("bbbbbb", 1, "mistake")
        );
        let ours = format!("{HEADER}{}", entry("aaaaaa", 0, "keep"));
        let theirs = format!("{base}{}", entry("cccccc", 5, "new"));
        let merged = merge(&base, &ours, &theirs);
        assert!(!merged.contains("mistake"), "{merged}");
        assert!(merged.contains("new"));
    }

    #[test]
    fn an_entry_deleted_on_one_side_and_edited_on_the_other_keeps_the_edit() {
        let base = format!("{HEADER}{}", entry("aaaaaa", 0, "typo"));
        let ours = HEADER.to_string();
        let theirs = format!("{HEADER}{}", entry("aaaaaa", 0, "fixed"));
        assert_eq!(merge(&base, &ours, &theirs), theirs);
    }

    #[test]
    fn colliding_new_ids_keep_both_entries() {
        let base = HEADER.to_string();
        let ours = format!("{base}{}", entry("aaaaaa", 1, "ours"));
        let theirs = format!("{base}{}", entry("aaaaaa", 2, "theirs"));
        let merged = merged(&base, &ours, &theirs);
        let entries: Vec<TimelineEntry> = model::from_yaml(Path::new("t"), &merged.text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_ne!(entries[0].id, entries[1].id);
        assert_eq!(entries[1].text, "theirs");
        // Two new entries are not two versions of one.
        assert!(entries.iter().all(|e| e.conflict_of.is_none()));
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn an_entry_both_sides_edited_is_kept_twice_and_reported() {
        let base = format!(
            "{HEADER}{}{}",
            entry("aaaaaa", 0, "typo"),
            entry("bbbbbb", 3, "later")
        );
        let ours = format!(
            "{HEADER}{}# ours says why\n{}",
            entry("aaaaaa", 0, "fixed by alice"),
            entry("bbbbbb", 3, "later")
        );
        let theirs = format!(
            "{HEADER}{}{}",
            entry("aaaaaa", 0, "fixed by bob"),
            entry("bbbbbb", 3, "later")
        );
        let merged = merged(&base, &ours, &theirs);
        let [conflict] = merged.conflicts.as_slice() else {
            panic!("{:?}", merged.conflicts)
        };
        assert_eq!(conflict.kept, "aaaaaa");
        let other = &conflict.other;
        assert_eq!(
            merged.text,
            format!(
                "{HEADER}{}# ours says why\n- id: {other}\n  conflict_of: aaaaaa\n  at: \"2026-11-22T14:00:00+00:00\"\n  by: alice\n  kind: event\n  text: fixed by bob\n{}",
                entry("aaaaaa", 0, "fixed by alice"),
                entry("bbbbbb", 3, "later")
            )
        );
        let entries: Vec<TimelineEntry> = model::from_yaml(Path::new("t"), &merged.text).unwrap();
        assert_eq!(entries[1].conflict_of.as_deref(), Some("aaaaaa"));
    }

    #[test]
    fn an_entry_laid_out_unusually_is_rewritten_to_keep_both() {
        let base = format!(
            "{HEADER}- {{id: aaaaaa, at: \"2026-11-22T14:00:00Z\", by: a, kind: event, text: x}}\n"
        );
        let ours = base.replace("text: x", "text: ours");
        let theirs = base.replace("text: x", "text: theirs");
        let merged = merged(&base, &ours, &theirs);
        let entries: Vec<TimelineEntry> = model::from_yaml(Path::new("t"), &merged.text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].conflict_of.as_deref(), Some("aaaaaa"));
        assert_eq!(merged.conflicts.len(), 1);
    }

    #[test]
    fn an_entry_without_a_final_newline_is_not_an_edit() {
        let base = format!("{HEADER}{}", entry("aaaaaa", 0, "last"));
        let ours = base.trim_end().to_string();
        let theirs = format!("{HEADER}{}", entry("aaaaaa", 0, "edited"));
        let merged = merged(&base, &ours, &theirs);
        assert!(merged.conflicts.is_empty());
        assert_eq!(merged.text, theirs);
    }

    #[test]
    fn a_broken_side_is_an_error() {
        let base = HEADER.to_string();
        let ours = format!("{base}- id: [broken\n");
        assert!(log::<TimelineEntry>(Path::new("t"), &base, &ours, &base).is_err());
    }
}
