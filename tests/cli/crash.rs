//! Killed at any moment, inc never corrupts the repository and never loses an acknowledged entry.

use std::process::Stdio;
use std::time::Duration;

use crate::common::{CHECKOUT, Repo};

/// A small deterministic pseudo-random sequence (no dependency, reproducible failures).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn kill_9_during_log_loses_nothing_that_was_acknowledged() {
    let repo = Repo::with_incident();
    // Kill anywhere from before an inc log starts to after it has finished: over twice as long
    // as one takes on this machine now (a few milliseconds when quiet, far more when loaded), so
    // the kills land at many moments whatever the load.
    let started = std::time::Instant::now();
    repo.ok(&["log", "a log that is not killed"]);
    let mut window = (started.elapsed().as_micros() as u64 * 2).max(25_000);
    let mut random = Lcg(2026);
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    // At least 40 kills; more while they all land on one side of the finish, the window
    // following the machine's speed (a loaded machine runs inc log many times slower).
    for n in 0..160 {
        if n >= 40 && !acknowledged.is_empty() && killed > 0 {
            break;
        }
        let text = format!("entry {n}");
        let mut child = repo
            .std_cmd()
            .args(["log", &text])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(random.next(window)));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            acknowledged.push(text);
            window = (window * 3 / 4).max(1_000);
        } else {
            killed += 1;
            window = window * 5 / 4;
        }
    }
    eprintln!(
        "{} logs finished before the kill, {killed} were killed",
        acknowledged.len()
    );
    assert!(
        !acknowledged.is_empty() && killed > 0,
        "the kills should land at many moments: {} finished, {killed} killed",
        acknowledged.len()
    );

    // The next command finishes whatever was interrupted.
    let out = repo.run(&["log", "after the crashes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    repo.git(&["fsck", "--strict"]);
    assert_eq!(repo.status(), "", "everything is committed");
    let committed = repo.git(&["show", &format!("HEAD:incidents/{CHECKOUT}/timeline.yaml")]);
    for text in &acknowledged {
        assert!(
            committed.contains(&format!("text: {text}\n")),
            "{text} was acknowledged but is missing"
        );
    }
    assert!(committed.contains("text: after the crashes\n"));
    let check = repo.run(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn a_torn_append_is_undone_whole() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let before = repo.read(&path);
    // What a process killed in the middle of its append leaves: the journal says an append of
    // 200 bytes started, and only part of it reached the file.
    repo.write(
        &path,
        &format!("{before}- id: torn22\n  at: \"2026-11-22T14:40:00+00:00\"\n  by: al"),
    );
    let journal = repo.path(".git/inc/pending");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(
        &journal,
        format!("append {} {} {path}\n", before.len(), before.len() + 200),
    )
    .unwrap();
    let out = repo.run(&["log", "next"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("note: committed what an interrupted inc command left: {path}\n")
    );
    let after = repo.read(&path);
    assert!(
        after.starts_with(&before) && !after.contains("torn22"),
        "{after}"
    );
    assert!(after.ends_with("  text: next\n"));
    assert_eq!(repo.status(), "");
}

#[test]
fn a_held_index_lock_fails_clearly_and_the_entry_is_committed_later() {
    let repo = Repo::with_incident();
    let lock = repo.path(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let before = repo.head();
    let err = repo.fails(3, &["log", "while git is busy"]);
    assert!(
        err.starts_with(&format!(
            "error: saved incidents/{CHECKOUT}/timeline.yaml but could not commit it; the next inc command commits it (or run `inc sync`): another git command holds [REPO]/.git/index.lock"
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert_eq!(repo.head(), before);
    assert!(
        repo.read(&format!("incidents/{CHECKOUT}/timeline.yaml"))
            .contains("while git is busy")
    );
    std::fs::remove_file(&lock).unwrap();
    let out = repo.run(&["log", "git is free again"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "note: committed what an interrupted inc command left: incidents/{CHECKOUT}/timeline.yaml\n"
        )
    );
    let committed = repo.git(&["show", &format!("HEAD:incidents/{CHECKOUT}/timeline.yaml")]);
    assert!(committed.contains("while git is busy") && committed.contains("git is free again"));
    assert_eq!(repo.status(), "");
}

#[test]
fn a_hand_edit_after_a_failed_command_is_not_mistaken_for_a_torn_append() {
    let repo = Repo::with_incident();
    let path = format!("incidents/{CHECKOUT}/timeline.yaml");
    let before = repo.read(&path);
    let journal = repo.path(".git/inc/pending");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(
        &journal,
        format!("append {} {} {path}\n", before.len(), before.len() + 500),
    )
    .unwrap();
    // Someone edits the file by hand a while after the failed command: its length happens to
    // fall inside the interrupted append's range, but it is their text.
    let edited = format!("{before}# a note added by hand\n");
    repo.write(&path, &edited);
    let later = std::process::Command::new("touch")
        .args(["-d", "+1 minute"])
        .arg(repo.path(&path))
        .status()
        .unwrap();
    assert!(later.success());
    let out = repo.run(&["log", "next"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.read(&path).starts_with(&edited));
}
