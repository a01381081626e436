//! A post-mortem waived per incident, with a reason (`inc postmortem --waive --reason`, and
//! `inc import` for history): `postmortem_waived` in incident.yaml, and `inc check --strict` no
//! longer fails for the missing post-mortem.

use std::process::Output;

use crate::common::{CHECKOUT, Repo, bare_remote, outside};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";

/// Ten days after the incident: its post-mortem (due within 5 days) is overdue.
const LATER: &str = "2026-12-02T10:00:00Z";

fn run_at(repo: &Repo, now: &str, args: &[&str]) -> Output {
    repo.cmd().env("INC_NOW", now).args(args).output().unwrap()
}

fn strict_check(repo: &Repo) -> Output {
    run_at(repo, LATER, &["check", "--strict"])
}

fn resolved() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["resolve"]);
    repo
}

#[test]
fn a_waived_post_mortem_does_not_fail_check_strict() {
    let repo = resolved();
    let out = strict_check(&repo);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("postmortem-overdue"),
        "{out:?}"
    );

    let out = repo.ok(&[
        "postmortem",
        "--waive",
        "--reason",
        "Duplicate of the payments outage, written up there",
    ]);
    assert_eq!(
        out,
        format!(
            "{CHECKOUT}: Post-mortem waived: Duplicate of the payments outage, written up there\n"
        )
    );
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: waive postmortem"));
    let yaml = repo.read(INCIDENT);
    assert!(
        yaml.contains(
            "postmortem_waived:\n  reason: Duplicate of the payments outage, written up there\n  by: alice\n  at: \"2026-11-22T14:40:00+00:00\"\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains("\n  postmortem_waived: \"2026-11-22T14:40:00+00:00\"\n"),
        "{yaml}"
    );
    let timeline = repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    assert!(
        timeline.ends_with(
            "kind: edit\n  text: \"Post-mortem waived: Duplicate of the payments outage, written up there\"\n"
        ),
        "{timeline}"
    );

    let out = strict_check(&repo);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let shown = repo.ok(&["show"]);
    assert!(
        shown.contains(
            "\nPost-mortem: waived by alice at 2026-11-22 14:40: Duplicate of the payments outage, written up there\n"
        ),
        "{shown}"
    );
    let json = repo.json(&["show", "--json"]);
    assert_eq!(
        json["postmortem_waived"],
        serde_json::json!({
            "reason": "Duplicate of the payments outage, written up there",
            "by": "alice",
            "at": "2026-11-22T14:40:00+00:00"
        })
    );
    let list = repo.json(&["list", "--all", "--json"]);
    assert_eq!(list[0]["postmortem_waived"]["by"], "alice");
}

#[test]
fn a_waiver_needs_a_reason_and_something_to_waive() {
    let repo = resolved();
    let before = repo.state();
    let err = repo.fails(2, &["postmortem", "--waive"]);
    assert!(err.contains("--reason <TEXT>"), "{err}");
    let err = repo.fails(2, &["postmortem", "--waive", "--reason", "  "]);
    assert_eq!(
        err,
        "error: --reason is empty: say why this incident owes no post-mortem, like --reason \"imported history\"\n"
    );
    let err = repo.fails(2, &["postmortem", "--reason", "why"]);
    assert!(err.contains("--waive"), "{err}");
    assert_eq!(repo.state(), before);

    repo.ok(&["postmortem", "--waive", "--reason", "Imported history"]);
    let before = repo.state();
    let err = repo.fails(2, &["postmortem", "--waive", "--reason", "Again"]);
    assert_eq!(
        err,
        format!(
            "error: {CHECKOUT}'s post-mortem was waived already, by alice at 2026-11-22 14:40 (Imported history): to change why, edit postmortem_waived in incident.yaml\n"
        )
    );
    assert_eq!(repo.state(), before);

    // With a post-mortem written there is nothing to waive.
    let other = resolved();
    other.ok(&["postmortem"]);
    let before = other.state();
    let err = other.fails(2, &["postmortem", "--waive", "--reason", "No need"]);
    assert_eq!(
        err,
        format!(
            "error: {CHECKOUT} has a post-mortem (incidents/{CHECKOUT}/postmortem.md): there is nothing to waive\n"
        )
    );
    assert_eq!(other.state(), before);
}

const HISTORY: &str = "\
title,severity,started,detected,resolved
Checkout API down,SEV1,2026-03-04T10:00:00Z,2026-03-04T10:05:00Z,2026-03-04T11:00:00Z
Search slow,SEV2,2026-11-20T09:00:00Z,,
";

#[test]
fn imported_history_has_its_post_mortem_waived_unless_asked_to_owe_it() {
    let repo = Repo::new();
    let file = outside(&repo, "history.csv", HISTORY);
    let file = file.to_str().unwrap();
    let out = repo.ok(&["import", file, "--format", "csv", "--dry-run"]);
    assert!(
        out.contains("SEV1 resolved (1 entries, 0 updates, post-mortem waived) from"),
        "{out}"
    );
    assert!(
        out.contains("SEV2 investigating (1 entries, 0 updates) from"),
        "{out}"
    );
    repo.ok(&["import", file, "--format", "csv"]);
    let yaml = repo.read("incidents/2026-03-04-checkout-api-down/incident.yaml");
    assert!(
        yaml.contains(&format!(
            "postmortem_waived:\n  reason: imported from {file}\n  by: alice\n  at: \"2026-11-22T14:40:00+00:00\"\n"
        )),
        "{yaml}"
    );
    // The open one is live: it owes its post-mortem once resolved.
    let open = repo.read("incidents/2026-11-20-search-slow/incident.yaml");
    assert!(!open.contains("postmortem_waived"), "{open}");
    let out = run_at(
        &repo,
        LATER,
        &["check", "--strict", "2026-03-04-checkout-api-down"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // Asked to, history owes its post-mortems like any incident.
    let owed = Repo::new();
    owed.ok(&["import", file, "--format", "csv", "--owe-postmortems"]);
    let yaml = owed.read("incidents/2026-03-04-checkout-api-down/incident.yaml");
    assert!(!yaml.contains("postmortem_waived"), "{yaml}");
    let out = run_at(
        &owed,
        LATER,
        &["check", "--strict", "2026-03-04-checkout-api-down"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("postmortem-overdue"),
        "{out:?}"
    );
    let err = owed.fails(
        2,
        &[
            "import",
            file,
            "--format",
            "slack",
            "-i",
            "search",
            "--owe-postmortems",
        ],
    );
    assert!(
        err.contains("--owe-postmortems is for --format csv:"),
        "{err}"
    );
}

#[test]
fn an_export_keeps_its_waiver_through_import_and_gets_none_it_had_not() {
    let repo = resolved();
    let file = outside(&repo, "plain.jsonl", &repo.ok(&["export"]));
    let other = Repo::new();
    other.ok(&["import", file.to_str().unwrap(), "--format", "json"]);
    let json = other.json(&["show", "--json", "-i", CHECKOUT]);
    assert_eq!(json["postmortem_waived"], serde_json::Value::Null);
}

#[test]
fn an_export_keeps_its_waiver_through_import() {
    let repo = resolved();
    repo.ok(&[
        "postmortem",
        "--waive",
        "--reason",
        "Game day by another name",
    ]);
    let export = repo.ok(&["export"]);
    let file = outside(&repo, "all.jsonl", &export);
    let mut other = Repo::new();
    other.user = "bob".into();
    other.ok(&["import", file.to_str().unwrap(), "--format", "json"]);
    let json = other.json(&["show", "--json", "-i", CHECKOUT]);
    assert_eq!(
        json["postmortem_waived"]["reason"],
        "Game day by another name"
    );
    assert_eq!(json["postmortem_waived"]["by"], "alice");
}

#[test]
fn two_clones_waiving_differently_merge_to_one_whole_waiver() {
    let (_temp, remote) = bare_remote();
    let lead = resolved();
    lead.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    lead.ok(&["sync"]);
    let mut scribe = Repo::clone_of(&remote);
    scribe.user = "bob".into();

    let out = run_at(
        &lead,
        "2026-11-22T15:00:00Z",
        &["postmortem", "--waive", "--reason", "Imported history"],
    );
    assert!(out.status.success(), "{out:?}");
    let out = run_at(
        &scribe,
        "2026-11-22T15:10:00Z",
        &["postmortem", "--waive", "--reason", "Duplicate"],
    );
    assert!(out.status.success(), "{out:?}");
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    lead.ok(&["sync"]);
    // The later waiver wins whole: bob's reason with bob's name and time, in both clones.
    let wanted =
        "postmortem_waived:\n  reason: Duplicate\n  by: bob\n  at: \"2026-11-22T15:10:00+00:00\"\n";
    for clone in [&lead, &scribe] {
        let yaml = clone.read(INCIDENT);
        assert!(yaml.contains(wanted), "{yaml}");
        assert!(!yaml.contains("<<<<<<<"), "{yaml}");
    }
    assert_eq!(lead.read(INCIDENT), scribe.read(INCIDENT));
}
