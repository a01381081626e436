//! Issue 19: inc writes the split index (core.splitIndex) itself, rewriting only the small split
//! file, and the index stays valid for git in every layout (split or not, version 2 to 4),
//! including after git rewrote the shared index itself or joined it again.

use crate::common::*;

/// git agrees with the index after an inc command: nothing staged or modified, the cached trees
/// rebuild HEAD's tree, and the repository is sound.
fn valid_for_git(repo: &Repo, after: &str) {
    assert_eq!(repo.status(), "", "after {after}");
    assert_eq!(
        repo.git(&["diff", "--cached", "--name-only"]),
        "",
        "after {after}"
    );
    assert_eq!(
        repo.git(&["write-tree"]),
        repo.git(&["rev-parse", "HEAD^{tree}"]),
        "after {after}"
    );
    assert_eq!(
        repo.git(&["diff-index", "--cached", "HEAD"]),
        "",
        "after {after}"
    );
    repo.git(&["fsck", "--strict", "--no-dangling"]);
}

/// The shared index files in .git, sorted.
fn shared_indexes(repo: &Repo) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.path(".git"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("sharedindex."))
        .collect();
    names.sort();
    names
}

/// The shared index .git/index links to.
fn linked_shared(repo: &Repo) -> String {
    let index = std::fs::read(repo.path(".git/index")).unwrap();
    let at = index
        .windows(4)
        .position(|w| w == b"link")
        .expect("a split index");
    let id: String = index[at + 8..at + 28]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sharedindex.{id}")
}

/// Whether .git/index is a split index (it carries the `link` extension).
fn is_split(repo: &Repo) -> bool {
    let index = std::fs::read(repo.path(".git/index")).unwrap();
    index.windows(4).any(|w| w == b"link")
}

/// Runs inc with no `git` command to fall back on: what it stages, it stages itself.
fn ok_without_git(repo: &Repo, args: &[&str]) -> String {
    let empty = tempfile::tempdir().unwrap();
    let out = repo
        .cmd()
        .env("PATH", empty.path())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "inc {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn committed_timeline(repo: &Repo) -> String {
    repo.git(&["show", &format!("HEAD:incidents/{CHECKOUT}/timeline.yaml")])
}

/// Many incidents, so that a few new files stay under git's limit for entries outside the
/// shared index (20%).
fn with_many_files() -> Repo {
    let repo = Repo::with_incident();
    for i in 0..40 {
        repo.write(&format!("docs/page-{i}.md"), &format!("page {i}\n"));
    }
    repo.git(&["add", "docs"]);
    repo.git(&["commit", "-qm", "docs"]);
    repo
}

#[test]
fn inc_init_leaves_the_split_index_off() {
    // libgit2, which inc sync's merge and CRLF files go through, cannot read a split index.
    let repo = Repo::new();
    let local = repo.git(&["config", "--local", "--list"]);
    assert!(!local.contains("splitindex"), "{local}");
    repo.open_checkout();
    assert!(!is_split(&repo));
}

#[test]
fn a_split_index_is_updated_without_git_and_without_rewriting_the_shared_index() {
    let repo = with_many_files();
    repo.git(&["config", "core.splitIndex", "true"]);
    repo.git(&["update-index", "--split-index"]);
    let shared = linked_shared(&repo);
    let shared_bytes = std::fs::read(repo.path(&format!(".git/{shared}"))).unwrap();
    let files = shared_indexes(&repo);

    ok_without_git(&repo, &["log", "one"]);
    valid_for_git(&repo, "log");
    ok_without_git(&repo, &["log", "two"]);
    valid_for_git(&repo, "a second log");
    assert!(committed_timeline(&repo).contains("two"));
    // A new incident: new entries in the split file.
    ok_without_git(&repo, &["open", "Search is slow", "--sev", "SEV3"]);
    valid_for_git(&repo, "open");
    ok_without_git(&repo, &["resolve", "-i", CHECKOUT]);
    valid_for_git(&repo, "resolve");

    assert_eq!(linked_shared(&repo), shared);
    assert_eq!(shared_indexes(&repo), files);
    assert_eq!(
        std::fs::read(repo.path(&format!(".git/{shared}"))).unwrap(),
        shared_bytes
    );
    assert!(is_split(&repo));
}

#[test]
fn a_split_index_of_version_4_is_updated_without_git() {
    let repo = with_many_files();
    // In two steps: git writes a whole index when its version changes.
    repo.git(&["update-index", "--index-version", "4"]);
    repo.git(&["update-index", "--split-index"]);
    assert!(is_split(&repo));
    ok_without_git(&repo, &["log", "in version 4"]);
    valid_for_git(&repo, "log");
    ok_without_git(&repo, &["open", "Search is slow", "--sev", "SEV3"]);
    valid_for_git(&repo, "open");
    ok_without_git(&repo, &["log", "-i", CHECKOUT, "again"]);
    valid_for_git(&repo, "a log after open");
    assert!(committed_timeline(&repo).contains("again"));
    assert!(is_split(&repo));
    let search = repo.git(&["ls-files", "incidents/*search-is-slow*"]);
    assert!(search.contains("/timeline.yaml"), "{search}");
}

#[test]
fn git_rewriting_the_shared_index_or_joining_it_again_keeps_it_valid() {
    for version in ["2", "3", "4"] {
        let repo = with_many_files();
        repo.git(&["update-index", "--index-version", version]);
        repo.git(&["update-index", "--split-index"]);
        assert!(is_split(&repo), "{version}");
        repo.ok(&["log", "before git re-shares"]);
        valid_for_git(&repo, "log");
        // A second --split-index makes git write a new shared index from inc's split file.
        repo.git(&["update-index", "--split-index"]);
        valid_for_git(&repo, "git update-index --split-index");
        ok_without_git(&repo, &["log", "after git re-shared"]);
        valid_for_git(&repo, "log after re-sharing");
        repo.git(&["config", "core.splitIndex", "false"]);
        repo.git(&["update-index", "--no-split-index"]);
        valid_for_git(&repo, "git update-index --no-split-index");
        assert!(!is_split(&repo));
        repo.ok(&["log", "joined again"]);
        valid_for_git(&repo, "log after joining");
        assert!(
            committed_timeline(&repo).contains("joined again"),
            "{version}"
        );
    }
}

#[test]
fn many_new_files_leave_the_new_shared_index_to_git() {
    // The new incident's files pass the limit of entries outside the shared index, and git
    // writes a new shared index as it would for its own commands.
    let repo = with_many_files();
    repo.git(&["config", "splitIndex.maxPercentChange", "1"]);
    repo.git(&["update-index", "--split-index"]);
    let before = linked_shared(&repo);
    repo.ok(&["log", "a replaced entry is not a new one"]);
    assert_eq!(linked_shared(&repo), before);
    repo.ok(&["open", "Search is slow", "--sev", "SEV3"]);
    valid_for_git(&repo, "open");
    assert_ne!(linked_shared(&repo), before);
}

#[test]
fn core_split_index_is_applied_to_an_index_inc_writes() {
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.ok(&["init"]);
    repo.open_checkout();
    assert!(!is_split(&repo));
    repo.git(&["config", "core.splitIndex", "true"]);
    repo.ok(&["log", "split now"]);
    assert!(is_split(&repo));
    valid_for_git(&repo, "log with core.splitIndex=true");
    repo.git(&["config", "core.splitIndex", "false"]);
    repo.ok(&["log", "joined now"]);
    assert!(!is_split(&repo));
    valid_for_git(&repo, "log with core.splitIndex=false");
}

#[test]
fn an_index_of_version_4_without_split_stays_valid() {
    let repo = Repo::with_incident();
    repo.git(&["config", "core.splitIndex", "false"]);
    repo.git(&["update-index", "--no-split-index", "--index-version", "4"]);
    repo.ok(&["log", "version 4"]);
    valid_for_git(&repo, "log");
    repo.ok(&["open", "Search is slow", "--sev", "SEV3"]);
    valid_for_git(&repo, "open");
}

#[test]
fn a_missing_shared_index_is_an_error_that_writes_no_index() {
    let repo = with_many_files();
    repo.git(&["update-index", "--split-index"]);
    let index = std::fs::read(repo.path(".git/index")).unwrap();
    for name in shared_indexes(&repo) {
        std::fs::remove_file(repo.path(&format!(".git/{name}"))).unwrap();
    }
    let out = repo.run(&["log", "no shared index"]);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(repo.path(".git/index")).unwrap(), index);
    assert!(!repo.path(".git/index.lock").exists());
}

#[test]
fn a_large_incidents_tree_is_written_in_git_s_order() {
    // 1,000 directories and more go through inc's own tree writer. Neighbours whose names sort
    // differently as directories ("x/" after "x.y") check the order, which git fsck verifies.
    let repo = Repo::with_incident();
    for i in 0..1000 {
        repo.write(&format!("incidents/bulk-{i:04}/note.md"), "x\n");
    }
    repo.write(
        &format!("incidents/{CHECKOUT}.old"),
        "a file next to the directory\n",
    );
    repo.write(&format!("incidents/{CHECKOUT}-2/note.md"), "x\n");
    repo.git(&["add", "incidents"]);
    repo.git(&["commit", "-qm", "bulk"]);
    repo.ok(&["log", "in a large tree"]);
    valid_for_git(&repo, "log in a large tree");
    assert!(committed_timeline(&repo).contains("in a large tree"));
    assert_eq!(
        repo.git(&["diff", "--name-only", "HEAD~1", "HEAD"]).trim(),
        format!("incidents/{CHECKOUT}/timeline.yaml")
    );
    // A new incident adds an entry to the large tree.
    repo.ok(&["open", "Search is slow", "--sev", "SEV3"]);
    valid_for_git(&repo, "open in a large tree");
    assert_eq!(
        repo.git(&["ls-tree", "--name-only", "HEAD", "incidents/"])
            .lines()
            .count(),
        1004
    );
}

/// A file changed in the same clock tick as the index was written keeps the stat data the index
/// holds, and git only notices by comparing content ("racily clean"). inc rewriting the index
/// later must not hide that change: the entry is smudged (size 0) as git does.
#[test]
fn a_racily_clean_file_of_the_users_stays_modified_after_inc_writes_the_index() {
    for split in [false, true] {
        racily_clean(split);
    }
}

fn racily_clean(split: bool) {
    let repo = Repo::with_incident();
    if split {
        repo.git(&["update-index", "--split-index"]);
    }
    // ctime cannot be set back; without it git judges by mtime, size and inode only.
    repo.git(&["config", "core.trustctime", "false"]);
    let tick = "2026-01-01 00:00:00";
    let touch = |rel: &str| {
        let status = std::process::Command::new("touch")
            .args(["-m", "-d", tick])
            .arg(repo.path(rel))
            .status()
            .unwrap();
        assert!(status.success());
    };
    repo.write("notes.txt", "v1\n");
    touch("notes.txt");
    repo.git(&["add", "notes.txt"]);
    repo.git(&["commit", "-qm", "notes"]);
    if split {
        // Given again, it moves every entry into a new shared index: the racy one is there.
        repo.git(&["update-index", "--split-index"]);
    }
    // The same size, written in place, in the tick the index was written in.
    std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path("notes.txt"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"v2\n"))
        .unwrap();
    touch("notes.txt");
    touch(".git/index");
    repo.ok(&["log", "An entry"]);
    assert_eq!(repo.status(), " M notes.txt\n", "split index: {split}");
    assert_eq!(is_split(&repo), split);
    assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "");
    repo.git(&["fsck", "--strict", "--no-progress"]);
}

/// `inc sync` with a split index, which libgit2 cannot read: what is left uncommitted is found
/// by `git status`, the merge is git's, and the index stays split and valid.
#[test]
fn inc_sync_works_with_a_split_index() {
    let (_remote, lead, scribe) = team();
    lead.git(&["update-index", "--split-index"]);
    scribe.ok(&["log", "From the scribe"]);
    scribe.ok(&["sync"]);
    lead.ok(&["log", "From the lead"]);
    let timeline = format!("incidents/{CHECKOUT}/timeline.yaml");
    let edited = format!("{}# a comment by hand\n", lead.read(&timeline));
    lead.write(&timeline, &edited);
    let out = lead.ok(&["sync"]);
    assert!(out.contains("merged their changes"), "{out}");
    assert!(is_split(&lead));
    valid_for_git(&lead, "inc sync");
    let shared = lead.git(&["show", &format!("origin/master:{timeline}")]);
    for text in ["From the scribe", "From the lead", "# a comment by hand"] {
        assert!(shared.contains(text), "{text} is missing: {shared}");
    }
}
