//! A damaged `.git/index` (or the shared index of a split one) is one line naming the file and how
//! to rebuild it, never a panic or an abort (issue 25, point 10). inc reads git's index itself
//! (src/index.rs) and refuses one git could not read before libgit2 or git see it.

use crate::common::{CHECKOUT, Repo};

/// The line every refusal ends with.
const FIX: &str = "from HEAD with `rm .git/index && git reset` (your files stay as they are; anything staged is unstaged)";

/// A repository whose index inc has written once (after `inc log`), as plain or split index.
fn repo(split: bool) -> Repo {
    let repo = Repo::with_incident();
    if split {
        repo.git(&["config", "core.splitIndex", "true"]);
        repo.git(&["update-index", "--split-index"]);
    }
    repo.ok(&["log", "Failed over the primary"]);
    assert_eq!(repo.status(), "");
    repo
}

fn shared_index(repo: &Repo) -> String {
    std::fs::read_dir(repo.path(".git"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("sharedindex."))
        .map(|name| format!(".git/{name}"))
        .expect("a shared index")
}

/// Runs `inc check --changed HEAD` (which reads the index) on `bytes` as the file `rel`:
/// `None` when inc reads it (as git does), or the one line it refused it with.
fn read_with(repo: &Repo, rel: &str, bytes: &[u8]) -> Option<String> {
    std::fs::write(repo.path(rel), bytes).unwrap();
    let out = repo.run(&["check", "--changed", "HEAD"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => None,
        Some(1) => {
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            Some(stderr)
        }
        other => {
            panic!("{rel} damaged, exit {other:?} (a panic is 101, an abort a signal): {stderr}")
        }
    }
}

/// Every truncation (at a stride, and each of the last 40 bytes) is refused naming `rel`; every
/// flipped byte (at a stride) is refused the same way or read as git reads it.
fn sweep(repo: &Repo, rel: &str, fix: &str) {
    let good = std::fs::read(repo.path(rel)).unwrap();
    let lengths = (0..good.len())
        .step_by(9)
        .chain(good.len().saturating_sub(40)..good.len());
    for length in lengths {
        let line = read_with(repo, rel, &good[..length])
            .unwrap_or_else(|| panic!("{rel} cut to {length} bytes was read"));
        assert!(
            line.starts_with(&format!("error: {rel} is damaged ("))
                && line.ends_with(&format!("{fix}\n")),
            "{line}"
        );
    }
    let mut refused = 0;
    for at in (0..good.len()).step_by(7) {
        let mut bytes = good.clone();
        bytes[at] ^= 0xff;
        if let Some(line) = read_with(repo, rel, &bytes) {
            assert!(
                line.contains(" is damaged (") && line.ends_with(&format!("{fix}\n")),
                "{line}"
            );
            refused += 1;
        }
    }
    assert!(refused > 0);
    std::fs::write(repo.path(rel), &good).unwrap();
    assert_eq!(read_with(repo, rel, &good), None);
}

#[test]
fn every_truncation_and_flipped_byte_of_a_plain_index_is_refused_in_one_line_or_read() {
    let repo = repo(false);
    sweep(&repo, ".git/index", &format!("rebuild it {FIX}"));
}

#[test]
fn a_damaged_shared_index_is_refused_in_one_line_naming_it() {
    let repo = repo(true);
    let shared = shared_index(&repo);
    sweep(&repo, &shared, &format!("rebuild the index {FIX}"));
    sweep(&repo, ".git/index", FIX);
}

/// `inc log` on a damaged index: what was typed is saved and the commit refused (exit 3, one line
/// saying why and how to rebuild), the index is left as it was, and once rebuilt the next
/// command commits it.
fn log_on(repo: &Repo, rel: &str, damage: impl Fn(&mut Vec<u8>), why: &str) {
    let head = repo.head();
    let mut bytes = std::fs::read(repo.path(rel)).unwrap();
    damage(&mut bytes);
    std::fs::write(repo.path(rel), &bytes).unwrap();
    let err = repo.fails(3, &["log", "Rolled back v412"]);
    let index = if rel == ".git/index" {
        "it"
    } else {
        "the index"
    };
    assert_eq!(
        err,
        format!(
            "error: saved incidents/{CHECKOUT}/timeline.yaml but could not commit it; the next inc command commits it (or run `inc sync`): {rel} is damaged ({why}): rebuild {index} {FIX}\n"
        )
    );
    assert_eq!(repo.head(), head);
    assert_eq!(
        std::fs::read(repo.path(rel)).unwrap(),
        bytes,
        "inc left it alone"
    );
    assert!(!repo.path(".git/index.lock").exists());
    std::fs::remove_file(repo.path(".git/index")).unwrap();
    repo.git(&["reset", "-q"]);
    let out = repo.run(&["log", "Error rate back to normal"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "note: committed what an interrupted inc command left: incidents/{CHECKOUT}/timeline.yaml\n"
        )
    );
    assert_eq!(repo.status(), "");
    let committed = repo.git(&[
        "show",
        "HEAD~1:incidents/2026-11-22-checkout-api-down/timeline.yaml",
    ]);
    assert!(committed.contains("Rolled back v412"), "{committed}");
}

#[test]
fn a_log_on_a_damaged_index_is_saved_refused_in_one_line_and_committed_once_rebuilt() {
    // Four billion entries: the allocation once aborted inc.
    let repo = repo(false);
    let size = std::fs::metadata(repo.path(".git/index")).unwrap().len();
    log_on(
        &repo,
        ".git/index",
        |b| b[8..12].fill(0xff),
        &format!("it says it holds 4294967295 entries, more than its {size} bytes can"),
    );
}

#[test]
fn a_log_on_a_cut_index_or_shared_index_or_a_missing_one_says_which() {
    let repo = repo(false);
    log_on(
        &repo,
        ".git/index",
        |b| b.truncate(100),
        "it says it holds 13 entries, more than its 100 bytes can",
    );
    let repo = self::repo(false);
    log_on(
        &repo,
        ".git/index",
        |b| b.truncate(1000),
        "entry 11 of 13 runs past the end of the file",
    );

    let repo = self::repo(true);
    let shared = shared_index(&repo);
    log_on(
        &repo,
        &shared,
        |b| *b.last_mut().unwrap() ^= 1,
        "its checksum is not the one the index names",
    );

    let repo = self::repo(true);
    let shared = shared_index(&repo);
    std::fs::remove_file(repo.path(&shared)).unwrap();
    let name = shared.trim_start_matches(".git/");
    log_on(
        &repo,
        ".git/index",
        |_| {},
        &format!("it names the shared index {name}, which does not exist"),
    );
}
