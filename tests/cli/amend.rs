//! Amending an incident (`inc edit`, `inc tag`, `inc link`, `inc unlink`), incident types, and
//! the `inc list` filters (issue 14, points 1, 3 and 7).

use std::path::PathBuf;
use std::process::Output;

use crate::common::{CHECKOUT, Repo};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";
const TIMELINE: &str = "incidents/2026-11-22-checkout-api-down/timeline.yaml";

/// The texts of the timeline's `edit` entries, in file order.
fn edits(repo: &Repo) -> Vec<String> {
    let timeline: serde_json::Value = repo.json(&["show", "--json"]);
    timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "edit")
        .map(|e| {
            format!(
                "{} {}",
                e["by"].as_str().unwrap(),
                e["text"].as_str().unwrap()
            )
        })
        .collect()
}

/// A shell script outside the repository, for EDITOR.
fn editor(repo: &Repo, name: &str, body: &str) -> PathBuf {
    let path = repo.root().parent().unwrap().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .unwrap();
    path
}

fn edit_with(repo: &Repo, editor: &PathBuf) -> Output {
    repo.cmd()
        .env("EDITOR", editor)
        .arg("edit")
        .output()
        .unwrap()
}

fn commits(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn edit_title_and_summary_are_one_commit_and_one_entry_each() {
    let repo = Repo::with_incident();
    let before = commits(&repo);
    let out = repo.ok(&[
        "edit",
        "--title",
        "  Checkout API returns 502s ",
        "--summary",
        "Failed over to the replica",
        "--by",
        "bob",
    ]);
    insta::assert_snapshot!("edit_title_summary", out);
    assert_eq!(commits(&repo), before + 2);
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: edit summary"));
    assert_eq!(
        edits(&repo),
        [
            "bob Title \"Checkout API down\" → \"Checkout API returns 502s\"",
            "bob Summary \"Checkout returns 500s\" → \"Failed over to the replica\"",
        ]
    );
    // The id (and directory) stays the one the first title made.
    let yaml = repo.read(INCIDENT);
    assert!(
        yaml.contains("title: Checkout API returns 502s\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  title: \"2026-11-22T14:40:00+00:00\"\n"),
        "{yaml}"
    );
    assert!(repo.status().is_empty(), "{}", repo.status());
    // The same value again changes nothing and commits nothing.
    let head = repo.head();
    let out = repo.ok(&["edit", "--title", "Checkout API returns 502s"]);
    assert_eq!(out, format!("{CHECKOUT}: nothing to change\n"));
    assert_eq!(repo.head(), head);
    // An empty summary clears it.
    repo.ok(&["edit", "--summary", ""]);
    assert!(repo.read(INCIDENT).contains("summary: \"\"\n"));
}

#[test]
fn tags_are_added_and_removed_as_open_keeps_them() {
    let repo = Repo::with_incident();
    let mut transcript = String::new();
    for args in [
        &["tag", "add", "database", " payments ,eu-west", "database"][..],
        &["tag", "add", "Checkout"],
        &["tag", "remove", "PAYMENTS", "nothing-like-it"],
        &["tag", "remove", "nothing-like-it"],
    ] {
        let head = repo.head();
        let out = repo.ok(args);
        let committed = if repo.head() == head {
            ""
        } else {
            " [committed]"
        };
        transcript.push_str(&format!("$ inc {}{committed}\n{out}", args.join(" ")));
    }
    insta::assert_snapshot!("tags", transcript);
    assert!(
        repo.read(INCIDENT)
            .contains("tags:\n- checkout\n- database\n- eu-west\n")
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: tag remove PAYMENTS nothing-like-it")
    );
    assert_eq!(edits(&repo).len(), 2);
}

#[test]
fn links_keep_a_title_and_bare_links_stay_urls() {
    let repo = Repo::with_incident();
    let mut transcript = String::new();
    for args in [
        &[
            "link",
            "https://grafana.example.com/d/checkout",
            "--title",
            "Checkout dashboard",
        ][..],
        &["link", "http://chat.example.com/C042"],
        &["link", "https://grafana.example.com/d/checkout"],
        &[
            "link",
            "https://grafana.example.com/d/checkout",
            "--title",
            "Checkout board",
        ],
        &["unlink", "http://chat.example.com/C042"],
        &["link", " https://tracker.example.com/OPS-1 "],
    ] {
        transcript.push_str(&format!("$ inc {}\n{}", args.join(" "), repo.ok(args)));
    }
    insta::assert_snapshot!("links", transcript);
    let yaml = repo.read(INCIDENT);
    assert!(
        yaml.contains(
            "links:\n- url: https://grafana.example.com/d/checkout\n  title: Checkout board\n- https://tracker.example.com/OPS-1\n"
        ),
        "{yaml}"
    );
    let show = repo.ok(&["show"]);
    assert!(
        show.contains(
            "\nLinks\n  https://grafana.example.com/d/checkout  Checkout board\n  https://tracker.example.com/OPS-1\n"
        ),
        "{show}"
    );
    let json = repo.json(&["show", "--json"]);
    assert_eq!(
        json["links"],
        serde_json::json!([
            {"url": "https://grafana.example.com/d/checkout", "title": "Checkout board"},
            "https://tracker.example.com/OPS-1"
        ])
    );
    assert_eq!(repo.ok(&["check"]), "No problems in 1 incident.\n");
}

#[test]
fn every_refusal_writes_nothing() {
    let cases: &[(&[&str], i32)] = &[
        (&["edit", "--title", "  "], 2),
        (&["edit"], 2),
        (&["tag", "add", " , "], 2),
        (&["link", "ftp://files.example.com/x"], 2),
        (&["link", "javascript:alert(1)"], 2),
        (&["link", "grafana.example.com"], 2),
        (&["link", "https://example.com/a b"], 2),
        (&["link", "https://example.com", "--title", " "], 2),
        (&["unlink", "https://nowhere.example.com"], 2),
        (&["open", "Drill", "--type", "gameday2"], 2),
        (&["open", "Drill", "--type", ""], 2),
        (&["list", "--type", "outage"], 2),
        (&["list", "--since", "yesterday-ish"], 2),
        (&["list", "--lead", " "], 2),
    ];
    let repo = Repo::with_incident();
    repo.ok(&["link", "https://grafana.example.com/d/checkout"]);
    let mut transcript = String::new();
    for (args, code) in cases {
        let before = repo.state();
        let err = repo.fails(*code, args);
        assert_eq!(err.lines().count(), 1, "not one line: {err}");
        assert_eq!(repo.state(), before, "inc {args:?} changed something");
        transcript.push_str(&format!("$ inc {}\n[exit {code}] {err}", args.join(" ")));
    }
    insta::assert_snapshot!("refusals", transcript);
}

#[test]
fn the_editor_changes_any_field_in_one_commit() {
    let repo = Repo::with_incident();
    let script = editor(
        &repo,
        "editor.sh",
        "sed -i -e 's/^severity: SEV2/severity: SEV1/' -e 's/^title: .*/title: Checkout is down/' \"$1\"",
    );
    let before = commits(&repo);
    let out = edit_with(&repo, &script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("editor_valid", String::from_utf8(out.stdout).unwrap());
    assert_eq!(commits(&repo), before + 1);
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: edit"));
    assert_eq!(
        repo.head_files(),
        [INCIDENT.to_string(), TIMELINE.to_string()]
    );
    let yaml = repo.read(INCIDENT);
    assert!(yaml.contains("severity: SEV1\n"), "{yaml}");
    assert!(
        yaml.contains("  severity: \"2026-11-22T14:40:00+00:00\"\n"),
        "{yaml}"
    );
    assert!(repo.status().is_empty(), "{}", repo.status());
    // Saving without a change commits nothing.
    let head = repo.head();
    let out = edit_with(&repo, &editor(&repo, "noop.sh", "true"));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{CHECKOUT}: nothing to change\n")
    );
    assert_eq!(repo.head(), head);
}

#[test]
fn a_broken_edit_is_refused_and_kept_in_a_recovery_file() {
    let repo = Repo::with_incident();
    let recovered = repo.path(".git/inc/recovered");
    let kept = |n: &str| recovered.join(format!("{CHECKOUT}-incident.yaml.20261122T144000Z{n}"));
    let mut transcript = String::new();
    for (name, body) in [
        (
            "unparsable.sh",
            "sed -i 's/^severity: SEV2/severity: [SEV1/' \"$1\"",
        ),
        (
            "unknown.sh",
            "sed -i 's/^severity: SEV2/severity: SEV9/' \"$1\"",
        ),
        (
            "order.sh",
            "sed -i 's/^  mitigated: .*/  mitigated: \"2026-11-22T14:00:00+00:00\"/' \"$1\"",
        ),
        (
            "type.sh",
            "sed -i 's/^status: investigating/status: investigating\\ntype: drll/' \"$1\"",
        ),
        ("fails.sh", "echo 'title: half saved' > \"$1\"; exit 3"),
    ] {
        let before = repo.state();
        let out = edit_with(&repo, &editor(&repo, name, body));
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(repo.state(), before, "{name} changed something");
        transcript.push_str(&format!(
            "{name}: {}",
            err.replace(repo.root().parent().unwrap().to_str().unwrap(), "[TMP]")
        ));
    }
    insta::assert_snapshot!("editor_refused", transcript);
    // What was typed is kept, one file per refusal, never over an earlier one.
    assert!(
        std::fs::read_to_string(kept(""))
            .unwrap()
            .contains("severity: [SEV1\n")
    );
    assert!(
        std::fs::read_to_string(kept("-2"))
            .unwrap()
            .contains("severity: SEV9\n")
    );
    assert_eq!(
        std::fs::read_to_string(kept("-5")).unwrap(),
        "title: half saved\n"
    );
    // The next command has nothing left over to commit.
    assert_eq!(repo.run(&["log", "Still fine"]).stderr, b"");
}

#[test]
fn the_editor_is_never_opened_through_a_link() {
    let repo = Repo::with_incident();
    let outside = repo.root().parent().unwrap().join("elsewhere.yaml");
    std::fs::write(&outside, repo.read(INCIDENT)).unwrap();
    std::fs::remove_file(repo.path(INCIDENT)).unwrap();
    std::os::unix::fs::symlink(&outside, repo.path(INCIDENT)).unwrap();
    let script = editor(&repo, "touch.sh", "echo touched >> \"$1\"");
    let out = edit_with(&repo, &script);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("symbolic link"), "{err}");
    assert!(
        !std::fs::read_to_string(&outside)
            .unwrap()
            .contains("touched")
    );
}

#[test]
fn old_incident_and_config_files_still_load_and_round_trip() {
    let repo = Repo::with_incident();
    // .inc.yaml from before types, and incident.yaml from before type and link titles.
    repo.write(
        ".inc.yaml",
        "incidents_dir: incidents\nseverities: [SEV1, SEV2, SEV3, SEV4]\n",
    );
    let old = "title: Checkout API down\nseverity: SEV2\nstatus: investigating\nopened: \"2026-11-22T14:05:00+00:00\"\nsummary: \"\"\ntags:\n- checkout\nlinks:\n- https://grafana.example.com/d/checkout\ndetection:\n  source: alert\nmilestones:\n  started: null\n  detected: \"2026-11-22T14:05:00+00:00\"\n  acknowledged: null\n  mitigated: null\n  resolved: null\n";
    repo.write(INCIDENT, old);
    repo.git(&["commit", "-qam", "old format"]);
    let json = repo.json(&["show", "--json"]);
    assert_eq!(json["type"], "incident");
    assert_eq!(
        json["links"],
        serde_json::json!(["https://grafana.example.com/d/checkout"])
    );
    assert_eq!(repo.ok(&["check"]), "No problems in 1 incident.\n");
    repo.ok(&["tag", "add", "db"]);
    // Rewritten with only what changed: no `type:` line, the link still a bare URL.
    let diff = repo.git(&["diff", "HEAD~1", "--", INCIDENT]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changed,
        [
            "+# yaml-language-server: $schema=../../.inc/schemas/incident.schema.json",
            "+- db",
            "+changed:",
            "+  tags: \"2026-11-22T14:40:00+00:00\"",
        ]
    );
}

#[test]
fn types_leave_game_days_out_of_stats_unless_asked() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve", "--at", "14:30"]);
    let id = repo.ok(&[
        "open",
        "Failover drill",
        "--type",
        "Game Day",
        "--started",
        "13:00",
        "--detected",
        "13:01",
    ]);
    assert_eq!(id, "2026-11-22-failover-drill\n");
    assert!(
        repo.read("incidents/2026-11-22-failover-drill/incident.yaml")
            .contains("\ntype: game-day\n")
    );
    repo.ok(&["resolve", "--at", "13:20"]);
    repo.ok(&[
        "open",
        "Pager noise",
        "--type",
        "false-positive",
        "--detected",
        "12:00",
    ]);
    repo.ok(&["resolve", "--at", "12:05"]);
    let show = repo.ok(&["show", "-i", "drill"]);
    assert!(show.contains(" · type game-day\n"), "{show}");

    insta::assert_snapshot!("stats_without_excluded", repo.ok(&["stats"]));
    let all = repo.json(&["stats", "--include-all", "--json"]);
    assert_eq!(all[0]["count"], 3);
    let out = repo.run(&["stats", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["count"], 1);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "Left out 2 incidents of types excluded from metrics (false-alarm 1, game-day 1): --include-all counts them.\n"
    );
    // One incident asked for by -i is measured whatever its type.
    assert_eq!(
        repo.json(&["stats", "-i", "drill", "--json"])[0]["count"],
        1
    );

    let types = repo.ok(&["list", "--all", "--type", "game"]);
    assert!(
        types.contains("failover-drill") && !types.contains(CHECKOUT),
        "{types}"
    );
    let listed = repo.json(&["list", "--all", "--json"]);
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["false-alarm", "game-day", "incident"]);
}

#[test]
fn check_reports_an_unknown_type_where_it_is() {
    let repo = Repo::with_incident();
    let yaml = repo.read(INCIDENT).replace(
        "status: investigating\n",
        "status: investigating\ntype: gameday\n",
    );
    repo.write(INCIDENT, &yaml);
    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("check_unknown_type", String::from_utf8(out.stdout).unwrap());
    // A configured type is fine.
    repo.write(
        ".inc.yaml",
        "types:\n  incident: {}\n  gameday: {exclude_from_metrics: true}\n",
    );
    assert_eq!(repo.ok(&["check"]), "No problems in 1 incident.\n");
    // A configuration without `incident` is refused.
    repo.write(".inc.yaml", "types:\n  gameday: {}\n");
    let err = repo.fails(1, &["list"]);
    assert_eq!(
        err,
        "error: .inc.yaml: types must include incident: it is the type of every incident that does not name one\n"
    );
}

#[test]
fn list_filters_combine() {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "Bob"]);
    repo.ok(&["role", "incident-lead", "carol"]);
    repo.ok(&["tag", "add", "Database"]);
    repo.ok(&[
        "open",
        "Slow search",
        "--started",
        "2026-11-20T09:00:00Z",
        "--detected",
        "2026-11-20 09:30",
        "--at",
        "2026-11-20 09:30",
        "--tag",
        "search,database",
        "--lead",
        "dave",
    ]);
    repo.ok(&["resolve", "--at", "2026-11-20 10:00"]);
    repo.ok(&["open", "Drill", "--type", "game-day", "--tag", "database"]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list", "--json"];
        full.extend_from_slice(args);
        repo.json(&full)
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().split_at(11).1.to_string())
            .collect()
    };
    assert_eq!(ids(&["--tag", "database"]), ["drill", "checkout-api-down"]);
    assert_eq!(
        ids(&["--all", "--tag", "DATABASE"]),
        ["drill", "checkout-api-down", "slow-search"]
    );
    assert_eq!(ids(&["--all", "--tag", "database,search"]), ["slow-search"]);
    assert_eq!(
        ids(&["--all", "--type", "incident"]),
        ["checkout-api-down", "slow-search"]
    );
    assert_eq!(
        ids(&["--all", "--since", "2026-11-21"]),
        ["drill", "checkout-api-down"]
    );
    assert_eq!(ids(&["--all", "--until", "2026-11-21"]), ["slow-search"]);
    assert_eq!(
        ids(&["--all", "--since", "14:00", "--until", "14:10"]),
        ["checkout-api-down"]
    );
    // Anyone who held the role, in any case; a lead who handed off still led.
    assert_eq!(ids(&["--all", "--lead", "bob"]), ["checkout-api-down"]);
    assert_eq!(
        ids(&["--all", "--lead", "dave", "--sev", "SEV3"]),
        ["slow-search"]
    );
    assert_eq!(ids(&["--lead", "dave"]), Vec::<String>::new());
    assert_eq!(ids(&["--all", "--lead", "erin"]), Vec::<String>::new());
    insta::assert_snapshot!(
        "list_filtered",
        repo.ok(&[
            "list",
            "--all",
            "--tag",
            "database",
            "--type",
            "incident",
            "--since",
            "2026-11-01"
        ])
    );

    // JSON: tags, type and the post-mortem's status (null before there is one).
    repo.ok(&["postmortem", "-i", "slow-search"]);
    let listed = repo.json(&["list", "--all", "--json"]);
    let summary: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {}",
                i["id"], i["type"], i["tags"], i["postmortem_status"]
            )
        })
        .collect();
    insta::assert_snapshot!("list_json_additions", summary.join("\n"));
}

#[test]
fn public_reports_show_no_type_link_or_edit() {
    let repo = Repo::with_incident();
    let config = repo
        .read(".inc.yaml")
        .replace("public_entries: marked", "public_entries: all");
    repo.write(".inc.yaml", &config);
    repo.ok(&["open", "Failover drill", "--type", "game-day"]);
    repo.ok(&[
        "link",
        "https://wiki.example.com/x",
        "--title",
        "SECRET-LINK",
    ]);
    repo.ok(&["tag", "add", "SECRET-TAG"]);
    repo.ok(&["edit", "--summary", "SECRET-SUMMARY-EDIT"]);
    repo.ok(&["log", "Public entry"]);
    repo.write(".inc/templates/dump.md", "{{ debug() }}\n");
    let public = repo.ok(&["report", "-t", "dump", "--audience", "customers"]);
    assert!(public.contains("Public entry"), "{public}");
    for secret in ["SECRET-LINK", "SECRET-TAG", "game-day", "Summary (none)"] {
        assert!(!public.contains(secret), "{secret} in {public}");
    }
    let internal = repo.ok(&["report", "-t", "dump"]);
    assert!(internal.contains("SECRET-LINK") && internal.contains("game-day"));
}

#[test]
fn check_warns_about_a_hand_written_link_inc_link_would_refuse() {
    let repo = Repo::with_incident();
    let yaml = repo.read(INCIDENT).replace(
        "links: []\n",
        "links:\n- https://ok.example.com\n- url: javascript:alert(1)\n  title: Click\n",
    );
    repo.write(INCIDENT, &yaml);
    insta::assert_snapshot!("check_link_url", repo.ok(&["check"]));
    assert_eq!(repo.run(&["check", "--strict"]).status.code(), Some(1));
}
