//! `inc search` (words across every incident's files, ranked) and `inc attach` (files copied into
//! an incident, logged, committed, and shown in reports).

use crate::common::{CHECKOUT, Repo};

/// Four incidents on four days, with "database" and "failover" in different places.
fn searchable() -> Repo {
    let repo = Repo::new();
    let open = |day: &str, title: &str, summary: &str| {
        let id = repo.ok_at(
            &format!("2026-11-{day}T10:00:00Z"),
            &["open", title, "--summary", summary, "--tag", "ops"],
        );
        id.trim().to_string()
    };
    let log = |day: &str, id: &str, text: &str| {
        repo.ok_at(
            &format!("2026-11-{day}T10:05:00Z"),
            &["-i", id, "log", text],
        );
    };
    // The title holds both words: first, although the oldest but one.
    open("19", "Database failover stuck", "Replica lag grew");
    // One word in the logbook, the other in an update: two fields.
    let b = open("20", "Checkout API down", "Customers saw errors");
    log("20", &b, "Database connections exhausted");
    repo.ok_at(
        "2026-11-20T10:06:00Z",
        &["-i", &b, "comms", "--to", "internal", "Failover under way"],
    );
    // Both in one line: one field, newest.
    let c = open("22", "Payment errors", "Card payments failed");
    log("22", &c, "Started the database failover");
    // One word only: not found.
    let d = open("21", "Slow database", "Queries took seconds");
    log("21", &d, "Café closed, nobody noticed");
    repo
}

#[test]
fn search_output_is_grouped_ranked_and_highlighted() {
    let repo = searchable();
    let out = repo.ok(&["search", "database", "FAILOVER"]);
    insta::assert_snapshot!("search_text", out);

    let out = repo
        .cmd()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["search", "database", "failover"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let colored = String::from_utf8(out.stdout).unwrap().replace('\x1b', "^[");
    insta::assert_snapshot!("search_color", colored);

    let json = repo.ok(&["search", "database", "failover", "--json"]);
    insta::assert_snapshot!("search_json", json);
}

#[test]
fn every_word_must_match_somewhere_in_the_incident() {
    let repo = searchable();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["search", "--json"];
        all.extend_from_slice(args);
        repo.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["incident"].as_str().unwrap().to_string())
            .collect()
    };
    // Best first: title words, then fields, then newest.
    assert_eq!(
        ids(&["database", "failover"]),
        [
            "2026-11-19-database-failover-stuck",
            "2026-11-20-checkout-api-down",
            "2026-11-22-payment-errors"
        ]
    );
    // Across fields: "customers" is in b's summary, "exhausted" in its logbook.
    assert_eq!(
        ids(&["customers", "exhausted"]),
        ["2026-11-20-checkout-api-down"]
    );
    assert!(ids(&["customers", "stuck"]).is_empty());
    // Case and accents do not matter, either way round.
    assert_eq!(ids(&["CAFE"]), ["2026-11-21-slow-database"]);
    assert_eq!(ids(&["nobody", "café"]), ["2026-11-21-slow-database"]);
    // Tags are searched; people only with --all-fields.
    assert_eq!(ids(&["ops"]).len(), 4);
    assert!(ids(&["alice"]).is_empty());
    assert_eq!(ids(&["alice", "--all-fields"]).len(), 4);
    let none = repo.ok(&["search", "nothing-like-this"]);
    assert_eq!(
        none,
        "no incident holds \"nothing-like-this\" (--all-fields also searches ids, people and times)\n"
    );
    let err = repo.fails(2, &["-i", "x", "search", "database"]);
    assert!(err.contains("-i does nothing for inc search"), "{err}");
}

#[test]
fn search_skips_a_linked_file_and_says_so() {
    let repo = searchable();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "database failover secret\n",
    )
    .unwrap();
    let pm = repo.path("incidents/2026-11-21-slow-database/postmortem.md");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), &pm).unwrap();
    let out = repo.run(&["search", "secret"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: skipped") && err.contains("symbolic link"),
        "{err}"
    );
}

fn attach_repo() -> (Repo, tempfile::TempDir) {
    let repo = Repo::with_incident();
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("Grafana P99 (EU).PNG"), b"\x89PNG fake").unwrap();
    std::fs::write(files.path().join("errors.log"), b"500 500 500\n").unwrap();
    (repo, files)
}

#[test]
fn attach_copies_under_a_safe_name_logs_and_commits_both() {
    let (repo, files) = attach_repo();
    let png = files.path().join("Grafana P99 (EU).PNG");
    let out = repo.ok(&[
        "attach",
        png.to_str().unwrap(),
        "--note",
        "p99 during the failover",
    ]);
    let dir = format!("incidents/{CHECKOUT}");
    assert!(
        out.starts_with(&format!(
            "{CHECKOUT}: attached {dir}/attachments/grafana-p99-eu.png, logged "
        )),
        "{out}"
    );
    assert_eq!(
        std::fs::read(repo.path(&format!("{dir}/attachments/grafana-p99-eu.png"))).unwrap(),
        b"\x89PNG fake"
    );
    let mut files_in_commit = repo.head_files();
    files_in_commit.sort();
    assert_eq!(
        files_in_commit,
        [
            format!("{dir}/attachments/grafana-p99-eu.png"),
            format!("{dir}/timeline.yaml")
        ]
    );
    assert_eq!(
        repo.head_message(),
        format!("{CHECKOUT}: attach grafana-p99-eu.png")
    );
    let timeline = repo.read(&format!("{dir}/timeline.yaml"));
    assert!(
        timeline.ends_with(
            "  kind: event\n  internal: true\n  attachment: grafana-p99-eu.png\n  text: \"Attached [grafana-p99-eu.png](attachments/grafana-p99-eu.png): p99 during the failover\"\n"
        ),
        "{timeline}"
    );
    assert_eq!(repo.status(), "");
    // show --json names the file on the entry (null on the others).
    let shown = repo.json(&["show", "--json"]);
    let entries = shown["timeline"].as_array().unwrap();
    assert_eq!(
        entries.last().unwrap()["attachment"],
        "grafana-p99-eu.png",
        "{shown}"
    );
    assert!(entries[0]["attachment"].is_null());

    // The same file again: never overwritten.
    repo.ok(&["attach", png.to_str().unwrap()]);
    assert!(
        repo.path(&format!("{dir}/attachments/grafana-p99-eu-2.png"))
            .is_file()
    );
    // A path relative to where inc runs.
    std::fs::write(repo.path("notes.TXT"), "x").unwrap();
    repo.ok(&["attach", "notes.TXT"]);
    assert!(repo.path(&format!("{dir}/attachments/notes.txt")).is_file());
}

#[test]
fn attach_refusals_write_nothing() {
    let (repo, files) = attach_repo();
    repo.write(".inc.yaml", "attachments: {max_size: 5}\n");
    repo.git(&["commit", "-qam", "small attachments"]);
    let before = repo.state();
    let log = files.path().join("errors.log");
    let err = repo.fails(2, &["attach", log.to_str().unwrap()]);
    assert!(
        err.contains("is 12 bytes, more than attachments.max_size (5 bytes) allows")
            && err.contains("git lfs track \"incidents/*/attachments/*\""),
        "{err}"
    );
    assert_eq!(repo.state(), before);

    let err = repo.fails(2, &["attach", files.path().to_str().unwrap()]);
    assert!(err.contains("is a directory"), "{err}");
    let fifo = files.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = repo.fails(2, &["attach", fifo.to_str().unwrap()]);
    assert!(err.contains("is not a regular file"), "{err}");
    let err = repo.fails(2, &["attach", "missing.png"]);
    assert!(err.contains("cannot read missing.png"), "{err}");
    assert_eq!(repo.state(), before);
}

#[test]
fn attach_refuses_a_linked_attachments_directory() {
    let (repo, files) = attach_repo();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path(),
        repo.path(&format!("incidents/{CHECKOUT}/attachments")),
    )
    .unwrap();
    let before = repo.state();
    let log = files.path().join("errors.log");
    let err = repo.fails(1, &["attach", log.to_str().unwrap()]);
    assert!(err.contains("attachments is a symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_eq!(repo.state(), before);
}

#[test]
fn reports_show_images_and_public_ones_only_public_attachments() {
    let (repo, files) = attach_repo();
    let png = files.path().join("Grafana P99 (EU).PNG");
    let log = files.path().join("errors.log");
    repo.ok(&["attach", png.to_str().unwrap(), "--note", "p99"]);
    repo.ok(&["attach", log.to_str().unwrap(), "--public"]);

    let html = repo.ok(&["report", "--html"]);
    assert!(html.contains("<h2>Attachments</h2>"), "{html}");
    assert!(
        html.contains("<img src=\"attachments/grafana-p99-eu.png\" alt=\"grafana-p99-eu.png\" />"),
        "{html}"
    );
    assert!(html.contains("<a href=\"attachments/errors.log\">errors.log</a>"));
    assert!(!html.contains("<img src=\"attachments/errors.log\""));

    // Written elsewhere, the links lead back to the incident.
    repo.ok(&["report", "--html", "-o", "out/report.html"]);
    let written = repo.read("out/report.html");
    assert!(
        written.contains(&format!(
            "<img src=\"../incidents/{CHECKOUT}/attachments/grafana-p99-eu.png\""
        )),
        "{written}"
    );

    for args in [
        &["report", "--template", "external", "--html"][..],
        &["report", "--audience", "customers", "--html"][..],
    ] {
        let public = repo.ok(args);
        assert!(!public.contains("grafana"), "{public}");
        assert!(public.contains("attachments/errors.log"), "{public}");
    }
}

#[test]
fn sync_counts_attachments_as_inc_files() {
    let (repo, files) = attach_repo();
    let (_remote, remote) = crate::common::bare_remote();
    repo.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let log = files.path().join("errors.log");
    repo.ok(&["attach", "--no-commit", log.to_str().unwrap()]);
    repo.ok(&["sync"]);
    assert_eq!(repo.status(), "");
    assert!(
        repo.git(&["ls-files"])
            .contains(&format!("incidents/{CHECKOUT}/attachments/errors.log"))
    );
}

#[test]
fn a_configuration_from_before_attachments_gets_the_default_limit() {
    let (repo, files) = attach_repo();
    // .inc.yaml as inc init wrote it before `attachments` existed.
    let old = repo
        .read(".inc.yaml")
        .split("\n# The largest file")
        .next()
        .unwrap()
        .to_string();
    assert!(!old.contains("attachments"));
    repo.write(".inc.yaml", &format!("{old}\n"));
    repo.git(&["commit", "-qam", "old configuration"]);
    let big = files.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 5_000_001]).unwrap();
    let err = repo.fails(2, &["attach", big.to_str().unwrap()]);
    assert!(
        err.contains("is 5000001 bytes, more than attachments.max_size (5MB) allows"),
        "{err}"
    );
    let fits = files.path().join("fits.log");
    std::fs::write(&fits, vec![0u8; 5_000_000]).unwrap();
    repo.ok(&["attach", fits.to_str().unwrap()]);
}
