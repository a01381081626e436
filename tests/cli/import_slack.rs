//! `inc import --format slack`: a channel of a Slack export into an incident's timeline, each
//! message once, whatever their times, channels and ids (issue 17 point 4, issue 25 point 8).

use crate::common::{CHECKOUT, Repo};
use crate::import_export::{commits, path};

/// A Slack workspace export: users.json at the top, the channel's day files in its directory.
pub fn slack_export(repo: &Repo) -> std::path::PathBuf {
    let top = repo.root().parent().unwrap().join("slack-export");
    let channel = top.join("incident-checkout");
    std::fs::create_dir_all(&channel).unwrap();
    std::fs::write(
        top.join("users.json"),
        r#"[{"id": "U1", "name": "alice", "real_name": "Alice Ng"},
            {"id": "U2", "name": "bob", "profile": {"real_name": "Bob Stone"}}]"#,
    )
    .unwrap();
    std::fs::write(
        channel.join("2026-11-21.json"),
        r#"[{"type": "message", "ts": "1795302000.000100", "user": "U1", "text": "the day before"}]"#,
    )
    .unwrap();
    std::fs::write(
        channel.join("2026-11-22.json"),
        r#"[
  {"type": "message", "subtype": "channel_join", "ts": "1795355400.000200", "user": "U2", "text": "<@U2> has joined the channel"},
  {"type": "message", "ts": "1795356600.000300", "user": "U1", "text": "<@U2> can you look at <https://grafana.example.com/d/1|the dashboard>?",
   "reactions": [{"name": "star", "users": ["U2"], "count": 1}]},
  {"type": "message", "ts": "1795356720.000400", "user": "U2", "text": "on it &amp; paging <!here>",
   "reactions": [{"name": "+1::skin-tone-2", "users": ["U1"], "count": 1}]},
  {"type": "message", "ts": "1795357200.000500", "user": "U2", "text": "rolled back", "reactions": [{"name": "pushpin", "users": ["U1"], "count": 1}]},
  {"type": "message", "ts": "1795358100.000600", "user": "U1", "text": "after the cut"}
]"#,
    )
    .unwrap();
    channel
}

#[test]
fn slack_messages_become_entries_once() {
    let repo = Repo::with_incident();
    let channel = slack_export(&repo);
    let args = [
        "import",
        path(&channel),
        "--format",
        "slack",
        "-i",
        "checkout",
        "--since",
        "2026-11-22 14:00",
        "--until",
        "2026-11-22 14:30",
        "--key-reactions",
        "star,:pushpin:",
    ];
    let before = commits(&repo);
    let out = repo.ok(&args);
    assert!(
        out.starts_with(&format!("{CHECKOUT}: 3 messages imported from")),
        "{out}"
    );
    assert!(
        out.contains("0 already in the timeline, 3 skipped"),
        "{out}"
    );
    assert_eq!(commits(&repo), before + 1);
    assert_eq!(
        repo.head_files(),
        [format!("incidents/{CHECKOUT}/timeline.yaml")]
    );

    let show = repo.json(&["show", CHECKOUT, "--json"]);
    let imported: Vec<(String, String, String, bool)> = show["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "event")
        .map(|e| {
            (
                e["at"].as_str().unwrap().to_string(),
                e["by"].as_str().unwrap().to_string(),
                e["text"].as_str().unwrap().to_string(),
                e["key"].as_bool().unwrap(),
            )
        })
        .collect();
    let row = |at: &str, by: &str, text: &str, key| {
        (at.to_string(), by.to_string(), text.to_string(), key)
    };
    assert_eq!(
        imported,
        [
            row(
                "2026-11-22T14:10:00+00:00",
                "Alice Ng",
                "@Bob Stone can you look at the dashboard (https://grafana.example.com/d/1)?",
                true
            ),
            row(
                "2026-11-22T14:12:00+00:00",
                "Bob Stone",
                "on it & paging @here",
                false
            ),
            row(
                "2026-11-22T14:20:00+00:00",
                "Bob Stone",
                "rolled back",
                true
            ),
        ]
    );

    // The same export again adds nothing and makes no commit.
    let state = repo.state();
    let again = repo.ok(&args);
    assert!(
        again.contains("0 messages imported") && again.contains("3 already in the timeline"),
        "{again}"
    );
    assert_eq!(repo.state(), state);

    // Without the cut, only the messages not yet there are added (joins still skipped).
    let out = repo.ok(&[
        "import",
        path(&channel),
        "--format",
        "slack",
        "-i",
        "checkout",
    ]);
    assert!(
        out.contains("2 messages imported") && out.contains("3 already in the timeline, 1 skipped"),
        "{out}"
    );
    let timeline = crate::common::timeline(&repo);
    assert_eq!(timeline.matches("rolled back").count(), 1, "{timeline}");
    assert!(!timeline.contains("has joined"), "{timeline}");
}

#[test]
fn slack_dry_run_writes_nothing() {
    let repo = Repo::with_incident();
    let channel = slack_export(&repo);
    let before = repo.state();
    let out = repo.ok(&[
        "import",
        path(&channel),
        "--format",
        "slack",
        "--dry-run",
        "--key-reactions",
        "star",
    ]);
    assert!(
        out.contains("would log 2026-11-22 14:10 Alice Ng [key]: @Bob Stone can you look"),
        "{out}"
    );
    assert!(out.contains("5 messages would be imported"), "{out}");
    assert_eq!(repo.state(), before);
}

/// A channel directory `name` in a Slack export beside the repository, with channels.json naming
/// the channels; each message is (ts, user, text).
fn channel(repo: &Repo, name: &str, messages: &[(&str, &str, &str)]) -> std::path::PathBuf {
    let top = repo.root().parent().unwrap().join("export");
    let dir = top.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        top.join("channels.json"),
        r#"[{"id": "C0OPS", "name": "ops"}, {"id": "C0CHK", "name": "checkout"}]"#,
    )
    .unwrap();
    let messages: Vec<serde_json::Value> = messages
        .iter()
        .map(|(ts, user, text)| serde_json::json!({"type": "message", "ts": ts, "user": user, "text": text}))
        .collect();
    std::fs::write(
        dir.join("2026-11-22.json"),
        serde_json::to_string(&messages).unwrap(),
    )
    .unwrap();
    dir
}

/// The checkout incident's entries of kind event as (id, text), in time order.
fn events(repo: &Repo) -> Vec<(String, String)> {
    repo.json(&["show", CHECKOUT, "--json"])["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "event")
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn import(repo: &Repo, dir: &std::path::Path) -> String {
    repo.ok(&["import", path(dir), "--format", "slack", "-i", "checkout"])
}

#[test]
fn two_messages_in_one_second_are_two_entries() {
    let repo = Repo::with_incident();
    // One person, one second (14:12:00): only the digits after the dot tell them apart. An id
    // made from the whole ts alone is the same for these two (it is 6 letters of a hash).
    let ops = channel(
        &repo,
        "ops",
        &[
            ("1795356720.005381", "U1", "restarting the pool"),
            ("1795356720.064411", "U1", "and the cache"),
        ],
    );
    let out = import(&repo, &ops);
    assert!(out.contains(": 2 messages imported from"), "{out}");
    let events = events(&repo);
    let texts: Vec<&str> = events.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["restarting the pool", "and the cache"]);
    assert_ne!(events[0].0, events[1].0);
    // Each entry names its message: the channel's Slack id and the whole ts.
    let timeline = crate::common::timeline(&repo);
    assert!(
        timeline.contains("ref: slack:C0OPS/1795356720.005381\n")
            && timeline.contains("ref: slack:C0OPS/1795356720.064411\n"),
        "{timeline}"
    );
    repo.ok(&["check"]);

    // Again: nothing new, no commit.
    let state = repo.state();
    let again = import(&repo, &ops);
    assert!(
        again.contains(": 0 messages imported from") && again.contains("2 already in the timeline"),
        "{again}"
    );
    assert_eq!(repo.state(), state);
}

#[test]
fn the_same_ts_in_two_channels_is_two_messages() {
    let repo = Repo::with_incident();
    let ops = channel(&repo, "ops", &[("1795356720.005381", "U1", "in ops")]);
    let checkout = channel(
        &repo,
        "checkout",
        &[("1795356720.005381", "U2", "in checkout")],
    );
    import(&repo, &ops);
    let out = import(&repo, &checkout);
    assert!(
        out.contains(": 1 messages imported from") && out.contains("0 already in the timeline"),
        "{out}"
    );
    let texts: Vec<String> = events(&repo).into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, ["in ops", "in checkout"]);
    for dir in [&ops, &checkout] {
        assert!(import(&repo, dir).contains("1 already in the timeline"));
    }
    assert_eq!(events(&repo).len(), 2);
}

#[test]
fn a_message_whose_id_is_taken_gets_another_and_is_reported() {
    let repo = Repo::with_incident();
    // Entries under the two ids this message would have had: its own (channel and ts) and the
    // one inc made from its ts alone before.
    let mut timeline = crate::common::timeline(&repo);
    for id in ["6f4hkt", "vnbtw6"] {
        timeline.push_str(&format!(
            "- id: {id}\n  at: \"2026-11-22T14:30:00+00:00\"\n  by: carol\n  kind: event\n  text: typed by hand as {id}\n"
        ));
    }
    repo.write(&format!("incidents/{CHECKOUT}/timeline.yaml"), &timeline);
    repo.git(&["commit", "-qam", "hand entries"]);
    let ops = channel(&repo, "ops", &[("1795356720.005381", "U1", "from slack")]);
    let out = import(&repo, &ops);
    assert!(
        out.contains(": 1 messages imported from")
            && out.contains("; 1 got another id, theirs being taken by another entry"),
        "{out}"
    );
    let events = events(&repo);
    let texts: Vec<&str> = events.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "from slack",
            "typed by hand as 6f4hkt",
            "typed by hand as vnbtw6"
        ]
    );
    assert!(!["6f4hkt", "vnbtw6"].contains(&events[0].0.as_str()));
    repo.ok(&["check"]);
    assert!(import(&repo, &ops).contains("1 already in the timeline"));
}

#[test]
fn two_clones_importing_one_export_merge_to_one_entry_each() {
    let (_remote, lead, mut scribe) = crate::common::team();
    scribe.now = "2026-11-22T14:50:00Z".into();
    for repo in [&lead, &scribe] {
        let channel = slack_export(repo);
        let out = import(repo, &channel);
        assert!(out.contains(": 5 messages imported from"), "{out}");
    }
    lead.ok(&["sync"]);
    scribe.ok(&["sync"]);
    lead.ok(&["sync"]);
    for repo in [&lead, &scribe] {
        let texts: Vec<String> = events(repo).into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert_eq!(texts.iter().filter(|t| *t == "rolled back").count(), 1);
        repo.ok(&["check"]);
    }
    assert_eq!(
        crate::common::timeline(&lead),
        crate::common::timeline(&scribe)
    );
}
