//! What merges of two clones produce: the later change wins whichever clone syncs first (and with
//! a plain `git pull`), status and resolved time agree, an entry both clones edited is kept twice
//! and reported, and both directions of a merge give the same bytes.

use crate::common::{self, CHECKOUT, Repo};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";
const TIMELINE: &str = "incidents/2026-11-22-checkout-api-down/timeline.yaml";

/// [`common::team`] with the merge driver registered in the scribe's clone too.
fn team() -> (tempfile::TempDir, Repo, Repo) {
    let (temp, lead, scribe) = common::team();
    scribe.ok(&["list"]); // registers the merge driver, as any inc command does
    (temp, lead, scribe)
}

fn status(repo: &Repo) -> String {
    let shown = repo.json(&["show", "--json", "-i", CHECKOUT]);
    shown["status"].as_str().unwrap().to_string()
}

fn at(repo: &mut Repo, time: &str) {
    repo.now = format!("2026-11-22T{time}:00Z");
}

/// The status set at 14:50 in one clone beats the one set at 14:45 in the other, whichever clone
/// syncs first; the one that lost is logged.
#[test]
fn the_later_status_change_wins_whichever_clone_syncs_first() {
    for later_syncs_first in [true, false] {
        let (_remote, mut lead, mut scribe) = team();
        at(&mut lead, "14:50");
        lead.ok(&["status", "identified"]);
        at(&mut scribe, "14:45");
        scribe.ok(&["status", "monitoring"]);
        let (first, second) = if later_syncs_first {
            (&lead, &scribe)
        } else {
            (&scribe, &lead)
        };
        first.ok(&["sync"]);
        second.ok(&["sync"]);
        first.ok(&["sync"]);
        for repo in [&lead, &scribe] {
            assert_eq!(
                status(repo),
                "identified",
                "later syncs first: {later_syncs_first}"
            );
        }
        assert_eq!(lead.read(INCIDENT), scribe.read(INCIDENT));
        assert_eq!(lead.read(TIMELINE), scribe.read(TIMELINE));
        assert!(
            lead.read(TIMELINE).contains(
                "Merge: both clones changed status; kept identified (the later change), the other had monitoring"
            ),
            "{}",
            lead.read(TIMELINE)
        );
        assert!(
            lead.read(INCIDENT).contains("changed:\n")
                && lead
                    .read(INCIDENT)
                    .contains("\n  status: \"2026-11-22T14:50:00+00:00\"\n"),
            "{}",
            lead.read(INCIDENT)
        );
    }
}

#[test]
fn a_plain_git_pull_keeps_the_later_change_too() {
    let (_remote, mut lead, mut scribe) = team();
    at(&mut lead, "14:50");
    lead.ok(&["sev", "SEV1"]);
    lead.git(&["push", "-q", "origin", "HEAD"]);
    at(&mut scribe, "14:45");
    scribe.ok(&["sev", "SEV3"]);
    // The clone whose change is older merges: git alone runs the driver, no MERGE_HEAD to read.
    scribe.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "master"]);
    assert!(scribe.read(INCIDENT).contains("severity: SEV1\n"));
    // The next inc command logs what the merge chose.
    scribe.ok(&["log", "after the pull"]);
    assert!(scribe.read(TIMELINE).contains(
        "Merge: both clones changed severity; kept SEV1 (the later change), the other had SEV3"
    ));
}

/// Each clone merges the other's commits (no push in between): the same bytes either way.
#[test]
fn merging_either_way_gives_the_same_files() {
    let (_remote, mut lead, mut scribe) = team();
    at(&mut lead, "14:50");
    lead.ok(&["status", "identified"]);
    lead.ok(&["log", "from the lead"]);
    lead.ok(&["mark", "acknowledged", "--at", "14:10"]);
    at(&mut scribe, "14:45");
    scribe.ok(&["status", "monitoring"]);
    scribe.ok(&["sev", "SEV1"]);
    scribe.ok(&["log", "from the scribe"]);
    scribe.ok(&["mark", "acknowledged", "--at", "14:12"]);
    let fetch = |repo: &Repo, from: &Repo| {
        repo.git(&[
            "fetch",
            "-q",
            from.root().to_str().unwrap(),
            "master:refs/remotes/other/master",
        ]);
    };
    fetch(&lead, &scribe);
    fetch(&scribe, &lead);
    for repo in [&lead, &scribe] {
        repo.git(&["merge", "-q", "--no-edit", "other/master"]);
    }
    assert_eq!(lead.read(INCIDENT), scribe.read(INCIDENT));
    assert_eq!(lead.read(TIMELINE), scribe.read(TIMELINE));
    let incident = lead.read(INCIDENT);
    assert!(incident.contains("status: identified\n"), "{incident}");
    assert!(incident.contains("severity: SEV1\n"), "{incident}");
    // Both marked acknowledged; the scribe's mark was made at 14:45, the lead's at 14:50.
    assert!(
        incident.contains("acknowledged: \"2026-11-22T14:10:00+00:00\""),
        "{incident}"
    );
}

/// One clone resolved the incident; the other, later, moved its status on: the merge is a
/// reopened incident, not `identified` with a resolved time.
#[test]
fn resolved_in_one_clone_and_moved_on_later_in_the_other_is_reopened() {
    let (_remote, mut lead, mut scribe) = team();
    at(&mut lead, "15:00");
    lead.ok(&["resolve"]);
    lead.ok(&["sync"]);
    at(&mut scribe, "15:10");
    scribe.ok(&["status", "identified"]);
    scribe.ok(&["sync"]);
    // Checked after the last change, so no entry lies ahead of the clock.
    at(&mut lead, "15:10");
    lead.ok(&["sync"]);
    for repo in [&lead, &scribe] {
        let incident = repo.read(INCIDENT);
        assert!(incident.contains("status: identified\n"), "{incident}");
        assert!(incident.contains("  resolved: null\n"), "{incident}");
        assert_eq!(repo.ok(&["check"]), "No problems in 1 incident.\n");
    }
    assert!(lead.read(TIMELINE).contains(
        "Merge: status identified (the later status change) decides milestones.resolved; kept (none), the other clone had 2026-11-22T15:00:00+00:00"
    ));
    assert_eq!(lead.read(TIMELINE), scribe.read(TIMELINE));

    // Resolved later than the other clone moved the status: it stays resolved.
    let (_remote, mut lead, mut scribe) = team();
    at(&mut scribe, "14:55");
    scribe.ok(&["status", "identified"]);
    scribe.ok(&["sync"]);
    at(&mut lead, "15:00");
    lead.ok(&["resolve"]);
    lead.ok(&["sync"]);
    let incident = lead.read(INCIDENT);
    assert!(incident.contains("status: resolved\n"), "{incident}");
    assert!(
        incident.contains("  resolved: \"2026-11-22T15:00:00+00:00\"\n"),
        "{incident}"
    );
}

#[test]
fn reopening_clears_the_resolved_time() {
    let mut repo = Repo::with_incident();
    at(&mut repo, "15:00");
    repo.ok(&["resolve"]);
    at(&mut repo, "15:10");
    assert_eq!(
        repo.ok(&["status", "identified"]),
        format!(
            "{CHECKOUT}: Reopened: status resolved → identified, was resolved at 2026-11-22 15:00\n"
        )
    );
    assert!(repo.read(INCIDENT).contains("  resolved: null\n"));
    assert_eq!(repo.ok(&["check"]), "No problems in 1 incident.\n");
}

#[test]
fn check_reports_an_open_incident_with_a_resolved_time() {
    let repo = Repo::with_incident();
    let text = repo.read(INCIDENT).replace(
        "  resolved: null\n",
        "  resolved: \"2026-11-22T15:00:00+00:00\"\n",
    );
    repo.write(INCIDENT, &text);
    let line = text
        .lines()
        .position(|l| l.starts_with("  resolved:"))
        .unwrap()
        + 1;
    let out = repo.ok(&["check"]);
    assert!(
        out.contains(&format!("  {line}:3    warning  status is investigating but milestones.resolved is set: run inc resolve if it is over, or remove the resolved time if it was reopened  [open-but-resolved]")),
        "{out}"
    );
    // A warning (it is also the moment between `inc mark resolved` and `inc status resolved`).
    assert_eq!(repo.run(&["check", "--strict"]).status.code(), Some(1));
}

/// Hand-edits `text` of an entry to `new` in the timeline.
fn edit(repo: &Repo, text: &str, new: &str) {
    let timeline = repo.read(TIMELINE);
    assert!(timeline.contains(text), "{timeline}");
    repo.write(TIMELINE, &timeline.replace(text, new));
}

/// Two clones hand-edit the same entry differently: both versions are kept, `inc sync` says so,
/// and `inc check` points at the second version.
#[test]
fn an_entry_both_clones_edited_is_kept_twice_and_reported() {
    let (_remote, lead, scribe) = team();
    lead.ok(&["log", "Rolled back payments"]);
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    let id = lead.json(&["show", "--json"])["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "Rolled back payments")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    edit(
        &lead,
        "text: Rolled back payments\n",
        "text: Rolled back payments-service\n",
    );
    lead.ok(&["sync"]);
    edit(
        &scribe,
        "text: Rolled back payments\n",
        "text: Rolled back payments-api\n",
    );
    let out = scribe.ok(&["sync"]);
    let lines: Vec<&str> = out.lines().collect();
    let [conflict, synced] = lines.as_slice() else {
        panic!("{out}")
    };
    assert_eq!(*synced, "Synced master with origin (merged their changes)");
    let prefix =
        format!("conflict: both clones edited entry {id} of {TIMELINE}; kept both (the other as ");
    let other = conflict
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix("): delete the wrong one (inc check shows where)"))
        .unwrap_or_else(|| panic!("{conflict}"));
    lead.ok(&["sync"]);
    assert_eq!(lead.read(TIMELINE), scribe.read(TIMELINE));

    let timeline = lead.read(TIMELINE);
    assert!(timeline.contains(&format!("- id: {id}\n")), "{timeline}");
    assert!(
        timeline.contains("text: Rolled back payments-api\n"),
        "{timeline}"
    );
    assert!(
        timeline.contains(&format!("- id: {other}\n  conflict_of: {id}\n")),
        "{timeline}"
    );
    assert!(
        timeline.contains("text: Rolled back payments-service\n"),
        "{timeline}"
    );

    let line = timeline
        .lines()
        .position(|l| l.starts_with("  conflict_of:"))
        .unwrap()
        + 1;
    let out = lead.ok(&["check"]);
    assert!(
        out.contains(&format!("  {line}:3     warning  entry {other} is another version of entry {id}: two clones edited it differently and a merge kept both; delete the wrong one (and this conflict_of line)  [entry-conflict]")),
        "{out}"
    );
    // Resolved by deleting one version (and the marker): check is clean again.
    let start = timeline.find(&format!("- id: {other}\n")).unwrap();
    let end = timeline[start + 2..]
        .find("\n- ")
        .map_or(timeline.len(), |i| start + 2 + i + 1);
    lead.write(
        TIMELINE,
        &format!("{}{}", &timeline[..start], &timeline[end..]),
    );
    assert_eq!(lead.ok(&["check"]), "No problems in 1 incident.\n");
}

/// With a plain `git pull`, `inc check` is what reports the entry kept twice.
#[test]
fn a_plain_git_pull_keeps_both_edits_for_inc_check() {
    let (_remote, lead, scribe) = team();
    lead.ok(&["log", "Paged the DBA"]);
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    edit(
        &lead,
        "text: Paged the DBA\n",
        "text: Paged the DBA on call\n",
    );
    lead.git(&["commit", "-qam", "fix the entry"]);
    lead.git(&["push", "-q", "origin", "HEAD"]);
    edit(
        &scribe,
        "text: Paged the DBA\n",
        "text: Paged the DBA (Carol)\n",
    );
    scribe.git(&["commit", "-qam", "fix the entry"]);
    scribe.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "master"]);
    let timeline = scribe.read(TIMELINE);
    assert!(
        timeline.contains("text: Paged the DBA on call\n"),
        "{timeline}"
    );
    assert!(
        timeline.contains("text: Paged the DBA (Carol)\n"),
        "{timeline}"
    );
    let out = scribe.ok(&["check"]);
    assert!(out.contains("[entry-conflict]"), "{out}");
    assert_eq!(scribe.status(), "");
}

/// Files written before `changed` and `conflict_of` existed load, merge and gain the new field
/// only when inc changes the incident.
#[test]
fn files_from_before_change_times_still_merge() {
    let (_remote, lead, scribe) = team();
    // The incident as an earlier inc wrote it: no `changed` map.
    let old = "# yaml-language-server: $schema=../../.inc/schemas/incident.schema.json\ntitle: Checkout API down\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:40:00+00:00\"\nsummary: Checkout returns 500s\ntags:\n- checkout\nlinks: []\ndetection:\n  source: alert\nmilestones:\n  started: \"2026-11-22T14:02:00+00:00\"\n  detected: \"2026-11-22T14:05:00+00:00\"\n  acknowledged: null\n  mitigated: null\n  resolved: null\n";
    assert_eq!(lead.read(INCIDENT), old, "the fixture is what inc writes");
    // Old clones (hand edits stand in for an older inc: no change time recorded).
    lead.write(
        INCIDENT,
        &old.replace("status: investigating", "status: identified"),
    );
    lead.git(&["commit", "-qam", "identified"]);
    lead.git(&["push", "-q", "origin", "HEAD"]);
    scribe.write(
        INCIDENT,
        &old.replace("status: investigating", "status: monitoring"),
    );
    scribe.git(&["commit", "-qam", "monitoring"]);
    scribe.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "master"]);
    // Neither says when: the status further along wins, the same in every clone.
    assert_eq!(
        scribe.read(INCIDENT),
        old.replace("status: investigating", "status: monitoring")
    );
    scribe.ok(&["log", "after the pull"]);
    assert!(scribe.read(TIMELINE).contains(
        "Merge: both clones changed status; kept monitoring (neither recorded when, so chosen by value), the other had identified"
    ));
    scribe.ok(&["sev", "SEV1"]);
    assert!(
        scribe
            .read(INCIDENT)
            .ends_with("changed:\n  severity: \"2026-11-22T14:40:00+00:00\"\n")
    );
    scribe.ok(&["check"]);
}
