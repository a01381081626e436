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

/// build.rs compiled on its own and run as cargo would, in `dir`; returns what it tells cargo.
fn run_build_script(dir: &std::path::Path, env: &[(&str, &str)]) -> String {
    let temp = tempfile::TempDir::new().unwrap();
    let exe = temp.path().join("build-script");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc)
        .args(["--edition", "2024", "-o"])
        .arg(&exe)
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("build.rs"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut cmd = std::process::Command::new(&exe);
    crate::common::hermetic(&mut cmd, temp.path());
    cmd.env("CARGO_MANIFEST_DIR", dir).envs(env.iter().copied());
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "the build script never fails the build"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn outside_a_git_checkout_the_version_stands_alone() {
    // A crates tarball unpacked inside some other repository: not its own checkout.
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.write("vendor/inc/Cargo.toml", "[package]\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "vendored"]);
    let out = run_build_script(&repo.path("vendor/inc"), &[]);
    assert!(out.contains("cargo:rustc-env=INC_BUILD_INFO=\n"), "{out}");
    let plain = tempfile::TempDir::new().unwrap();
    let out = run_build_script(plain.path(), &[]);
    assert!(out.contains("cargo:rustc-env=INC_BUILD_INFO=\n"), "{out}");
}

#[test]
fn the_build_date_is_the_commits_or_source_date_epoch() {
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.write("a", "a\n");
    repo.git(&["add", "a"]);
    repo.git(&["commit", "-qm", "a"]);
    let commit = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let commit = commit.trim();
    // The commit date the test identity pins: 2026-11-22.
    let out = run_build_script(repo.root(), &[]);
    assert!(
        out.contains(&format!(
            "cargo:rustc-env=INC_BUILD_INFO= ({commit} 2026-11-22)\n"
        )),
        "{out}"
    );
    // 2026-11-24T12:00:00Z
    let out = run_build_script(repo.root(), &[("SOURCE_DATE_EPOCH", "1795521600")]);
    assert!(
        out.contains(&format!(
            "cargo:rustc-env=INC_BUILD_INFO= ({commit} 2026-11-24)\n"
        )),
        "{out}"
    );
    assert!(out.contains("cargo:rerun-if-changed="), "{out}");
    assert!(out.contains("HEAD\n"), "HEAD is watched: {out}");
}
