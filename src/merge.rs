//! Three-way merges of incident files, for the git merge driver (`inc merge-driver`).
//!
//! The logs (timeline, roles, comms) merge as the union of their entries by id, in time order,
//! each entry keeping its own text (so hand edits and comments inside it survive); an entry
//! deleted on one side and untouched on the other stays deleted. incident.yaml merges field by
//! field; when both sides changed a field differently, the later change wins and the other value
//! is reported so it can be logged. Pure: texts in, text out.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use serde_json::Value;

use crate::error::Error;
use crate::model::{self, Incident, LogEntry};
use crate::time::Time;

/// A field both sides changed differently: the value kept and the one that lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Dotted path, like `status` or `milestones.resolved`.
    pub field: String,
    pub kept: String,
    pub other: String,
}

/// One entry of a log file: its id, time, and exact text (with comments that follow it).
struct Block<'a> {
    id: String,
    at: Time,
    text: &'a str,
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
        let mut entries: Vec<E> = model::from_yaml(path, block)?;
        let entry = entries.pop().ok_or_else(|| Error::File {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "an entry that is not a mapping".into(),
        })?;
        blocks.push(Block {
            id: entry.id().to_string(),
            at: entry.at(),
            text: block,
        });
    }
    Ok((prelude, blocks))
}

/// Merges three versions of an append-only log. Errors when a side does not parse (the caller
/// falls back to a line merge with conflict markers).
pub fn log<E: LogEntry>(
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<String, Error> {
    let (base_prelude, base_blocks) = blocks::<E>(path, base)?;
    let (ours_prelude, ours_blocks) = blocks::<E>(path, ours)?;
    let (theirs_prelude, theirs_blocks) = blocks::<E>(path, theirs)?;
    let index = |blocks: &[Block<'_>]| -> HashMap<String, usize> {
        blocks
            .iter()
            .enumerate()
            .rev()
            .map(|(i, b)| (b.id.clone(), i))
            .collect()
    };
    let (base_ids, ours_ids, theirs_ids) = (
        index(&base_blocks),
        index(&ours_blocks),
        index(&theirs_blocks),
    );

    let mut merged: Vec<(Time, String, String)> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for block in &ours_blocks {
        let base = base_ids.get(&block.id).map(|&i| base_blocks[i].text);
        let chosen = match theirs_ids.get(&block.id).map(|&i| &theirs_blocks[i]) {
            // Both have it: whoever changed it from the base wins; if both did, ours.
            Some(other) if Some(block.text) == base => other,
            Some(_) => block,
            // Only ours has it: new here, or deleted there (then it stays deleted unless ours
            // changed it).
            None if base.is_some_and(|b| b == block.text) => continue,
            None => block,
        };
        taken.push(chosen.id.clone());
        merged.push((chosen.at, chosen.id.clone(), ensure_newline(chosen.text)));
    }
    for block in &theirs_blocks {
        let base = base_ids.get(&block.id).map(|&i| base_blocks[i].text);
        if let Some(&i) = ours_ids.get(&block.id) {
            // Merged above, unless both sides added different entries under one new id.
            if base.is_some() || ours_blocks[i].text == block.text {
                continue;
            }
        }
        if base.is_some_and(|b| b == block.text) {
            continue; // deleted on our side, untouched on theirs
        }
        let mut text = ensure_newline(block.text);
        let mut id = block.id.clone();
        if taken.contains(&id) {
            // Two clones chose the same new id for different entries: keep both.
            id = fresh_id(&text, &taken);
            text = text.replacen(&format!("id: {}", block.id), &format!("id: {id}"), 1);
        }
        taken.push(id.clone());
        merged.push((block.at, id, text));
    }
    merged.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));

    let prelude = if ours_prelude == base_prelude {
        theirs_prelude
    } else {
        ours_prelude
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
    Ok(out)
}

fn ensure_newline(text: &str) -> String {
    let mut text = text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A new id for an entry whose id collided, derived from its text so both merge directions agree.
fn fresh_id(text: &str, taken: &[String]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    let seed = hasher.finish();
    (0..)
        .map(|attempt| model::log::new_id(Some(seed), attempt))
        .find(|id| !taken.contains(id))
        .expect("ids run out only after billions of attempts")
}

/// Merges three versions of incident.yaml field by field. `theirs_is_later` decides true
/// conflicts; the losing values are returned so they can be logged.
pub fn incident(
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
    theirs_is_later: bool,
) -> Result<(Incident, Vec<Conflict>), Error> {
    let parse = |text: &str| -> Result<Value, Error> {
        let incident: Incident = model::from_yaml(path, text)?;
        Ok(serde_json::to_value(incident).expect("incidents serialize"))
    };
    // Both clones opened the same incident (an add/add merge): there is no common version, so
    // every field that differs is a conflict, decided by which side is later.
    let base = if base.trim().is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        parse(base)?
    };
    let (ours, theirs) = (parse(ours)?, parse(theirs)?);
    let mut conflicts = Vec::new();
    let merged = merge_value("", &base, &ours, &theirs, theirs_is_later, &mut conflicts);
    let incident: Incident = serde_json::from_value(merged).map_err(|e| Error::File {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("the merged incident is not valid: {e}"),
    })?;
    Ok((incident, conflicts))
}

fn merge_value(
    field: &str,
    base: &Value,
    ours: &Value,
    theirs: &Value,
    theirs_is_later: bool,
    conflicts: &mut Vec<Conflict>,
) -> Value {
    if ours == theirs || theirs == base {
        return ours.clone();
    }
    if ours == base {
        return theirs.clone();
    }
    if let (Value::Object(b), Value::Object(o), Value::Object(t)) = (base, ours, theirs) {
        let mut keys: Vec<&String> = o.keys().chain(t.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut merged = serde_json::Map::new();
        for key in keys {
            let path = if field.is_empty() {
                key.clone()
            } else {
                format!("{field}.{key}")
            };
            let null = Value::Null;
            let value = merge_value(
                &path,
                b.get(key).unwrap_or(&null),
                o.get(key).unwrap_or(&null),
                t.get(key).unwrap_or(&null),
                theirs_is_later,
                conflicts,
            );
            merged.insert(key.clone(), value);
        }
        return Value::Object(merged);
    }
    let (kept, other) = if theirs_is_later {
        (theirs, ours)
    } else {
        (ours, theirs)
    };
    conflicts.push(Conflict {
        field: field.to_string(),
        kept: show(kept),
        other: show(other),
    });
    kept.clone()
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

    fn merge(base: &str, ours: &str, theirs: &str) -> String {
        log::<TimelineEntry>(Path::new("timeline.yaml"), base, ours, theirs).unwrap()
    }

    #[test]
    fn union_of_both_sides_in_time_order() {
        let base = format!("{HEADER}{}", entry("aaaaaa", 0, "base"));
        let ours = format!("{base}{}", entry("bbbbbb", 10, "ours"));
        let theirs = format!("{base}{}", entry("cccccc", 5, "theirs"));
        let merged = merge(&base, &ours, &theirs);
        assert_eq!(
            merged,
            format!(
                "{HEADER}{}{}{}",
                entry("aaaaaa", 0, "base"),
                entry("cccccc", 5, "theirs"),
                entry("bbbbbb", 10, "ours")
            )
        );
        // Both directions give the same file.
        assert_eq!(merge(&base, &theirs, &ours), merged);
    }

    #[test]
    fn hand_edits_and_comments_survive() {
        let base = format!("{HEADER}{}", entry("aaaaaa", 0, "typo"));
        let ours = format!(
            "{HEADER}{}# a comment about it\n",
            entry("aaaaaa", 0, "fixed")
        );
        let theirs = format!("{base}{}", entry("cccccc", 5, "new"));
        let merged = merge(&base, &ours, &theirs);
        assert_eq!(
            merged,
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
    fn colliding_new_ids_keep_both_entries() {
        let base = HEADER.to_string();
        let ours = format!("{base}{}", entry("aaaaaa", 1, "ours"));
        let theirs = format!("{base}{}", entry("aaaaaa", 2, "theirs"));
        let merged = merge(&base, &ours, &theirs);
        let entries: Vec<TimelineEntry> = model::from_yaml(Path::new("t"), &merged).unwrap();
        assert_eq!(entries.len(), 2);
        assert_ne!(entries[0].id, entries[1].id);
        assert_eq!(entries[1].text, "theirs");
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

    #[test]
    fn incident_fields_merge_independently() {
        let base = incident_text("investigating", "SEV2", "null");
        let ours = incident_text("identified", "SEV2", "null");
        let theirs = incident_text("investigating", "SEV1", "\"2026-11-22T15:00:00+00:00\"");
        let (merged, conflicts) = incident(Path::new("i"), &base, &ours, &theirs, false).unwrap();
        assert_eq!(merged.status, crate::model::Status::Identified);
        assert_eq!(merged.severity, "SEV1");
        assert!(merged.milestones.resolved.is_some());
        assert!(conflicts.is_empty());
    }

    #[test]
    fn two_clones_opening_the_same_incident_merge_without_a_base() {
        let ours = incident_text("investigating", "SEV2", "null");
        let theirs = incident_text("investigating", "SEV1", "null");
        let (merged, conflicts) = incident(Path::new("i"), "", &ours, &theirs, true).unwrap();
        assert_eq!(merged.severity, "SEV1");
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "severity");
    }

    #[test]
    fn a_true_conflict_keeps_the_later_change_and_reports_the_other() {
        let base = incident_text("investigating", "SEV2", "null");
        let ours = incident_text("identified", "SEV2", "null");
        let theirs = incident_text("monitoring", "SEV2", "null");
        let (merged, conflicts) = incident(Path::new("i"), &base, &ours, &theirs, true).unwrap();
        assert_eq!(merged.status, crate::model::Status::Monitoring);
        assert_eq!(
            conflicts,
            [Conflict {
                field: "status".into(),
                kept: "monitoring".into(),
                other: "identified".into()
            }]
        );
        let (merged, _) = incident(Path::new("i"), &base, &ours, &theirs, false).unwrap();
        assert_eq!(merged.status, crate::model::Status::Identified);
    }
}
