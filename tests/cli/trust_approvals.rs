//! Change decisions follow the incident lead of their moment (issue 25, point 11): after a merge,
//! `inc check` reports an approval made in a clone that had not yet seen the lead handed over.

use crate::common::{CHECKOUT, Repo, team};

/// Requests a change at `now` and returns its id.
fn request(repo: &Repo, now: &str, text: &str) -> String {
    let out = repo.ok_at(now, &["change", "request", text]);
    out.split("change ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string()
}

/// The 1-based line of the `by:` of the decision (`kind`) on change `id` in timeline.yaml.
fn decision_by_line(repo: &Repo, kind: &str, id: &str) -> (u64, String) {
    let text = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&n| lines[n].starts_with('-'))
        .collect();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(lines.len());
        let item = &lines[start..end];
        if item.contains(&format!("  kind: {kind}").as_str())
            && item.contains(&format!("  ref: {id}").as_str())
        {
            let n = (start..end).find(|&n| lines[n].contains("by: ")).unwrap();
            return (n as u64 + 1, lines[n].to_string());
        }
    }
    panic!("no {kind} of {id} in\n{text}");
}

fn findings(repo: &Repo) -> Vec<serde_json::Value> {
    let report = repo.json(&["check", "--json"]);
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == "change-not-by-lead")
        .cloned()
        .collect()
}

#[test]
fn an_approval_made_after_the_lead_passed_on_in_another_clone_is_reported_where_it_is() {
    let (_remote, a, b) = team();
    // Clone A: alice leads from 14:41 and approves a change while she leads.
    a.ok_at("14:41", &["role", "incident-lead", "alice"]);
    let early = request(&a, "14:42", "Restart the payments-db primary");
    a.ok_at("14:43", &["change", "approve", &early]);
    let late = request(&a, "14:44", "Roll back checkout to v412");
    a.ok_at("14:44", &["sync"]);
    b.ok_at("14:44", &["sync"]);

    // Clone A hands the lead to bob at 14:45; bob decides the next change, and it is pushed.
    a.ok_at("14:45", &["role", "incident-lead", "bob"]);
    let third = request(&a, "14:46", "Scale the pool");
    a.ok_at("14:47", &["change", "reject", &third, "--by", "bob"]);
    a.ok_at("14:48", &["sync"]);

    // Clone B has not pulled: alice still leads there, and approves at 14:50.
    b.ok_at("14:50", &["change", "approve", &late, "--by", "alice"]);
    assert!(findings(&b).is_empty(), "before the merge, alice led");
    b.ok_at("14:51", &["sync"]);

    let found = findings(&b);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (line, text) = decision_by_line(&b, "change-approved", &late);
    assert_eq!(text, "  by: alice");
    assert_eq!(
        found[0],
        serde_json::json!({
            "file": format!("incidents/{CHECKOUT}/timeline.yaml"),
            "line": line,
            "column": 3,
            "severity": "warning",
            "rule": "change-not-by-lead",
            "message": format!("change {late} was approved by alice at 2026-11-22 14:50, but bob was the incident-lead then (roles.yaml): only the incident-lead decides changes; bob should review it"),
        })
    );
    // The text report names the place too, and warnings alone do not fail the check.
    let text = b.ok_at("14:52", &["check"]);
    assert!(
        text.contains(&format!("incidents/{CHECKOUT}/timeline.yaml\n  {line}:3")),
        "{text}"
    );
    assert_eq!(b.run(&["check", "--strict"]).status.code(), Some(1));

    // Clone A, once it pulls, sees the same.
    a.ok_at("14:53", &["sync"]);
    assert_eq!(findings(&a), found);
}

#[test]
fn a_decision_with_nobody_leading_is_reported_and_decisions_by_the_lead_are_not() {
    let repo = Repo::with_lead();
    let id = request(&repo, "14:41", "Flush the CDN");
    repo.ok_at("14:42", &["change", "approve", &id]);
    assert!(findings(&repo).is_empty());
    // A hand edit backdates alice's lead past the approval: at 14:42 nobody led.
    let roles = format!("incidents/{CHECKOUT}/roles.yaml");
    let text = repo.read(&roles);
    repo.write(
        &roles,
        &text.replace("2026-11-22T14:40:00", "2026-11-22T14:43:00"),
    );
    let found = findings(&repo);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("change {id} was approved by alice at 2026-11-22 14:42, but nobody was the incident-lead then")),
        "{found:#?}"
    );
}
