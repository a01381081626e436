//! Every kind of bad input: one clear line, the right exit code, and nothing written.

use crate::common::{CHECKOUT, Repo};

/// Runs each case against a fresh checkout repository, asserts HEAD and every file are unchanged,
/// and returns a transcript for the snapshot.
fn transcript(cases: &[(&[&str], i32)], setup: impl Fn(&Repo)) -> String {
    let mut transcript = String::new();
    for (args, code) in cases {
        let repo = Repo::with_incident();
        setup(&repo);
        let before = repo.state();
        let err = repo.fails(*code, args);
        assert_eq!(err.lines().count(), 1, "not one line: {err}");
        assert_eq!(repo.state(), before, "inc {args:?} changed something");
        transcript.push_str(&format!("$ inc {}\n[exit {code}] {err}\n", args.join(" ")));
    }
    transcript
}

#[test]
fn bad_arguments_write_nothing() {
    let cases: &[(&[&str], i32)] = &[
        (&["sev", "SEV5"], 2),
        (&["sev", "critical"], 2),
        (&["open", "X", "--sev", "sev0"], 2),
        (&["mark", "resolvd"], 2),
        (&["mark", "ackk"], 2),
        (&["status", "fixed"], 2),
        (&["status", "resolvd"], 2),
        (&["log", "--at", "half past two", "text"], 2),
        (&["log", "--at", "10m", "text"], 2),
        (&["log", "--at", "2026-11-23 09:00", "text"], 2),
        (&["log", ""], 2),
        (&["log", "   "], 2),
        (&["open", " "], 2),
        // A first signal before the impact is no mistake (first_signal.rs); a start ahead is.
        (
            &["open", "X", "--started", "15:30", "--detected", "14:20"],
            2,
        ),
        (&["-i", "nope", "log", "text"], 2),
        (&["list", "--status", "opn"], 2),
    ];
    insta::assert_snapshot!("bad_arguments", transcript(cases, |_| {}));
}

#[test]
fn a_broken_timeline_is_reported_with_its_position() {
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let cases: &[(&[&str], i32)] = &[(&["log", "text"], 1), (&["show"], 1)];
    let out = transcript(cases, |repo| {
        let text = repo
            .read(&path)
            .replace("  kind: status\n", "  kind: status\n  txet: typo\n");
        repo.write(&path, &text);
    });
    insta::assert_snapshot!("broken_timeline", out);

    let out = transcript(&[(&["log", "text"], 1)], |repo| {
        let text = repo.read(&path).replace("  by: alice\n", "  by: [alice\n");
        repo.write(&path, &text);
    });
    insta::assert_snapshot!("unparseable_timeline", out);

    let out = transcript(&[(&["log", "text"], 1)], |repo| {
        repo.write(&path, "[]\n");
    });
    insta::assert_snapshot!("flow_timeline", out);
}

#[test]
fn a_broken_incident_file_is_reported_with_its_position() {
    let path = format!("incidents/{CHECKOUT}/incident.yaml");
    let cases: &[(&[&str], i32)] = &[
        (&["sev", "SEV1"], 1),
        (&["show"], 1),
        (&["mark", "mitigated"], 1),
    ];
    let out = transcript(cases, |repo| {
        let text = repo.read(&path).replace("severity: SEV2", "severty: SEV2");
        repo.write(&path, &text);
    });
    insta::assert_snapshot!("broken_incident", out);

    let out = transcript(&[(&["status", "identified"], 1)], |repo| {
        let text = repo.read(&path).replace(
            "  detected: \"2026-11-22T14:05:00+00:00\"",
            "  detected: 14:05 yesterday",
        );
        repo.write(&path, &text);
    });
    insta::assert_snapshot!("bad_time_in_incident", out);
}

#[test]
fn conflict_markers_stop_an_append() {
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let out = transcript(&[(&["log", "text"], 1)], |repo| {
        let text = format!(
            "{}<<<<<<< HEAD\n- id: aaaaaa\n=======\n- id: bbbbbb\n>>>>>>> other\n",
            repo.read(&path)
        );
        repo.write(&path, &text);
    });
    insta::assert_snapshot!("conflict_markers", out);
}

#[test]
fn a_broken_incident_does_not_hide_the_others_from_list() {
    let repo = Repo::with_incident();
    repo.ok(&["open", "Other"]);
    repo.write(
        &format!("incidents/{CHECKOUT}/incident.yaml"),
        "title: [broken\n",
    );
    let out = repo.run(&["list"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("2026-11-22-other"), "{stdout}");
    assert!(
        stderr.starts_with(&format!(
            "warning: skipped {CHECKOUT}: incidents/{CHECKOUT}/incident.yaml:1:"
        )),
        "{stderr}"
    );
}

#[test]
fn clap_usage_errors_exit_2() {
    let repo = Repo::with_incident();
    let out = repo.run(&["log"]);
    assert_eq!(out.status.code(), Some(2));
    let out = repo.run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = repo.run(&["log", "--kind", "rumour", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn invalid_utf8_in_arguments_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::with_incident();
    let before = repo.state();
    let out = repo
        .cmd()
        .arg("log")
        .arg(std::ffi::OsStr::from_bytes(b"caf\xe9"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid UTF-8"));
    assert_eq!(repo.state(), before);
}

#[test]
fn a_broken_pipe_is_quiet() {
    let repo = Repo::with_incident();
    // Far more than a pipe buffer holds, so `head` closes the pipe while inc is still writing.
    for _ in 0..3 {
        repo.ok(&["log", "--no-commit", &"x".repeat(100_000)]);
    }
    let out = std::process::Command::new("sh")
        .current_dir(repo.root())
        .arg("-c")
        .arg(format!(
            "{} show --json | head -c 10",
            assert_cmd::cargo::cargo_bin("inc").display()
        ))
        .env("INC_NOW", "2026-11-22T14:40:00Z")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_hand_edit_after_an_append_is_noticed_even_at_the_same_size() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "first"]);
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let text = repo.read(&path);
    let broken = text.replacen("kind: event", "kind: evenx", 1);
    assert_eq!(broken.len(), text.len());
    repo.write(&path, &broken);
    let before = repo.state();
    let err = repo.fails(1, &["log", "second"]);
    assert!(
        err.contains("timeline.yaml:") && err.contains("evenx"),
        "{err}"
    );
    assert_eq!(repo.state(), before);
}
