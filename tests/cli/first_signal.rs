//! A first signal before the impact (`detected` earlier than `started`): recorded as it was,
//! never a made-up "0s to detect", and the outage's length what the team published (impact
//! start → resolved) in show, JSON, stats, reports, the site and SLA.

use crate::common::Repo;

const ID: &str = "2026-12-07-payments-outage";
const SLA: &str = "sla:\n  SEV2: {respond: 30m, resolve: 8h}\n";
/// The published outage: impact from 21:00 on 7 December to 22:00 on 10 December (73 hours),
/// after a first signal at 19:00 on the 7th.
const IMPACT: i64 = 73 * 3600;

fn outage() -> Repo {
    let mut repo = Repo::new();
    let config = repo.read(".inc.yaml");
    repo.write(".inc.yaml", &format!("{config}{SLA}"));
    repo.git(&["commit", "-qam", "sla"]);
    repo.now = "2026-12-07T21:10:00Z".into();
    let out = repo.run(&[
        "open",
        "Payments outage",
        "--sev",
        "SEV2",
        "--detected",
        "2026-12-07 19:00",
        "--started",
        "2026-12-07 21:00",
        "--source",
        "alert",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{ID}\n"));
    // Said back, so that a typo in either time does not pass unnoticed.
    assert!(
        stderr.contains(&format!(
            "{ID}: detected 19:00 is 2h before started 21:00: recorded as a first signal before the impact"
        )),
        "{stderr}"
    );
    repo.ok_at(
        "2026-12-07T21:12:00Z",
        &["mark", "acknowledged", "--at", "19:05"],
    );
    repo.ok_at(
        "2026-12-10T22:30:00Z",
        &["mark", "mitigated", "--at", "2026-12-10 20:00"],
    );
    repo.ok_at(
        "2026-12-10T22:30:00Z",
        &["resolve", "--at", "2026-12-10 22:00"],
    );
    repo.now = "2026-12-11T10:00:00Z".into();
    repo
}

#[test]
fn show_says_the_signal_came_before_the_impact_and_counts_the_outage_from_the_impact() {
    let repo = outage();
    let text = repo.ok(&["show"]);
    for line in [
        "  started       2026-12-07 21:00\n",
        "  detected      2026-12-07 19:00  first signal, 2h before impact\n",
        "  time to detect        detected before impact (signal 2h before)\n",
        "  time to mitigate      2d 23h\n",
        "  time to resolve       3d 1h\n",
        "  detected to resolved  3d 1h\n",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
    assert!(!text.contains(" 0s"), "{text}");

    let shown = repo.json(&["show", "--json"]);
    assert_eq!(
        shown["durations"],
        serde_json::json!({
            "time_to_detect": null,
            "signal_before_impact": 7200,
            "time_to_mitigate": IMPACT - 2 * 3600,
            "time_to_resolve": IMPACT,
            "detected_to_resolved": IMPACT,
        })
    );
    // The SLA counts from the impact, not from the warning before it; the acknowledgement of
    // the warning responded as the impact began.
    assert_eq!(shown["sla"][0]["from"], "2026-12-07T21:00:00+00:00");
    assert_eq!(shown["sla"][0]["text"], "met with 30m to spare");
    assert_eq!(shown["sla"][1]["due"], "2026-12-08T05:00:00+00:00");

    // Nothing for `inc check` to complain about in the milestones.
    let out = repo.run(&["check", "--format", "json"]);
    let found = String::from_utf8_lossy(&out.stdout);
    assert!(!found.contains("milestone-order"), "{found}");
}

#[test]
fn stats_leave_a_signal_before_impact_out_of_time_to_detect_and_say_so() {
    let repo = outage();
    // A second incident detected 10 minutes into its impact.
    repo.ok_at(
        "2026-12-11T09:00:00Z",
        &[
            "open",
            "Search slow",
            "--sev",
            "SEV3",
            "--started",
            "08:30",
            "--detected",
            "08:40",
        ],
    );
    let groups = repo.json(&["stats", "--json"]);
    let all = &groups[0];
    assert_eq!(all["count"], 2);
    assert_eq!(all["detected_before_impact"], 1);
    assert_eq!(
        (
            &all["time_to_detect"]["n"],
            &all["time_to_detect"]["left_out"],
            &all["time_to_detect"]["mean"],
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!(0),
            &serde_json::json!(600)
        ),
        "{all}"
    );
    assert_eq!(all["time_to_resolve"]["mean"], IMPACT);
    let table = repo.ok(&["stats"]);
    assert!(
        table.contains(
            "1 incident was detected before impact (a first signal before anyone was affected): not in time to detect.\n"
        ),
        "{table}"
    );
    let by = repo.ok(&["stats", "--by", "severity"]);
    assert!(by.contains("not in time to detect: SEV2 1.\n"), "{by}");
}

#[test]
fn reports_and_the_site_publish_the_impact_and_the_signal_apart() {
    let repo = outage();
    let report = repo.ok(&["report"]);
    for part in [
        "**Outage:** 2026-12-07 21:00 UTC to 2026-12-10 22:00 UTC, 3d 1h",
        "**Detected:** 2026-12-07 19:00 UTC by alert, a first signal 2h before the impact began",
        "| Time to detect | detected before impact (signal 2h before) |",
        "| Time to resolve | 3d 1h |",
        "Signal before impact (2h) :p1, 2026-12-07T19:00, 2026-12-07T21:00",
        "Detected, not yet mitigated (2d 23h) :p2, 2026-12-07T21:00, 2026-12-10T20:00",
    ] {
        assert!(report.contains(part), "{part:?} in:\n{report}");
    }
    let summary = repo.ok(&["report", "--template", "summary"]);
    assert!(
        summary.contains("| Time to detect | detected before impact (signal 2h before) |"),
        "{summary}"
    );
    let external = repo.ok(&["report", "--template", "external"]);
    assert!(
        external.contains("Our monitoring alerted us 2h before the problem began."),
        "{external}"
    );
    assert!(
        external.contains("From 2026-12-07 21:00 UTC to 2026-12-10 22:00 UTC (3d 1h)."),
        "{external}"
    );

    // The site lists it from the start of the impact, for as long as it lasted.
    repo.ok(&["site", "-o", "site"]);
    let index = repo.read("site/index.html");
    assert!(index.contains("2026-12-07 21:00 UTC"), "{index}");
    assert!(!index.contains("2026-12-07 19:00 UTC"), "{index}");
    assert!(index.contains("3d 1h"), "{index}");
}

#[test]
fn a_start_marked_after_the_first_signal_is_accepted_and_said_back() {
    let repo = Repo::new();
    repo.ok_at(
        "2026-12-07T19:05:00Z",
        &["open", "Queue lag", "--sev", "SEV3", "--detected", "19:00"],
    );
    let id = "2026-12-07-queue-lag";
    let out = repo.ok_at(
        "2026-12-07T21:30:00Z",
        &["mark", "started", "--at", "21:00"],
    );
    assert_eq!(
        out,
        format!(
            "{id}: Marked started\n{id}: detected 19:00 is 2h before started 21:00: recorded as a first signal before the impact\n"
        )
    );
    // The impact cannot be mitigated before it began: refused, nothing written.
    let before = repo.state();
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-12-07T21:30:00Z")
        .args(["mark", "mitigated", "--at", "20:00"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: started (2026-12-07 21:00) would be after mitigated (2026-12-07 20:00): check --at, or mark started again first\n"
    );
    assert_eq!(repo.state(), before);
}
