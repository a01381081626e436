//! What an earlier run of the same import already wrote, so that running it again (after an
//! interruption, a kill, a failed commit) creates only the rest and says how many were there.
//!
//! Each incident is created and committed on its own, so an interrupted import leaves the first
//! ones whole (the journal commits one that was written but not committed). A CSV row is found by
//! its key, the `ref` of the opening entry, among the incidents its id could have been given
//! (`DATE-SLUG`, `DATE-SLUG-2` …). A JSON incident is found by its id, and counts as this file's
//! only when it holds everything the file gives it: the same opening time and every timeline
//! entry, update and role event (with its id) unchanged; what was added since does not matter.
//! An incident under that id that does not hold them is another incident, and refuses the import.

use std::collections::HashMap;

use anyhow::Result;

use crate::error::Error;
use crate::model::{CommsEntry, LogEntry, RoleEvent, TimelineEntry};
use crate::store::Store;
use crate::time::Clock;

use super::Planned;

/// For each planned incident, in order, the id it is already here under; `None`: not here yet.
pub fn find(store: &Store, clock: &Clock, planned: &[Planned]) -> Result<Vec<Option<String>>> {
    let ids = store.ids()?;
    // Keys seen in each incident's timeline, read once however many rows point at it.
    let mut keys: HashMap<String, Vec<String>> = HashMap::new();
    let mut found = Vec::new();
    for p in planned {
        let here = match (&p.id, &p.key) {
            (Some(id), _) => {
                if !ids.contains(id) {
                    None
                } else if holds(store, id, p)? {
                    Some(id.clone())
                } else {
                    return Err(Error::usage(format!(
                        "{id} ({}) already exists here and is another incident (it lacks entries the file gives it, or has them changed): nothing was imported; remove it from the file, or import into another repository",
                        p.origin
                    ))
                    .into());
                }
            }
            (None, Some(key)) => {
                let base = super::made_id(p, clock, |_| false);
                let mut here = None;
                for id in ids.iter().filter(|id| is_numbered(id, &base)) {
                    if !keys.contains_key(id) {
                        let timeline: Vec<TimelineEntry> = store.load_log(id)?;
                        let refs = timeline.into_iter().filter_map(|e| e.reference).collect();
                        keys.insert(id.clone(), refs);
                    }
                    if keys[id].contains(key) {
                        here = Some(id.clone());
                        break;
                    }
                }
                here
            }
            (None, None) => None,
        };
        found.push(here);
    }
    Ok(found)
}

/// Whether `id` is `base` or `base-N`, as `inc open` numbers a taken id.
fn is_numbered(id: &str, base: &str) -> bool {
    match id.strip_prefix(base) {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('-')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// Whether the incident `id` holds everything `p` gives it.
fn holds(store: &Store, id: &str, p: &Planned) -> Result<bool> {
    if store.load_incident(id)?.opened != p.incident.opened {
        return Ok(false);
    }
    let timeline: Vec<TimelineEntry> = store.load_log(id)?;
    let comms: Vec<CommsEntry> = store.load_log(id)?;
    let roles: Vec<RoleEvent> = store.load_log(id)?;
    // Role events made from the holders alone (format 1) have no id to find them by.
    let kept_roles: Vec<&RoleEvent> = p.roles.iter().filter(|r| !r.id.is_empty()).collect();
    Ok(all_in(p.timeline.iter(), &timeline)
        && all_in(p.comms.iter(), &comms)
        && all_in(kept_roles.into_iter(), &roles))
}

/// Whether every entry of `wanted` is in `have` under its id, the same.
fn all_in<'a, E: LogEntry + PartialEq + 'a>(
    mut wanted: impl Iterator<Item = &'a E>,
    have: &[E],
) -> bool {
    let by_id: HashMap<&str, &E> = have.iter().map(|e| (e.id(), e)).collect();
    wanted.all(|w| by_id.get(w.id()).is_some_and(|h| *h == w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_ids_are_the_base_and_its_suffixes() {
        let base = "2026-03-04-checkout";
        assert!(is_numbered(base, base));
        assert!(is_numbered("2026-03-04-checkout-2", base));
        assert!(is_numbered("2026-03-04-checkout-12", base));
        assert!(!is_numbered("2026-03-04-checkout-api", base));
        assert!(!is_numbered("2026-03-04-checkout-", base));
        assert!(!is_numbered("2026-03-04-check", base));
    }
}
