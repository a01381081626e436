//! `inc check` rules added to close gaps found in earlier work: a change time in the future,
//! a type that owes no post-mortem, an attached file gone missing. Each test fails without its
//! fix.

use crate::common::{CHECKOUT, Repo};

fn problems(repo: &Repo, rule: &str) -> Vec<serde_json::Value> {
    let out = repo.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == rule)
        .cloned()
        .collect()
}

/// A change time ahead of every clock would win every later merge of its field.
#[test]
fn check_warns_about_a_change_time_in_the_future() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/incident.yaml");
    let text = repo.read(&path);
    assert!(!text.contains("changed:"), "{text}");
    repo.write(
        &path,
        &format!("{text}changed:\n  severity: \"2031-01-01T00:00:00+00:00\"\n"),
    );
    let found = problems(&repo, "future-time");
    assert_eq!(found.len(), 1, "{found:?}");
    let line = text.lines().count() as u64 + 2;
    assert_eq!(found[0]["line"], line, "{found:?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the change time of severity is ")
            && message.contains("a merge would keep this change over every later one"),
        "{message}"
    );
    // The warning does not stay in the parse cache once the time is corrected.
    repo.write(
        &path,
        &format!("{text}changed:\n  severity: \"2026-11-22T14:30:00+00:00\"\n"),
    );
    assert!(problems(&repo, "future-time").is_empty());
}

/// A false alarm (and a game day) is not asked for a post-mortem; a real incident still is, and
/// a type can ask again with `postmortem: required`.
#[test]
fn false_alarms_owe_no_post_mortem() {
    let repo = Repo::new();
    for (title, kind) in [("Pager noise", "false-alarm"), ("Real outage", "incident")] {
        repo.ok_at("10:00", &["open", title, "--sev", "SEV2", "--type", kind]);
    }
    for id in ["2026-11-22-pager-noise", "2026-11-22-real-outage"] {
        repo.ok_at("11:00", &["resolve", "-i", id]);
    }
    let later = |repo: &Repo| {
        let out = repo
            .cmd()
            .env("INC_NOW", "2026-12-20T12:00:00Z")
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut overdue: Vec<String> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["rule"] == "postmortem-overdue")
            .map(|p| p["file"].as_str().unwrap().to_string())
            .collect();
        overdue.sort();
        overdue
    };
    assert_eq!(
        later(&repo),
        ["incidents/2026-11-22-real-outage/incident.yaml"]
    );
    let config = repo.read(".inc.yaml");
    assert!(config.contains("false-alarm: {exclude_from_metrics: true, postmortem: optional}"));
    repo.write(
        ".inc.yaml",
        &config.replace(
            "false-alarm: {exclude_from_metrics: true, postmortem: optional}",
            "false-alarm: {exclude_from_metrics: true, postmortem: required}",
        ),
    );
    assert_eq!(
        later(&repo),
        [
            "incidents/2026-11-22-pager-noise/incident.yaml",
            "incidents/2026-11-22-real-outage/incident.yaml"
        ]
    );
}

/// An entry that attaches a file whose copy in attachments/ is gone is an error, found at the
/// entry's `attachment:` line, also after a check that found nothing was cached; a hand-written
/// name that is not a file name there is one too.
#[test]
fn check_finds_an_attached_file_that_is_missing() {
    let repo = Repo::with_incident();
    let graph = crate::common::outside(&repo, "p99.png", "not really a png");
    repo.ok(&["attach", graph.to_str().unwrap(), "--note", "p99 latency"]);
    let dir = format!("incidents/{CHECKOUT}");
    let attached = repo.path(&format!("{dir}/attachments/p99.png"));
    assert!(attached.is_file());
    // Settled, checked twice: whatever may be cached is.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    repo.ok(&["check"]);
    repo.ok(&["check"]);
    assert!(problems(&repo, "attachment-missing").is_empty());
    std::fs::remove_file(&attached).unwrap();
    let found = problems(&repo, "attachment-missing");
    assert_eq!(found.len(), 1, "{found:?}");
    let line = repo
        .read(&format!("{dir}/timeline.yaml"))
        .lines()
        .position(|l| l.trim_start() == "attachment: p99.png")
        .unwrap()
        + 1;
    assert_eq!(found[0]["line"], line as u64);
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("attaches p99.png, but attachments/p99.png is missing"),
        "{message}"
    );
    let timeline = format!("{dir}/timeline.yaml");
    let text = repo.read(&timeline);
    repo.write(
        &timeline,
        &text.replace("attachment: p99.png", "attachment: ../../.inc.yaml"),
    );
    let found = problems(&repo, "attachment-name");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(problems(&repo, "attachment-missing").is_empty());
}
