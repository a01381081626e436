use crate::common::{CHECKOUT, Repo, timeline};

#[test]
fn log_appends_one_entry_and_commits_only_the_timeline() {
    let repo = Repo::with_incident();
    let before = timeline(&repo);
    let out = repo.ok(&["log", "Failed over primary DB"]);
    assert!(out.starts_with("14:40 logged "), "{out}");
    let after = timeline(&repo);
    assert!(after.starts_with(&before), "existing lines were rewritten");
    let added = &after[before.len()..];
    let id = out.split_whitespace().nth(2).unwrap();
    assert_eq!(
        added,
        format!(
            "- id: {id}\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  kind: event\n  text: Failed over primary DB\n"
        )
    );
    assert_eq!(
        repo.head_files(),
        [format!("incidents/{CHECKOUT}/timeline.yaml")]
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: log \"Failed over primary DB\"")
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn text_round_trips_exactly() {
    let repo = Repo::with_incident();
    let texts = [
        "no",
        "14:32",
        "yes",
        "null",
        "key: value # not a comment",
        "\"double\" and 'single' quotes",
        "multi\nline\n\nwith a blank line",
        "  indented first line\nsecond",
        "emoji 🔥 ünïcödé",
        "- looks like a list",
        "ends with newline\n",
        "[1, 2] {a: b} &x *y !z | > % @ `",
    ];
    for text in texts {
        // `--` lets a text start with a dash, as with any command-line tool.
        repo.ok(&["log", "--", text]);
    }
    let shown = repo.json(&["show", "--json"]);
    let logged: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "event")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(logged, texts);
}

#[test]
fn several_words_are_joined_like_echo() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "Restarted", "the", "pods"]);
    assert!(timeline(&repo).ends_with("  text: Restarted the pods\n"));
}

#[test]
fn a_backdated_entry_records_when_it_was_written() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--at", "10m ago", "Deploy 4711 went out"]);
    let shown = repo.json(&["show", "--json"]);
    let entry = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "Deploy 4711 went out")
        .unwrap()
        .clone();
    assert_eq!(entry["at"], "2026-11-22T14:30:00+00:00");
    assert_eq!(entry["recorded"], "2026-11-22T14:40:00+00:00");
    // Readers sort by time: the backdated entry comes before the 14:40 open entry.
    let ats: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap())
        .collect();
    let mut sorted = ats.clone();
    sorted.sort();
    assert_eq!(ats, sorted);
}

#[test]
fn kind_key_internal_and_by_are_recorded() {
    let repo = Repo::with_incident();
    repo.ok(&[
        "log",
        "--kind",
        "decision",
        "--key",
        "--internal",
        "--by",
        "bob",
        "Roll back",
    ]);
    let added = timeline(&repo);
    assert!(
        added.ends_with(
            "  by: bob\n  kind: decision\n  key: true\n  internal: true\n  text: Roll back\n"
        ),
        "{added}"
    );
}

#[test]
fn every_entry_gets_a_distinct_id() {
    let repo = Repo::with_incident();
    for _ in 0..5 {
        repo.ok(&["log", "same text at the same pinned time"]);
    }
    let shown = repo.json(&["show", "--json"]);
    let mut ids: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 6);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "duplicate ids");
}

#[test]
fn hand_edits_and_comments_survive_an_append() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let edited = format!(
        "{}# 14:20 Bob says the pager went off twice\n\n",
        timeline(&repo)
    );
    repo.write(&path, &edited);
    repo.git(&["commit", "-qam", "hand edit"]);
    repo.ok(&["log", "After the comment"]);
    let after = timeline(&repo);
    assert!(after.starts_with(&edited), "{after}");
    assert!(after.ends_with("  text: After the comment\n"));
}

#[test]
fn no_commit_writes_the_file_only() {
    let repo = Repo::with_incident();
    let head = repo.head();
    repo.ok(&["log", "--no-commit", "Not committed yet"]);
    assert_eq!(repo.head(), head);
    assert!(timeline(&repo).ends_with("  text: Not committed yet\n"));
    assert_eq!(
        repo.status(),
        format!(" M incidents/{CHECKOUT}/timeline.yaml\n")
    );
}

#[test]
fn commit_false_in_the_config_writes_the_file_only() {
    let repo = Repo::with_incident();
    let config = repo
        .read(".inc.yaml")
        .replace("commit: true", "commit: false");
    repo.write(".inc.yaml", &config);
    repo.git(&["commit", "-qam", "no commits please"]);
    let head = repo.head();
    repo.ok(&["log", "Files only"]);
    assert_eq!(repo.head(), head);
    assert!(timeline(&repo).ends_with("  text: Files only\n"));
}

#[test]
fn the_person_comes_from_by_then_inc_user_then_git() {
    let repo = Repo::with_incident();
    repo.cmd()
        .env_remove("INC_USER")
        .args(["log", "from git"])
        .assert()
        .failure();
    repo.git(&["config", "user.name", "Carol Git"]);
    repo.cmd()
        .env_remove("INC_USER")
        .args(["log", "from git"])
        .assert()
        .success();
    assert!(timeline(&repo).ends_with("  by: Carol Git\n  kind: event\n  text: from git\n"));
    repo.ok(&["log", "from env"]);
    assert!(timeline(&repo).ends_with("  by: alice\n  kind: event\n  text: from env\n"));
}

#[test]
fn relative_times_with_a_leading_dash_are_values_not_options() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--at", "-25m", "Dash relative"]);
    repo.ok(&["mark", "acknowledged", "--at", "-90s"]);
    let shown = repo.json(&["show", "--json"]);
    let entry = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"] == "Dash relative")
        .unwrap()
        .clone();
    assert_eq!(entry["at"], "2026-11-22T14:15:00+00:00");
    assert_eq!(
        shown["milestones"]["acknowledged"],
        "2026-11-22T14:38:30+00:00"
    );
}
