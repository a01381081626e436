use crate::common::Repo;

#[test]
fn demo_replays_an_incident_through_the_real_commands() {
    let repo = Repo::empty();
    let out = repo.ok(&["demo", "demo-repo"]);
    let demo = repo.root().join("demo-repo");
    let transcript = out.replace(demo.to_str().unwrap(), "[DEMO]");
    insta::assert_snapshot!("demo_transcript", transcript);

    let id = "2026-11-21-checkout-api-returns-500s";
    let shown = repo.json(&["-C", "demo-repo", "show", "--json", id]);
    assert_eq!(shown["status"], "resolved");
    assert_eq!(shown["severity"], "SEV1");
    assert_eq!(shown["durations"]["time_to_detect"], 7 * 60);
    assert_eq!(shown["durations"]["time_to_mitigate"], 36 * 60);
    assert_eq!(shown["durations"]["time_to_resolve"], 67 * 60);
    let people: std::collections::BTreeSet<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["by"].as_str().unwrap())
        .collect();
    assert_eq!(
        people.into_iter().collect::<Vec<_>>(),
        ["alice", "bob", "carol", "dave", "erin"]
    );

    // One commit per change, nothing left uncommitted.
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(&demo)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(git(&["rev-list", "--count", "HEAD"]).trim(), "34");
    assert_eq!(git(&["status", "--porcelain"]), "");
    // The post-mortem was written, reviewed and passes the checks.
    assert_eq!(shown["postmortem"]["status"], "in-review");
    assert_eq!(
        shown["postmortem"]["improvements"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert!(
        transcript.ends_with(
            "\nThe demo repository is [DEMO]. The reports are in [DEMO]/reports/ (open internal.html in a browser), the website of the incident history in [DEMO]/site/ and the public status page in [DEMO]/status/ (open index.html).\nLook around:\n  cd [DEMO]\n  inc show\n  inc list --all\n  inc report --template tactical\n  git log --oneline\n"
        ),
        "{transcript}"
    );
    assert!(transcript.contains("$ inc check\n               No problems in 1 incident.\n"));
    // Every report was rendered into the repository.
    for report in [
        "internal.md",
        "internal.html",
        "external.md",
        "summary.md",
        "comms.md",
        "tactical.md",
        "update-customers.md",
    ] {
        assert!(demo.join("reports").join(report).is_file(), "{report}");
    }
    // And the status page, with the maintenance scheduled for the day after.
    let status = std::fs::read_to_string(demo.join("status/index.html")).unwrap();
    assert!(
        status.contains("<h3>Payments database upgrade</h3>"),
        "{status}"
    );
}

#[test]
fn demo_refuses_a_directory_that_is_not_empty() {
    let repo = Repo::empty();
    repo.write("busy/file.txt", "mine\n");
    let err = repo.fails(2, &["demo", "busy"]);
    assert_eq!(
        err,
        "error: [REPO]/busy is not empty: give the demo a new directory\n"
    );
    assert_eq!(repo.read("busy/file.txt"), "mine\n");
}
