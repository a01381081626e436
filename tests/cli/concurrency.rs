//! Two shells logging to the same incident at the same moment both land.

use std::process::{Child, Stdio};

use crate::common::{CHECKOUT, Repo};

#[test]
fn concurrent_logs_all_land_in_order_of_commits() {
    let repo = Repo::with_incident();
    let rounds = 8;
    for round in 0..rounds {
        let spawn = |who: &str| -> Child {
            repo.std_cmd()
                .args(["log", "--by", who, &format!("{who} round {round}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("alice"), spawn("bob"));
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let shown = repo.json(&["show", "--json"]);
    let texts: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    for round in 0..rounds {
        for who in ["alice", "bob"] {
            let text = format!("{who} round {round}");
            assert_eq!(
                texts.iter().filter(|t| **t == text).count(),
                1,
                "{text} missing or doubled"
            );
        }
    }
    // One commit per log, each with only the timeline, and nothing left behind.
    let commits = repo.git(&["rev-list", "--count", "HEAD"]);
    assert_eq!(commits.trim().parse::<usize>().unwrap(), 2 + 2 * rounds);
    assert_eq!(repo.status(), "");
    let timeline_commits = repo.git(&[
        "log",
        "--format=%s",
        "--",
        &format!("incidents/{CHECKOUT}/timeline.yaml"),
    ]);
    assert_eq!(timeline_commits.lines().count(), 1 + 2 * rounds);
    repo.git(&["fsck", "--strict"]);
}
