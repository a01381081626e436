use crate::common::{CHECKOUT, Repo};

fn incident(repo: &Repo) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/incident.yaml"))
}

fn last_entry(repo: &Repo) -> serde_json::Value {
    let shown = repo.json(&["show", "--json", "-i", CHECKOUT]);
    let timeline = shown["timeline"].as_array().unwrap();
    // The most recently written entry: the one with the latest recorded-or-at time, last in file.
    let text = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    let last_id = text
        .rsplit("- id: ")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    timeline
        .iter()
        .find(|e| e["id"] == last_id.as_str())
        .unwrap()
        .clone()
}

fn both_files_in_one_commit(repo: &Repo) {
    assert_eq!(
        repo.head_files(),
        [
            format!("incidents/{CHECKOUT}/incident.yaml"),
            format!("incidents/{CHECKOUT}/timeline.yaml")
        ]
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn mark_sets_a_milestone_and_logs_it() {
    let repo = Repo::with_incident();
    repo.ok(&["mark", "mitigated", "--at", "14:30"]);
    assert!(incident(&repo).contains("  mitigated: \"2026-11-22T14:30:00+00:00\"\n"));
    let entry = last_entry(&repo);
    assert_eq!(entry["kind"], "milestone");
    assert_eq!(entry["text"], "Marked mitigated");
    assert_eq!(entry["at"], "2026-11-22T14:30:00+00:00");
    assert_eq!(entry["recorded"], "2026-11-22T14:40:00+00:00");
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: mark mitigated"));
    both_files_in_one_commit(&repo);

    repo.ok(&["mark", "mitigated", "--at", "14:35"]);
    assert_eq!(
        last_entry(&repo)["text"],
        "Moved mitigated from 2026-11-22 14:30"
    );
}

#[test]
fn mark_refuses_milestones_out_of_order() {
    let repo = Repo::with_incident();
    let before = repo.state();
    // A first signal may come before the impact; a mitigation may not.
    let err = repo.fails(2, &["mark", "mitigated", "--at", "14:00"]);
    assert_eq!(
        err,
        "error: started (2026-11-22 14:02) would be after mitigated (2026-11-22 14:00): check --at, or mark started again first\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn status_changes_are_logged() {
    let repo = Repo::with_incident();
    repo.ok(&["status", "identified"]);
    assert!(incident(&repo).contains("status: identified\n"));
    assert_eq!(
        last_entry(&repo)["text"],
        "Status investigating → identified"
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: status identified")
    );
    both_files_in_one_commit(&repo);
}

#[test]
fn setting_the_same_status_changes_nothing() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let out = repo.ok(&["status", "investigating"]);
    assert_eq!(out, format!("{CHECKOUT}: nothing to change\n"));
    assert_eq!(repo.state(), before);
}

#[test]
fn status_resolved_also_sets_the_resolved_time() {
    let repo = Repo::with_incident();
    repo.ok(&["status", "resolved"]);
    let yaml = incident(&repo);
    assert!(yaml.contains("status: resolved\n"));
    assert!(
        yaml.contains("  resolved: \"2026-11-22T14:40:00+00:00\"\n"),
        "{yaml}"
    );
}

#[test]
fn sev_changes_the_severity() {
    let repo = Repo::with_incident();
    repo.ok(&["sev", "sev1"]);
    assert!(incident(&repo).contains("severity: SEV1\n"));
    assert_eq!(last_entry(&repo)["text"], "Severity SEV2 → SEV1");
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: sev SEV1"));
    both_files_in_one_commit(&repo);
}

#[test]
fn resolve_sets_the_milestone_and_the_status() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve", "--at", "14:38"]);
    let yaml = incident(&repo);
    assert!(yaml.contains("status: resolved\n"));
    assert!(
        yaml.contains("  resolved: \"2026-11-22T14:38:00+00:00\"\n"),
        "{yaml}"
    );
    both_files_in_one_commit(&repo);
}

#[test]
fn resolve_now_computes_the_durations() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve"]);
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["status"], "resolved");
    assert_eq!(shown["durations"]["time_to_detect"], 180);
    assert_eq!(shown["durations"]["time_to_resolve"], 38 * 60);
    assert_eq!(shown["durations"]["detected_to_resolved"], 35 * 60);
    assert_eq!(
        shown["durations"]["time_to_mitigate"],
        serde_json::Value::Null
    );
    // Resolving again changes nothing.
    let before = repo.state();
    repo.ok(&["resolve"]);
    assert_eq!(repo.state(), before);
}

#[test]
fn status_resolved_at_a_time_before_detection_is_refused() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let err = repo.fails(2, &["status", "resolved", "--at", "14:03"]);
    assert_eq!(
        err,
        "error: detected (2026-11-22 14:05) would be after resolved (2026-11-22 14:03): check --at\n"
    );
    assert_eq!(repo.state(), before);
}
