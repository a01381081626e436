//! Issue 12, "the 3 a.m. test": times, status and milestones, backdated roles, clock skew, error
//! messages, a busy git and a missing identity, on the real binary.

use std::time::{Duration, Instant};

use crate::common::{CHECKOUT, Repo, timeline};

fn incident_yaml(repo: &Repo) -> String {
    repo.read(&format!("incidents/{CHECKOUT}/incident.yaml"))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// Point 1: a clock time a little ahead means today; far ahead or before the incident is refused
// with the date spelled out; confirmations show the date when it is not today.

#[test]
fn a_clock_time_a_little_ahead_means_today() {
    let repo = Repo::with_incident();
    // Now is 14:40: 14:50 is ten minutes ahead (typing, a clock that runs slow), still today.
    let out = repo.ok(&["log", "Paged the database team", "--at", "14:50"]);
    assert!(out.starts_with("14:50 logged "), "{out}");
    assert!(
        timeline(&repo).contains("  at: \"2026-11-22T14:50:00+00:00\"\n"),
        "{}",
        timeline(&repo)
    );
}

#[test]
fn a_clock_time_far_ahead_is_refused_with_the_date() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let err = repo.fails(2, &["log", "Typo", "--at", "14:56"]);
    assert_eq!(
        err,
        "error: time \"14:56\" would be 2026-11-22 14:56 UTC, 16m ahead of now (14:40): a time alone means today; for another day give the date too, like \"2026-11-21 14:56\"\n"
    );
    assert_eq!(repo.state(), before);

    // Just after midnight, 23:58 is yesterday's: it must be typed with its date.
    let out = repo
        .cmd()
        .env("INC_NOW", "2026-11-23T00:05:00Z")
        .args(["log", "Rolled back", "--at", "23:58"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("would be 2026-11-23 23:58 UTC")
            && stderr(&out).contains("like \"2026-11-22 23:58\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn a_clock_time_before_the_incident_began_is_refused_unless_dated() {
    let repo = Repo::with_incident(); // started 14:02
    let before = repo.state();
    let err = repo.fails(2, &["log", "Deploy of v2.3", "--at", "13:50"]);
    assert_eq!(
        err,
        "error: time \"13:50\" would be 2026-11-22 13:50 UTC, before the incident began (2026-11-22 14:02 UTC): if that is right, give the date too, like \"2026-11-22 13:50\"\n"
    );
    assert_eq!(repo.state(), before);
    // Dated, it is taken as typed, and said back with its date and zone (issue 26).
    let out = repo.run(&["log", "Deploy of v2.3", "--at", "2026-11-22 13:50"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("13:50 logged "));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: recorded at 2026-11-22 13:50 +00:00, before the incident began (2026-11-22 14:02 +00:00)\n"
    );
    // Moving the start earlier is what `mark started` is for: not refused.
    repo.ok(&["mark", "started", "--at", "13:45"]);
}

#[test]
fn confirmations_print_the_date_when_it_is_not_today() {
    let repo = Repo::new();
    repo.ok(&[
        "open",
        "Checkout API down",
        "--started",
        "2026-11-21 23:30",
        "--detected",
        "2026-11-21 23:35",
        "--at",
        "2026-11-21 23:35",
    ]);
    let out = repo.ok(&["log", "Failed over", "--at", "2026-11-21 23:50"]);
    assert!(out.starts_with("2026-11-21 23:50 logged "), "{out}");
    let out = repo.ok(&["role", "scribe", "bob", "--at", "2026-11-21 23:40"]);
    assert_eq!(
        out,
        // The id is dated by when it began (issue 26), not by today.
        "2026-11-21-checkout-api-down: bob is scribe (at 2026-11-21 23:40)\n"
    );
    let out = repo.ok(&["mark", "acknowledged", "--at", "2026-11-21 23:45"]);
    assert!(
        out.ends_with(": Marked acknowledged (at 2026-11-21 23:45)\n"),
        "{out}"
    );
    let out = repo.ok(&["log", "Still failing"]);
    assert!(out.starts_with("14:40 logged "), "{out}");
}

// Point 2: status and milestones are one story.

#[test]
fn monitoring_marks_mitigated() {
    let repo = Repo::with_incident();
    let out = repo.ok(&["status", "monitoring", "--at", "14:30"]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: Status investigating → monitoring; marked mitigated\n")
    );
    assert!(incident_yaml(&repo).contains("  mitigated: \"2026-11-22T14:30:00+00:00\"\n"));
    // One already marked is kept.
    repo.ok(&["status", "identified"]);
    repo.ok(&["status", "monitoring"]);
    assert!(incident_yaml(&repo).contains("  mitigated: \"2026-11-22T14:30:00+00:00\"\n"));
}

#[test]
fn closing_an_unresolved_incident_is_refused_with_a_hint() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let err = repo.fails(1, &["status", "closed"]);
    assert_eq!(
        err,
        "error: the incident is still investigating, and closed means resolved with the post-mortem done: run `inc resolve` first (--at WHEN if it ended earlier), then `inc status closed`\n"
    );
    assert_eq!(repo.state(), before);
    repo.ok(&["resolve"]);
    repo.ok(&["status", "closed"]);
    assert!(incident_yaml(&repo).contains("status: closed\n"));
}

#[test]
fn going_back_to_work_on_a_resolved_incident_reopens_it() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve", "--at", "14:35"]);
    let out = repo.ok(&["status", "identified"]);
    assert_eq!(
        out,
        format!(
            "{CHECKOUT}: Reopened: status resolved → identified, was resolved at 2026-11-22 14:35\n"
        )
    );
    let yaml = incident_yaml(&repo);
    assert!(yaml.contains("status: identified\n"), "{yaml}");
    assert!(yaml.contains("  resolved: null\n"), "{yaml}");
    assert!(timeline(&repo).contains("  kind: status\n  text: \"Reopened: status resolved → identified, was resolved at 2026-11-22 14:35\"\n"));
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(
        shown["durations"]["time_to_resolve"],
        serde_json::Value::Null
    );
}

// Point 3: a backdated role change takes effect at its time, or is refused with the reason.

#[test]
fn a_backdated_release_before_the_role_was_taken_is_refused() {
    let repo = Repo::with_incident();
    repo.ok(&["role", "scribe", "bob", "--at", "14:30"]);
    let before = repo.state();
    let err = repo.fails(2, &["role", "scribe", "bob", "--remove", "--at", "14:20"]);
    assert_eq!(
        err,
        "error: bob was not scribe at 2026-11-22 14:20 UTC (held by nobody then; bob held it from 14:30): a release takes effect at --at, so give a time while bob held it\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn a_backdated_release_takes_effect_at_its_time() {
    let repo = Repo::with_incident();
    repo.ok(&["role", "scribe", "bob", "--at", "14:10"]);
    let out = repo.ok(&["role", "scribe", "bob", "--remove", "--at", "14:35"]);
    assert_eq!(out, format!("{CHECKOUT}: bob is no longer scribe\n"));
    let roles = repo.json(&["roles", "--json"]);
    assert_eq!(roles["holders"]["scribe"], serde_json::json!([]));
    let bob = &roles["history"][0];
    assert_eq!(bob["until"], "2026-11-22T14:35:00+00:00", "{roles}");
}

#[test]
fn a_backdated_handover_is_judged_by_who_held_the_role_then() {
    let repo = Repo::with_incident();
    repo.ok(&["role", "scribe", "bob", "--at", "14:30"]);
    // At 14:10 nobody was scribe: carol takes it, and bob's later hand-over ends her tenure.
    let out = repo.run(&["role", "scribe", "carol", "--at", "14:10"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{CHECKOUT}: carol is scribe\n")
    );
    assert_eq!(
        stderr(&out),
        "note: a later change ends it: carol held scribe until 14:30\n"
    );
    // Adding carol again at 14:15, while she held it, changes nothing.
    let out = repo.ok(&["role", "scribe", "carol", "--add", "--at", "14:15"]);
    assert_eq!(
        out,
        format!("{CHECKOUT}: carol was already scribe at 14:15\n")
    );
}

// Point 4: clock skew between clones never shows as a negative age or duration, and check warns.

#[test]
fn times_ahead_of_the_clock_show_as_zero_and_check_warns() {
    let repo = Repo::new();
    // A clone whose clock runs 20 minutes fast opens the incident and logs.
    repo.ok_at(
        "15:00",
        &[
            "open",
            "Checkout API down",
            "--sev",
            "SEV2",
            "--started",
            "14:58",
        ],
    );
    repo.ok_at("15:00", &["log", "Failed over"]);
    // Back on a correct clock (14:40).
    let dashboard = repo.json(&["status", "--json"]);
    assert_eq!(dashboard[0]["age"], 0, "{dashboard}");
    let text = repo.ok(&["status"]);
    assert!(text.contains("Failed over (0s ago)"), "{text}");
    assert!(!text.contains(" -") && !text.contains("(-"), "{text}");
    let list = repo.ok(&["list"]);
    assert!(list.contains(" 0s "), "{list}");

    let out = repo.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["rule"] == "future-time")
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let dir = format!("incidents/{CHECKOUT}");
    let line_of = |file: &str, needle: &str| {
        repo.read(&format!("{dir}/{file}"))
            .lines()
            .position(|l| l.contains(needle))
            .unwrap() as u64
            + 1
    };
    assert!(
        found.contains(&(
            format!("{dir}/incident.yaml"),
            line_of("incident.yaml", "started:"),
            "started is 18m ahead of this clock (2026-11-22 14:58, now 2026-11-22 14:40): the clock of the clone that wrote it may be wrong; correct the time (durations and ages show 0 until then)".to_string()
        )),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|(file, line, _)| *file == format!("{dir}/timeline.yaml") && *line > 1),
        "{found:#?}"
    );
}

#[test]
fn milestones_out_of_order_give_zero_durations() {
    let repo = Repo::with_incident();
    // A mitigation before the start is a mistake (a first signal before it is not: see
    // first_signal.rs).
    let yaml = incident_yaml(&repo).replace(
        "  mitigated: null",
        "  mitigated: \"2026-11-22T14:00:00+00:00\"",
    );
    repo.write(&format!("incidents/{CHECKOUT}/incident.yaml"), &yaml);
    let shown = repo.json(&["show", "--json"]);
    assert_eq!(shown["durations"]["time_to_mitigate"], 0, "{shown}");
    let text = repo.ok(&["show"]);
    assert!(text.contains("  time to mitigate      0s\n"), "{text}");
}

// Point 5: error messages carry what is needed to fix them.

#[test]
fn a_time_ahead_written_as_plus_says_the_accepted_forms() {
    let repo = Repo::with_incident();
    let err = repo.fails(2, &["log", "x", "--at", "+2m"]);
    assert_eq!(
        err,
        "error: time \"+2m\" is in the future, and the logbook records what has happened: use \"now\", \"14:32\", \"2026-11-22 14:32\", \"10m ago\", \"-2h\" or RFC 3339 (2026-11-22T14:32:00+01:00)\n"
    );
}

#[test]
fn resolve_refusing_says_the_times_involved() {
    let repo = Repo::with_incident(); // started 14:02, detected 14:05
    let before = repo.state();
    let err = repo.fails(2, &["resolve", "--at", "14:03"]);
    assert_eq!(
        err,
        "error: resolved (2026-11-22 14:03) would be before detected (2026-11-22 14:05): pass --at with the time it was really resolved, 2026-11-22 14:05 or later\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn a_status_change_without_the_status_says_what_is_missing() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let err = repo.fails(2, &["status", "--at", "14:30"]);
    assert_eq!(
        err,
        "error: --at 14:30 needs the status to change to: inc status STATUS --at 14:30, with STATUS one of investigating, identified, monitoring, resolved, closed (without STATUS, inc status shows the dashboard)\n"
    );
    assert_eq!(repo.state(), before);
}

// Point 6: a busy git index: wait up to 2 s, retry, and a distinct exit code when not committed.

#[test]
fn a_held_index_lock_exits_3_after_two_seconds_and_says_it_is_saved() {
    let repo = Repo::with_incident();
    let lock = repo.path(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let head = repo.head();
    let start = Instant::now();
    let err = repo.fails(3, &["log", "while git is busy"]);
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_millis(2900),
        "{waited:?}"
    );
    assert!(
        err.starts_with(&format!(
            "error: saved incidents/{CHECKOUT}/timeline.yaml but could not commit it; the next inc command commits it (or run `inc sync`): another git command holds [REPO]/.git/index.lock"
        )),
        "{err}"
    );
    assert_eq!(repo.head(), head);
    assert!(timeline(&repo).contains("while git is busy"));
    std::fs::remove_file(&lock).unwrap();
}

#[test]
fn a_lock_released_within_the_wait_lets_the_commit_through() {
    let repo = Repo::with_incident();
    let lock = repo.path(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let release = {
        let lock = lock.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(600));
            std::fs::remove_file(lock).unwrap();
        })
    };
    repo.ok(&["log", "after the wait"]);
    release.join().unwrap();
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: log \"after the wait\"")
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn exit_codes_are_documented_in_help() {
    let repo = Repo::empty();
    let help = repo.ok(&["--help"]);
    assert!(
        help.contains("Exit codes:\n  0  done\n")
            && help.contains("  2  usage error")
            && help.contains("  3  saved but not committed"),
        "{help}"
    );
}

// Point 7: identity. INC_USER is the author when git has no user.name; with neither, nothing is
// written.

fn without_git_identity(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    for var in [
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn inc_user_is_the_author_when_git_has_no_user_name() {
    let repo = Repo::with_incident();
    let mut cmd = repo.cmd();
    let out = without_git_identity(&mut cmd)
        .env("INC_USER", "Carol Jones")
        .args(["log", "Carol was here"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae> / %cn <%ce>"])
            .trim(),
        "Carol Jones <carol-jones@localhost> / Carol Jones <carol-jones@localhost>"
    );
    // An email in git's config is used with it.
    repo.git(&["config", "user.email", "carol@example.com"]);
    let mut cmd = repo.cmd();
    let out = without_git_identity(&mut cmd)
        .env("INC_USER", "carol")
        .args(["log", "Again"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "carol <carol@example.com>"
    );
}

#[test]
fn without_user_name_or_inc_user_nothing_is_written() {
    const REFUSAL: &str = "error: no one to commit as: git has no user.name and INC_USER is not set; set one: `git config --global user.name \"Your Name\"` (and user.email), or `export INC_USER=yourname`\n";
    let repo = Repo::with_incident();
    let before = repo.state();
    for args in [
        &["log", "Who am I", "--by", "bob"][..],
        &["open", "Another outage", "--by", "bob"],
        &["role", "scribe", "bob", "--by", "bob"],
        &["status", "identified", "--by", "bob"],
    ] {
        let mut cmd = repo.cmd();
        let out = without_git_identity(&mut cmd)
            .env_remove("INC_USER")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out), REFUSAL, "{args:?}");
        assert_eq!(repo.state(), before, "{args:?}");
    }

    // Not even `inc init` writes a thing.
    let empty = Repo::empty();
    let mut cmd = empty.cmd();
    let out = without_git_identity(&mut cmd)
        .env_remove("INC_USER")
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), REFUSAL);
    assert!(std::fs::read_dir(empty.root()).unwrap().next().is_none());
}
