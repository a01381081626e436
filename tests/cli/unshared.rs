//! Unshared work: `inc status` and `inc show` say when this clone has commits its remote has not,
//! or has fetched commits it has not merged, and when it last synced; from local refs only.

use std::time::{Duration, SystemTime};

use crate::common::{Repo, bare_remote, team};

/// The last line `inc ARGS` prints at `now`.
fn last_line(repo: &Repo, now: &str, args: &[&str]) -> String {
    let out = repo.ok_at(now, args);
    out.lines().last().unwrap_or_default().to_string()
}

/// Sets a file's modification time (git's FETCH_HEAD: when the last fetch ran).
fn touch(repo: &Repo, rel: &str, at: &str) {
    let seconds: i64 = at.parse::<jiff::Timestamp>().unwrap().as_second();
    let file = std::fs::File::options()
        .write(true)
        .open(repo.path(rel))
        .unwrap();
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds as u64))
        .unwrap();
}

#[test]
fn a_handoff_left_unpushed_is_said_in_status_and_show() {
    // The lead's clone synced at 14:40, then handed over at 15:00 and did not push.
    let (_remote, lead, _scribe) = team();
    lead.ok_at("15:00", &["role", "incident-lead", "bob"]);
    let line = "unshared: 1 commit not pushed to origin/master (last sync 6h 50m ago) — inc sync";
    assert_eq!(last_line(&lead, "21:30", &["status"]), line);
    assert_eq!(last_line(&lead, "21:30", &["show"]), line);
    let rows = lead.json(&["status", "--json"]);
    let sync = &rows[0]["sync"];
    assert_eq!(
        (
            &sync["upstream"],
            &sync["tracked"],
            &sync["ahead"],
            &sync["behind"]
        ),
        (
            &serde_json::json!("origin/master"),
            &serde_json::json!(true),
            &serde_json::json!(1),
            &serde_json::json!(0)
        )
    );
    assert_eq!(sync["last_sync"], "2026-11-22T14:40:00+00:00");
    assert_eq!(sync["last_fetch"], serde_json::Value::Null);
    assert_eq!(lead.json(&["show", "--json"])["sync"], *sync);
    // Two more commits, still unpushed.
    lead.ok_at("15:10", &["log", "Failover started"]);
    lead.ok_at("15:20", &["log", "Failover done"]);
    assert!(
        last_line(&lead, "21:30", &["status"]).starts_with("unshared: 3 commits not pushed"),
        "{}",
        lead.ok(&["status"])
    );
    // Shared: nothing to say any more.
    lead.ok_at("21:31", &["sync"]);
    let board = lead.ok_at("21:32", &["status"]);
    assert!(
        !board.contains("unshared") && !board.contains("inc sync"),
        "{board}"
    );
    let sync = &lead.json(&["status", "--json"])[0]["sync"];
    assert_eq!(
        (&sync["ahead"], &sync["last_sync"]),
        (
            &serde_json::json!(0),
            &serde_json::json!("2026-11-22T21:31:00+00:00")
        )
    );
}

#[test]
fn a_fetch_not_merged_is_said_as_behind() {
    let (_remote, lead, scribe) = team();
    // The lead hands over and shares it; the scribe fetches (git, by hand) but does not merge.
    lead.ok_at("15:00", &["role", "incident-lead", "bob"]);
    lead.ok_at("15:01", &["sync"]);
    scribe.git(&["fetch", "-q", "origin"]);
    touch(&scribe, ".git/FETCH_HEAD", "2026-11-22T15:30:00Z");
    let line =
        "behind: 1 commit fetched from origin/master not merged (last fetch 1h 30m ago) — inc sync";
    assert_eq!(last_line(&scribe, "17:00", &["status"]), line);
    assert_eq!(last_line(&scribe, "17:00", &["show"]), line);
    let sync = &scribe.json(&["show", "--json"])["sync"];
    assert_eq!(
        (&sync["ahead"], &sync["behind"]),
        (&serde_json::json!(0), &serde_json::json!(1))
    );
    assert_eq!(sync["last_fetch"], "2026-11-22T15:30:00+00:00");
    // Work of its own on top: both are said.
    scribe.ok_at("16:00", &["log", "Customers report recovery"]);
    assert_eq!(
        last_line(&scribe, "17:00", &["status"]),
        "unshared: 1 commit not pushed to origin/master, 1 fetched and not merged (last fetch 1h 30m ago) — inc sync"
    );
    // The status needs no network: with the remote gone the line is the same.
    std::fs::remove_dir_all(_remote.path()).unwrap();
    assert!(last_line(&scribe, "17:00", &["status"]).starts_with("unshared: 1 commit"));
}

#[test]
fn a_remote_never_pushed_to_is_said_and_no_remote_says_nothing() {
    let repo = Repo::with_incident();
    let board = repo.ok(&["status"]);
    assert!(!board.contains("inc sync"), "{board}");
    assert!(repo.json(&["status", "--json"])[0].get("sync").is_none());
    assert!(repo.json(&["show", "--json"]).get("sync").is_none());
    let (_temp, remote) = bare_remote();
    repo.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    assert_eq!(
        last_line(&repo, "14:40", &["status"]),
        "unshared: nothing pushed to origin/master yet (never synced) — inc sync"
    );
    // Even with no incident open: what is not shared may be an incident of its own.
    repo.ok(&["resolve"]);
    assert_eq!(
        repo.ok(&["status"]),
        "No open incidents.\nunshared: nothing pushed to origin/master yet (never synced) — inc sync\n"
    );
}
