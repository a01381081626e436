//! Local times a daylight-saving change makes ambiguous: the hour that happens twice when the
//! clocks go back, and the hour that never happens when they go forward. Both are refused with
//! the two readings to choose from, and nothing is written.

use crate::common::Repo;

/// An incident open since midnight (New York) of `day`, with the clock at noon UTC that day: the
/// times typed below are neither before it began nor ahead of now.
fn incident_on(day: &str, offset: &str) -> Repo {
    let mut repo = Repo::new();
    repo.now = format!("{day}T12:00:00Z");
    let started = format!("{day}T00:00:00{offset}");
    let out = in_new_york(&repo, &["open", "Checkout API down", "--started", &started]);
    assert!(out.status.success(), "{out:?}");
    repo
}

/// `inc ARGS` in New York, where the clocks go back on 2026-11-01 at 02:00 (EDT → EST) and
/// forward on 2026-03-08 at 02:00 (EST → EDT).
fn in_new_york(repo: &Repo, args: &[&str]) -> std::process::Output {
    repo.cmd()
        .env("TZ", "America/New_York")
        .args(args)
        .output()
        .unwrap()
}

fn refused(repo: &Repo, args: &[&str]) -> String {
    let before = repo.state();
    let out = in_new_york(repo, args);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert_eq!(repo.state(), before, "{args:?} wrote something");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_time_that_happened_twice_is_refused_with_both_readings() {
    let repo = incident_on("2026-11-01", "-04:00");
    let err = refused(&repo, &["log", "Paged the DBA", "--at", "2026-11-01 01:30"]);
    assert_eq!(
        err,
        "error: time \"2026-11-01 01:30\" happened twice in America/New_York (the clocks went back 1h): give 2026-11-01T01:30:00-04:00 (01:30 EDT, the first) or 2026-11-01T01:30:00-05:00 (01:30 EST, 1h later)\n"
    );
    // Every command that reads a WHEN refuses it the same way.
    let err = refused(&repo, &["mark", "started", "--at", "2026-11-01 01:59"]);
    assert!(err.contains("happened twice in America/New_York"), "{err}");

    // Either reading, typed with its offset, is taken as it says.
    for reading in ["2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"] {
        let out = in_new_york(&repo, &["log", "Paged the DBA", "--at", reading]);
        assert!(out.status.success(), "{out:?}");
    }
    let shown = repo.json(&["show", "--json"]);
    let times: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["text"] == "Paged the DBA")
        .map(|e| e["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        ["2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"]
    );
}

#[test]
fn a_time_the_clocks_skipped_is_refused_with_both_readings() {
    let repo = incident_on("2026-03-08", "-05:00");
    let err = refused(&repo, &["log", "Paged the DBA", "--at", "2026-03-08 02:30"]);
    assert_eq!(
        err,
        "error: time \"2026-03-08 02:30\" did not happen in America/New_York (the clocks went forward 1h): give 2026-03-08T01:30:00-05:00 (01:30 EST) or 2026-03-08T03:30:00-04:00 (03:30 EDT)\n"
    );
}

#[test]
fn times_beside_the_change_are_taken_as_they_are() {
    for (day, offset, typed, stored) in [
        (
            "2026-11-01",
            "-04:00",
            "2026-11-01 00:59",
            "2026-11-01T00:59:00-04:00",
        ),
        (
            "2026-11-01",
            "-04:00",
            "2026-11-01 02:00",
            "2026-11-01T02:00:00-05:00",
        ),
        (
            "2026-03-08",
            "-05:00",
            "2026-03-08 01:59",
            "2026-03-08T01:59:00-05:00",
        ),
        (
            "2026-03-08",
            "-05:00",
            "2026-03-08 03:00",
            "2026-03-08T03:00:00-04:00",
        ),
    ] {
        let repo = incident_on(day, offset);
        let out = in_new_york(&repo, &["log", typed, "--at", typed]);
        assert!(out.status.success(), "{typed}: {out:?}");
        let shown = repo.json(&["show", "--json"]);
        let entry = shown["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["text"] == typed)
            .unwrap()
            .clone();
        assert_eq!(entry["at"], stored, "{typed}");
    }
}
