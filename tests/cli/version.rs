//! `inc --version` names the commit and the day it was built from, so a bug report says what ran.

use predicates::Predicate;

use crate::common::Repo;

#[test]
fn version_names_the_commit_and_its_date() {
    let repo = Repo::empty();
    // The tests run from a git checkout, so the parenthesis must be there.
    let shape =
        predicates::str::is_match(r"^inc \d+\.\d+\.\d+ \([0-9a-f]{7,} \d{4}-\d{2}-\d{2}\)\n$")
            .unwrap();
    for flag in ["--version", "-V"] {
        let out = repo.ok(&[flag]);
        assert!(shape.eval(&out), "{flag}: {out:?}");
        assert!(out.starts_with(&format!("inc {} (", env!("CARGO_PKG_VERSION"))));
    }
    // build.rs reruns when HEAD moves, so the binary names the checkout's commit.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    if head.status.success() {
        let head = String::from_utf8(head.stdout).unwrap();
        assert!(
            repo.ok(&["--version"])
                .contains(&format!("({} ", head.trim()))
        );
    }
}
