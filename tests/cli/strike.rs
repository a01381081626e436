//! `inc strike ENTRY --reason TEXT`: a logbook entry withdrawn. It stays in timeline.yaml (a
//! strike entry is appended; nothing is rewritten), `inc show` prints it struck with the reason,
//! and reports, public outputs and the post-mortem leave it out.

use std::process::Output;

use crate::common::{CHECKOUT, Repo, bare_remote, outside, timeline};

/// Logs `text` and returns the entry's id (`14:40 logged ID in …`).
fn log(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["log"];
    all.extend_from_slice(args);
    let out = repo.ok(&all);
    out.split_whitespace().nth(2).unwrap().to_string()
}

fn entry<'a>(shown: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no entry {id}"))
}

/// The checkout incident with two entries, the first struck.
fn struck() -> (Repo, String, String) {
    let repo = Repo::with_incident();
    let wrong = log(&repo, &["--key", "--public", "Failed over the primary DB"]);
    let right = log(&repo, &["--key", "Restarted the payments workers"]);
    repo.ok(&["strike", &wrong, "--reason", "Logged in the wrong incident"]);
    (repo, wrong, right)
}

#[test]
fn a_struck_entry_stays_in_the_file_and_a_strike_is_appended() {
    let repo = Repo::with_incident();
    let wrong = log(&repo, &["Failed over the primary DB"]);
    let before = timeline(&repo);
    let out = repo.ok(&[
        "strike",
        &wrong[..4],
        "--reason",
        "Logged in the wrong incident",
    ]);
    assert_eq!(
        out,
        format!(
            "{CHECKOUT}: struck {wrong} \"Failed over the primary DB\" (Logged in the wrong incident)\n"
        )
    );
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: strike {wrong}"));
    assert_eq!(repo.status(), "");
    // Append-only: the file before is kept byte for byte, the strike follows it.
    let after = timeline(&repo);
    assert!(after.starts_with(&before), "{after}");
    let added = &after[before.len()..];
    assert!(
        added.ends_with(&format!(
            "  by: alice\n  kind: strike\n  ref: {wrong}\n  internal: true\n  text: Logged in the wrong incident\n"
        )),
        "{added}"
    );
}

#[test]
fn show_prints_it_struck_with_the_reason() {
    let (repo, wrong, right) = struck();
    let shown = repo.ok(&["show"]);
    assert!(
        shown.contains(
            "event           Failed over the primary DB [key] (struck: Logged in the wrong incident)\n"
        ),
        "{shown}"
    );
    // The strike itself is not a line of its own.
    assert!(!shown.contains("strike "), "{shown}");
    assert!(
        shown.contains("Restarted the payments workers [key]\n"),
        "{shown}"
    );

    // On a terminal (colours allowed) the text is struck through, not escaped.
    let out = repo
        .cmd()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["show"])
        .output()
        .unwrap();
    let styled = String::from_utf8(out.stdout).unwrap();
    assert!(
        styled.contains("F\u{336}a\u{336}i\u{336}l\u{336}e\u{336}d\u{336} \u{336}"),
        "{styled}"
    );
    assert!(
        styled.contains("(struck: Logged in the wrong incident)"),
        "{styled}"
    );

    let json = repo.json(&["show", "--json"]);
    let struck = entry(&json, &wrong);
    assert_eq!(struck["text"], "Failed over the primary DB");
    assert_eq!(struck["struck"]["by"], "alice");
    assert_eq!(struck["struck"]["reason"], "Logged in the wrong incident");
    assert_eq!(struck["struck"]["at"], "2026-11-22T14:40:00+00:00");
    let strike = entry(&json, struck["struck"]["id"].as_str().unwrap());
    assert_eq!(strike["kind"], "strike");
    assert_eq!(strike["ref"], wrong.as_str());
    assert_eq!(entry(&json, &right)["struck"], serde_json::Value::Null);
}

#[test]
fn reports_public_outputs_and_the_post_mortem_leave_it_out() {
    let (repo, _, _) = struck();
    for template in ["internal", "external", "tactical", "comms"] {
        let report = repo.ok(&["report", "--template", template]);
        assert!(!report.contains("Failed over"), "{template}: {report}");
        assert!(!report.contains("wrong incident"), "{template}: {report}");
    }
    let update = repo.ok(&["report", "--template", "update", "--audience", "customers"]);
    assert!(!update.contains("Failed over"), "{update}");
    let public = repo.ok(&["export", "--public"]);
    assert!(!public.contains("Failed over"), "{public}");
    // The summary's timelines leave it out; its own section says what was struck, and why.
    let summary = repo.ok(&["report", "--template", "summary"]);
    let (timelines, struck) = summary.split_once("## Struck entries").expect(&summary);
    assert!(!timelines.contains("Failed over"), "{timelines}");
    assert!(
        timelines.contains("Restarted the payments workers"),
        "{timelines}"
    );
    assert!(
        struck.contains(
            "| 2026-11-22 14:40 | alice | event | ~~Failed over the primary DB~~ | by alice at 2026-11-22 14:40: Logged in the wrong incident |"
        ),
        "{struck}"
    );
    let html = repo.ok(&["report", "--template", "summary", "--html"]);
    assert!(
        html.contains("<del>Failed over the primary DB</del>"),
        "{html}"
    );

    repo.ok(&["resolve"]);
    repo.ok(&["postmortem"]);
    let pm = repo.read(&format!("incidents/{CHECKOUT}/postmortem.md"));
    assert!(!pm.contains("Failed over"), "{pm}");
    assert!(pm.contains("Restarted the payments workers"), "{pm}");
}

#[test]
fn bad_strikes_are_one_line_and_write_nothing() {
    let repo = Repo::with_incident();
    let logged = log(&repo, &["Failed over the primary DB"]);
    repo.ok(&["strike", &logged, "--reason", "Wrong incident"]);
    let shown = repo.json(&["show", "--json"]);
    let opened = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "status")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = repo.state();
    let cases: Vec<(i32, Vec<&str>, String)> = vec![
        (
            2,
            vec!["strike", "zzzzzz", "--reason", "x"],
            format!(
                "error: no entry \"zzzzzz\" in {CHECKOUT}'s logbook: give the id inc log printed (inc show --json lists every entry's id)\n"
            ),
        ),
        (
            2,
            vec!["strike", &logged, "--reason", "  "],
            "error: --reason is empty: say why the entry is withdrawn, like --reason \"wrong incident\"\n".to_string(),
        ),
        (
            2,
            vec!["strike", &logged, "--reason", "Again"],
            format!("error: entry {logged} was struck already, by alice at 14:40 (Wrong incident)\n"),
        ),
        (
            2,
            vec!["strike", &opened, "--reason", "x"],
            format!(
                "error: entry {opened} is a status entry, which inc wrote for a change to the incident: only what people log (event, action, decision, observation, detection) can be struck; change the incident back instead\n"
            ),
        ),
    ];
    for (code, args, wanted) in cases {
        assert_eq!(repo.fails(code, &args), wanted, "{args:?}");
    }
    let err = repo.fails(2, &["strike", &logged]);
    assert!(err.contains("--reason <TEXT>"), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn an_old_logbook_takes_a_strike() {
    // timeline.yaml as an inc before strikes wrote it.
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let old = format!(
        "{}- id: abc234\n  at: \"2026-11-22T14:32:00+01:00\"\n  by: bob\n  kind: observation\n  key: true\n  text: \"Error rate 40%\"\n",
        repo.read(&path)
    );
    repo.write(&path, &old);
    repo.git(&["commit", "-qam", "a hand edit"]);
    repo.ok(&["strike", "abc234", "--reason", "That was staging"]);
    let shown = repo.ok(&["show"]);
    assert!(
        shown.contains("Error rate 40% [key] (struck: That was staging)"),
        "{shown}"
    );
    assert!(repo.read(&path).starts_with(&old));
    let out = repo.run(&["check"]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn two_clones_striking_merge_without_conflict() {
    let (_temp, remote) = bare_remote();
    let lead = Repo::with_incident();
    let a = log(&lead, &["Failed over the primary DB"]);
    let b = log(&lead, &["Paged the payments team"]);
    lead.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    lead.ok(&["sync"]);
    let mut scribe = Repo::clone_of(&remote);
    scribe.user = "bob".into();

    // Both strike a; the scribe strikes b too, and the lead edits nothing else.
    let run_at = |repo: &Repo, now: &str, args: &[&str]| -> Output {
        repo.cmd().env("INC_NOW", now).args(args).output().unwrap()
    };
    assert!(
        run_at(
            &lead,
            "2026-11-22T14:50:00Z",
            &["strike", &a, "--reason", "Wrong incident"]
        )
        .status
        .success()
    );
    assert!(
        run_at(
            &scribe,
            "2026-11-22T14:45:00Z",
            &["strike", &a, "--reason", "Duplicate"]
        )
        .status
        .success()
    );
    assert!(
        run_at(
            &scribe,
            "2026-11-22T14:46:00Z",
            &["strike", &b, "--reason", "Never happened"]
        )
        .status
        .success()
    );
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    lead.ok(&["sync"]);
    assert_eq!(timeline(&lead), timeline(&scribe));
    assert!(
        !timeline(&lead).contains("conflict_of"),
        "{}",
        timeline(&lead)
    );
    // Both strikes of a are kept; the earlier one is what show says.
    let shown = lead.ok(&["show"]);
    assert!(
        shown.contains("Failed over the primary DB (struck: Duplicate)"),
        "{shown}"
    );
    assert!(
        shown.contains("Paged the payments team (struck: Never happened)"),
        "{shown}"
    );
    assert_eq!(timeline(&lead).matches("kind: strike").count(), 3);
}

#[test]
fn an_export_brings_its_strikes_back() {
    let (repo, wrong, _) = struck();
    let file = outside(&repo, "all.jsonl", &repo.ok(&["export"]));
    let other = Repo::new();
    other.ok(&["import", file.to_str().unwrap(), "--format", "json"]);
    let json = other.json(&["show", "--json", "-i", CHECKOUT]);
    assert_eq!(
        entry(&json, &wrong)["struck"]["reason"],
        "Logged in the wrong incident"
    );
    assert_eq!(json, repo.json(&["show", "--json"]));
}
