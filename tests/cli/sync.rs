//! Several clones of one remote: inc sync, plain git pull, and what happens when git fails.

use std::process::Stdio;

use crate::common::{CHECKOUT, Repo, team, texts, timeline};

#[test]
fn two_clones_logging_at_once_end_up_identical_after_sync() {
    let (_remote, lead, scribe) = team();
    // Both log at the same moments, concurrently, in their own clones.
    for round in 0..5 {
        let spawn = |repo: &Repo, text: String| {
            repo.std_cmd()
                .args(["log", &text])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        };
        let a = spawn(&lead, format!("lead {round}"));
        let b = spawn(&scribe, format!("scribe {round}"));
        assert!(a.wait_with_output().unwrap().status.success());
        assert!(b.wait_with_output().unwrap().status.success());
    }
    lead.ok(&["sync"]);
    assert_eq!(
        scribe.ok(&["sync"]),
        "Synced master with origin (merged their changes)\n"
    );
    assert_eq!(
        lead.ok(&["sync"]),
        "Synced master with origin (merged their changes)\n"
    );

    assert_eq!(timeline(&lead), timeline(&scribe));
    assert!(!timeline(&lead).contains("<<<<<<<"));
    let all = texts(&lead);
    for round in 0..5 {
        assert!(all.contains(&format!("lead {round}")), "{all:?}");
        assert!(all.contains(&format!("scribe {round}")), "{all:?}");
    }
    for repo in [&lead, &scribe] {
        assert_eq!(repo.status(), "");
        repo.ok(&["check"]);
        repo.git(&["fsck", "--strict"]);
    }
}

#[test]
fn a_plain_git_pull_merges_the_logs_without_markers() {
    let (_remote, lead, scribe) = team();
    scribe.ok(&["log", "from the scribe"]);
    scribe.git(&["push", "-q", "origin", "HEAD"]);
    lead.ok(&["log", "from the lead"]);
    lead.ok(&["role", "comms-lead", "carol"]);
    // No inc involved: git runs inc's merge driver through .gitattributes and .git/config.
    lead.git(&["pull", "-q", "--no-rebase", "--no-edit", "origin", "master"]);
    let text = timeline(&lead);
    assert!(
        !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
        "{text}"
    );
    assert!(texts(&lead).contains(&"from the scribe".to_string()));
    assert!(texts(&lead).contains(&"from the lead".to_string()));
    assert_eq!(lead.status(), "");
    lead.ok(&["check"]);
}

#[test]
fn a_true_conflict_keeps_the_later_change_and_logs_the_other() {
    let (_remote, lead, scribe) = team();
    lead.ok(&["status", "identified"]);
    lead.ok(&["sync"]);
    let mut later = scribe;
    later.now = "2026-11-22T14:50:00Z".into();
    later.ok(&["status", "monitoring"]);
    later.ok(&["sync"]);
    let yaml = later.read(&format!("incidents/{CHECKOUT}/incident.yaml"));
    assert!(yaml.contains("status: monitoring"), "{yaml}");
    assert!(
        timeline(&later).contains(
            "Merge: both clones changed status; kept monitoring (the later change), the other had identified"
        ),
        "{}",
        timeline(&later)
    );
    lead.ok(&["sync"]);
    assert_eq!(timeline(&lead), timeline(&later));
}

#[test]
fn sync_commits_what_was_left_uncommitted() {
    let (_remote, lead, scribe) = team();
    lead.ok(&["log", "--no-commit", "written but not committed"]);
    lead.ok(&["sync"]);
    assert_eq!(lead.status(), "");
    scribe.ok(&["sync"]);
    assert!(texts(&scribe).contains(&"written but not committed".to_string()));
}

#[test]
fn without_a_remote_or_a_network_nothing_is_lost() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "kept locally"]);
    let head = repo.head();
    let err = repo.fails(1, &["sync"]);
    assert_eq!(
        err,
        "error: no remote named origin: add the team's repository with `git remote add origin URL`, or pass --remote NAME\n"
    );
    repo.git(&["remote", "add", "origin", "/nonexistent/remote.git"]);
    let err = repo.fails(1, &["sync"]);
    assert!(
        err.starts_with("error: cannot fetch from origin: '/nonexistent/remote.git' does not appear to be a git repository — check the remote's URL (git remote -v); everything is committed locally, run inc sync again"),
        "{err}"
    );
    repo.git(&[
        "remote",
        "set-url",
        "origin",
        "http://127.0.0.1:9/remote.git",
    ]);
    let err = repo.fails(1, &["sync"]);
    assert!(
        err.contains("— check the network; everything is committed locally"),
        "{err}"
    );
    assert_eq!(repo.head(), head);
    assert!(timeline(&repo).contains("kept locally"));
}

#[test]
fn the_merge_driver_falls_back_to_markers_for_files_it_cannot_read() {
    let repo = Repo::with_incident();
    let base = repo.path("base.yaml");
    let ours = repo.path("ours.yaml");
    let theirs = repo.path("theirs.yaml");
    std::fs::write(&base, "- id: [broken\n").unwrap();
    std::fs::write(&ours, "- id: [broken\nours\n").unwrap();
    std::fs::write(&theirs, "- id: [broken\ntheirs\n").unwrap();
    let out = repo.run(&[
        "merge-driver",
        base.to_str().unwrap(),
        ours.to_str().unwrap(),
        theirs.to_str().unwrap(),
        "incidents/x/timeline.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let merged = std::fs::read_to_string(&ours).unwrap();
    assert!(
        merged.contains("<<<<<<< ours") && merged.contains(">>>>>>> theirs"),
        "{merged}"
    );
}
