//! Logs are read by a fast reader when they are in the form inc writes (src/model/fast_log.rs)
//! and by the YAML parser otherwise: hand-written YAML reads as before, and a broken log's error
//! is the parser's, with its line and column.

use crate::common::{CHECKOUT, Repo, texts, timeline};

fn append(repo: &Repo, yaml: &str) {
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    repo.write(&path, &format!("{}{yaml}", timeline(repo)));
}

#[test]
fn hand_written_yaml_in_a_log_reads_as_yaml() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "-i", CHECKOUT, "written by inc"]);
    append(
        &repo,
        "- id: hand01\n  at: &when \"2026-11-22T15:00:00+00:00\"\n  # a comment inside the entry\n  by: alice\n  kind: event\n  text: >-\n    folded\n    lines\n- {id: hand02, at: *when, by: bob, kind: event, text: flow}\n",
    );
    let texts = texts(&repo);
    assert!(texts.contains(&"written by inc".to_string()), "{texts:?}");
    assert!(texts.contains(&"folded lines".to_string()), "{texts:?}");
    assert!(texts.contains(&"flow".to_string()), "{texts:?}");
    let check = repo.json(&["check", "--format", "json"]);
    let rules: Vec<&str> = check["problems"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(!rules.contains(&"parse"), "{check}");
}

#[test]
fn a_broken_entry_in_inc_form_gets_the_parser_error_with_its_place() {
    let repo = Repo::with_incident();
    let lines = timeline(&repo).lines().count();
    append(
        &repo,
        "- id: hand01\n  at: \"yesterday\"\n  by: alice\n  kind: event\n  text: plain\n",
    );
    let check = repo.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let out = String::from_utf8(check.stdout).unwrap();
    assert!(out.contains(&format!("  {}:7 ", lines + 2)), "{out}");
    assert!(
        out.contains("\"yesterday\" is not an RFC 3339 time"),
        "{out}"
    );
    let out = repo.fails(1, &["show", "-i", CHECKOUT]);
    let at = format!("incidents/{CHECKOUT}/timeline.yaml:{}:7", lines + 2);
    assert!(out.contains(&at), "{out}");
}

#[test]
fn a_null_text_is_refused_as_the_parser_refuses_it() {
    let repo = Repo::with_incident();
    let lines = timeline(&repo).lines().count();
    append(
        &repo,
        "- id: hand01\n  at: \"2026-11-22T15:00:00+00:00\"\n  by: alice\n  kind: event\n  text: null\n",
    );
    let out = repo.fails(1, &["show", "-i", CHECKOUT]);
    let at = format!("incidents/{CHECKOUT}/timeline.yaml:{}:", lines + 5);
    assert!(out.contains(&at), "{out}");
    assert!(out.contains("null"), "{out}");
}
