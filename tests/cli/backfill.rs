//! Issue 26, points 1 and 3: an incident written up afterwards. Every command that records
//! something takes `--at`; `inc open` dates the id and the roles it gives from the incident's
//! own times; a date before the incident began, or in another zone, is taken and said back; the
//! severity history is the truth (a backdated `inc sev` lands in time order, stats and SLA count
//! the peak, `inc check` reports a severity the timeline disagrees with).

use std::collections::BTreeSet;
use std::process::Output;

use clap::CommandFactory;

use crate::common::{CHECKOUT, NOW, Repo};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";

/// A runbook that attaches only by hand.
const MANUAL: &str = "---\ntitle: By hand\n---\n- [ ] Page the DBA\n- [ ] Fail over\n";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The checkout incident's timeline entries as `inc show --json` gives them.
fn entries(repo: &Repo) -> Vec<serde_json::Value> {
    let shown = repo.json(&["show", "--json", "-i", CHECKOUT]);
    shown["timeline"].as_array().unwrap().clone()
}

fn rfc(hm: &str) -> String {
    format!("2026-11-22T{hm}:00+00:00")
}

/// Every command that records something in an incident, with a time between the incident's
/// start (14:02) and now (14:40). `{id}` is replaced with the id of the last change request.
const RECORDING: &[(&str, &[&str])] = &[
    ("14:06", &["log", "Deploy of v2.3 finished"]),
    ("14:07", &["comms", "--to", "internal", "Looking into it"]),
    ("14:08", &["role", "scribe", "bob"]),
    ("14:09", &["sev", "SEV1"]),
    ("14:10", &["impact", "--service", "search"]),
    ("14:11", &["edit", "--title", "Checkout API returns 502s"]),
    ("14:12", &["edit", "--summary", "Failing over"]),
    ("14:13", &["tag", "add", "dns"]),
    ("14:14", &["tag", "remove", "dns"]),
    ("14:15", &["link", "https://grafana.example.com/d/1"]),
    (
        "14:16",
        &[
            "link",
            "https://grafana.example.com/d/1",
            "--title",
            "Graphs",
        ],
    ),
    ("14:17", &["unlink", "https://grafana.example.com/d/1"]),
    ("14:18", &["attach", "../graph.png"]),
    ("14:19", &["change", "request", "Roll back to v2.2"]),
    ("14:20", &["change", "approve", "{id}"]),
    ("14:21", &["change", "request", "Restart everything"]),
    (
        "14:22",
        &["change", "reject", "{id}", "--reason", "too broad"],
    ),
    ("14:23", &["runbook", "attach", "manual"]),
    ("14:24", &["runbook", "done", "manual:1"]),
    ("14:25", &["runbook", "detach", "manual"]),
    ("14:26", &["mark", "mitigated"]),
    ("14:27", &["status", "monitoring"]),
    ("14:28", &["resolve"]),
];

#[test]
fn every_recording_command_records_at_the_time_given() {
    let repo = Repo::new();
    repo.write(".inc/runbooks/manual.md", MANUAL);
    repo.open_checkout();
    std::fs::write(repo.root().parent().unwrap().join("graph.png"), b"\x89PNG").unwrap();
    repo.ok(&["role", "incident-lead", "alice", "--at", "14:05"]);
    let mut request = String::new();
    for (at, args) in RECORDING {
        let before: BTreeSet<String> = entries(&repo)
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        let mut full: Vec<String> = args.iter().map(|a| a.replace("{id}", &request)).collect();
        full.extend(["--at".to_string(), at.to_string()]);
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let out = repo.ok(&full);
        if args.starts_with(&["change", "request"]) {
            request = out.split_whitespace().nth(2).unwrap().to_string();
        }
        let new: Vec<serde_json::Value> = entries(&repo)
            .into_iter()
            .filter(|e| !before.contains(e["id"].as_str().unwrap()))
            .collect();
        assert!(!new.is_empty(), "inc {full:?} logged nothing");
        for entry in &new {
            // Everything the command logged happened then (`inc sev SEV1` attaches break-glass
            // too), and when it was written is kept.
            assert_eq!(entry["at"], rfc(at), "inc {full:?}: {entry}");
            assert_eq!(entry["recorded"], NOW.replace('Z', "+00:00"), "{entry}");
        }
    }
    // The logs beside the timeline take the time too.
    let roles = repo.read(&format!("incidents/{CHECKOUT}/roles.yaml"));
    assert!(
        roles.contains(&format!("at: \"{}\"\n", rfc("14:08"))),
        "{roles}"
    );
    let comms = repo.read(&format!("incidents/{CHECKOUT}/comms.yaml"));
    assert!(
        comms.contains(&format!("at: \"{}\"\n", rfc("14:07"))),
        "{comms}"
    );
    let incident = repo.read(INCIDENT);
    assert!(
        incident.contains("title: Checkout API returns 502s\n"),
        "{incident}"
    );
    assert!(incident.contains("severity: SEV1\n"), "{incident}");
}

/// The commands that record something in an incident, as the help shows them, and those that
/// take `--at`: the same list but for `inc exec`, which runs its command now and logs that.
#[test]
fn every_command_that_records_takes_at() {
    fn walk(command: &clap::Command, prefix: &str, at: &mut Vec<String>) {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = format!("{prefix}{}", sub.get_name());
            if sub.get_arguments().any(|a| a.get_id() == "at") {
                at.push(name.clone());
            }
            walk(sub, &format!("{name} "), at);
        }
    }
    let mut command = inc::cli::Cli::command();
    command.build();
    let mut at = Vec::new();
    walk(&command, "", &mut at);
    at.sort();
    assert_eq!(
        at,
        [
            "attach",
            "change approve",
            "change reject",
            "change request",
            "comms",
            "comms snooze",
            "edit",
            "impact",
            "link",
            "log",
            "maintenance update",
            "mark",
            "open",
            "resolve",
            "role",
            "runbook attach",
            "runbook detach",
            "runbook done",
            "sev",
            "status",
            "tag add",
            "tag remove",
            "unlink",
        ]
    );
}

#[test]
fn open_dates_the_id_the_opening_and_the_lead_from_the_incident_s_times() {
    let repo = Repo::new();
    let out = repo.run(&[
        "open",
        "DNS outage",
        "--sev",
        "SEV1",
        "--started",
        "2026-03-04 13:00",
        "--detected",
        "2026-03-04 13:20",
        "--at",
        "2026-03-04 13:25",
        "--lead",
        "alice",
    ]);
    let id = "2026-03-04-dns-outage";
    assert_eq!(stdout(&out), format!("{id}\n"));
    // SEV1 attaches break-glass, at the opening too (below).
    assert_eq!(
        stderr(&out),
        format!("{id}: attached runbook break-glass (see `inc runbook`)\n")
    );
    let incident = repo.read(&format!("incidents/{id}/incident.yaml"));
    assert!(
        incident.contains("opened: \"2026-03-04T13:25:00+00:00\"\n"),
        "{incident}"
    );
    let roles = repo.json(&["roles", "--json", "-i", id]);
    let text = roles.to_string();
    assert!(
        text.contains("\"2026-03-04T13:25:00+00:00\"") && !text.contains("2026-11-22T14:40"),
        "{roles}"
    );
    let shown = repo.json(&["show", "--json", "-i", id]);
    assert_eq!(shown["timeline"].as_array().unwrap().len(), 3, "{shown}");
    for entry in shown["timeline"].as_array().unwrap() {
        assert_eq!(entry["at"], "2026-03-04T13:25:00+00:00", "{entry}");
        assert_eq!(entry["recorded"], "2026-11-22T14:40:00+00:00", "{entry}");
    }

    // Without --at, an incident detected on an earlier day was opened then, and that is said.
    let out = repo.run(&[
        "open",
        "Mail delayed",
        "--started",
        "2026-03-05 08:00",
        "--detected",
        "2026-03-05 08:30",
        "--lead",
        "bob",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2026-03-05-mail-delayed\n");
    assert_eq!(
        stderr(&out),
        "note: opened at 2026-03-05 08:30 +00:00, when it was detected (--at gives when it was opened)\n"
    );
    let roles = repo.read("incidents/2026-03-05-mail-delayed/roles.yaml");
    assert!(
        roles.contains("at: \"2026-03-05T08:30:00+00:00\"\n"),
        "{roles}"
    );

    // Given only a start on an earlier day, inc cannot tell: it is detected and opened now, and
    // the note says what a write-up gives.
    let out = repo.run(&["open", "Queue stuck", "--started", "2026-11-20 10:00"]);
    assert_eq!(stdout(&out), "2026-11-20-queue-stuck\n");
    assert_eq!(
        stderr(&out),
        "note: detected and opened now (2026-11-22 14:40 +00:00), 2d 4h 40m after it started: if you are writing it up afterwards, give --detected and --at\n"
    );

    // Live, with a start earlier today, it is opened now and dated today, as before.
    let out = repo.ok(&[
        "open",
        "Search slow",
        "--started",
        "14:02",
        "--lead",
        "carol",
    ]);
    assert_eq!(out, "2026-11-22-search-slow\n");
    let roles = repo.read("incidents/2026-11-22-search-slow/roles.yaml");
    assert!(
        roles.contains("at: \"2026-11-22T14:40:00+00:00\"\n"),
        "{roles}"
    );
    assert!(!roles.contains("recorded:"), "{roles}");
}

#[test]
fn a_date_before_the_start_or_in_another_zone_is_taken_and_said_back() {
    let repo = Repo::with_incident(); // started 14:02, now 14:40 UTC
    let out = repo.run(&["tag", "add", "dns", "--at", "2026-11-22 13:50"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: recorded at 2026-11-22 13:50 +00:00, before the incident began (2026-11-22 14:02 +00:00)\n"
    );
    let out = repo.run(&["log", "Paged", "--at", "2026-11-22T09:30:00-05:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: recorded at 2026-11-22 09:30 -05:00 (2026-11-22 14:30 UTC in your zone)\n"
    );
    let out = repo.run(&["log", "Deploy", "--at", "2026-11-22T08:30:00-05:00"]);
    assert_eq!(
        stderr(&out),
        "note: recorded at 2026-11-22 08:30 -05:00 (2026-11-22 13:30 UTC in your zone), before the incident began (2026-11-22 14:02 +00:00)\n"
    );
    // What a time says itself is not repeated: today's clock time, a relative one, or a date in
    // the person's own zone after the start.
    repo.ok(&["change", "request", "Roll back", "--at", "14:30"]);
    repo.ok(&["runbook", "attach", "break-glass", "--at", "5m ago"]);
    repo.ok(&["impact", "--customers", "1200", "--at", "2026-11-22 14:35"]);
}

#[test]
fn a_clock_time_before_the_start_or_a_time_ahead_is_refused_and_nothing_is_written() {
    let repo = Repo::with_incident();
    let before = repo.state();
    for args in [
        &["tag", "add", "dns", "--at", "13:50"][..],
        &["change", "request", "Roll back", "--at", "13:00"],
        &["impact", "--service", "search", "--at", "2026-11-22 16:00"],
        &["runbook", "attach", "break-glass", "--at", "+1h"],
        &["edit", "--title", "New", "--at", "2026-11-23 09:00"],
    ] {
        let err = repo.fails(2, args);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: time \""), "{args:?}: {err}");
    }
    assert!(repo.state() == before, "a refused time wrote something");
}

#[test]
fn a_decision_backdated_before_its_request_or_its_lead_is_refused() {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "alice", "--at", "14:20"]);
    let out = repo.ok(&["change", "request", "Roll back", "--at", "14:30"]);
    let id = out.split_whitespace().nth(2).unwrap().to_string();
    repo.ok(&["role", "incident-lead", "bob", "--at", "14:35"]);
    let before = repo.state();
    let err = repo.fails(2, &["change", "approve", &id, "--at", "14:25"]);
    assert_eq!(
        err,
        format!(
            "error: --at 2026-11-22 14:25 is before change {id} was requested (2026-11-22 14:30): a decision comes after its request\n"
        )
    );
    // At 14:33 alice led; bob did not yet.
    let err = repo.fails(
        1,
        &["change", "approve", &id, "--at", "14:33", "--by", "bob"],
    );
    assert!(
        err.contains("bob is not the incident-lead at 2026-11-22 14:33: only alice can"),
        "{err}"
    );
    assert!(repo.state() == before, "a refused decision wrote something");
    repo.ok(&["change", "approve", &id, "--at", "14:33", "--by", "alice"]);
}

fn severity(repo: &Repo) -> String {
    repo.read(INCIDENT)
        .lines()
        .find_map(|l| l.strip_prefix("severity: "))
        .unwrap()
        .to_string()
}

#[test]
fn a_backdated_severity_lands_in_time_order() {
    let repo = Repo::with_incident(); // SEV2, opened 14:40
    repo.ok_at("15:00", &["sev", "SEV1"]);
    // Typed at 15:30 for 14:50: SEV2 was in force then; SEV1 from 15:00 stays in force.
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-22T15:30:00Z")
        .args(["sev", "SEV3", "--at", "14:50"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{CHECKOUT}: Severity SEV2 → SEV3\n"));
    assert_eq!(
        stderr(&out),
        "note: SEV1 stays the severity: it was changed to SEV1 later, at 2026-11-22 15:00\n"
    );
    assert_eq!(severity(&repo), "SEV1");
    // The history in time order, each change from the one before it.
    let history = repo.json(&["report", "--context", "--no-pager"]);
    let changes: Vec<(String, String)> = history["severity_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["from"].to_string(), c["to"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        changes,
        [
            ("null".into(), "SEV2".into()),
            ("\"SEV2\"".into(), "SEV3".into()),
            ("\"SEV3\"".into(), "SEV1".into()),
        ]
    );
    // The same severity as the one in force then is nothing to change.
    let head = repo.head();
    assert_eq!(
        repo.ok_at("15:31", &["sev", "SEV3", "--at", "14:55"]),
        format!("{CHECKOUT}: nothing to change\n")
    );
    assert_eq!(repo.head(), head);
    // A backdated change after every other one is the severity now.
    repo.ok_at("15:40", &["sev", "SEV2", "--at", "15:20"]);
    assert_eq!(severity(&repo), "SEV2");
    assert!(repo.ok_at("15:41", &["check"]).contains("No problems"));
}

#[test]
fn check_reports_a_severity_the_timeline_disagrees_with() {
    let repo = Repo::with_incident();
    repo.ok(&["sev", "SEV1"]);
    assert!(repo.ok(&["check"]).contains("No problems"));
    let text = repo
        .read(INCIDENT)
        .replace("severity: SEV1", "severity: SEV3");
    repo.write(INCIDENT, &text);
    let out = repo.run(&["check"]);
    let line = text
        .lines()
        .position(|l| l.starts_with("severity:"))
        .unwrap()
        + 1;
    let found = stdout(&out);
    assert!(
        found.contains(&format!(
            "  {line}:1     warning  severity is SEV3 but the timeline's latest severity change (2026-11-22 14:40) made it SEV1: if SEV1 is in force, `inc sev SEV1`; if SEV3 is, log when it became so: `inc sev SEV3 --at WHEN`  [severity-history]"
        )),
        "{found}"
    );
    // Following the advice settles it.
    repo.ok(&["sev", "SEV3", "--at", "14:40"]);
    assert!(repo.ok(&["check"]).contains("No problems"));
}

#[test]
fn a_severity_edited_by_hand_is_logged_as_a_change() {
    let repo = Repo::with_incident();
    let editor = repo.root().parent().unwrap().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/^severity: SEV2/severity: SEV1/' \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = repo
        .cmd()
        .env("EDITOR", &editor)
        .arg("edit")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(severity(&repo), "SEV1");
    assert!(
        crate::common::texts(&repo).contains(&"Severity SEV2 → SEV1".to_string()),
        "{:?}",
        crate::common::texts(&repo)
    );
    assert!(repo.ok(&["check"]).contains("No problems"));
}

/// SEV1 for 2 hours, SEV3 for its last 10 minutes, with resolve targets per severity.
fn downgraded() -> Repo {
    let repo = Repo::with_incident(); // SEV2, started 14:02, detected 14:05, opened 14:40
    let config = repo.read(".inc.yaml");
    repo.write(
        ".inc.yaml",
        &format!("{config}sla:\n  SEV1: {{resolve: 1h}}\n  SEV3: {{resolve: 1d}}\n"),
    );
    repo.git(&["commit", "-qam", "sla"]);
    repo.ok_at("14:41", &["sev", "SEV1"]);
    repo.ok_at("16:00", &["sev", "SEV3"]);
    repo.ok_at("16:10", &["resolve"]);
    repo
}

#[test]
fn stats_and_sla_count_the_peak_severity_and_the_final_on_request() {
    let repo = downgraded();
    let peak = repo.json(&["stats", "--by", "severity", "--json"]);
    assert_eq!(peak[0]["group"], "SEV1", "{peak}");
    assert_eq!(peak[0]["count"], 1);
    // Resolved 2h 5m after detection: SEV1's target of 1h is breached.
    assert_eq!(peak[0]["sla_breaches"]["resolve"]["breached"], 1, "{peak}");
    let last = repo.json(&["stats", "--by", "severity", "--severity", "final", "--json"]);
    assert_eq!(last[0]["group"], "SEV3", "{last}");
    assert_eq!(last[0]["sla_breaches"]["resolve"]["breached"], 0, "{last}");
    // show says both, and judges the SLA by the peak.
    let shown = repo.ok(&["show", "--no-pager"]);
    assert!(shown.contains("SEV3 (peak SEV1) · resolved"), "{shown}");
    assert!(shown.contains("SLA (SEV1, its peak, from "), "{shown}");
    let json = repo.json(&["show", "--json"]);
    assert_eq!(json["severity"], "SEV3", "{json}");
    assert_eq!(json["peak_severity"], "SEV1", "{json}");
    assert_eq!(json["sla"][0]["verdict"], "breached", "{json}");
}

#[test]
fn the_peak_comes_through_the_parse_cache_and_follows_the_timeline() {
    let repo = downgraded();
    let args = ["stats", "--by", "severity", "--json"];
    // Old enough for the cache to keep it.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let cold = crate::cache::same(&repo, &args);
    assert!(stdout(&cold).contains("\"group\": \"SEV1\""));
    // A change to the timeline (a hand edit that removes the SEV1 change) is seen at once.
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let text = repo
        .read(&path)
        .replace("Severity SEV2 → SEV1", "Severity SEV2 → SEV2");
    repo.write(&path, &text);
    let after = crate::cache::same(&repo, &args);
    assert!(
        stdout(&after).contains("\"group\": \"SEV2\""),
        "{}",
        stdout(&after)
    );
}
