//! Issue 12, flags and words people type: every global option takes effect or is refused; names
//! are accepted as people type them; `inc use` says which incident commands act on; stored text
//! is never cut; the dashboard fits the terminal.

use std::process::Output;

use crate::common::{CHECKOUT, Repo};

const SEARCH: &str = "2026-11-22-search-slow";
/// A name that appears in no file unless `--by` put it there.
const BY: &str = "Zebulon-Q";

/// What a command does with a global option: takes effect, or is refused (exit 2).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Want {
    Effect,
    Refused,
}
use Want::{Effect as E, Refused as R};

/// Every command (and the forms whose answer differs) with what it does with
/// `-C`, `-i`, `--no-commit` and `--by`.
const TABLE: &[(&[&str], [Want; 4])] = &[
    (&["init"], [E, R, E, R]),
    (&["open", "Another outage"], [E, R, E, E]),
    (&["log", "hello"], [E, E, E, E]),
    (&["mark", "ack"], [E, E, E, E]),
    (&["resolve"], [E, E, E, E]),
    (&["status", "identified"], [E, E, E, E]),
    (&["status"], [E, R, R, R]),
    (&["sev", "1"], [E, E, E, E]),
    (&["list"], [E, E, R, R]),
    (&["show"], [E, E, R, R]),
    (&["show", CHECKOUT], [E, R, R, R]),
    (&["use", CHECKOUT], [E, R, R, R]),
    (&["use"], [E, R, R, R]),
    (&["roles"], [E, E, R, R]),
    (&["role", "scribe", "bob"], [E, E, E, E]),
    (&["comms", "--to", "internal", "Bridge open"], [E, E, E, E]),
    (&["change", "request", "Roll back v412"], [E, E, E, E]),
    (&["exec", "--", "true"], [E, E, E, E]),
    (&["postmortem"], [E, E, E, E]),
    (&["check"], [E, E, R, R]),
    (&["report"], [E, E, R, R]),
    (&["stats"], [E, E, R, R]),
    (&["sync"], [E, R, R, R]),
    (&["schema", "config"], [R, R, R, R]),
    (&["demo", "demo-dir"], [R, R, R, R]),
    (&["completions", "bash"], [R, R, R, R]),
    (
        &["merge-driver", "a", "b", "c", "incidents/x/timeline.yaml"],
        [R, R, R, R],
    ),
];

/// The checkout incident (with a start time) and the search incident open, none chosen.
fn two_open() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search slow", "--sev", "SEV3"]);
    repo.ok(&["use", "--clear"]);
    repo
}

/// Exit code, stdout and stderr, with the repository's path written as [REPO].
fn outcome(repo: &Repo, out: Output) -> (Option<i32>, String, String) {
    let root = repo.root().to_str().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap().replace(root, "[REPO]");
    (out.status.code(), text(out.stdout), text(out.stderr))
}

/// `--by` goes after the command's name (it is the command's option), the others before it.
fn with_flag(flag: usize, args: &[&str], value: &str) -> Vec<String> {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (at, added): (usize, &[&str]) = match flag {
        0 => (0, &["-C", value]),
        1 => (0, &["-i", value]),
        2 => (0, &["--no-commit"]),
        _ => (1, &["--by", value]),
    };
    all.splice(at..at, added.iter().map(|s| s.to_string()));
    all
}

/// Runs every refused combination for `flag` and asserts exit 2, one line, nothing written.
fn refused(flag: usize, value: &str) {
    let repo = two_open();
    for (args, wants) in TABLE.iter().filter(|(_, w)| w[flag] == R) {
        let all = with_flag(flag, args, value);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let before = repo.state();
        let err = repo.fails(2, &all);
        assert_eq!(repo.state(), before, "inc {all:?} wrote something");
        assert!(
            err.contains("does nothing for inc") || err.contains("'--by"),
            "inc {all:?} ({wants:?}): {err}"
        );
    }
}

#[test]
fn dash_c_takes_effect_or_is_refused() {
    refused(0, "repo");
    for (args, _) in TABLE.iter().filter(|(_, w)| w[0] == E) {
        // From outside the repository with -C, exactly as from inside without it.
        let inside = Repo::with_lead();
        let expected = outcome(&inside, inside.run(args));
        let outside = Repo::with_lead();
        let all = with_flag(0, args, "repo");
        let out = outside
            .cmd()
            .current_dir(outside.root().parent().unwrap())
            .args(&all)
            .output()
            .unwrap();
        assert_eq!(outcome(&outside, out), expected, "inc {all:?}");
    }
}

#[test]
fn dash_i_takes_effect_or_is_refused() {
    refused(1, CHECKOUT);
    for (args, _) in TABLE.iter().filter(|(_, w)| w[1] == E) {
        let plain = two_open();
        let without = outcome(&plain, plain.run(args));
        let named = two_open();
        let all = with_flag(1, args, "checkout");
        let with = outcome(
            &named,
            named.run(&all.iter().map(String::as_str).collect::<Vec<_>>()),
        );
        assert_eq!(with.0, Some(0), "inc {all:?}: {}", with.2);
        assert_ne!(with, without, "inc {all:?} is the same without -i");
        assert!(
            !with.1.contains(SEARCH),
            "inc {all:?} shows the other incident: {}",
            with.1
        );
    }
}

#[test]
fn no_commit_takes_effect_or_is_refused() {
    refused(2, "");
    for (args, _) in TABLE.iter().filter(|(_, w)| w[2] == E) {
        let repo = if args[0] == "init" {
            let repo = Repo::empty();
            repo.git(&["init", "-q"]);
            repo
        } else {
            Repo::with_lead()
        };
        let commits = || repo.git(&["rev-list", "--all"]);
        let before = commits();
        let all = with_flag(2, args, "");
        repo.ok(&all.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(commits(), before, "inc {all:?} committed");
        assert_ne!(repo.status(), "", "inc {all:?} wrote nothing");
    }
}

#[test]
fn by_takes_effect_or_is_refused() {
    refused(3, BY);
    for (args, _) in TABLE.iter().filter(|(_, w)| w[3] == E) {
        let repo = Repo::with_lead();
        let all = with_flag(3, args, BY);
        repo.ok(&all.iter().map(String::as_str).collect::<Vec<_>>());
        let named = repo
            .files()
            .values()
            .any(|bytes| String::from_utf8_lossy(bytes).contains(BY));
        assert!(named, "inc {all:?} recorded nobody as {BY}");
    }
}

#[test]
fn dash_i_scopes_list_check_and_stats() {
    let repo = two_open();
    repo.ok(&["-i", "search", "resolve"]);
    // A resolved incident named with -i is listed even without --all.
    let list = repo.ok(&["-i", "search", "list"]);
    assert!(list.contains(SEARCH) && !list.contains(CHECKOUT), "{list}");
    let stats = repo.json(&["-i", "checkout", "stats", "--json"]);
    assert_eq!(stats[0]["count"], 1, "{stats}");
    let check = repo.ok(&["-i", "checkout", "check"]);
    let all = repo.ok(&["check"]);
    assert!(check.contains("1 incident"), "{check}");
    assert!(all.contains("2 incidents"), "{all}");
}

#[test]
fn names_are_accepted_as_people_type_them() {
    let repo = Repo::with_lead();
    let id = CHECKOUT;
    assert_eq!(
        repo.ok(&["sev", "1"]),
        format!("{id}: Severity SEV2 → SEV1\n{id}: Attached runbook break-glass (Break glass)\n")
    );
    assert_eq!(
        repo.ok(&["sev", "sev2"]),
        format!("{id}: Severity SEV1 → SEV2\n")
    );
    assert_eq!(
        repo.ok(&["sev", "SEV1"]),
        format!("{id}: Severity SEV2 → SEV1\n")
    );
    assert_eq!(
        repo.ok(&["role", "IC", "bob"]),
        format!("{id}: bob is incident-lead, taking over from alice\n")
    );
    assert_eq!(
        repo.ok(&["role", "lead", "alice"]),
        format!("{id}: alice is incident-lead, taking over from bob\n")
    );
    assert_eq!(
        repo.ok(&["role", "comms", "dave"]),
        format!("{id}: dave is comms-lead\n")
    );
    assert_eq!(
        repo.ok(&["role", "Scr", "carol"]),
        format!("{id}: carol is scribe\n")
    );
    assert_eq!(
        repo.ok(&["mark", "ack"]),
        format!("{id}: Marked acknowledged\n")
    );
    assert_eq!(
        repo.ok(&["status", "IDENTIFIED"]),
        format!("{id}: Status investigating → identified\n")
    );
    repo.ok(&["comms", "--to", "exec", "--channel", "Mail", "FYI"]);
    repo.ok(&["log", "--kind", "DECISION", "Roll back"]);
    let list = repo.json(&["list", "--sev", "1", "--status", "Identified", "--json"]);
    assert_eq!(list[0]["id"], id);

    // What is stored is the canonical name.
    let dir = format!("incidents/{id}");
    let roles = repo.read(&format!("{dir}/roles.yaml"));
    assert!(roles.contains("role: comms-lead") && !roles.contains("role: comms\n"));
    let comms = repo.read(&format!("{dir}/comms.yaml"));
    assert!(comms.contains("audience: executives") && comms.contains("channel: email"));
    assert!(
        repo.read(&format!("{dir}/timeline.yaml"))
            .contains("kind: decision")
    );
    assert!(
        repo.read(&format!("{dir}/incident.yaml"))
            .contains("severity: SEV1")
    );

    // Typos still get a suggestion; an ambiguous prefix lists what it could be.
    let before = repo.state();
    assert_eq!(
        repo.fails(2, &["role", "scirbe", "x"]),
        "error: unknown role \"scirbe\" (did you mean scribe?): use one of incident-lead, technical-lead, technical-assist, scribe, comms-lead, tester\n"
    );
    assert_eq!(
        repo.fails(2, &["role", "te", "x"]),
        "error: role \"te\" could be technical-lead, technical-assist or tester: type more of it\n"
    );
    assert_eq!(
        repo.fails(2, &["sev", "5"]),
        "error: unknown severity \"5\": use one of SEV1, SEV2, SEV3, SEV4\n"
    );
    assert_eq!(repo.state(), before);
}

/// The `.inc.yaml` an earlier inc wrote (no `aliases:`), with a severity scheme of its own.
const OLD_CONFIG: &str = "\
# yaml-language-server: $schema=.inc/schemas/config.schema.json
incidents_dir: incidents
commit: true
severities: [P1, P2, P3]
default_severity: P3
roles: [incident-lead, scribe]
audiences: [internal, customers]
channels: [chat]
required_updates: [internal]
cadence:
  default: {min: 30m, max: 60m}
postmortem_due_days: 5
";

#[test]
fn an_old_config_loads_and_aliases_are_configurable() {
    let repo = Repo::new();
    repo.write(".inc.yaml", OLD_CONFIG);
    repo.git(&["commit", "-qam", "an old config"]);
    repo.ok(&["open", "Checkout API down", "--sev", "p2"]);
    assert_eq!(
        repo.ok(&["sev", "1"]),
        format!("{CHECKOUT}: Severity P2 → P1\n")
    );
    // No built-in alias points at a role this repository does not have.
    assert!(
        repo.fails(2, &["role", "tl", "bob"])
            .contains("unknown role \"tl\"")
    );

    let mut config = OLD_CONFIG.to_string();
    config.push_str("aliases:\n  roles: {boss: incident-lead}\n  severities: {critical: P1}\n  channels: {slack: chat}\n");
    repo.write(".inc.yaml", &config);
    assert_eq!(
        repo.ok(&["role", "BOSS", "alice"]),
        format!("{CHECKOUT}: alice is incident-lead\n")
    );
    repo.ok(&["sev", "p3"]);
    assert_eq!(
        repo.ok(&["sev", "critical"]),
        format!("{CHECKOUT}: Severity P3 → P1\n")
    );
    repo.ok(&[
        "comms",
        "--to",
        "internal",
        "--channel",
        "slack",
        "Bridge open",
    ]);
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"))
            .contains("channel: chat")
    );

    repo.write(
        ".inc.yaml",
        &format!("{OLD_CONFIG}aliases:\n  roles: {{boss: manager}}\n"),
    );
    let err = repo.fails(1, &["log", "x"]);
    assert!(
        err.contains("aliases.roles: \"boss\" stands for \"manager\", which is not one of roles (incident-lead, scribe)"),
        "{err}"
    );
}

#[test]
fn use_without_an_id_says_which_incident_and_why() {
    let repo = Repo::new();
    assert_eq!(
        repo.ok(&["use"]),
        "none: no incident is open; `inc open TITLE` opens one\n"
    );
    repo.open_checkout();
    assert_eq!(
        repo.ok(&["use"]),
        format!("{CHECKOUT} (chosen with `inc use`)\n")
    );
    repo.ok(&["use", "--clear"]);
    assert_eq!(
        repo.ok(&["use"]),
        format!("{CHECKOUT} (the only open incident)\n")
    );
    repo.ok(&["open", "Search slow"]);
    repo.ok(&["use", "--clear"]);
    assert_eq!(
        repo.ok(&["use"]),
        format!("none: 2 incidents are open ({CHECKOUT}, {SEARCH}); choose with `inc use ID`\n")
    );
}

#[test]
fn a_resolved_choice_is_not_the_default_while_another_incident_is_open() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Search slow"]);
    repo.ok(&["use", CHECKOUT]);
    repo.ok(&["resolve"]);
    // Checkout, the choice, is resolved while search is open: the choice no longer counts.
    assert_eq!(
        repo.ok(&["use"]),
        format!(
            "none: {CHECKOUT} (chosen with `inc use`) is resolved while {SEARCH} is open; choose with `inc use ID`, or name one with -i ID\n"
        )
    );
    let before = repo.state();
    assert_eq!(
        repo.fails(2, &["log", "Where does this go?"]),
        format!(
            "error: {CHECKOUT} (chosen with `inc use`) is resolved while {SEARCH} is open: name the incident with -i ID, or switch with `inc use ID`\n"
        )
    );
    assert_eq!(
        repo.fails(2, &["use", CHECKOUT]),
        format!(
            "error: {CHECKOUT} is resolved while {SEARCH} is open: then `inc use` chooses only open incidents; name {CHECKOUT} with -i {CHECKOUT} instead\n"
        )
    );
    assert_eq!(repo.state(), before);
    repo.ok(&["-i", CHECKOUT, "log", "Named, so it goes here"]);
    repo.ok(&["use", SEARCH]);
    assert_eq!(
        repo.ok(&["use"]),
        format!("{SEARCH} (chosen with `inc use`)\n")
    );

    // Nothing open any more: a resolved incident can be chosen again (post-mortem work).
    repo.ok(&["resolve"]);
    repo.ok(&["use", CHECKOUT]);
    repo.ok(&["log", "Writing the post-mortem"]);
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
            .ends_with("text: Writing the post-mortem\n")
    );
}

#[test]
fn the_logbook_keeps_a_long_change_request_whole() {
    let repo = Repo::with_lead();
    let request = format!(
        "Roll back payments-service to v411 on every cluster, {} then confirm the pool size is 200",
        "one region at a time, watching the error rate for five minutes between regions, "
            .repeat(3)
    );
    assert!(request.chars().count() > 300, "{}", request.len());
    let out = repo.ok(&["change", "request", &request]);
    let id = out.split_whitespace().nth(2).unwrap().to_string();
    let approved = repo.ok(&["change", "approve", &id]);
    // The confirmation is a display: one line, cut with an ellipsis.
    assert!(
        approved.ends_with("…\n") && approved.lines().count() == 1,
        "{approved}"
    );
    let timeline: serde_json::Value = repo.json(&["show", "--json"]);
    let entry = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "change-approved")
        .unwrap()
        .clone();
    assert_eq!(entry["text"], format!("Approved change {id}: {request}"));
    // Read straight from the file, too.
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let stored: Vec<inc::model::TimelineEntry> =
        inc::model::from_yaml(std::path::Path::new(&path), &repo.read(&path)).unwrap();
    let approval = stored.last().unwrap();
    assert_eq!(approval.kind, inc::model::Kind::ChangeApproved);
    assert_eq!(approval.text, format!("Approved change {id}: {request}"));

    let message = format!(
        "We are rolling back. {}",
        "Details follow in the next update. ".repeat(4)
    );
    repo.ok(&["comms", "--to", "internal", message.trim()]);
    let timeline: serde_json::Value = repo.json(&["show", "--json"]);
    let note = timeline["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "comms")
        .unwrap()
        .clone();
    assert_eq!(
        note["text"],
        format!("Update to internal: {}", message.trim())
    );
}

/// An outage board with a long title, a long id and a long name.
fn long_board() -> Repo {
    let repo = Repo::new();
    repo.ok_at(
        "14:00",
        &[
            "open",
            "Payments failing for every customer in the European region after the deploy",
            "--sev",
            "1",
            "--started",
            "13:50",
            "--lead",
            "Maximilian Alexander von Hohenzollern-Sigmaringen",
        ],
    );
    repo.ok_at("14:05", &["comms", "--to", "internal", "Bridge open"]);
    repo.ok_at(
        "15:30",
        &[
            "log",
            "Failing over the payments database to the secondary region",
        ],
    );
    repo.ok_at(
        "14:30",
        &["open", "Search slow", "--sev", "3", "--lead", "bob"],
    );
    repo.ok_at("15:00", &["comms", "--to", "customers", "Search is slow"]);
    repo
}

fn dashboard(repo: &Repo, columns: &str) -> String {
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:45:00Z")
        .env("COLUMNS", columns)
        .arg("status")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_dashboard_fits_80_columns_and_shows_more_on_wider_terminals() {
    let repo = long_board();
    let narrow = dashboard(&repo, "80");
    for line in narrow.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    insta::assert_snapshot!(narrow, @r"
    ID        SEV   NEXT                                TITLE
    payments  SEV1  update customers OVERDUE 1h 15m +3  Payments failing for every…
    search    SEV3  update internal OVERDUE 15m         Search slow
    ");
    let wide = dashboard(&repo, "200");
    for line in wide.lines() {
        assert!(line.chars().count() <= 200, "{line}");
    }
    insta::assert_snapshot!(wide, @r"
    ID        SEV   NEXT                                LEAD              AGE     STATUS         TITLE                                                                        LAST ENTRY
    payments  SEV1  update customers OVERDUE 1h 15m +3  Maximilian Alex…  1h 55m  investigating  Payments failing for every customer in the European region after the deploy  Failing over the pa… (15m ago)
    search    SEV3  update internal OVERDUE 15m         bob               1h 15m  investigating  Search slow                                                                  Update to customers… (45m ago)
    ");
}

#[test]
fn status_options_that_would_do_nothing_are_refused() {
    let repo = Repo::with_lead();
    let before = repo.state();
    let err = repo.fails(2, &["status", "--at", "14:30"]);
    assert!(err.contains("needs the status to change to"), "{err}");
    let err = repo.fails(2, &["status", "--json", "identified"]);
    assert!(err.contains("'--json' cannot be used with"), "{err}");
    assert_eq!(repo.state(), before);
}
