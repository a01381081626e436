//! inc's commits next to a person's own git work, checked with the real `git` command.

use crate::common::{CHECKOUT, Repo};

#[test]
fn staged_work_stays_staged_and_out_of_incs_commit() {
    let repo = Repo::with_incident();
    repo.write("notes.md", "first\n");
    repo.git(&["add", "notes.md"]);
    repo.git(&["commit", "-qm", "notes"]);
    // Staged: a change to notes.md and a new file. Unstaged: another change on top.
    repo.write("notes.md", "first\nstaged\n");
    repo.write("new.txt", "new\n");
    repo.git(&["add", "notes.md", "new.txt"]);
    repo.write("notes.md", "first\nstaged\nunstaged\n");

    repo.ok(&["log", "Unrelated work stays put"]);

    assert_eq!(
        repo.head_files(),
        [format!("incidents/{CHECKOUT}/timeline.yaml")]
    );
    assert_eq!(repo.status(), "A  new.txt\nMM notes.md\n");
    assert_eq!(
        repo.git(&["diff", "--cached", "--name-only"]),
        "new.txt\nnotes.md\n"
    );
    assert_eq!(repo.git(&["show", ":notes.md"]), "first\nstaged\n");
    assert_eq!(repo.read("notes.md"), "first\nstaged\nunstaged\n");
}

#[test]
fn history_is_one_commit_per_change_and_the_repository_is_sound() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "one"]);
    repo.ok(&["mark", "mitigated"]);
    repo.ok(&["resolve"]);
    let log = repo.git(&["log", "--format=%s"]);
    assert_eq!(
        log,
        format!(
            "{CHECKOUT}: resolve\n{CHECKOUT}: mark mitigated\n{CHECKOUT}: log \"one\"\n{CHECKOUT}: open \"Checkout API down\"\ninc: init (incidents in incidents/)\n"
        )
    );
    repo.git(&["fsck", "--strict"]);
    assert_eq!(repo.status(), "");
    // The commit's tree matches the work tree exactly.
    assert_eq!(repo.git(&["diff", "HEAD", "--stat"]), "");
}

#[test]
fn commits_use_the_pinned_clock_and_git_identity() {
    let repo = Repo::with_incident();
    let out = repo.git(&["log", "-1", "--format=%an <%ae> %aI"]);
    assert_eq!(
        out,
        "Test Author <author@example.com> 2026-11-22T14:40:00Z\n"
    );
}

#[test]
fn a_long_text_becomes_a_short_commit_subject() {
    let repo = Repo::with_incident();
    let text = format!("{}\nsecond line", "word ".repeat(30));
    repo.ok(&["log", &text]);
    let subject = repo.head_message();
    assert_eq!(
        subject,
        format!("{CHECKOUT}: log \"word word word word word word word word word word word word…\"")
    );
}

/// After inc's commit, git's own view of the index agrees: the cached trees were invalidated
/// where they had to be (`git write-tree` rebuilds exactly HEAD's tree) and the entries match.
fn index_agrees_with_git(repo: &Repo) {
    assert_eq!(repo.status(), "");
    assert_eq!(
        repo.git(&["write-tree"]),
        repo.git(&["rev-parse", "HEAD^{tree}"])
    );
    assert_eq!(repo.git(&["diff-index", "--cached", "HEAD"]), "");
    repo.git(&["fsck", "--strict"]);
}

#[test]
fn the_index_stays_valid_for_git_with_cached_trees() {
    let repo = Repo::with_incident();
    repo.write("docs/readme.md", "hello\n");
    repo.git(&["add", "docs/readme.md"]);
    // A git commit leaves a full cached-tree extension in the index.
    repo.git(&["commit", "-qm", "docs"]);
    repo.ok(&["log", "after a git commit"]);
    index_agrees_with_git(&repo);
    repo.ok(&["open", "A second incident"]);
    index_agrees_with_git(&repo);
    repo.ok(&["resolve"]);
    index_agrees_with_git(&repo);
}

#[test]
fn unusual_indexes_are_left_to_libgit2() {
    for setup in [
        &["update-index", "--index-version", "4"][..],
        &["update-index", "--untracked-cache"],
        &["update-index", "--split-index"],
    ] {
        let repo = Repo::with_incident();
        repo.git(setup);
        repo.ok(&["log", "still works"]);
        assert_eq!(repo.status(), "", "{setup:?}");
        repo.git(&["fsck", "--strict"]);
        assert!(
            repo.git(&["show", &format!("HEAD:incidents/{CHECKOUT}/timeline.yaml")])
                .contains("still works")
        );
    }
}
