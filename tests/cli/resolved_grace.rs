//! Right after `inc resolve`, while no incident is open, commands without `-i` act on the
//! incident just resolved (and say so on stderr) for `resolved_grace` (.inc.yaml, default 1h).

use std::process::Output;

use crate::common::{CHECKOUT, Repo, at};

fn run_at(repo: &Repo, now: &str, args: &[&str]) -> Output {
    repo.cmd()
        .env("INC_NOW", at(now))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The checkout incident resolved at 14:40 (backdated to 14:30), in a clone that never chose it
/// with `inc use` (the scribe's, say: `inc open` chooses it only in the clone that opened it).
fn resolved_unchosen() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["use", "--clear"]);
    repo.ok(&["resolve", "--at", "14:30"]);
    repo
}

#[test]
fn a_command_right_after_resolve_acts_on_the_resolved_incident_and_says_so() {
    let repo = resolved_unchosen();
    let out = run_at(&repo, "15:20", &["log", "Customers confirm checkout works"]);
    assert!(out.status.success(), "{out:?}");
    // Counted from when `inc resolve` ran (14:40), not from its --at.
    assert_eq!(
        stderr(&out),
        format!(
            "note: no incident is open; acting on {CHECKOUT}, resolved 40m ago (-i ID names another)\n"
        )
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with(&format!(" in {CHECKOUT}\n")),
        "{out:?}"
    );
    let shown = repo.json(&["show", "--json", "-i", CHECKOUT]);
    let last = shown["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["text"], "Customers confirm checkout works");

    let out = run_at(&repo, "15:20", &["use"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{CHECKOUT} (resolved 40m ago and no incident is open; until 15:40)\n")
    );

    // Past the hour it is no longer guessed.
    let before = repo.state();
    let out = run_at(&repo, "15:41", &["log", "Late note"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no open incident: open one with `inc open TITLE`, or name one with -i ID\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn the_grace_is_configurable_and_can_be_turned_off() {
    let repo = resolved_unchosen();
    let config = repo.read(".inc.yaml");
    repo.write(".inc.yaml", &format!("{config}\nresolved_grace: 2h\n"));
    let out = run_at(&repo, "16:30", &["postmortem"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stderr(&out).contains("resolved 1h 50m ago"), "{out:?}");
    assert!(
        repo.path(&format!("incidents/{CHECKOUT}/postmortem.md"))
            .exists()
    );

    repo.write(".inc.yaml", &format!("{config}\nresolved_grace: 0s\n"));
    let out = run_at(&repo, "14:41", &["show"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: no open incident"),
        "{out:?}"
    );

    repo.write(".inc.yaml", &format!("{config}\nresolved_grace: 3d\n"));
    let out = run_at(&repo, "14:41", &["show"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"3d\" is more than 24h"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_open_incident_or_two_just_resolved_are_not_guessed_past() {
    let repo = resolved_unchosen();
    repo.ok(&["open", "Search is slow", "--sev", "SEV3"]);
    repo.ok(&["use", "--clear"]);
    // The open one is meant, as before.
    let out = run_at(&repo, "14:50", &["log", "Search index rebuilt"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stderr(&out), "");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2026-11-22-search-is-slow"),
        "{out:?}"
    );

    // Both resolved within the hour: which one is not guessed.
    let out = run_at(&repo, "14:50", &["resolve"]);
    assert!(out.status.success(), "{out:?}");
    let before = repo.state();
    let out = run_at(&repo, "15:00", &["log", "Which one?"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: no incident is open and 2 were resolved in the last 1h (2026-11-22-search-is-slow, {CHECKOUT}): name one with -i ID\n"
        )
    );
    assert_eq!(repo.state(), before);
}
