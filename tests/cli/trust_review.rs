//! Gaps an adversarial review of issue 11 found where the merged trust work met: commit messages
//! quoting hostile names, an editor sent through a link, a link `inc sync` would have tripped on,
//! and `inc init` half set up before refusing a link.

use std::os::unix::fs::symlink;

use crate::common::{CHECKOUT, Repo, bare_remote, outside};

fn assert_no_raw_controls(what: &str, text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{what} holds a raw control character: {text:?}"
    );
}

#[test]
fn commit_messages_never_carry_control_characters() {
    let repo = Repo::with_incident();
    // An incident directory made by hand (or pulled from a clone) with a terminal escape in its
    // name, and a person's name with one typed on the command line.
    let evil = "evil\u{1b}]0;pwned\u{7}";
    std::fs::rename(
        repo.path(&format!("incidents/{CHECKOUT}")),
        repo.path(&format!("incidents/{evil}")),
    )
    .unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "rename"]);
    repo.ok(&["-i", "evil", "log", "checked the pool"]);
    let message = repo.head_message();
    assert_no_raw_controls("the log commit", &message);
    assert!(
        message.starts_with("evil\\u{1b}]0;pwned\\u{7}: log"),
        "{message:?}"
    );
    repo.ok(&["-i", "evil", "role", "scribe", "bob\u{1b}[2J"]);
    let message = repo.head_message();
    assert_no_raw_controls("the role commit", &message);
    assert!(message.contains("bob\\u{1b}[2J"), "{message:?}");
    // The files keep the text exactly.
    assert!(
        repo.read(&format!("incidents/{evil}/roles.yaml"))
            .contains("bob\\e[2J")
    );
}

#[test]
fn postmortem_edit_does_not_open_a_linked_file_in_the_editor() {
    let repo = Repo::with_incident();
    repo.ok(&["resolve"]);
    let target = outside(
        &repo,
        "elsewhere.md",
        "---\nstatus: draft\nincident: x\nauthors: [a]\n---\n# Not the repository's\n",
    );
    symlink(
        &target,
        repo.path(&format!("incidents/{CHECKOUT}/postmortem.md")),
    )
    .unwrap();
    // An editor that appends a line: what any editor saving through the link would do.
    let editor = outside(&repo, "editor.sh", "#!/bin/sh\necho 'EDITED' >> \"$1\"\n");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = repo
        .cmd()
        .env("EDITOR", &editor)
        .args(["postmortem", "--edit"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "incidents/{CHECKOUT}/postmortem.md is a symbolic link"
        )),
        "{stderr}"
    );
    assert!(!std::fs::read_to_string(&target).unwrap().contains("EDITED"));
}

#[test]
fn sync_leaves_a_link_where_an_inc_file_belongs_and_shares_the_rest() {
    let (_remote, remote) = bare_remote();
    let repo = Repo::with_incident();
    repo.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    repo.ok(&["sync"]);
    let target = outside(&repo, "notes.md", "the secret outside the repository\n");
    let link = format!("incidents/{CHECKOUT}/postmortem.md");
    symlink(&target, repo.path(&link)).unwrap();
    repo.ok(&["log", "--no-commit", "written but not committed"]);

    let out = repo.run(&["sync"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "note: left alone (not inc's files, so not committed): {link} (a symbolic link)"
        )),
        "{stderr}"
    );
    let pushed = repo.git(&["ls-tree", "-r", "--name-only", "origin/master"]);
    assert!(!pushed.contains("postmortem.md"), "{pushed}");
    let timeline = repo.git(&[
        "show",
        &format!("origin/master:incidents/{CHECKOUT}/timeline.yaml"),
    ]);
    assert!(timeline.contains("written but not committed"), "{timeline}");
}

#[test]
fn init_refuses_a_link_before_writing_anything() {
    for linked in [".gitattributes", ".inc"] {
        let repo = Repo::empty();
        repo.git(&["init", "-q"]);
        let target = outside(&repo, "target", "outside\n");
        let target = if linked == ".inc" {
            let dir = repo.root().parent().unwrap().join("target-dir");
            std::fs::create_dir_all(&dir).unwrap();
            dir
        } else {
            target
        };
        symlink(&target, repo.path(linked)).unwrap();
        let out = repo.run(&["init"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("{linked} is a symbolic link")),
            "{stderr}"
        );
        assert!(
            !repo.path(".inc.yaml").exists(),
            "init wrote .inc.yaml before refusing {linked}"
        );
        assert_eq!(repo.status(), format!("?? {linked}\n"));
    }
}
