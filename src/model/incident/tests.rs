//! Incident files: loading old and new shapes, milestones and change times.

use super::*;

fn t(text: &str) -> Option<Time> {
    Time::parse_rfc3339(text)
}

#[test]
fn durations_need_both_milestones() {
    let milestones = Milestones {
        started: t("2026-11-22T14:00:00Z"),
        detected: t("2026-11-22T14:05:00Z"),
        resolved: t("2026-11-22T15:33:00Z"),
        ..Milestones::default()
    };
    let d = milestones.durations();
    assert_eq!(d.time_to_detect, Some(300));
    assert_eq!(d.time_to_mitigate, None);
    assert_eq!(d.time_to_resolve, Some(5580));
    assert_eq!(d.detected_to_resolved, Some(5280));
}

#[test]
fn durations_are_never_negative() {
    let milestones = Milestones {
        started: t("2026-11-22T14:10:00Z"),
        resolved: t("2026-11-22T14:05:00Z"),
        ..Milestones::default()
    };
    assert_eq!(milestones.durations().time_to_resolve, Some(0));
}

#[test]
fn a_signal_before_the_impact_is_no_time_to_detect() {
    let milestones = Milestones {
        started: t("2026-12-07T21:00:00Z"),
        detected: t("2026-12-07T19:00:00Z"),
        resolved: t("2026-12-10T22:00:00Z"),
        ..Milestones::default()
    };
    assert!(milestones.out_of_order().is_empty());
    let d = milestones.durations();
    assert_eq!(d.time_to_detect, None);
    assert_eq!(d.signal_before_impact, Some(7200));
    assert_eq!(d.time_to_resolve, Some(73 * 3600));
    // Counted from when the impact was known: its start, not the signal.
    assert_eq!(d.detected_to_resolved, Some(73 * 3600));
    assert_eq!(d.shown()[0].1, "detected before impact (signal 2h before)");
}

#[test]
fn finds_milestones_out_of_order() {
    let milestones = Milestones {
        started: t("2026-11-22T14:10:00Z"),
        detected: t("2026-11-22T14:05:00Z"),
        mitigated: t("2026-11-22T14:08:00Z"),
        ..Milestones::default()
    };
    assert_eq!(
        milestones.out_of_order(),
        vec![(Milestone::Started, Milestone::Mitigated)]
    );
}

#[test]
fn changes_are_stamped_by_field_and_old_files_load_without_times() {
    let old = "title: x\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:00:00Z\"\n";
    let before: Incident =
        crate::model::from_yaml(std::path::Path::new("incident.yaml"), old).unwrap();
    assert!(before.changed.is_empty());
    assert!(!crate::model::to_yaml(&before).contains("changed"));
    let mut after = before.clone();
    after.status = Status::Resolved;
    after.milestones.resolved = t("2026-11-22T15:00:00Z");
    let now = t("2026-11-22T15:01:00Z").unwrap();
    after.stamp_changes(&before, now);
    assert_eq!(
        after.changed.keys().collect::<Vec<_>>(),
        ["milestones.resolved", "status"]
    );
    assert!(
        crate::model::to_yaml(&after).ends_with(
            "changed:\n  milestones.resolved: \"2026-11-22T15:01:00+00:00\"\n  status: \"2026-11-22T15:01:00+00:00\"\n"
        )
    );
    assert!(after.status_agrees() && before.status_agrees());
    after.status = Status::Identified;
    assert!(!after.status_agrees());
}

#[test]
fn links_are_bare_urls_or_titled_maps_in_yaml_and_json() {
    let yaml = "title: x\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:00:00Z\"\nlinks:\n- https://a.example.com\n- url: https://b.example.com\n  title: B board\n";
    let incident: Incident =
        crate::model::from_yaml(std::path::Path::new("incident.yaml"), yaml).unwrap();
    assert_eq!(incident.kind, DEFAULT_TYPE);
    assert_eq!(
        incident.links,
        [
            Link {
                url: "https://a.example.com".into(),
                title: None
            },
            Link {
                url: "https://b.example.com".into(),
                title: Some("B board".into())
            },
        ]
    );
    let written = crate::model::to_yaml(&incident);
    assert!(
        written.contains(
            "links:\n- https://a.example.com\n- url: https://b.example.com\n  title: B board\n"
        ),
        "{written}"
    );
    assert!(!written.contains("type:"));
    // The merge driver goes through JSON values.
    let back: Incident = serde_json::from_value(serde_json::to_value(&incident).unwrap()).unwrap();
    assert_eq!(back, incident);
    let bad = yaml.replace("  title: B board", "  titel: B board");
    let err = crate::model::from_yaml::<Incident>(std::path::Path::new("incident.yaml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("incident.yaml:8:3: unknown field `titel`"),
        "{err}"
    );
}

#[test]
fn writes_every_key_in_a_fixed_order() {
    let incident = Incident {
        title: "Checkout API down".into(),
        severity: "SEV2".into(),
        status: Status::Investigating,
        kind: DEFAULT_TYPE.into(),
        opened: t("2026-11-22T14:05:00+01:00").unwrap(),
        summary: String::new(),
        public_title: String::new(),
        public_summary: String::new(),
        impact: Impact::default(),
        tags: vec!["checkout".into()],
        links: vec![],
        detection: Detection {
            source: Some(Source::Alert),
        },
        milestones: Milestones {
            detected: t("2026-11-22T14:05:00+01:00"),
            ..Milestones::default()
        },
        postmortem_waived: None,
        changed: BTreeMap::new(),
    };
    let yaml = crate::model::to_yaml(&incident);
    assert_eq!(
        yaml,
        "title: Checkout API down\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:05:00+01:00\"\nsummary: \"\"\ntags:\n- checkout\nlinks: []\ndetection:\n  source: alert\nmilestones:\n  started: null\n  detected: \"2026-11-22T14:05:00+01:00\"\n  acknowledged: null\n  mitigated: null\n  resolved: null\n"
    );
    let back: Incident =
        crate::model::from_yaml(std::path::Path::new("incident.yaml"), &yaml).unwrap();
    assert_eq!(back, incident);
}
