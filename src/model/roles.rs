//! `roles.yaml`: who held which role when, as an append-only list of events.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::Time;

/// The role that coordinates the incident and approves production changes.
pub const LEAD: &str = "incident-lead";

/// One change of who holds a role. `by` is who recorded it, `person` whom it is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleEvent {
    pub id: String,
    /// Set by a merge on the second version of an entry both clones edited differently: the id of
    /// the version kept under the original id. Delete the wrong one, and this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_of: Option<String>,
    pub at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Time>,
    pub by: String,
    pub action: RoleAction,
    pub role: String,
    pub person: String,
}

/// `assign` hands the role over (everyone else holding it is released), `add` adds a holder,
/// `remove` releases one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RoleAction {
    Assign,
    Add,
    Remove,
}

pub const HEADER: &str =
    "# Roles: who held which role when. inc appends events; readers replay them in time order.\n";

super::log::log_entry!(RoleEvent, file: "roles.yaml", schema: "roles", header: HEADER,
    fingerprint: |e| format!("{}|{}|{:?}|{}|{}", e.at, e.by, e.action, e.role, e.person));

/// A person holding a role from one time until another (`None`: still holding it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tenure {
    pub role: String,
    pub person: String,
    pub from: Time,
    pub until: Option<Time>,
}

/// Replays the events in time order into every tenure, in the order they began.
pub fn tenures(events: &[RoleEvent]) -> Vec<Tenure> {
    let mut all: Vec<Tenure> = Vec::new();
    for event in super::log::sorted(events) {
        let holding = |t: &Tenure| t.role == event.role && t.until.is_none();
        match event.action {
            RoleAction::Assign => {
                for tenure in all
                    .iter_mut()
                    .filter(|t| holding(t) && t.person != event.person)
                {
                    tenure.until = Some(event.at);
                }
                if !all.iter().any(|t| holding(t) && t.person == event.person) {
                    all.push(tenure(event));
                }
            }
            RoleAction::Add => {
                if !all.iter().any(|t| holding(t) && t.person == event.person) {
                    all.push(tenure(event));
                }
            }
            RoleAction::Remove => {
                for t in all
                    .iter_mut()
                    .filter(|t| holding(t) && t.person == event.person)
                {
                    t.until = Some(event.at);
                }
            }
        }
    }
    all
}

fn tenure(event: &RoleEvent) -> Tenure {
    Tenure {
        role: event.role.clone(),
        person: event.person.clone(),
        from: event.at,
        until: None,
    }
}

/// Who holds each role now: role → holders in the order they took it.
pub fn holders(events: &[RoleEvent]) -> BTreeMap<String, Vec<String>> {
    let mut holders: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for tenure in tenures(events).into_iter().filter(|t| t.until.is_none()) {
        holders.entry(tenure.role).or_default().push(tenure.person);
    }
    holders
}

/// When someone first held the incident-lead role (named at `inc open --lead` or later): the
/// moment someone took the incident on, which the SLA counts as responding.
pub fn first_lead(events: &[RoleEvent]) -> Option<Time> {
    events
        .iter()
        .filter(|e| e.role == LEAD && e.action != RoleAction::Remove)
        .map(|e| e.at)
        .min()
}

/// Who held each role at `at`, counting only the events up to then: where a backdated role change
/// lands.
pub fn holders_at(events: &[RoleEvent], at: Time) -> BTreeMap<String, Vec<String>> {
    let until: Vec<RoleEvent> = events.iter().filter(|e| e.at <= at).cloned().collect();
    holders(&until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(minute: u32, action: RoleAction, role: &str, person: &str) -> RoleEvent {
        RoleEvent {
            id: format!("e{minute}"),
            conflict_of: None,
            at: Time::parse_rfc3339(&format!("2026-11-22T14:{minute:02}:00Z")).unwrap(),
            recorded: None,
            by: "alice".into(),
            action,
            role: role.into(),
            person: person.into(),
        }
    }

    #[test]
    fn assign_hands_over_add_and_remove_adjust() {
        use RoleAction::*;
        let events = [
            event(0, Assign, "incident-lead", "alice"),
            event(5, Add, "comms-lead", "carol"),
            event(6, Add, "comms-lead", "dave"),
            event(30, Assign, "incident-lead", "bob"),
            event(40, Remove, "comms-lead", "carol"),
        ];
        let holders = holders(&events);
        assert_eq!(holders["incident-lead"], ["bob"]);
        assert_eq!(holders["comms-lead"], ["dave"]);
        let all = tenures(&events);
        let alice = &all[0];
        assert_eq!(
            (alice.person.as_str(), alice.until),
            ("alice", Some(events[3].at))
        );
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn events_are_replayed_in_time_order_not_file_order() {
        use RoleAction::*;
        // A backdated handover appended after a later one.
        let events = [
            event(30, Assign, "scribe", "carol"),
            event(10, Assign, "scribe", "bob"),
        ];
        assert_eq!(holders(&events)["scribe"], ["carol"]);
    }

    #[test]
    fn holders_at_a_time_ignore_later_events() {
        use RoleAction::*;
        let events = [
            event(30, Assign, "scribe", "bob"),
            event(10, Assign, "scribe", "carol"),
        ];
        let at = |minute| Time::parse_rfc3339(&format!("2026-11-22T14:{minute:02}:00Z")).unwrap();
        assert!(!holders_at(&events, at(5)).contains_key("scribe"));
        assert_eq!(holders_at(&events, at(10))["scribe"], ["carol"]);
        assert_eq!(holders_at(&events, at(45))["scribe"], ["bob"]);
    }

    #[test]
    fn assigning_the_current_holder_keeps_their_tenure() {
        use RoleAction::*;
        let events = [
            event(0, Assign, "scribe", "bob"),
            event(10, Assign, "scribe", "bob"),
        ];
        let all = tenures(&events);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].from, events[0].at);
    }
}
