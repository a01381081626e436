//! What inc commits and when: only its own files, never the user's staged work, never in the
//! middle of the user's merge or rebase, and signed when the repository asks for signatures.

use std::path::PathBuf;
use std::process::Output;

use crate::common::{CHECKOUT, Repo, hermetic, team};

fn timeline_path() -> String {
    format!("incidents/{CHECKOUT}/timeline.yaml")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The test's home directory (next to the work tree, see `Repo::empty`).
fn home(repo: &Repo) -> PathBuf {
    repo.root().parent().unwrap().join("home")
}

/// The real `git` in the repository, in the same environment as [`Repo::git`], allowed to fail.
fn git_may_fail(repo: &Repo, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new("git");
    hermetic(&mut cmd, &home(repo));
    cmd.current_dir(repo.root()).args(args).output().unwrap()
}

// ---- inc sync commits inc's files only ---------------------------------------------------------

#[test]
fn sync_commits_only_incs_files_and_names_the_ones_it_left() {
    let (_remote, lead, scribe) = team();
    let dir = format!("incidents/{CHECKOUT}");
    lead.write(&format!("{dir}/.env"), "DB_PASSWORD=hunter2\n");
    lead.write(&format!("{dir}/core"), "\u{7f}ELF core dump\n");
    lead.write(&format!("{dir}/scratch/notes.txt"), "temp\n");
    lead.write("incidents/stray.txt", "not an incident\n");
    // inc's own files, changed without a commit: these are shared.
    lead.ok(&["log", "--no-commit", "written but not committed"]);
    lead.write(".inc/templates/handover.md", "# {{ incident.title }}\n");

    let out = lead.run(&["sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Synced master with origin\n"
    );
    assert_eq!(
        stderr(&out),
        format!(
            "note: left alone (not inc's files, so not committed): {dir}/.env, {dir}/core, {dir}/scratch/notes.txt, incidents/stray.txt; list them in .gitignore to silence this\n"
        )
    );
    let pushed = lead.git(&["ls-tree", "-r", "--name-only", "origin/master"]);
    assert!(pushed.contains(&timeline_path()), "{pushed}");
    assert!(pushed.contains(".inc/templates/handover.md"), "{pushed}");
    for secret in [".env", "core", "scratch", "stray.txt"] {
        assert!(!pushed.contains(secret), "{secret} was pushed:\n{pushed}");
    }
    assert_eq!(
        lead.status(),
        format!("?? {dir}/.env\n?? {dir}/core\n?? {dir}/scratch/\n?? incidents/stray.txt\n")
    );
    scribe.ok(&["sync"]);
    assert!(!scribe.path(&format!("{dir}/.env")).exists());
    assert!(
        scribe
            .read(&timeline_path())
            .contains("written but not committed")
    );
}

#[test]
fn sync_leaves_a_hand_edited_file_of_the_users_alone_but_commits_incs() {
    let (_remote, lead, _scribe) = team();
    let dir = format!("incidents/{CHECKOUT}");
    // A file of the user's that they committed themselves, then changed within the second the
    // index was written, to the same size: git, which stamps whole seconds, must still see it
    // (once failed in CI when the clock ticked so; pinned here with touch).
    let file = format!("{dir}/runbook.txt");
    let same_second = |path: &std::path::Path, at: &str| {
        let ok = std::process::Command::new("touch")
            .args(["-d", at])
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    lead.write(&file, "v1\n");
    same_second(&lead.path(&file), "@1700000000");
    lead.git(&["add", &file]);
    lead.git(&["commit", "-qm", "runbook"]);
    same_second(&lead.path(".git/index"), "@1700000000.5");
    lead.write(&file, "v2\n");
    same_second(&lead.path(&file), "@1700000000");
    // inc's own file, edited by hand.
    let timeline = format!("{}# a comment by hand\n", lead.read(&timeline_path()));
    lead.write(&timeline_path(), &timeline);

    let out = lead.run(&["sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "left alone (not inc's files, so not committed): {dir}/runbook.txt;"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(lead.status(), format!(" M {dir}/runbook.txt\n"));
    assert!(
        lead.git(&["show", &format!("origin/master:{}", timeline_path())])
            .contains("# a comment by hand")
    );
}

// ---- the user's staged work -------------------------------------------------------------------

/// The index layouts inc writes in three different ways: its own fast writer (plain), libgit2
/// (version 4), and the `git` command (a split index, which libgit2 cannot write).
const INDEX_SETUPS: [&[&str]; 3] = [
    &[],
    &["update-index", "--index-version", "4"],
    &["update-index", "--split-index"],
];

#[test]
fn staged_work_stays_staged_on_every_index_path() {
    for setup in INDEX_SETUPS {
        let repo = Repo::with_incident();
        if !setup.is_empty() {
            repo.git(setup);
        }
        repo.write("notes.md", "first\n");
        repo.git(&["add", "notes.md"]);
        repo.git(&["commit", "-qm", "notes"]);
        repo.write("notes.md", "first\nstaged\n");
        repo.write("new.txt", "new\n");
        repo.git(&["add", "notes.md", "new.txt"]);
        repo.git(&["rm", "-q", "--cached", ".gitattributes"]);
        repo.write("later.txt", "intent to add\n");
        repo.git(&["add", "-N", "later.txt"]);

        repo.ok(&["log", "Unrelated work stays put"]);

        assert_eq!(
            repo.git(&["show", "--stat", "--format=%s", "HEAD"]),
            format!(
                "{CHECKOUT}: log \"Unrelated work stays put\"\n\n {} | 5 +++++\n 1 file changed, 5 insertions(+)\n",
                timeline_path()
            ),
            "{setup:?}"
        );
        assert_eq!(
            repo.git(&["diff", "--cached", "--name-status"]),
            "D\t.gitattributes\nA\tnew.txt\nM\tnotes.md\n",
            "{setup:?}"
        );
        assert_eq!(repo.git(&["show", ":notes.md"]), "first\nstaged\n");
        assert_eq!(
            repo.status(),
            "D  .gitattributes\n A later.txt\nA  new.txt\nM  notes.md\n?? .gitattributes\n",
            "{setup:?}"
        );
        repo.git(&["fsck", "--strict"]);
    }
}

#[test]
fn a_staged_version_of_an_inc_file_gives_way_to_the_file_inc_commits() {
    for setup in INDEX_SETUPS {
        let repo = Repo::with_incident();
        if !setup.is_empty() {
            repo.git(setup);
        }
        repo.write("other.txt", "staged\n");
        repo.git(&["add", "other.txt"]);
        // The user stages a comment in the logbook, then inc appends to the same file.
        let edited = format!("{}# staged by hand\n", repo.read(&timeline_path()));
        repo.write(&timeline_path(), &edited);
        repo.git(&["add", &timeline_path()]);

        repo.ok(&["log", "after the staged comment"]);

        // inc commits the file as it is on disk (the comment and the entry) and the path is
        // clean; the user's other staged file is still staged and not in inc's commit.
        assert_eq!(repo.head_files(), [timeline_path()], "{setup:?}");
        let committed = repo.git(&["show", &format!("HEAD:{}", timeline_path())]);
        assert!(committed.contains("# staged by hand"), "{setup:?}");
        assert!(committed.contains("after the staged comment"), "{setup:?}");
        assert_eq!(repo.status(), "A  other.txt\n", "{setup:?}");
    }
}

// ---- the user's merge, rebase, cherry-pick ----------------------------------------------------

/// A branch `other` whose change to notes.md conflicts with master's.
fn conflicting_branch(repo: &Repo) {
    repo.write("notes.md", "base\n");
    repo.git(&["add", "notes.md"]);
    repo.git(&["commit", "-qm", "base"]);
    repo.git(&["checkout", "-qb", "other"]);
    repo.write("notes.md", "theirs\n");
    repo.git(&["commit", "-qam", "theirs"]);
    repo.git(&["checkout", "-q", "master"]);
    repo.write("notes.md", "ours\n");
    repo.git(&["commit", "-qam", "ours"]);
}

#[test]
fn no_commit_lands_in_the_middle_of_the_users_merge_rebase_or_cherry_pick() {
    let cases: [(&[&str], &str); 4] = [
        (&["merge", "other"], "merge"),
        (&["rebase", "other"], "rebase"),
        (&["cherry-pick", "other"], "cherry-pick"),
        (&["revert", "--no-edit", "HEAD~1"], "revert"),
    ];
    for (start, command) in cases {
        let repo = Repo::with_incident();
        conflicting_branch(&repo);
        if command == "revert" {
            // Reverting "ours" conflicts once notes.md changed again after it.
            repo.write("notes.md", "later\n");
            repo.git(&["commit", "-qam", "later"]);
        }
        let out = git_may_fail(&repo, start);
        assert!(
            !out.status.success(),
            "{start:?} was meant to stop on a conflict"
        );
        let before = repo.state();

        let err = repo.fails(1, &["log", "during the operation"]);
        assert_eq!(
            err,
            format!(
                "error: a git {command} is in progress: finish it with `git {command} --continue` (after resolving any conflicts and `git add`), or undo it with `git {command} --abort`, then run this again; inc does not commit in the middle of it (--no-commit writes without committing)\n"
            ),
            "{start:?}"
        );
        assert_eq!(repo.state(), before, "{start:?}: nothing is written");
        for args in [
            &["open", "Another"][..],
            &["status", "identified"],
            &["role", "scribe", "bob"],
            &["comms", "update", "--to", "internal"],
            &["exec", "--", "true"],
            &["sync"],
        ] {
            repo.fails(1, args);
            assert_eq!(repo.state(), before, "{start:?} {args:?}");
        }
        // Reading still works, and --no-commit writes without committing.
        repo.ok(&["show", CHECKOUT]);
        repo.ok(&["list"]);
        repo.ok(&["status"]);
        repo.ok(&["log", "--no-commit", "written anyway"]);
        assert_eq!(repo.head(), before.0);
        assert!(repo.read(&timeline_path()).contains("written anyway"));
    }
}

#[test]
fn inc_commits_again_once_the_users_merge_is_finished() {
    let repo = Repo::with_incident();
    conflicting_branch(&repo);
    assert!(!git_may_fail(&repo, &["merge", "other"]).status.success());
    repo.fails(1, &["log", "refused"]);
    repo.write("notes.md", "both\n");
    repo.git(&["add", "notes.md"]);
    repo.git(&["commit", "-q", "--no-edit"]);
    repo.ok(&["log", "after the merge"]);
    assert_eq!(repo.head_files(), [timeline_path()]);
    assert_eq!(repo.status(), "");
}

// ---- inc sync after an interrupted merge ------------------------------------------------------

/// Both clones log; the lead's `inc sync` was killed after `git merge` had merged but before it
/// committed, so MERGE_HEAD is left with inc's merge message.
fn interrupted_sync_merge() -> (tempfile::TempDir, Repo, Repo) {
    let (remote, lead, scribe) = team();
    scribe.ok(&["log", "from the scribe"]);
    scribe.ok(&["sync"]);
    lead.ok(&["log", "from the lead"]);
    lead.git(&["fetch", "-q", "origin"]);
    lead.git(&[
        "merge",
        "--no-commit",
        "--no-ff",
        "-m",
        "inc sync: merge origin/master",
        "origin/master",
    ]);
    assert!(lead.path(".git/MERGE_HEAD").exists());
    (remote, lead, scribe)
}

#[test]
fn sync_finishes_the_merge_an_interrupted_sync_left() {
    let (_remote, lead, scribe) = interrupted_sync_merge();
    let before = lead.head();
    // Other commands refuse until it is finished.
    assert!(
        lead.fails(1, &["log", "refused"])
            .contains("a git merge is in progress")
    );

    let out = lead.run(&["sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: finished the merge an earlier inc sync started\n"
    );
    assert!(!lead.path(".git/MERGE_HEAD").exists());
    assert_eq!(lead.status(), "");
    // The merge commit has two parents: the lead's commit and the scribe's.
    let merge = lead.git(&["log", "-1", "--format=%P%n%s", "HEAD"]);
    let (parents, subject) = merge.trim().split_once('\n').unwrap();
    assert_eq!(parents, format!("{before} {}", scribe.head()));
    assert_eq!(subject, "inc sync: merge origin/master");
    // And it was pushed.
    assert_eq!(
        lead.head(),
        lead.git(&["rev-parse", "origin/master"]).trim()
    );

    scribe.ok(&["sync"]);
    for repo in [&lead, &scribe] {
        let text = repo.read(&timeline_path());
        assert!(text.contains("from the scribe") && text.contains("from the lead"));
        repo.git(&["fsck", "--strict"]);
    }
    lead.ok(&["log", "and on"]);
}

#[test]
fn sync_refuses_a_merge_that_is_not_its_own_or_still_has_conflicts() {
    let (_remote, lead, _scribe) = interrupted_sync_merge();
    std::fs::write(lead.path(".git/MERGE_MSG"), "Merge the user's branch\n").unwrap();
    let before = lead.head();
    assert_eq!(
        lead.fails(1, &["sync"]),
        "error: a git merge is in progress: finish it with `git merge --continue` (after resolving any conflicts and `git add`), or undo it with `git merge --abort`, then run this again; inc does not commit in the middle of it (--no-commit writes without committing)\n"
    );
    assert_eq!(lead.head(), before);

    let repo = Repo::with_incident();
    conflicting_branch(&repo);
    assert!(
        !git_may_fail(
            &repo,
            &["merge", "-m", "inc sync: merge origin/master", "other"]
        )
        .status
        .success()
    );
    assert_eq!(
        repo.fails(1, &["sync"]),
        "error: an earlier inc sync's merge still has conflicts in notes.md: resolve them (inc check finds markers) and `git add` them, then run inc sync again (it finishes the merge), or undo the merge with `git merge --abort`\n"
    );
}

// ---- signing ----------------------------------------------------------------------------------

fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--help")
        .output()
        .is_ok()
}

/// An ed25519 key without a passphrase in the test's home, and the repository set to sign with
/// it and to verify with it. `None` (and a message) when ssh-keygen is missing.
fn ssh_signing(repo: &Repo) -> Option<PathBuf> {
    if !have("ssh-keygen") {
        eprintln!("skipped: ssh-keygen is not installed, so ssh signing cannot be tested");
        return None;
    }
    let key = home(repo).join("signing_key");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = home(repo).join("allowed_signers");
    std::fs::write(&allowed, format!("author@example.com {public}")).unwrap();
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "user.signingkey", key.to_str().unwrap()]);
    repo.git(&[
        "config",
        "gpg.ssh.allowedSignersFile",
        allowed.to_str().unwrap(),
    ]);
    repo.git(&["config", "commit.gpgsign", "true"]);
    Some(key)
}

fn assert_signed(repo: &Repo, header: &str) {
    let raw = repo.git(&["cat-file", "commit", "HEAD"]);
    assert!(raw.contains(&format!("\ngpgsig {header}")), "{raw}");
    let verified = git_may_fail(repo, &["verify-commit", "-v", "HEAD"]);
    assert!(
        verified.status.success(),
        "git verify-commit: {}",
        stderr(&verified)
    );
    repo.git(&["fsck", "--strict"]);
    assert_eq!(repo.status(), "");
}

#[test]
fn commits_are_signed_with_ssh_as_git_would() {
    let repo = Repo::with_incident();
    let Some(_key) = ssh_signing(&repo) else {
        return;
    };
    let parent = repo.head();
    repo.ok(&["log", "signed entry"]);
    assert_signed(&repo, "-----BEGIN SSH SIGNATURE-----");
    let shown = repo.git(&["log", "--show-signature", "-1", "--format=%s"]);
    assert!(
        shown.contains("Good \"git\" signature for author@example.com"),
        "{shown}"
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD~1"]).trim(), parent);
    assert_eq!(
        repo.git(&["reflog", "-1", "--format=%gs"]),
        format!("commit: {CHECKOUT}: log \"signed entry\"\n")
    );
    assert_eq!(
        repo.git(&["reflog", "-1", "--format=%gs", "master"]),
        format!("commit: {CHECKOUT}: log \"signed entry\"\n")
    );
    // Every kind of command signs, a whole new incident included.
    repo.ok(&["open", "Second incident"]);
    assert_signed(&repo, "-----BEGIN SSH SIGNATURE-----");
    // No temporary files are left behind.
    let scratch: Vec<_> = std::fs::read_dir(repo.path(".git/inc"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("signing"))
        .collect();
    assert!(scratch.is_empty(), "{scratch:?}");
}

#[test]
fn commits_are_signed_with_gpg_as_git_would() {
    if !have("gpg") {
        eprintln!("skipped: gpg is not installed, so OpenPGP signing cannot be tested");
        return;
    }
    let repo = Repo::with_incident();
    let gnupg = home(&repo).join(".gnupg");
    std::fs::create_dir_all(&gnupg).unwrap();
    std::fs::set_permissions(&gnupg, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let gpg = |args: &[&str]| {
        std::process::Command::new("gpg")
            .env("GNUPGHOME", &gnupg)
            .args(["--batch", "--passphrase", ""])
            .args(args)
            .output()
            .unwrap()
    };
    let made = gpg(&[
        "--quick-gen-key",
        "Test Author <author@example.com>",
        "ed25519",
        "sign",
        "never",
    ]);
    if !made.status.success() {
        eprintln!("skipped: gpg cannot make a key here: {}", stderr(&made));
        return;
    }
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.ok(&["log", "signed with gpg"]);
    assert_signed(&repo, "-----BEGIN PGP SIGNATURE-----");
    let _ = std::process::Command::new("gpgconf")
        .env("GNUPGHOME", &gnupg)
        .args(["--kill", "gpg-agent"])
        .output();
}

#[test]
fn a_signing_program_that_is_missing_refuses_before_writing() {
    let repo = Repo::with_incident();
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.git(&["config", "gpg.program", "/nonexistent/gpg"]);
    let before = repo.state();
    let err = repo.fails(1, &["log", "not written"]);
    assert_eq!(
        err,
        "error: commit.gpgsign is set but inc cannot sign its commit: the signing program \"/nonexistent/gpg\" (gpg.program) is not installed or not executable; fix the signing setup, or let inc commit unsigned in this repository with `git config commit.gpgsign false`\n"
    );
    assert_eq!(repo.state(), before);
    repo.fails(1, &["open", "Another"]);
    assert_eq!(repo.state(), before);

    // ssh signing without a key is refused the same way.
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "gpg.ssh.program", "ssh-keygen"]);
    assert!(
        repo.fails(1, &["log", "not written"])
            .contains("gpg.format is ssh but user.signingkey is not set")
    );
    repo.git(&["config", "user.signingkey", "/nonexistent/key"]);
    assert!(
        repo.fails(1, &["log", "not written"])
            .contains("the ssh key file /nonexistent/key (user.signingkey) does not exist")
    );
    assert_eq!(repo.state(), before);

    // As the message says: turning signing off for the repository lets inc commit.
    repo.git(&["config", "commit.gpgsign", "false"]);
    repo.ok(&["log", "unsigned now"]);
    assert!(!repo.git(&["cat-file", "commit", "HEAD"]).contains("gpgsig"));
}

#[test]
fn a_signature_that_fails_keeps_the_entry_and_makes_no_unsigned_commit() {
    let repo = Repo::with_incident();
    let Some(key) = ssh_signing(&repo) else {
        return;
    };
    let good = std::fs::read(&key).unwrap();
    std::fs::write(&key, "not a key\n").unwrap();
    let head = repo.head();
    let out = repo.run(&["log", "kept on disk"]);
    assert_eq!(out.status.code(), Some(3), "exit 3: saved, not committed");
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "error: saved {} but could not commit it; the next inc command commits it (or run `inc sync`): commit.gpgsign is set but inc cannot sign its commit: ssh-keygen could not sign with {}",
            timeline_path(),
            key.display()
        )),
        "{err}"
    );
    assert_eq!(repo.head(), head, "no unsigned commit");
    assert!(repo.read(&timeline_path()).contains("kept on disk"));

    // With the key back, the next command commits both entries, signed.
    std::fs::write(&key, good).unwrap();
    let out = repo.run(&["log", "next"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_signed(&repo, "-----BEGIN SSH SIGNATURE-----");
    let committed = repo.git(&["show", &format!("HEAD:{}", timeline_path())]);
    assert!(committed.contains("kept on disk") && committed.contains("next"));
}

/// `git commit` would read a key path relative to the work tree, and `~/` from HOME.
#[test]
fn a_key_path_from_home_is_found() {
    let repo = Repo::with_incident();
    let Some(_key) = ssh_signing(&repo) else {
        return;
    };
    repo.git(&["config", "user.signingkey", "~/signing_key"]);
    repo.ok(&["log", "signed via ~"]);
    assert_signed(&repo, "-----BEGIN SSH SIGNATURE-----");
}

/// inc sync commits before and after `git merge` in one process; with an index only libgit2
/// writes (version 4), the second commit must stage on the merge's index, not on the one read
/// before it.
#[test]
fn sync_keeps_the_merges_index_on_the_libgit2_path() {
    let (_remote, lead, scribe) = team();
    lead.ok(&["status", "identified"]);
    // The merge brings a file inc does not touch, so a stale index would show it deleted.
    lead.write("docs.md", "shared\n");
    lead.git(&["add", "docs.md"]);
    lead.git(&["commit", "-qm", "docs"]);
    lead.ok(&["sync"]);
    let mut later = scribe;
    later.now = "2026-11-22T14:50:00Z".into();
    later.git(&["update-index", "--index-version", "4"]);
    later.ok(&["--no-commit", "status", "monitoring"]);
    later.ok(&["sync"]);
    assert!(
        later
            .read(&timeline_path())
            .contains("Merge: both clones changed status")
    );
    assert_eq!(later.status(), "");
    assert_eq!(later.git(&["diff-index", "--cached", "HEAD"]), "");
    later.git(&["fsck", "--strict"]);
}

/// A literal public key in user.signingkey signs through ssh-agent, as git does (`-U`).
#[test]
fn a_literal_ssh_key_signs_through_the_agent() {
    let repo = Repo::with_incident();
    let Some(key) = ssh_signing(&repo) else {
        return;
    };
    if !have("ssh-agent") || !have("ssh-add") {
        eprintln!("skipped: ssh-agent is not installed");
        return;
    }
    let socket = home(&repo).join("agent.sock");
    let mut agent = std::process::Command::new("ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(&socket)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !socket.exists() && started.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let added = std::process::Command::new("ssh-add")
        .env("SSH_AUTH_SOCK", &socket)
        .arg(&key)
        .output()
        .unwrap();
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    repo.git(&[
        "config",
        "user.signingkey",
        &format!("key::{}", public.trim()),
    ]);
    let out = repo
        .cmd()
        .env("SSH_AUTH_SOCK", &socket)
        .args(["log", "signed by the agent"])
        .output()
        .unwrap();
    let _ = agent.kill();
    let _ = agent.wait();
    assert!(added.status.success(), "ssh-add: {}", stderr(&added));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_signed(&repo, "-----BEGIN SSH SIGNATURE-----");
}

#[test]
fn init_refuses_before_writing_when_it_could_not_sign() {
    let repo = Repo::empty();
    repo.git(&["init", "-q"]);
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.git(&["config", "gpg.program", "/nonexistent/gpg"]);
    let err = repo.fails(1, &["init"]);
    assert!(err.contains("git config commit.gpgsign false"), "{err}");
    assert!(repo.files().is_empty(), "{:?}", repo.files().keys());
    // Without committing, there is nothing to sign.
    repo.ok(&["init", "--no-commit"]);
    assert!(repo.path(".inc.yaml").is_file());
}
