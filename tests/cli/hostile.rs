//! Input meant to break things: huge texts, control characters, CRLF files, unwritable files.

use std::io::Write;
use std::process::Stdio;

use crate::common::{CHECKOUT, Repo};

fn log_stdin(repo: &Repo, text: &str) -> std::process::Output {
    let mut child = repo
        .std_cmd()
        .args(["log", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn last_text(repo: &Repo) -> String {
    let shown = repo.json(&["show", "--json"]);
    let timeline = shown["timeline"].as_array().unwrap();
    timeline.last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_one_megabyte_text_round_trips() {
    let repo = Repo::with_incident();
    let line = "stack frame: at checkout::pay (src/pay.rs:42) \"quoted\" # not a comment: yes\n";
    let text: String = line.repeat(1_000_000 / line.len() + 1);
    assert!(text.len() > 1_000_000);
    let out = log_stdin(&repo, &text);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(last_text(&repo), text);
    assert_eq!(repo.status(), "");
}

#[test]
fn control_characters_are_stored_exactly_and_shown_safely() {
    let repo = Repo::with_incident();
    let text = "bell\u{7} escape\u{1b}[31mred\u{1b}[0m nul\u{0} del\u{7f} zero-width\u{200b}";
    let out = log_stdin(&repo, text);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(last_text(&repo), text);
    let shown = repo.ok(&["show"]);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(
        shown.contains(r"bell\u{7} escape\u{1b}[31mred\u{1b}[0m nul\u{0} del\u{7f} zero-width"),
        "{shown}"
    );
}

#[test]
fn invalid_utf8_on_stdin_is_refused() {
    let repo = Repo::with_incident();
    let before = repo.state();
    let mut child = repo
        .std_cmd()
        .args(["log", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"caf\xe9").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: standard input is not valid UTF-8 text\n"
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn a_crlf_timeline_keeps_its_line_endings() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let crlf = repo.read(&path).replace('\n', "\r\n");
    repo.write(&path, &crlf);
    repo.git(&["commit", "-qam", "edited on Windows"]);
    repo.ok(&["log", "after CRLF"]);
    let after = repo.read(&path);
    assert!(after.starts_with(&crlf));
    assert!(after.ends_with("  text: after CRLF\r\n"), "{after:?}");
    assert!(
        !after.replace("\r\n", "").contains('\n'),
        "mixed line endings"
    );
    assert_eq!(last_text(&repo), "after CRLF");
    repo.ok(&["check"]);
}

#[test]
fn comments_and_blank_lines_in_a_timeline_are_fine() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let edited = format!(
        "{}\n\n# --- the night shift starts here ---\n\n",
        repo.read(&path)
    );
    repo.write(&path, &edited);
    repo.ok(&["log", "night shift"]);
    assert!(repo.read(&path).starts_with(&edited));
    assert_eq!(last_text(&repo), "night shift");
}

#[test]
fn a_file_that_cannot_be_written_fails_clearly_and_changes_nothing() {
    let repo = Repo::with_incident();
    let path = repo.path(&format!("incidents/{CHECKOUT}/timeline.yaml"));
    // Running as root ignores permissions, so make the file unwritable another way: a directory.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let before = repo.state();
    let err = repo.fails(1, &["log", "cannot land"]);
    assert_eq!(
        err,
        format!(
            "error: incidents/{CHECKOUT}/timeline.yaml is not a regular file: replace it with one\n"
        )
    );
    assert_eq!(repo.state(), before);
}
