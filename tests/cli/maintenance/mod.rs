//! Scheduled maintenance (`inc maintenance`): windows announced ahead, their updates, cancelling,
//! the state the clock gives them, what they are not (incidents); `trust.rs` has what must not go
//! wrong (bad input, hand edits, links, old repositories, two clones).

mod trust;

use std::path::Path;

use crate::common::{CHECKOUT, Repo, team};

pub(super) const ID: &str = "2026-12-10-database-upgrade";
pub(super) const WINDOW: &str = "maintenance/2026-12-10-database-upgrade/maintenance.yaml";
pub(super) const UPDATES: &str = "maintenance/2026-12-10-database-upgrade/updates.yaml";
pub(super) const CATALOG: &str = "services:\n- name: checkout-api\n- name: payments\n";

/// The database upgrade: 2026-12-10 02:00 to 04:00 UTC, on checkout-api.
pub(super) fn schedule(repo: &Repo) -> String {
    repo.ok(&[
        "maintenance",
        "schedule",
        "Database upgrade",
        "--start",
        "2026-12-10 02:00",
        "--end",
        "2026-12-10 04:00",
        "--service",
        "checkout-api",
        "--summary",
        "Checkout is read-only for up to two hours.",
    ])
}

/// `inc ARGS` with the clock at `now`, which must succeed; stdout.
fn at(repo: &Repo, now: &str, args: &[&str]) -> String {
    let out = repo.cmd().env("INC_NOW", now).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "inc {args:?} at {now}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `state` of each window `inc maintenance list --all --json` prints, by id, at `now`.
fn states(repo: &Repo, now: &str) -> Vec<(String, String)> {
    let list: serde_json::Value =
        serde_json::from_str(&at(repo, now, &["maintenance", "list", "--all", "--json"])).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().to_string(),
                w["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Checks `value` against the committed `schemas/output/NAME.schema.json`.
fn valid(name: &str, value: &serde_json::Value) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/output/{name}.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{value:#}");
}

#[test]
fn schedule_writes_the_window_commits_it_and_prints_its_id() {
    let repo = Repo::new();
    assert_eq!(schedule(&repo), format!("{ID}\n"));
    assert_eq!(repo.head_message(), format!("{ID}: maintenance scheduled"));
    assert_eq!(repo.head_files(), [WINDOW, UPDATES]);
    assert_eq!(
        repo.read(WINDOW),
        "# yaml-language-server: $schema=../../.inc/schemas/maintenance.schema.json\ntitle: Database upgrade\nstart: \"2026-12-10T02:00:00+00:00\"\nend: \"2026-12-10T04:00:00+00:00\"\nservices:\n- checkout-api\nsummary: Checkout is read-only for up to two hours.\nscheduled: \"2026-11-22T14:40:00+00:00\"\n"
    );
    assert_eq!(
        repo.read(UPDATES),
        "# yaml-language-server: $schema=../../.inc/schemas/updates.schema.json\n# Maintenance updates: one per list item, oldest first. inc appends; hand edits and comments stay.\n"
    );
    assert_eq!(repo.status(), "");

    // The same title the same day gets the next free id; forms of WHEN ahead of now work.
    let second = repo.ok(&[
        "maintenance",
        "schedule",
        "Database upgrade",
        "--start",
        "in 2h",
        "--end",
        "+3h",
    ]);
    assert_eq!(second, "2026-11-22-database-upgrade\n");
    let third = repo.ok(&[
        "maintenance",
        "schedule",
        "Database upgrade",
        "--start",
        "2026-12-10T03:00:00+01:00",
        "--end",
        "2026-12-10 05:00",
    ]);
    assert_eq!(third, format!("{ID}-2\n"));
    let shown = repo.json(&["maintenance", "show", "2026-11-22-data", "--json"]);
    assert_eq!(shown["start"], "2026-11-22T16:40:00+00:00");
    assert_eq!(shown["end"], "2026-11-22T17:40:00+00:00");
    assert_eq!(shown["services"], serde_json::json!([]));
    assert_eq!(shown["summary"], "");
}

#[test]
fn updates_are_appended_committed_and_shown_in_time_order() {
    let repo = Repo::new();
    schedule(&repo);
    let out = repo.ok(&[
        "maintenance",
        "update",
        "database",
        "Reminder: tonight at 02:00",
    ]);
    assert_eq!(out, format!("14:40 posted update qwpz9z to {ID}\n"));
    assert_eq!(
        repo.head_message(),
        format!("{ID}: maintenance update \"Reminder: tonight at 02:00\"")
    );
    assert_eq!(repo.head_files(), [UPDATES]);
    // Backdated, by someone else: appended after, recorded, read back in time order.
    repo.ok(&[
        "maintenance",
        "update",
        ID,
        "Announced",
        "on",
        "the",
        "blog",
        "--at",
        "14:00",
        "--by",
        "bob",
    ]);
    let shown = repo.json(&["maintenance", "show", "data", "--json"]);
    let backdated = shown["updates"][0]["id"].as_str().unwrap();
    assert_eq!(
        repo.read(UPDATES),
        format!(
            "# yaml-language-server: $schema=../../.inc/schemas/updates.schema.json\n# Maintenance updates: one per list item, oldest first. inc appends; hand edits and comments stay.\n- id: qwpz9z\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: alice\n  text: \"Reminder: tonight at 02:00\"\n- id: {backdated}\n  at: \"2026-11-22T14:00:00+00:00\"\n  recorded: \"2026-11-22T14:40:00+00:00\"\n  by: bob\n  text: Announced on the blog\n"
        )
    );
    valid("maintenance-show", &shown);
    let texts: Vec<&str> = shown["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["Announced on the blog", "Reminder: tonight at 02:00"]
    );
    assert_eq!(shown["updates"][0]["by"], "bob");
    assert_eq!(shown["updates"][0]["recorded"], "2026-11-22T14:40:00+00:00");
    assert_eq!(shown["updates"][1]["recorded"], serde_json::Value::Null);
    assert_eq!(shown["state"], "upcoming");
    assert_eq!(shown["duration"], 7200);
    assert_eq!(shown["cancelled"], serde_json::Value::Null);

    let text = repo.ok(&["maintenance", "show", "upgrade"]);
    assert_eq!(
        text,
        format!(
            "{ID}\nDatabase upgrade\nupcoming (starts in 17d 11h 20m) · 2026-12-10 02:00 – 2026-12-10 04:00 (2h) · scheduled 2026-11-22 14:40\nservices: checkout-api\n\nSummary\n  Checkout is read-only for up to two hours.\n\nUpdates\n  2026-11-22 14:00  bob  Announced on the blog\n  2026-11-22 14:40  alice  Reminder: tonight at 02:00\n"
        )
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn the_state_follows_the_clock_and_list_shows_what_is_not_over() {
    let repo = Repo::new();
    schedule(&repo);
    repo.ok(&[
        "maintenance",
        "schedule",
        "Network change",
        "--start",
        "2026-12-01 22:00",
        "--end",
        "2026-12-01 23:00",
        "--service",
        "payments",
    ]);
    let network = "2026-12-01-network-change";
    let expect = |now: &str, network_state: &str, upgrade_state: &str| {
        assert_eq!(
            states(&repo, now),
            [
                (network.to_string(), network_state.to_string()),
                (ID.to_string(), upgrade_state.to_string())
            ],
            "at {now}"
        );
    };
    expect("2026-11-22T14:40:00Z", "upcoming", "upcoming");
    expect("2026-12-01T22:00:00Z", "in-progress", "upcoming");
    expect("2026-12-01T23:00:00Z", "completed", "upcoming");
    expect("2026-12-10T03:59:59Z", "completed", "in-progress");
    expect("2026-12-10T04:00:00Z", "completed", "completed");

    // Without --all: upcoming and in progress only, earliest first.
    let table = at(&repo, "2026-12-01T22:30:00Z", &["maintenance", "list"]);
    assert_eq!(
        table,
        format!(
            "ID                           STATE        START             END               SERVICES      TITLE\n{network}    in-progress  2026-12-01 22:00  2026-12-01 23:00  payments      Network change\n{ID}  upcoming     2026-12-10 02:00  2026-12-10 04:00  checkout-api  Database upgrade\n"
        )
    );
    // `inc maintenance` alone lists too.
    assert_eq!(at(&repo, "2026-12-01T22:30:00Z", &["maintenance"]), table);
    let later: serde_json::Value = serde_json::from_str(&at(
        &repo,
        "2026-12-05T00:00:00Z",
        &["maintenance", "list", "--json"],
    ))
    .unwrap();
    valid("maintenance-list", &later);
    assert_eq!(later.as_array().unwrap().len(), 1);
    assert_eq!(later[0]["id"], ID);
    let over = at(&repo, "2026-12-11T00:00:00Z", &["maintenance", "list"]);
    assert!(
        over.starts_with("No upcoming or in-progress maintenance (--all shows"),
        "{over}"
    );
}

#[test]
fn cancel_calls_off_a_window_once_and_not_after_it_ended() {
    let repo = Repo::new();
    schedule(&repo);
    let out = repo.ok(&[
        "maintenance",
        "cancel",
        "database",
        "--reason",
        "Postponed to January",
        "--by",
        "carol",
    ]);
    assert_eq!(out, format!("{ID}: cancelled\n"));
    assert_eq!(repo.head_message(), format!("{ID}: maintenance cancelled"));
    assert_eq!(repo.head_files(), [WINDOW]);
    assert!(
        repo.read(WINDOW).ends_with(
            "scheduled: \"2026-11-22T14:40:00+00:00\"\ncancelled:\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: carol\n  reason: Postponed to January\n"
        ),
        "{}",
        repo.read(WINDOW)
    );
    assert_eq!(
        states(&repo, "2026-12-10T03:00:00Z"),
        [(ID.to_string(), "cancelled".to_string())]
    );
    let shown = repo.json(&["maintenance", "show", ID, "--json"]);
    assert_eq!(
        shown["cancelled"],
        serde_json::json!({"at": "2026-11-22T14:40:00+00:00", "by": "carol", "reason": "Postponed to January"})
    );
    assert!(repo.ok(&["maintenance", "list"]).starts_with("No upcoming"));

    // Again: nothing to do, nothing written.
    let head = repo.head();
    let out = repo.ok(&["maintenance", "cancel", ID]);
    assert_eq!(
        out,
        format!("{ID}: already cancelled (at 2026-11-22 14:40)\n")
    );
    assert_eq!(repo.head(), head);

    // A window that is over cannot be called off; one in progress can.
    repo.ok(&[
        "maintenance",
        "schedule",
        "Network change",
        "--start",
        "2026-12-01 22:00",
        "--end",
        "2026-12-01 23:00",
    ]);
    let before = repo.state();
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-12-01T23:00:00Z")
        .args(["maintenance", "cancel", "network"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: 2026-12-01-network-change ended at 2026-12-01 23:00 UTC: a window that is over cannot be cancelled; post what happened with `inc maintenance update 2026-12-01-network-change TEXT`\n"
    );
    assert_eq!(repo.state(), before);
    at(
        &repo,
        "2026-12-01T22:30:00Z",
        &["maintenance", "cancel", "network"],
    );
    assert_eq!(
        states(&repo, "2026-12-01T22:45:00Z")[0],
        ("2026-12-01-network-change".to_string(), "cancelled".into())
    );
}

#[test]
fn maintenance_is_not_an_incident() {
    let repo = Repo::with_incident();
    schedule(&repo);
    repo.ok(&["maintenance", "update", ID, "Checkout read-only tonight"]);
    let list = repo.json(&["list", "--all", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], CHECKOUT);
    let stats = repo.json(&["stats", "--json"]);
    assert_eq!(stats[0]["count"], 1, "{stats:#}");
    assert_eq!(repo.ok(&["check"]), "No problems in 1 incident.\n");
    let found = repo.json(&["search", "read-only", "--json"]);
    assert_eq!(found, serde_json::json!([]));
    // Commands about "the only open incident" still find it.
    repo.ok(&["log", "Still the only open incident"]);
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: log \"Still the only open incident\"")
    );
}

#[test]
fn no_commit_writes_without_committing_and_sync_shares_it() {
    let (_remote, lead, scribe) = team();
    let head = lead.head();
    lead.ok(&[
        "maintenance",
        "schedule",
        "Search reindex",
        "--start",
        "in 1h",
        "--end",
        "in 2h",
        "--no-commit",
    ]);
    assert_eq!(lead.head(), head);
    assert_eq!(lead.status(), "?? maintenance/\n");
    lead.ok(&["maintenance", "update", "reindex", "Soon", "--no-commit"]);
    assert_eq!(lead.head(), head);
    // The window's files are inc's: inc sync commits and shares them.
    lead.ok(&["sync"]);
    assert_eq!(lead.status(), "");
    assert_eq!(
        lead.head_files(),
        [
            "maintenance/2026-11-22-search-reindex/maintenance.yaml",
            "maintenance/2026-11-22-search-reindex/updates.yaml"
        ]
    );
    scribe.ok(&["sync"]);
    let shown = scribe.json(&["maintenance", "show", "reindex", "--json"]);
    assert_eq!(shown["updates"][0]["text"], "Soon");
}

#[test]
fn files_inc_writes_validate_against_their_schemas() {
    let repo = Repo::new();
    schedule(&repo);
    repo.ok(&["maintenance", "update", ID, "yes", "--at", "14:00"]);
    repo.ok(&["maintenance", "cancel", ID, "--reason", "no"]);
    for (file, name) in [(WINDOW, "maintenance"), (UPDATES, "updates")] {
        let schema: serde_json::Value =
            serde_json::from_str(&repo.read(&format!(".inc/schemas/{name}.schema.json"))).unwrap();
        assert_eq!(
            repo.ok(&["schema", name]),
            repo.read(&format!(".inc/schemas/{name}.schema.json"))
        );
        let validator = jsonschema::validator_for(&schema).unwrap();
        let document: serde_json::Value = serde_saphyr::from_str(&repo.read(file)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let typo = repo
            .read(file)
            .replace("text:", "txt:")
            .replace("title:", "titel:");
        let document: serde_json::Value = serde_saphyr::from_str(&typo).unwrap();
        assert!(!validator.is_valid(&document), "{file}");
    }
}
