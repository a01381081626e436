//! Gaps found in earlier work and closed later: each test fails without its fix.

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
