//! Withdrawn logbook entries (`inc strike ENTRY --reason TEXT`). A strike is itself an entry,
//! appended like any other (`kind: strike`, `ref:` the entry struck, `text:` why), so the logbook
//! stays append-only: the entry struck is kept as it was written, hand edits and all, and two
//! clones striking (or editing) entries merge like any other entries. The entries in force are
//! the others; reports, public outputs, the site, the post-mortem and the dashboard read only
//! those, and `inc show` prints the struck ones struck through with the reason.

use std::collections::{HashMap, HashSet};

use super::{Kind, TimelineEntry};

/// Whether an entry of `kind` may be struck: what people log (`inc log`, `inc exec`,
/// `inc attach`). Entries inc writes for a change to the incident (a milestone, a role, an update
/// sent, a change approved) are undone by the command that changes it back, not hidden.
pub fn is_strikable(kind: Kind) -> bool {
    Kind::LOGGABLE.contains(&kind)
}

/// The strike that withdraws each struck entry, by the entry's id: the earliest, when two clones
/// struck one entry. A strike naming no entry, or one that cannot be struck (a hand edit), withdraws
/// nothing.
pub fn strikes<'a>(entries: &[&'a TimelineEntry]) -> HashMap<&'a str, &'a TimelineEntry> {
    let strikable: HashSet<&str> = entries
        .iter()
        .filter(|e| is_strikable(e.kind))
        .map(|e| e.id.as_str())
        .collect();
    let mut found: HashMap<&str, &TimelineEntry> = HashMap::new();
    for strike in entries.iter().copied().filter(|e| e.kind == Kind::Strike) {
        let Some(target) = strike.reference.as_deref() else {
            continue;
        };
        if !strikable.contains(target) {
            continue;
        }
        let slot = found.entry(target).or_insert(strike);
        if (strike.at, &strike.id) < (slot.at, &slot.id) {
            *slot = strike;
        }
    }
    found
}

/// The entries in force, and the withdrawn ones (each struck entry and every strike) with their
/// places in the file, so [`in_file_order`] can put the logbook back together as it is kept.
pub fn split(entries: Vec<TimelineEntry>) -> (Vec<TimelineEntry>, Vec<(usize, TimelineEntry)>) {
    if !entries.iter().any(|e| e.kind == Kind::Strike) {
        return (entries, Vec::new());
    }
    let all: Vec<&TimelineEntry> = entries.iter().collect();
    let struck: HashSet<String> = strikes(&all).into_keys().map(String::from).collect();
    let mut in_force = Vec::new();
    let mut withdrawn = Vec::new();
    for (place, entry) in entries.into_iter().enumerate() {
        if entry.kind == Kind::Strike || struck.contains(&entry.id) {
            withdrawn.push((place, entry));
        } else {
            in_force.push(entry);
        }
    }
    (in_force, withdrawn)
}

/// Every entry of [`split`]'s two lists, in the order of the file.
pub fn in_file_order<'a>(
    in_force: &'a [TimelineEntry],
    withdrawn: &'a [(usize, TimelineEntry)],
) -> Vec<&'a TimelineEntry> {
    let mut all = Vec::with_capacity(in_force.len() + withdrawn.len());
    let mut kept = in_force.iter();
    let mut out = withdrawn.iter().peekable();
    for place in 0..in_force.len() + withdrawn.len() {
        match out.next_if(|(p, _)| *p == place) {
            Some((_, entry)) => all.push(entry),
            None => all.extend(kept.next()),
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Time;

    fn entry(id: &str, minute: u32, kind: Kind, reference: Option<&str>) -> TimelineEntry {
        TimelineEntry {
            id: id.into(),
            conflict_of: None,
            at: Time::parse_rfc3339(&format!("2026-11-22T14:{minute:02}:00Z")).unwrap(),
            recorded: None,
            by: "alice".into(),
            kind,
            reference: reference.map(String::from),
            key: false,
            internal: false,
            public: false,
            attachment: None,
            text: id.into(),
        }
    }

    #[test]
    fn struck_entries_and_strikes_are_withdrawn_and_the_rest_kept() {
        let entries = vec![
            entry("a", 1, Kind::Event, None),
            entry("b", 2, Kind::Milestone, None),
            entry("c", 3, Kind::Decision, None),
            entry("s2", 9, Kind::Strike, Some("a")),
            entry("s1", 5, Kind::Strike, Some("a")),
            // A milestone is not struck by a strike that names it, nor is a missing entry.
            entry("s3", 6, Kind::Strike, Some("b")),
            entry("s4", 7, Kind::Strike, Some("zz")),
        ];
        let strikes = strikes(&entries.iter().collect::<Vec<_>>());
        assert_eq!(strikes.len(), 1);
        assert_eq!(strikes["a"].id, "s1", "the earliest strike counts");
        let (kept, withdrawn) = split(entries.clone());
        let ids = |list: Vec<&TimelineEntry>| list.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(kept.iter().collect()), ["b", "c"]);
        assert_eq!(
            ids(withdrawn.iter().map(|(_, e)| e).collect()),
            ["a", "s2", "s1", "s3", "s4"]
        );
        assert_eq!(
            ids(in_file_order(&kept, &withdrawn)),
            ids(entries.iter().collect())
        );
    }
}
