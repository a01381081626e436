//! Issue 26, how it is checked: a 73-hour outage written up afterwards by three people on three
//! clones, each from their own notes, days after it ended: a first signal before the impact,
//! three shift handoffs, a severity raised on the first day and lowered for the last hour, a
//! decision and updates backdated, and one clone recording the downgrade before another records
//! the escalation. Once all have synced, every clone holds the same files, and the durations, the
//! peak severity, the SLA verdicts and the roles are what the team would publish.
//!
//! The times (UTC) as the team published them:
//!
//! | time             | published event                                                   |
//! |------------------|-------------------------------------------------------------------|
//! | 10-28 12:50      | first signal: write latency alert on the storage cluster          |
//! | 10-28 13:20      | incident opened, ana leads                                        |
//! | 10-28 14:37      | impact began: checkout failing for all customers                  |
//! | 10-28 14:45      | raised to SEV1                                                    |
//! | 10-28 22:00      | handoff ana → ben                                                 |
//! | 10-29 03:10      | decision: rebuild the cluster from snapshots                      |
//! | 10-29 06:00      | handoff ben → chloe                                               |
//! | 10-29 18:00      | handoff chloe → ana                                               |
//! | 10-31 12:00      | mitigated: checkout served from the rebuilt cluster               |
//! | 10-31 14:40      | lowered to SEV2 for the last hour                                 |
//! | 10-31 15:37      | resolved: 73 hours after the impact began                         |

use crate::common::{Repo, bare_remote};

const ID: &str = "2026-10-28-storage-cluster-down";
/// The write-up, a week later.
const WRITE_UP: &str = "2026-11-04T10:00:00Z";

/// `who` runs `inc ARGS` in `clone` at the write-up; it must succeed. Returns (stdout, stderr).
fn run(clone: &Repo, args: &[&str]) -> (String, String) {
    let out = clone
        .cmd()
        .env("INC_NOW", WRITE_UP)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{} inc {args:?}: {stderr}",
        clone.user
    );
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

fn sync(clone: &Repo) {
    run(clone, &["sync"]);
}

/// Three clones of one repository whose SEV1 has SLA targets: ana's (who set it up), ben's and
/// chloe's.
fn team() -> (tempfile::TempDir, Repo, Repo, Repo) {
    let (temp, remote) = bare_remote();
    let mut ana = Repo::new();
    ana.user = "ana".into();
    ana.now = WRITE_UP.into();
    let config = ana.read(".inc.yaml");
    ana.write(
        ".inc.yaml",
        &format!("{config}sla:\n  SEV1: {{respond: 15m, resolve: 4h}}\n  SEV2: {{respond: 30m, resolve: 1d}}\n"),
    );
    ana.git(&["commit", "-qam", "SLA targets"]);
    ana.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    sync(&ana);
    let clone = |name: &str| {
        let mut repo = Repo::clone_of(&remote);
        repo.user = name.into();
        repo.now = WRITE_UP.into();
        repo
    };
    (temp, ana, clone("ben"), clone("chloe"))
}

#[test]
fn a_73_hour_outage_written_up_afterwards_on_three_clones_tells_the_published_story() {
    let (_remote, ana, ben, chloe) = team();

    // ana opens it as it was: first signal 12:50, opened 13:20 with her as lead, impact 14:37.
    let (id, note) = run(
        &ana,
        &[
            "open",
            "Storage cluster down",
            "--sev",
            "SEV2",
            "--detected",
            "2026-10-28 12:50",
            "--started",
            "2026-10-28 14:37",
            "--at",
            "2026-10-28 13:20",
            "--lead",
            "ana",
        ],
    );
    assert_eq!(id, format!("{ID}\n"), "the id takes the incident's date");
    assert!(
        note.contains("recorded as a first signal before the impact"),
        "{note}"
    );
    run(
        &ana,
        &[
            "log",
            "--at",
            "2026-10-28 12:50",
            "--kind",
            "detection",
            "Write latency alert on the storage cluster",
        ],
    );
    run(&ana, &["sev", "SEV1", "--at", "2026-10-28 14:45"]);
    run(
        &ana,
        &["role", "incident-lead", "ben", "--at", "2026-10-28 22:00"],
    );
    sync(&ana);

    // chloe, from her notes, before she has pulled ben's: the last day, and the downgrade.
    sync(&chloe);
    run(
        &chloe,
        &["role", "incident-lead", "chloe", "--at", "2026-10-29 06:00"],
    );
    run(
        &chloe,
        &["role", "incident-lead", "ana", "--at", "2026-10-29 18:00"],
    );
    run(
        &chloe,
        &[
            "comms",
            "--to",
            "customers",
            "--at",
            "2026-10-29 08:00",
            "Checkout is unavailable while we rebuild our storage cluster.",
        ],
    );
    run(&chloe, &["mark", "mitigated", "--at", "2026-10-31 12:00"]);
    run(&chloe, &["sev", "SEV2", "--at", "2026-10-31 14:40"]);

    // ben, meanwhile, on a clone that has only ana's part: his night shift.
    sync(&ben);
    run(
        &ben,
        &[
            "log",
            "--at",
            "2026-10-29 03:10",
            "--kind",
            "decision",
            "Rebuild the cluster from the 02:00 snapshots",
        ],
    );
    run(&ben, &["mark", "acknowledged", "--at", "2026-10-28 13:25"]);
    sync(&chloe);
    sync(&ben);

    // ana resolves it last, as it was, after pulling the others'.
    sync(&ana);
    run(&ana, &["resolve", "--at", "2026-10-31 15:37"]);
    sync(&ana);
    sync(&ben);
    sync(&chloe);

    // One story in every clone.
    let files = ana.files();
    assert_eq!(files, ben.files(), "ana's and ben's files differ");
    assert_eq!(files, chloe.files(), "ana's and chloe's files differ");

    let shown = ben.json(&["show", "--json", "-i", ID]);
    // Published: 73 hours from the impact to the end; the signal 1h 47m before the impact, so
    // there was no time to detect (not "0s"); mitigated after 69h 23m.
    let durations = &shown["durations"];
    assert_eq!(durations["time_to_resolve"], 73 * 3600, "{durations}");
    assert_eq!(durations["time_to_detect"], serde_json::Value::Null);
    assert_eq!(durations["signal_before_impact"], 3600 + 47 * 60);
    assert_eq!(durations["time_to_mitigate"], 69 * 3600 + 23 * 60);
    assert_eq!(durations["detected_to_resolved"], 73 * 3600);
    // SEV2 at the end, SEV1 at its worst: the SLA is SEV1's, and resolving took far longer.
    assert_eq!(shown["severity"], "SEV2");
    assert_eq!(shown["peak_severity"], "SEV1");
    let sla = shown["sla"].as_array().unwrap();
    assert_eq!(
        (&sla[0]["target"], &sla[0]["verdict"]),
        (&"respond".into(), &"met".into()),
        "acknowledged before the impact: responded as it began"
    );
    assert_eq!(sla[1]["verdict"], "breached");
    assert_eq!(sla[1]["due"], "2026-10-28T18:37:00+00:00");

    // The severity history in time order, whichever clone wrote which first.
    let sev: Vec<(String, String)> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "status" && e["text"].as_str().unwrap().contains("SEV"))
        .map(|e| {
            (
                e["at"].as_str().unwrap().into(),
                e["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(sev.len(), 3, "{sev:?}");
    assert!(
        sev[1].1.contains("SEV1") && sev[2].1.contains("SEV2"),
        "{sev:?}"
    );
    let (out, _) = run(&chloe, &["check"]);
    assert!(!out.contains("severity-history"), "{out}");

    // The handoffs, each when it happened.
    let roles = run(&chloe, &["roles", "-i", ID]).0;
    assert!(roles.contains("ana (since 2026-10-29 18:00"), "{roles}");
    let events = chloe.read(&format!("incidents/{ID}/roles.yaml"));
    for when in [
        "2026-10-28T13:20:00",
        "2026-10-28T22:00:00",
        "2026-10-29T06:00:00",
        "2026-10-29T18:00:00",
    ] {
        assert!(events.contains(when), "{when} in {events}");
    }

    // Stats count it as the SEV1 it was, or as it ended on request.
    let peak = ana.json(&["stats", "--by", "severity", "--json"]);
    assert_eq!(peak[0]["group"], "SEV1", "{peak}");
    assert_eq!(peak[0]["time_to_resolve"]["median"], 73 * 3600, "{peak}");
    let last = ana.json(&["stats", "--by", "severity", "--severity", "final", "--json"]);
    assert_eq!(last[0]["group"], "SEV2", "{last}");

    // What the team publishes says 3 days 1 hour.
    let report = run(&ana, &["report", "-t", "external", "-i", ID]).0;
    assert!(report.contains("3d 1h"), "{report}");
}
