//! A file that changes while a person edits it (issue 25, point 7): `inc edit` and
//! `inc postmortem --edit` write only if the file still holds what the editor was given;
//! otherwise they keep the newer file, save what the person typed in `.git/inc/recovered/`,
//! and say so. Each editor here is a shell script that, while "editing", runs another inc
//! command or simulates a pull (a change to the file committed with git).

use std::path::PathBuf;
use std::process::Output;

use crate::common::{CHECKOUT, Repo};

const INCIDENT: &str = "incidents/2026-11-22-checkout-api-down/incident.yaml";
const PM: &str = "incidents/2026-11-22-checkout-api-down/postmortem.md";
const RECOVERED: &str = ".git/inc/recovered";

/// A shell script outside the repository, for EDITOR. It runs in the repository with `$INC` (the
/// binary), `$FILE` (the real file, relative) and `$1` (what the editor is given).
fn editor(repo: &Repo, body: &str) -> PathBuf {
    let path = repo.root().parent().unwrap().join("editor.sh");
    std::fs::write(&path, format!("#!/bin/sh\nset -e\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// `inc ARGS` with `body` as the editor of `file`.
fn edit(repo: &Repo, file: &str, body: &str, args: &[&str]) -> Output {
    repo.cmd()
        .env("EDITOR", editor(repo, body))
        .env("INC", assert_cmd::cargo::cargo_bin("inc"))
        .env("FILE", file)
        .args(args)
        .output()
        .unwrap()
}

/// Exit 1, nothing on stdout, one line on stderr: that line.
fn refused(out: &Output) -> String {
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

/// The recovery files, by name, with what they hold.
fn recovered(repo: &Repo) -> Vec<(String, String)> {
    let Ok(dir) = std::fs::read_dir(repo.path(RECOVERED)) else {
        return Vec::new();
    };
    let mut files: Vec<(String, String)> = dir
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// What the editor is given is a copy: none is left once the command is done.
fn no_copies_left(repo: &Repo) {
    let left: Vec<_> = std::fs::read_dir(repo.path(".git/inc/editing"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

fn changed_message(file: &str, kept: &str, redo: &str) -> String {
    format!(
        "error: {file} changed while you were editing (by a commit or another inc command); inc kept the newer file, and your text is saved in {RECOVERED}/{kept}: merge it by hand with {redo}\n"
    )
}

#[test]
fn an_aborted_edit_never_puts_back_the_old_file() {
    let repo = Repo::with_incident();
    // The editor is open while a teammate changes the severity on this clone; then it is quit
    // with an error (`:cq` in vim), having saved nothing.
    let out = edit(
        &repo,
        INCIDENT,
        "\"$INC\" sev SEV1 >/dev/null\nexit 1",
        &["edit"],
    );
    let err = refused(&out);
    assert!(
        err.ends_with(&format!(
            "/editor.sh) exited with exit status: 1; {INCIDENT} is unchanged\n"
        )),
        "{err}"
    );
    let yaml = repo.read(INCIDENT);
    assert!(yaml.contains("severity: SEV1\n"), "{yaml}");
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: sev SEV1"));
    assert!(repo.status().is_empty(), "{}", repo.status());
    assert_eq!(recovered(&repo), []);
    // Quitting without a change, with success, writes nothing either.
    let out = edit(&repo, INCIDENT, "\"$INC\" sev SEV3 >/dev/null", &["edit"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{CHECKOUT}: nothing to change\n")
    );
    assert!(repo.read(INCIDENT).contains("severity: SEV3\n"));
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: sev SEV3"));
    assert!(repo.status().is_empty(), "{}", repo.status());
    no_copies_left(&repo);
}

#[test]
fn an_edit_made_while_inc_sev_committed_is_saved_aside() {
    let repo = Repo::with_incident();
    let out = edit(
        &repo,
        INCIDENT,
        "\"$INC\" sev SEV1 >/dev/null\nsed -i 's/^title: .*/title: Edited/' \"$1\"",
        &["edit"],
    );
    let kept = format!("{CHECKOUT}-incident.yaml.20261122T144000Z");
    assert_eq!(refused(&out), changed_message(INCIDENT, &kept, "inc edit"));
    let yaml = repo.read(INCIDENT);
    assert!(
        yaml.contains("severity: SEV1\n") && yaml.contains("title: Checkout API down\n"),
        "{yaml}"
    );
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: sev SEV1"));
    assert!(repo.status().is_empty(), "{}", repo.status());
    let files = recovered(&repo);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].0, kept);
    assert!(
        files[0].1.contains("title: Edited\n") && files[0].1.contains("severity: SEV2\n"),
        "{}",
        files[0].1
    );
    no_copies_left(&repo);
}

#[test]
fn an_uncommitted_change_made_while_editing_is_kept_too() {
    // No commit moves: only the bytes on disk tell that `inc sev --no-commit` wrote the file.
    let repo = Repo::with_incident();
    let head = repo.head();
    let out = edit(
        &repo,
        INCIDENT,
        "\"$INC\" --no-commit sev SEV1 >/dev/null\nsed -i 's/^title: .*/title: Edited/' \"$1\"",
        &["edit"],
    );
    let kept = format!("{CHECKOUT}-incident.yaml.20261122T144000Z");
    assert_eq!(refused(&out), changed_message(INCIDENT, &kept, "inc edit"));
    let yaml = repo.read(INCIDENT);
    assert!(
        yaml.contains("severity: SEV1\n") && yaml.contains("title: Checkout API down\n"),
        "{yaml}"
    );
    assert_eq!(repo.head(), head);
    assert!(recovered(&repo)[0].1.contains("title: Edited\n"));
}

#[test]
fn an_edit_made_while_a_pull_changed_the_file_is_saved_aside() {
    let repo = Repo::with_incident();
    // A pull: the file changes on disk and in a new commit, without inc.
    let out = edit(
        &repo,
        INCIDENT,
        "sed -i 's/^severity: SEV2/severity: SEV1/' \"$FILE\"\ngit commit -qam pulled\nsed -i 's/^title: .*/title: Edited/' \"$1\"",
        &["edit"],
    );
    let kept = format!("{CHECKOUT}-incident.yaml.20261122T144000Z");
    assert_eq!(refused(&out), changed_message(INCIDENT, &kept, "inc edit"));
    let yaml = repo.read(INCIDENT);
    assert!(
        yaml.contains("severity: SEV1\n") && yaml.contains("title: Checkout API down\n"),
        "{yaml}"
    );
    assert_eq!(repo.head_message(), "pulled");
    assert!(repo.status().is_empty(), "{}", repo.status());
    assert!(recovered(&repo)[0].1.contains("title: Edited\n"));
}

#[test]
fn a_commit_that_moved_only_head_is_not_undone() {
    // HEAD gets a new version of the file while the work tree keeps the old one (as after
    // `git reset --soft` or a fetch and `update-ref`): committing the edit would revert it.
    let repo = Repo::with_incident();
    let out = edit(
        &repo,
        INCIDENT,
        "cp \"$FILE\" \"$1.old\"\nsed -i 's/^severity: SEV2/severity: SEV1/' \"$FILE\"\ngit commit -qam moved\ncp \"$1.old\" \"$FILE\"\nrm \"$1.old\"\nsed -i 's/^title: .*/title: Edited/' \"$1\"",
        &["edit"],
    );
    let kept = format!("{CHECKOUT}-incident.yaml.20261122T144000Z");
    assert_eq!(refused(&out), changed_message(INCIDENT, &kept, "inc edit"));
    assert_eq!(repo.head_message(), "moved");
    assert!(
        repo.git(&["show", &format!("HEAD:{INCIDENT}")])
            .contains("severity: SEV1\n")
    );
    assert!(!repo.read(INCIDENT).contains("title: Edited"));
}

#[test]
fn an_edit_with_nothing_changed_meanwhile_is_written_and_leaves_nothing_behind() {
    let repo = Repo::with_incident();
    let out = edit(
        &repo,
        INCIDENT,
        "sed -i 's/^title: .*/title: Edited/' \"$1\"",
        &["edit"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.read(INCIDENT).contains("title: Edited\n"));
    assert_eq!(repo.head_message(), format!("{CHECKOUT}: edit"));
    assert_eq!(recovered(&repo), []);
    no_copies_left(&repo);
}

/// The checkout incident resolved, with its post-mortem written and committed.
fn with_postmortem() -> Repo {
    let repo = Repo::with_incident();
    repo.ok(&["role", "incident-lead", "alice"]);
    repo.ok(&["resolve", "--at", "14:38"]);
    repo.ok(&["postmortem"]);
    repo
}

#[test]
fn a_teammates_pulled_section_survives_postmortem_edit() {
    let repo = with_postmortem();
    let out = edit(
        &repo,
        PM,
        "printf '\\n## Teammate\\n\\nPulled words.\\n' >> \"$FILE\"\ngit commit -qam pulled\nprintf '\\nMy words.\\n' >> \"$1\"",
        &["postmortem", "--edit"],
    );
    let kept = format!("{CHECKOUT}-postmortem.md.20261122T144000Z");
    assert_eq!(
        refused(&out),
        changed_message(PM, &kept, "inc postmortem --edit")
    );
    let pm = repo.read(PM);
    assert!(pm.ends_with("## Teammate\n\nPulled words.\n"), "{pm}");
    assert!(!pm.contains("My words."), "{pm}");
    assert_eq!(repo.head_message(), "pulled");
    assert!(repo.status().is_empty(), "{}", repo.status());
    let files = recovered(&repo);
    assert_eq!(files[0].0, kept);
    assert!(files[0].1.ends_with("\nMy words.\n"), "{}", files[0].1);
    assert!(!files[0].1.contains("Pulled words."));
    no_copies_left(&repo);
}

#[test]
fn a_postmortem_refreshed_while_editing_is_kept() {
    let repo = with_postmortem();
    // Another inc command rewrites the post-mortem meanwhile: a key entry, then a refresh.
    let out = edit(
        &repo,
        PM,
        "\"$INC\" log --at 14:20 --key 'Rolled back the deploy' >/dev/null\n\"$INC\" postmortem --refresh >/dev/null\nprintf '\\nMy words.\\n' >> \"$1\"",
        &["postmortem", "--edit"],
    );
    let kept = format!("{CHECKOUT}-postmortem.md.20261122T144000Z");
    assert_eq!(
        refused(&out),
        changed_message(PM, &kept, "inc postmortem --edit")
    );
    let pm = repo.read(PM);
    assert!(pm.contains("Rolled back the deploy"), "{pm}");
    assert!(!pm.contains("My words."), "{pm}");
    assert!(
        repo.head_message()
            .starts_with(&format!("{CHECKOUT}: refresh postmortem"))
    );
    assert!(recovered(&repo)[0].1.ends_with("\nMy words.\n"));
}

#[test]
fn an_aborted_postmortem_edit_writes_nothing_and_keeps_the_text() {
    let repo = with_postmortem();
    let before = repo.state();
    let out = edit(
        &repo,
        PM,
        "printf '\\nHalf written.\\n' >> \"$1\"\nexit 2",
        &["postmortem", "--edit"],
    );
    let err = refused(&out);
    let kept = format!("{CHECKOUT}-postmortem.md.20261122T144000Z");
    assert!(
        err.ends_with(&format!(
            "/editor.sh) exited with exit status: 2; postmortem.md is unchanged, and your text is saved in {RECOVERED}/{kept}: fix it there and run inc postmortem --edit again\n"
        )),
        "{err}"
    );
    assert_eq!(repo.state(), before);
    assert!(recovered(&repo)[0].1.ends_with("\nHalf written.\n"));
    // Saving nothing commits nothing.
    let out = edit(&repo, PM, "true", &["postmortem", "--edit"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{CHECKOUT}: nothing to change\n")
    );
    assert_eq!(repo.state(), before);
    no_copies_left(&repo);
}
