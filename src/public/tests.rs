//! The public model's rules: ids, statuses read from the logbook, which entries are public.

use super::*;

#[test]
fn public_ids_hold_the_date_and_no_word_of_the_title() {
    let id = public_id("2026-11-22-security-breach-at-acme");
    assert!(id.starts_with("2026-11-22-"), "{id}");
    assert_eq!(id.len(), "2026-11-22-".len() + 8);
    assert!(!id.contains("security") && !id.contains("acme"));
    // Stable, and different for another incident.
    assert_eq!(id, public_id("2026-11-22-security-breach-at-acme"));
    assert_ne!(id, public_id("2026-11-22-security-breach-at-acm"));
    assert!(public_id("imported-thing").starts_with("incident-"));
    assert!(crate::import::is_incident_id(&id));
}

fn entry(at: &str, kind: Kind, text: &str) -> TimelineEntry {
    TimelineEntry {
        id: "abc234".into(),
        conflict_of: None,
        at: Time::parse_rfc3339(&format!("2026-11-22T{at}:00Z")).unwrap(),
        recorded: None,
        by: "alice".into(),
        kind,
        reference: None,
        key: false,
        internal: false,
        public: false,
        attachment: None,
        text: text.into(),
    }
}

#[test]
fn statuses_are_read_from_the_logbook() {
    let timeline = [
        entry("14:30", Kind::Status, "Status investigating → identified"),
        entry(
            "14:50",
            Kind::Status,
            "Status identified → monitoring; marked mitigated",
        ),
        entry("15:10", Kind::Milestone, "Resolved"),
        entry(
            "15:20",
            Kind::Status,
            "Reopened: status resolved → investigating, was resolved at 15:10",
        ),
    ];
    let changes = crate::model::timeline::status_changes(&timeline);
    let names: Vec<&str> = changes.iter().map(|(_, s)| s.name()).collect();
    assert_eq!(
        names,
        ["identified", "monitoring", "resolved", "investigating"]
    );
}

#[test]
fn the_policy_decides_unmarked_entries() {
    let mut key = entry("14:30", Kind::Event, "Failed over");
    key.key = true;
    assert!(!is_public(&key, PublicEntries::Marked));
    assert!(!is_public(&key, PublicEntries::Key));
    assert!(is_public(&key, PublicEntries::MarkedAndKey));
    let mut marked = entry("14:30", Kind::Event, "Failed over");
    marked.public = true;
    assert!(is_public(&marked, PublicEntries::Marked));
    marked.internal = true;
    assert!(!is_public(&marked, PublicEntries::All));
    let handoff = entry("14:30", Kind::Role, "incident-lead: alice → bob");
    assert!(!is_public(&handoff, PublicEntries::All));
    let opening = entry("14:30", Kind::Status, "Opened \"Secret\" as SEV1");
    assert!(!is_public(&opening, PublicEntries::All));
}
