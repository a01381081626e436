//! `inc check --changed [BASE]`: only the incidents (and repository files) that differ from BASE
//! — committed since the merge base, staged, changed or new — are checked.

use crate::common::{CHECKOUT, Repo, bare_remote};

const DB: &str = "2026-11-22-db-is-slow";
const NEW: &str = "2026-11-22-queue-backs-up";

fn incident(id: &str) -> String {
    format!("incidents/{id}/incident.yaml")
}

/// A typo in a key: `inc check` reports it as an error at the key.
fn break_incident(repo: &Repo, id: &str) {
    let path = incident(id);
    let text = repo.read(&path);
    assert!(text.contains("severity: SEV"), "{text}");
    repo.write(&path, &text.replacen("severity: SEV", "severty: SEV", 1));
}

/// Two incidents pushed to origin (master tracks origin/master); the DB incident was already
/// broken there.
fn pushed() -> (tempfile::TempDir, Repo) {
    let (temp, remote) = bare_remote();
    let repo = Repo::with_incident();
    repo.ok(&["open", "DB is slow", "--sev", "SEV3"]);
    break_incident(&repo, DB);
    repo.git(&["commit", "-qam", "broken before"]);
    repo.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    repo.git(&["push", "-q", "-u", "origin", "master"]);
    (temp, repo)
}

fn check(repo: &Repo, args: &[&str]) -> (i32, String, String) {
    let out = repo.cmd().arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn only_the_changed_incident_is_checked() {
    let (_remote, repo) = pushed();
    // Nothing differs from the upstream: nothing to check, and the old problem is not reported.
    let (code, out, err) = check(&repo, &["--changed"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(!out.contains(DB), "{out}");

    // A change in the work tree, not even staged.
    break_incident(&repo, CHECKOUT);
    let (code, out, _) = check(&repo, &["--changed", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files: Vec<&str> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| *f == incident(CHECKOUT)), "{files:?}");
    // Plain check still sees both.
    let (_, all, _) = check(&repo, &[]);
    assert!(
        all.contains(&incident(DB)) && all.contains(&incident(CHECKOUT)),
        "{all}"
    );

    // Staged, then committed: still different from the upstream.
    repo.git(&["add", "-A"]);
    let (code, out, _) = check(&repo, &["--changed"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&incident(CHECKOUT)) && !out.contains(&incident(DB)),
        "{out}"
    );
    repo.git(&["commit", "-qm", "break checkout"]);
    let (code, out, _) = check(&repo, &["--changed", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("file={}", incident(CHECKOUT))),
        "{out}"
    );
    assert!(!out.contains(DB), "{out}");
}

#[test]
fn a_named_base_and_a_new_incident() {
    let (_remote, repo) = pushed();
    let base = repo.head();
    repo.ok(&["open", "Queue backs up", "--sev", "SEV3"]);
    break_incident(&repo, NEW);
    let (code, out, _) = check(&repo, &["--changed", &base]);
    assert_eq!(code, 1);
    assert!(out.contains(&incident(NEW)), "{out}");
    assert!(!out.contains(DB) && !out.contains(CHECKOUT), "{out}");
    // As a pull request would: the base named by a remote branch.
    let (_, out, _) = check(&repo, &["--changed", "origin/master"]);
    assert!(out.contains(&incident(NEW)) && !out.contains(DB), "{out}");
    // An untracked incident counts too.
    repo.git(&["reset", "-q", "--soft", &base]);
    repo.git(&["rm", "-rqf", "--cached", &format!("incidents/{NEW}")]);
    let (_, out, _) = check(&repo, &["--changed", &base]);
    assert!(out.contains(&incident(NEW)), "{out}");
}

#[test]
fn repository_files_are_checked_only_when_they_changed() {
    let (_remote, repo) = pushed();
    // A runbook with a problem, already upstream.
    repo.write(".inc/runbooks/bad.md", "no title, no steps\n");
    let (_, all, _) = check(&repo, &[]);
    assert!(all.contains(".inc/runbooks/bad.md"), "{all}");
    let (_, changed, _) = check(&repo, &["--changed"]);
    assert!(
        changed.contains(".inc/runbooks/bad.md"),
        "a new runbook is a change: {changed}"
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "runbook"]);
    repo.git(&["push", "-q"]);
    let (code, changed, _) = check(&repo, &["--changed"]);
    assert_eq!(code, 0, "{changed}");
    assert!(!changed.contains("bad.md"), "{changed}");
}

#[test]
fn without_an_upstream_or_a_base_the_error_says_what_to_give() {
    let repo = Repo::with_incident();
    let err = repo.fails(2, &["check", "--changed"]);
    assert_eq!(
        err,
        "error: --changed without a base compares with the upstream branch, but master has none: give the base, like `inc check --changed origin/main`\n"
    );
    let err = repo.fails(2, &["check", "--changed", "origin/nope"]);
    assert!(
        err.starts_with("error: --changed origin/nope: no such commit or branch here"),
        "{err}"
    );
    let err = repo.fails(2, &["check", "--changed", "HEAD", "-i", "checkout"]);
    assert!(err.contains("-i and --changed"), "{err}");
}

/// A file of this repository parsed as YAML (as GitHub would, into plain values).
pub fn yaml_file(rel: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

#[test]
fn the_release_workflow_is_valid_yaml_that_does_what_the_docs_say() {
    let release = yaml_file(".github/workflows/release.yml");
    assert_eq!(release["on"]["push"]["tags"][0], "v*");
    let targets: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin"
        ]
    );
    let steps = serde_json::to_string(&release["jobs"]).unwrap();
    for needed in [
        "man -o",
        "completions",
        "shasum -a 256",
        "SHA256SUMS",
        "gh release upload",
    ] {
        assert!(steps.contains(needed), "release.yml lacks {needed}");
    }
}

#[test]
fn an_incidents_directory_made_a_link_is_reported() {
    let (_remote, repo) = pushed();
    let elsewhere = repo.root().parent().unwrap().join("elsewhere");
    std::fs::rename(repo.path("incidents"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, repo.path("incidents")).unwrap();
    let (code, out, _) = check(&repo, &["--changed"]);
    assert_eq!(code, 1, "{out}");
    // The repository-level check names the directory itself, not only the files behind it.
    assert!(
        out.starts_with("incidents\n  1:1     error    incidents is a symbolic link"),
        "{out}"
    );
}

/// With a split index (core.splitIndex, which libgit2 cannot read) git itself says what changed:
/// a staged change, a change in the work tree and a new incident, as without one.
#[test]
fn a_split_index_changes_nothing() {
    let (_remote, repo) = pushed();
    repo.git(&["config", "core.splitIndex", "true"]);
    repo.git(&["update-index", "--split-index"]);
    repo.ok(&["open", "Queue backs up", "--sev", "SEV3"]);
    break_incident(&repo, NEW);
    break_incident(&repo, CHECKOUT);
    repo.git(&["add", &incident(CHECKOUT)]);
    let (code, out, err) = check(&repo, &["--changed"]);
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    assert!(out.contains(&incident(NEW)), "{out}");
    assert!(out.contains(&incident(CHECKOUT)), "{out}");
    assert!(!out.contains(DB), "{out}");
    assert!(out.contains("(2 incidents checked)"), "{out}");
}
