//! The field-by-field merge of incident.yaml: the change made later wins (by the `changed`
//! times), and the status and the resolved time are made to agree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::{Conflict, Why};
use crate::error::Error;
use crate::model::{self, Incident, Status};
use crate::time::Time;

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
        // A field a version leaves out (`skip_serializing_if`: no impact services yet) is
        // absent, the same as null: otherwise one side adding it would look like both changing it.
        let (b, o, t) = (
            base.as_ref()
                .map(|_| base_fields.get(path).unwrap_or(&null)),
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
        // Absent again, so the field's serde default applies (a null list would not load).
        if !value.is_null() {
            merged_fields.insert(path.clone(), value.clone());
        }
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
    fn a_field_one_side_adds_is_kept_and_loads() {
        let base = incident_text("investigating", "SEV2", "null");
        let ours = format!("{base}impact:\n  summary: ''\n  services: [checkout]\n");
        let ours = stamped(&ours, &[("impact.services", "14:10")]);
        let theirs = format!("{base}public_title: Payments slow\n");
        let (merged, conflicts) = merge_incident(&base, &ours, &theirs);
        assert_eq!(merged.impact.services, ["checkout"]);
        assert_eq!(merged.public_title, "Payments slow");
        assert!(conflicts.is_empty(), "{conflicts:?}");
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
