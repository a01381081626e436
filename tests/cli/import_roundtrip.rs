//! Export → import gives back the same files: the role history with every handoff, the severity
//! history, the milestones (JSON Lines, format 2), and every character of a CSV cell (issue 25
//! point 8).

use std::path::Path;

use crate::common::{CHECKOUT, Repo, outside};
use crate::import_export::path;

/// The checkout incident handed from lead to lead, its severity raised and lowered, every
/// milestone set, each at its own time (and recorded at others).
fn history() -> Repo {
    let repo = Repo::new();
    repo.ok_at(
        "14:05",
        &[
            "open",
            "Checkout API down",
            "--sev",
            "SEV2",
            "--started",
            "14:02",
            "--lead",
            "alice",
        ],
    );
    repo.ok_at("14:10", &["role", "incident-lead", "bob"]);
    repo.ok_at("14:11", &["role", "comms-lead", "dave"]);
    repo.ok_at("14:12", &["role", "comms-lead", "erin", "--add"]);
    repo.ok_at("14:16", &["sev", "SEV1", "--at", "14:15"]);
    repo.ok_at("14:18", &["mark", "acknowledged", "--at", "14:07"]);
    repo.ok_at("14:20", &["role", "incident-lead", "carol"]);
    repo.ok_at("14:25", &["role", "comms-lead", "dave", "--remove"]);
    repo.ok_at("14:30", &["mark", "mitigated"]);
    repo.ok_at("14:31", &["sev", "SEV3"]);
    repo.ok_at("14:35", &["role", "incident-lead", "alice"]);
    repo.ok_at(
        "14:36",
        &["comms", "--to", "customers", "--channel", "email", "Fixed"],
    );
    repo.ok_at("14:40", &["resolve"]);
    repo
}

fn file(repo: &Repo, name: &str) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/{name}"))
}

/// A log file's entries, in any order: the import writes them in time order.
fn entries(text: &str) -> Vec<String> {
    let mut entries: Vec<String> = text
        .split("\n- ")
        .skip(1)
        .map(|e| e.trim_end().to_string())
        .collect();
    entries.sort();
    entries
}

#[test]
fn export_then_import_keeps_every_handoff_severity_change_and_milestone() {
    let a = history();
    let export = a.ok(&["export"]);
    let line: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(line["format"], 2);
    let events = line["role_events"].as_array().unwrap();
    assert_eq!(events.len(), 7, "{events:#?}");
    assert_eq!(events[1]["person"], "bob");
    assert_eq!(events[1]["at"], "2026-11-22T14:10:00+00:00");
    assert_eq!(line["changed"]["severity"], "2026-11-22T14:31:00+00:00");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/output/export.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&line)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let b = Repo::new();
    b.ok(&[
        "import",
        path(&outside(&b, "all.jsonl", &export)),
        "--format",
        "json",
    ]);
    for args in [
        &["roles", "-i", "checkout", "--json"][..],
        &["show", CHECKOUT, "--json"],
        &["report", "-i", "checkout"],
        &["stats", "--json", "--by", "severity"],
        &["export"],
    ] {
        assert_eq!(b.ok(args), a.ok(args), "{args:?}");
    }
    let roles = b.json(&["roles", "-i", "checkout", "--json"]);
    let handoffs: Vec<(&str, &str, &str)> = roles["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["role"] == "incident-lead")
        .map(|t| {
            (
                t["person"].as_str().unwrap(),
                t["from"].as_str().unwrap(),
                t["until"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        handoffs,
        [
            (
                "alice",
                "2026-11-22T14:05:00+00:00",
                "2026-11-22T14:10:00+00:00"
            ),
            (
                "bob",
                "2026-11-22T14:10:00+00:00",
                "2026-11-22T14:20:00+00:00"
            ),
            (
                "carol",
                "2026-11-22T14:20:00+00:00",
                "2026-11-22T14:35:00+00:00"
            ),
            ("alice", "2026-11-22T14:35:00+00:00", "-"),
        ]
    );
    // The files themselves: incident.yaml (with `changed`) byte for byte, the logs entry for
    // entry (ids, times, who recorded them).
    assert_eq!(file(&b, "incident.yaml"), file(&a, "incident.yaml"));
    for log in ["roles.yaml", "timeline.yaml", "comms.yaml"] {
        assert_eq!(entries(&file(&b, log)), entries(&file(&a, log)), "{log}");
    }
    b.ok(&["check"]);
}

#[test]
fn a_later_format_or_a_role_history_that_disagrees_is_refused() {
    let a = history();
    let export = a.ok(&["export"]);
    let b = Repo::new();
    let state = b.state();
    let later = export.replacen("\"format\":2", "\"format\":3", 1);
    let file = outside(&b, "later.jsonl", &later);
    let err = b.fails(1, &["import", path(&file), "--format", "json"]);
    assert!(
        err.contains(&format!(
            "{}:1:1: {CHECKOUT}: format 3 is not one this inc reads (1 to 2)",
            file.display()
        )),
        "{err}"
    );
    // The last handoff taken out of role_events: `roles` no longer follows from them.
    let mut line: serde_json::Value = serde_json::from_str(&export).unwrap();
    let events = line["role_events"].as_array_mut().unwrap();
    let last = events
        .iter()
        .rposition(|e| e["role"] == "incident-lead")
        .unwrap();
    events.remove(last);
    let file = outside(&b, "edited.jsonl", &line.to_string());
    let err = b.fails(1, &["import", path(&file), "--format", "json"]);
    assert!(
        err.contains("`roles` is not where `role_events` end"),
        "{err}"
    );
    assert_eq!(b.state(), state);
}

/// Texts a spreadsheet or a terminal would mangle, as titles and summaries.
const TRICKY: [(&str, &str); 6] = [
    ("'=quoted formula", "''@two quotes"),
    ("'just a quote", "\tleading tab and trailing spaces  "),
    ("-1 nodes", "lone\rcarriage return, CRLF\r\nand LF\n"),
    (
        "bell\u{7} and nul\u{0}",
        "esc\u{1b}[31m red, del\u{7f}, rlo\u{202e}x",
    ),
    ("\\u{41} is not an A", "C:\\temp\\u{zz}"),
    (" leading space", "=SUM(A1)"),
];

#[test]
fn a_csv_round_trip_keeps_quotes_and_control_characters() {
    let a = Repo::new();
    // Made by a JSON import, which keeps every character (`inc open` trims).
    let lines: String = TRICKY
        .iter()
        .enumerate()
        .map(|(n, (title, summary))| {
            let object = serde_json::json!({
                "id": format!("2026-01-0{}-tricky", n + 1),
                "title": title,
                "summary": summary,
                "severity": "SEV3",
                "status": "investigating",
                "opened": format!("2026-01-0{}T10:00:00Z", n + 1),
                "milestones": {"detected": format!("2026-01-0{}T10:00:00Z", n + 1)},
            });
            format!("{object}\n")
        })
        .collect();
    a.ok(&[
        "import",
        path(&outside(&a, "tricky.jsonl", &lines)),
        "--format",
        "json",
    ]);
    let printed = a.ok(&["export", "--format", "csv"]);
    // Printed or written to a file, the same bytes: nothing in it needs escaping on a terminal.
    let written = a.root().parent().unwrap().join("tricky.csv");
    a.ok(&["export", "--format", "csv", "-o", path(&written)]);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), printed);
    for cell in [
        "''=quoted formula,",
        ",'''@two quotes",
        "\\u{9}leading tab and trailing spaces\\u{20}\\u{20}",
        "lone\\u{d}carriage return, CRLF\\u{d}\nand LF\\u{a}",
        "bell\\u{7} and nul\\u{0},",
        "esc\\u{1b}[31m red, del\\u{7f}, rlo\\u{202e}x",
        "\\u{5c}u{41} is not an A,",
        "C:\\temp\\u{5c}u{zz}",
        "\\u{20}leading space,",
        ",'=SUM(A1)",
    ] {
        assert!(printed.contains(cell), "{cell:?} in {printed}");
    }

    let b = Repo::new();
    let out = b.ok(&["import", path(&written), "--format", "csv"]);
    assert_eq!(out.lines().count(), TRICKY.len());
    let mut back: Vec<(String, String)> = Vec::new();
    for id in out.lines() {
        let shown = b.json(&["show", id, "--json"]);
        back.push((
            shown["title"].as_str().unwrap().to_string(),
            shown["summary"].as_str().unwrap().to_string(),
        ));
    }
    let want: Vec<(String, String)> = TRICKY
        .iter()
        .map(|(t, s)| (t.to_string(), s.to_string()))
        .collect();
    assert_eq!(back, want);
    assert_eq!(b.ok(&["export", "--format", "csv"]), printed);
}
