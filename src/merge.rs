//! Three-way merges of incident files, for the git merge driver (`inc merge-driver`).
//!
//! The logs (timeline, roles, comms) merge as the union of their entries by id, in time order,
//! each entry keeping its own text (so hand edits and comments inside it survive); an entry
//! deleted on one side and untouched on the other stays deleted; an entry both sides edited
//! differently is kept twice, the second version under a new id marked `conflict_of`.
//! incident.yaml merges field by field; when both sides changed a field differently, the change
//! made later (incident.yaml's `changed` times) wins and the other value is reported so it can be
//! logged. Every decision depends on the three texts only, never on which side is "ours": merging
//! A into B and B into A give the same bytes, so clones converge whoever syncs first, with
//! `inc sync` or a plain `git pull`. Pure: texts in, text out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::error::Error;
use crate::model::{self, Incident, LogEntry, Status};
use crate::time::Time;

/// A field of incident.yaml the merge had to decide: the value kept, the one that lost, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Dotted path, like `status` or `milestones.resolved`.
    pub field: String,
    pub kept: String,
    pub other: String,
    pub why: Why,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Both sides changed the field; the change made later wins.
    Later,
    /// Both sides changed the field and at most one recorded when (files from before `changed`
    /// existed, hand edits): the choice is by value, so it is at least the same in every clone.
    ByValue,
    /// The status one side set decides the resolved time, so status and milestones agree.
    Status(Status),
}

impl Conflict {
    /// The timeline entry that keeps the losing value on record.
    pub fn message(&self) -> String {
        let Conflict {
            field, kept, other, ..
        } = self;
        match self.why {
            Why::Later => format!(
                "Merge: both clones changed {field}; kept {kept} (the later change), the other had {other}"
            ),
            Why::ByValue => format!(
                "Merge: both clones changed {field}; kept {kept} (neither recorded when, so chosen by value), the other had {other}"
            ),
            Why::Status(status) => format!(
                "Merge: status {status} (the later status change) decides {field}; kept {kept}, the other clone had {other}"
            ),
        }
    }
}

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
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("- ") || line.trim_end() == "-" {
            starts.push(offset);
        }
        offset += line.len();
    }
    let prelude = &text[..starts.first().copied().unwrap_or(text.len())];
    let mut blocks = Vec::new();
    for (index, &start) in starts.iter().enumerate() {
        let end = starts.get(index + 1).copied().unwrap_or(text.len());
        let block = &text[start..end];
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

/// Merges three versions of incident.yaml field by field. Returns the merged incident and the
/// decisions to log (fields both sides changed, and a resolved time set right by the status).
pub fn incident(
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<(Incident, Vec<Conflict>), Error> {
    let parse = |text: &str| model::from_yaml::<Incident>(path, text);
    // Both clones opened the same incident (an add/add merge): there is no common version, so
    // every field that differs is a conflict.
    let base = if base.trim().is_empty() {
        None
    } else {
        Some(parse(base)?)
    };
    let sides = [parse(ours)?, parse(theirs)?];
    let base_fields = base.as_ref().map(Incident::fields).unwrap_or_default();
    let fields = [sides[0].fields(), sides[1].fields()];

    let mut merged_fields: BTreeMap<String, Value> = BTreeMap::new();
    let mut changed: BTreeMap<String, Time> = BTreeMap::new();
    let mut conflicts = Vec::new();
    let paths: BTreeSet<&String> = fields[0].keys().chain(fields[1].keys()).collect();
    for path in paths {
        let null = Value::Null;
        let (b, o, t) = (
            base_fields.get(path),
            fields[0].get(path).unwrap_or(&null),
            fields[1].get(path).unwrap_or(&null),
        );
        let side = if o == t {
            None
        } else if b == Some(t) {
            Some(0)
        } else if b == Some(o) {
            Some(1)
        } else {
            let (winner, why) = later_side(path, base.as_ref(), &sides, [o, t]);
            conflicts.push(Conflict {
                field: path.clone(),
                kept: show(if winner == 0 { o } else { t }),
                other: show(if winner == 0 { t } else { o }),
                why,
            });
            Some(winner)
        };
        let stamps = [sides[0].changed.get(path), sides[1].changed.get(path)];
        let (value, stamp) = match side {
            None => (o, stamps[0].max(stamps[1])),
            Some(i) => (if i == 0 { o } else { t }, stamps[i]),
        };
        merged_fields.insert(path.clone(), value.clone());
        if let Some(stamp) = stamp {
            changed.insert(path.clone(), *stamp);
        }
    }
    // Times recorded for keys that are not fields (a hand edit) are kept, the later one.
    for (key, time) in sides.iter().flat_map(|s| &s.changed) {
        if !merged_fields.contains_key(key) {
            let slot = changed.entry(key.clone()).or_insert(*time);
            *slot = (*slot).max(*time);
        }
    }

    let invalid = |e: serde_json::Error| Error::File {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("the merged incident is not valid: {e}"),
    };
    let mut incident: Incident =
        serde_json::from_value(unflatten(merged_fields)).map_err(invalid)?;
    incident.changed = changed;
    if let Some(conflict) = agree(&mut incident, &sides) {
        conflicts.push(conflict);
    }
    Ok((incident, conflicts))
}

/// Which side's value of a field both changed wins (0: ours, 1: theirs), and why. A side's change
/// time counts only if that side recorded it (it differs from the base's): an older inc or a hand
/// edit leaves the base's time in place. Without two times to compare, the value decides: for
/// the status the one further along the lifecycle, else the greater in JSON. Symmetric: swapping
/// the sides swaps the answer.
fn later_side(
    path: &str,
    base: Option<&Incident>,
    sides: &[Incident; 2],
    values: [&Value; 2],
) -> (usize, Why) {
    let when = |side: &Incident| -> Option<Time> {
        let stamp = side.changed.get(path).copied();
        match base {
            Some(base) => stamp.filter(|t| base.changed.get(path) != Some(t)),
            // Opened in both clones: a field nobody changed since was set when it was opened.
            None => stamp.or(Some(side.opened)),
        }
    };
    if let (Some(a), Some(b)) = (when(&sides[0]), when(&sides[1]))
        && a != b
    {
        return (usize::from(b > a), Why::Later);
    }
    let rank = |value: &Value| -> (usize, String) {
        let lifecycle = value
            .as_str()
            .filter(|_| path == "status")
            .and_then(Status::parse)
            .and_then(|s| Status::ALL.iter().position(|&x| x == s))
            .unwrap_or(0);
        (lifecycle, value.to_string())
    };
    (usize::from(rank(values[1]) > rank(values[0])), Why::ByValue)
}

/// Makes the merged status and resolved time agree when each side did but their mix does not
/// (one clone resolved, the other later moved the status on): the side whose status was kept
/// decides the resolved time, so the later status change wins whole. A side that already
/// disagreed is left as it is, for `inc check` to report.
fn agree(incident: &mut Incident, sides: &[Incident; 2]) -> Option<Conflict> {
    if incident.status_agrees() || !sides.iter().all(Incident::status_agrees) {
        return None;
    }
    let decider = sides.iter().find(|s| s.status == incident.status)?;
    let field = "milestones.resolved";
    let other = incident.milestones.resolved;
    incident.milestones.resolved = decider.milestones.resolved;
    match decider.changed.get(field) {
        Some(time) => incident.changed.insert(field.to_string(), *time),
        None => incident.changed.remove(field),
    };
    let show_time = |t: Option<Time>| t.map_or("(none)".to_string(), |t| t.to_string());
    Some(Conflict {
        field: field.to_string(),
        kept: show_time(incident.milestones.resolved),
        other: show_time(other),
        why: Why::Status(incident.status),
    })
}

/// Rebuilds nested mappings from dotted paths (the inverse of [`Incident::fields`]).
fn unflatten(fields: BTreeMap<String, Value>) -> Value {
    let mut root = serde_json::Map::new();
    for (path, value) in fields {
        let mut map = &mut root;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                map.insert(part.to_string(), value);
                break;
            }
            let next = map
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            match next {
                Value::Object(inner) => map = inner,
                _ => break,
            }
        }
    }
    Value::Object(root)
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        other => other.to_string(),
    }
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

    fn incident_text(status: &str, severity: &str, resolved: &str) -> String {
        format!(
            "title: x\nseverity: {severity}\nstatus: {status}\nopened: \"2026-11-22T14:00:00+00:00\"\nmilestones:\n  resolved: {resolved}\n"
        )
    }

    /// `text` with a `changed:` map of (field, HH:MM).
    fn stamped(text: &str, changes: &[(&str, &str)]) -> String {
        let mut text = format!("{text}changed:\n");
        for (field, hm) in changes {
            text.push_str(&format!("  {field}: \"2026-11-22T{hm}:00+00:00\"\n"));
        }
        text
    }

    /// Merges incident.yaml both ways, asserts the same bytes, returns the merge.
    fn merge_incident(base: &str, ours: &str, theirs: &str) -> (Incident, Vec<Conflict>) {
        let path = Path::new("incident.yaml");
        let one = incident(path, base, ours, theirs).unwrap();
        let other = incident(path, base, theirs, ours).unwrap();
        assert_eq!(model::to_yaml(&one.0), model::to_yaml(&other.0));
        let swap = |c: &Conflict| (c.field.clone(), c.kept.clone(), c.why);
        assert_eq!(
            one.1.iter().map(swap).collect::<Vec<_>>(),
            other.1.iter().map(swap).collect::<Vec<_>>()
        );
        one
    }

    #[test]
    fn incident_fields_merge_independently() {
        let base = incident_text("investigating", "SEV2", "null");
        let ours = incident_text("identified", "SEV2", "null");
        let theirs = incident_text("investigating", "SEV1", "null");
        let (merged, conflicts) = merge_incident(&base, &ours, &theirs);
        assert_eq!(merged.status, Status::Identified);
        assert_eq!(merged.severity, "SEV1");
        assert!(conflicts.is_empty());
    }

    #[test]
    fn two_clones_opening_the_same_incident_merge_without_a_base() {
        let ours = incident_text("investigating", "SEV2", "null");
        let theirs = incident_text("investigating", "SEV1", "null");
        let (merged, conflicts) = merge_incident("", &ours, &theirs);
        // Neither says when: the value decides, the same way in both directions.
        assert_eq!(merged.severity, "SEV2");
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "severity");
        assert_eq!(conflicts[0].why, Why::ByValue);
        // The one opened later set its fields later.
        let later = theirs.replace("14:00:00", "14:10:00");
        let (merged, conflicts) = merge_incident("", &ours, &later);
        assert_eq!(merged.severity, "SEV1");
        assert_eq!(conflicts[0].why, Why::Later);
    }

    #[test]
    fn a_true_conflict_keeps_the_change_made_later_whichever_side_it_is() {
        let base = incident_text("investigating", "SEV2", "null");
        let early = stamped(
            &incident_text("monitoring", "SEV2", "null"),
            &[("status", "14:45")],
        );
        let late = stamped(
            &incident_text("identified", "SEV2", "null"),
            &[("status", "14:50")],
        );
        let (merged, conflicts) = merge_incident(&base, &early, &late);
        assert_eq!(merged.status, Status::Identified);
        assert_eq!(
            merged.changed.get("status").map(ToString::to_string),
            Some("2026-11-22T14:50:00+00:00".into())
        );
        assert_eq!(
            conflicts,
            [Conflict {
                field: "status".into(),
                kept: "identified".into(),
                other: "monitoring".into(),
                why: Why::Later,
            }]
        );
        assert_eq!(
            conflicts[0].message(),
            "Merge: both clones changed status; kept identified (the later change), the other had monitoring"
        );
    }

    #[test]
    fn without_change_times_the_status_further_along_wins() {
        let base = incident_text("investigating", "SEV2", "null");
        let ours = incident_text("identified", "SEV2", "null");
        let theirs = incident_text("monitoring", "SEV2", "null");
        let (merged, conflicts) = merge_incident(&base, &ours, &theirs);
        assert_eq!(merged.status, Status::Monitoring);
        assert_eq!(conflicts[0].why, Why::ByValue);
        // A time left over from the base is no time for this change (an older inc wrote it).
        let stale = |t: &str| stamped(t, &[("status", "14:10")]);
        let (merged, conflicts) = merge_incident(
            &stale(&base),
            &stale(&ours),
            &stamped(&theirs, &[("status", "14:05")]),
        );
        assert_eq!(merged.status, Status::Monitoring);
        assert_eq!(conflicts[0].why, Why::ByValue);
    }

    #[test]
    fn a_resolved_time_follows_the_later_status_change() {
        // One clone resolved at 15:00; the other moved the status on at 15:10: reopened.
        let base = incident_text("monitoring", "SEV2", "null");
        let resolved = stamped(
            &incident_text("resolved", "SEV2", "\"2026-11-22T15:00:00+00:00\""),
            &[("milestones.resolved", "15:00"), ("status", "15:00")],
        );
        let reopened = stamped(
            &incident_text("identified", "SEV2", "null"),
            &[("status", "15:10")],
        );
        let (merged, conflicts) = merge_incident(&base, &resolved, &reopened);
        assert_eq!(merged.status, Status::Identified);
        assert_eq!(merged.milestones.resolved, None);
        assert!(merged.status_agrees());
        assert!(!merged.changed.contains_key("milestones.resolved"));
        assert_eq!(
            conflicts.last().unwrap().message(),
            "Merge: status identified (the later status change) decides milestones.resolved; kept (none), the other clone had 2026-11-22T15:00:00+00:00"
        );

        // The other way round: the resolution is the later change and stands.
        let reopened_early = reopened.replace("15:10", "14:55");
        let (merged, _) = merge_incident(&base, &resolved, &reopened_early);
        assert_eq!(merged.status, Status::Resolved);
        assert!(merged.milestones.resolved.is_some());

        // Reopened in one clone, closed later in the other: closed, with its resolved time.
        let base = stamped(
            &incident_text("resolved", "SEV2", "\"2026-11-22T15:00:00+00:00\""),
            &[("milestones.resolved", "15:00"), ("status", "15:00")],
        );
        let reopened = stamped(
            &incident_text("identified", "SEV2", "null"),
            &[("milestones.resolved", "15:10"), ("status", "15:10")],
        );
        let closed = stamped(
            &incident_text("closed", "SEV2", "\"2026-11-22T15:00:00+00:00\""),
            &[("milestones.resolved", "15:00"), ("status", "15:20")],
        );
        let (merged, _) = merge_incident(&base, &reopened, &closed);
        assert_eq!(merged.status, Status::Closed);
        assert!(merged.milestones.resolved.is_some());
        assert!(merged.status_agrees());
    }

    #[test]
    fn a_side_that_already_disagreed_is_left_for_inc_check() {
        // `inc mark resolved` before `inc status resolved`: open with a resolved time, on purpose.
        let base = incident_text("monitoring", "SEV2", "null");
        let marked = incident_text("monitoring", "SEV2", "\"2026-11-22T15:00:00+00:00\"");
        let sev = incident_text("monitoring", "SEV1", "null");
        let (merged, conflicts) = merge_incident(&base, &marked, &sev);
        assert!(merged.milestones.resolved.is_some());
        assert!(conflicts.is_empty());
    }
}
