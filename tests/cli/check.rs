//! `inc check`: every rule, in all three output formats, with line numbers.

use crate::common::Repo;

const A: &str = "incidents/2026-11-22-checkout-api-down";

/// Puts `body` after the guidance comment of `## heading` in a post-mortem.
fn fill(text: &str, heading: &str, body: &str) -> String {
    let start = text.find(&format!("## {heading}\n")).unwrap();
    let end = start + text[start..].find("-->\n").unwrap() + 4;
    format!("{}\n{body}\n{}", &text[..end], &text[end..])
}

/// One repository that breaks every rule once.
fn broken_repo() -> Repo {
    let repo = Repo::new();

    // A: a resolved incident with comms gaps and a post-mortem in review with problems.
    repo.ok_at(
        "14:00",
        &[
            "open",
            "Checkout API down",
            "--sev",
            "SEV2",
            "--started",
            "13:50",
            "--detected",
            "13:55",
            "--source",
            "alert",
            "--lead",
            "alice",
            "--summary",
            "Checkout failed.",
        ],
    );
    repo.ok_at("14:05", &["role", "scribe", "carol"]);
    repo.ok_at("14:10", &["comms", "--to", "internal", "Investigating"]);
    repo.ok_at("14:20", &["log", "--key", "Rolled back"]);
    repo.ok_at("15:50", &["comms", "--to", "internal", "Fixed"]);
    repo.ok_at("16:00", &["resolve"]);
    repo.ok_at("16:05", &["postmortem"]);
    let pm = format!("{A}/postmortem.md");
    let mut text = repo.read(&pm).replace("status: draft", "status: in-review");
    for (heading, body) in [
        ("Root cause", "The pool was too small."),
        ("Resolution", "Rolled back."),
        (
            "Issues",
            "- Pool sizes are not validated.\n- Carol forgot to check the pool size.",
        ),
        (
            "Improvements",
            "- [ ] Validate pool sizes (owner: bob, due: 2026-12-15, type: prevent)\n- [ ] Alert on saturation (due: next week, type: fix, colour: blue)",
        ),
    ] {
        text = fill(&text, heading, body);
    }
    let trigger = text.find("## Trigger\n").unwrap();
    let detection = text.find("## Detection\n").unwrap();
    text.replace_range(trigger..detection, "");
    text = text.replace(
        "### What went well\n",
        "### What went well\n\n- The rollback was quick.\n",
    );
    repo.write(&pm, &text);

    // B: a typo in a key.
    repo.ok_at("14:30", &["open", "Typo in a key"]);
    let path = "incidents/2026-11-22-typo-in-a-key/incident.yaml";
    repo.write(
        path,
        &repo.read(path).replace("severity: SEV3", "severty: SEV3"),
    );

    // C: milestones out of order, and resolved without a resolved time.
    repo.ok_at(
        "14:30",
        &[
            "open",
            "Out of order",
            "--started",
            "14:00",
            "--detected",
            "14:10",
        ],
    );
    let path = "incidents/2026-11-22-out-of-order/incident.yaml";
    let text = repo
        .read(path)
        .replace(
            "started: \"2026-11-22T14:00:00+00:00\"",
            "started: \"2026-11-22T14:20:00+00:00\"",
        )
        .replace(
            "mitigated: null",
            "mitigated: \"2026-11-22T14:15:00+00:00\"",
        )
        .replace("status: investigating", "status: resolved");
    repo.write(path, &text);

    // D: a duplicate entry id, an unknown audience, conflict markers.
    repo.ok_at("14:30", &["open", "Duplicate ids"]);
    repo.ok_at("14:31", &["log", "one"]);
    repo.ok_at("14:32", &["comms", "--to", "customers", "Hello"]);
    let dir = "incidents/2026-11-22-duplicate-ids";
    let timeline = repo.read(&format!("{dir}/timeline.yaml"));
    let last = format!("- id: {}", timeline.rsplit("- id: ").next().unwrap());
    repo.write(
        &format!("{dir}/timeline.yaml"),
        &format!("{timeline}{last}"),
    );
    let comms = repo
        .read(&format!("{dir}/comms.yaml"))
        .replace("audience: customers", "audience: press");
    repo.write(&format!("{dir}/comms.yaml"), &comms);
    let roles = "- id: aaaaaa\n<<<<<<< HEAD\n  at: x\n=======\n  at: y\n>>>>>>> theirs\n";
    repo.write(&format!("{dir}/roles.yaml"), roles);

    // E: a value of the wrong type.
    repo.ok_at("14:30", &["open", "Wrong type"]);
    let path = "incidents/2026-11-22-wrong-type/incident.yaml";
    repo.write(
        path,
        &repo
            .read(path)
            .replace("tags: []", "tags: {service: checkout}"),
    );

    // G: a post-mortem copied from another incident.
    repo.ok_at("14:30", &["open", "Copied post-mortem"]);
    repo.ok_at("14:31", &["postmortem"]);
    let path = "incidents/2026-11-22-copied-post-mortem/postmortem.md";
    repo.write(
        path,
        &repo.read(path).replace(
            "incident: 2026-11-22-copied-post-mortem",
            "incident: 2026-11-22-checkout-api-down",
        ),
    );

    // H: a change approved by alice after a backdated handover had made bob the lead.
    repo.ok_at(
        "14:30",
        &["open", "Change by the old lead", "--lead", "alice"],
    );
    let out = repo.ok_at("14:31", &["change", "request", "Restart the pool"]);
    let change = out
        .split("change ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    repo.ok_at("14:33", &["change", "approve", change]);
    repo.ok_at("14:34", &["role", "incident-lead", "bob", "--at", "14:32"]);

    // F: resolved twelve days ago, no post-mortem.
    repo.ok_at(
        "2026-11-10T10:00:00Z",
        &["open", "Old outage", "--sev", "SEV4"],
    );
    repo.ok_at("2026-11-10T10:30:00Z", &["resolve"]);
    repo
}

fn check(repo: &Repo, args: &[&str]) -> (i32, String) {
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T17:00:00Z")
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn every_rule_in_text() {
    let repo = broken_repo();
    let (code, out) = check(&repo, &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_text", out);
}

#[test]
fn every_rule_as_github_annotations() {
    let repo = broken_repo();
    let (code, out) = check(&repo, &["--format", "github"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_github", out);
}

#[test]
fn every_rule_as_json() {
    let repo = broken_repo();
    let (code, out) = check(&repo, &["--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_json", out);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: std::collections::BTreeSet<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rule"].as_str().unwrap())
        .collect();
    let expected = [
        "change-not-by-lead",
        "comms-gap",
        "conflict-marker",
        "duplicate-id",
        "improvement-attribute",
        "improvement-due",
        "improvement-owner",
        "improvement-type",
        "issue-names-person",
        "milestone-order",
        "parse",
        "postmortem-incident",
        "postmortem-overdue",
        "resolved-without-time",
        "section-empty",
        "section-missing",
        "unknown-value",
    ];
    assert_eq!(rules.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn a_clean_repository_passes() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "fine"]);
    let (code, out) = check(&repo, &[]);
    assert_eq!((code, out.as_str()), (0, "No problems in 1 incident.\n"));
    let (code, out) = check(&repo, &["--format", "github"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn warnings_fail_only_with_strict() {
    let repo = Repo::new();
    repo.ok_at("2026-11-10T10:00:00Z", &["open", "Old outage"]);
    repo.ok_at("2026-11-10T10:30:00Z", &["resolve"]);
    let (code, out) = check(&repo, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning  resolved 12d 6h 30m ago and no post-mortem yet"),
        "{out}"
    );
    let (code, _) = check(&repo, &["--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn targets_are_ids_or_paths() {
    let repo = broken_repo();
    let (_, out) = check(&repo, &["typo"]);
    assert!(
        out.contains("incidents/2026-11-22-typo-in-a-key/incident.yaml")
            && out.contains("(1 incident checked)"),
        "{out}"
    );
    let (_, out) = check(
        &repo,
        &[
            "incidents/2026-11-22-out-of-order/incident.yaml",
            "incidents/2026-11-22-typo-in-a-key",
        ],
    );
    assert!(out.contains("(2 incidents checked)"), "{out}");
    let (_, all) = check(&repo, &["incidents"]);
    assert!(all.contains("(8 incidents checked)"), "{all}");
    let err = repo.fails(2, &["check", "nothing-like-this"]);
    assert_eq!(
        err,
        "error: no incident matches \"nothing-like-this\": `inc list --all` shows every id\n"
    );
    let err = repo.fails(2, &["check", ".inc"]);
    assert_eq!(
        err,
        "error: .inc is not inside incidents: name an incident by id or by a path in it\n"
    );
}

#[test]
fn conflict_markers_from_a_real_git_merge_are_found() {
    let repo = Repo::with_incident();
    repo.ok(&["postmortem"]);
    let pm = "incidents/2026-11-22-checkout-api-down/postmortem.md";
    let edit = |words: &str| {
        let text = repo
            .read(pm)
            .replace("## Impact\n", &format!("## Impact\n\n{words}\n"));
        repo.write(pm, &text);
        repo.git(&["commit", "-qam", words]);
    };
    repo.git(&["checkout", "-q", "-b", "other"]);
    edit("Half the checkouts failed.");
    repo.git(&["checkout", "-q", "-"]);
    edit("All checkouts failed.");
    let merge = std::process::Command::new("git")
        .current_dir(repo.root())
        .args(["merge", "-q", "other"])
        .env("HOME", repo.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge should conflict");
    let (code, out) = check(&repo, &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "error    git conflict marker left in the file: resolve the conflict  [conflict-marker]"
        ),
        "{out}"
    );
}
