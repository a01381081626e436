//! `inc sync`: share this clone's incidents with the team's remote, and get theirs.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::git::{self, CliError};
use crate::model::LogEntry;
use crate::store::Store;

/// Commit anything of inc's left uncommitted, fetch, merge (with inc's merge driver), push
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  inc sync\n  inc sync upstream")]
pub struct Args {
    /// The remote [default: the branch's upstream remote, else origin]
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let _lock = ctx.lock_after(&store, || conclude_interrupted_merge(&store))?;
    commit_leftovers(ctx, &store)?;

    let (branch, remote) = git::sync_target(store.root(), args.remote)?;

    let root = store.root().to_path_buf();
    let before = git::cli(&root, &["rev-parse", "HEAD"]).unwrap_or_default();
    // Left by an earlier plain `git pull`: not this sync's news (inc check still reports them).
    let _ = git::take_entry_conflicts(&root);
    let pulled = pull(&root, &remote, &branch);
    // Said even when the merge stopped on another file: these entries were merged.
    report_entry_conflicts(ctx, &store)?;
    pulled?;
    ctx.log_merge_notes(&store)?;
    match push(&root, &remote, &branch) {
        Ok(()) => {}
        Err(err) if err.mentions(&["rejected", "fetch first", "non-fast-forward"]) => {
            // Someone pushed in between: merge theirs too, and try once more.
            let pulled = pull(&root, &remote, &branch);
            report_entry_conflicts(ctx, &store)?;
            pulled?;
            ctx.log_merge_notes(&store)?;
            push(&root, &remote, &branch).map_err(|e| network(&remote, "push to", e))?;
        }
        Err(err) => return Err(network(&remote, "push to", err).into()),
    }
    // For `inc status` and `inc show`: "last sync 6h ago" when work is left unshared later.
    store.record_sync(ctx.clock.now());
    let after = git::cli(&root, &["rev-parse", "HEAD"]).unwrap_or_default();
    let merged = if before == after {
        ""
    } else {
        " (merged their changes)"
    };
    writeln!(ctx.out, "Synced {branch} with {remote}{merged}")?;
    Ok(())
}

/// One line per log entry the merge kept twice because both clones edited it.
fn report_entry_conflicts(ctx: &mut Ctx<'_>, store: &Store) -> Result<()> {
    for note in git::take_entry_conflicts(store.root()) {
        // The note names the directory the log is in: a window's, for its updates.
        let dir = if note.file == crate::model::maintenance::Update::FILE {
            store.config().maintenance_dir()
        } else {
            store.config().incidents_dir.clone()
        };
        let file = format!("{dir}/{}/{}", note.incident, note.file);
        let line = format!(
            "conflict: both clones edited entry {} of {file}; kept both (the other as {}): delete the wrong one (inc check shows where)",
            note.kept, note.other
        );
        // The names come from files in the repository: no control characters to the terminal.
        writeln!(ctx.out, "{}", super::one_line(&line, usize::MAX))?;
    }
    Ok(())
}

/// Concludes a merge that an earlier `inc sync` started and did not finish (killed, or stopped
/// on conflicts the user has since resolved and added): the merge commit gets its two parents
/// from git itself. Any other merge in progress is the user's, and the check after this refuses
/// it; so does one of inc's that still has conflicts.
fn conclude_interrupted_merge(store: &Store) -> Result<()> {
    let root = store.root();
    let git_dir = git::git_dir(root);
    if !git_dir.join("MERGE_HEAD").is_file() {
        return Ok(());
    }
    let message = std::fs::read_to_string(git_dir.join("MERGE_MSG")).unwrap_or_default();
    if !message.starts_with(git::SYNC_MERGE_MESSAGE) {
        return Ok(());
    }
    let conflicted = git::cli(root, &["diff", "--name-only", "--diff-filter=U"])
        .map_err(|e| Error::state(format!("cannot read the merge's state: {}", e.summary())))?;
    let files: Vec<String> = conflicted
        .lines()
        .map(|l| shown_path(l.as_bytes()))
        .collect();
    if !files.is_empty() {
        return Err(Error::state(format!(
            "an earlier inc sync's merge still has conflicts in {}: resolve them (inc check finds markers) and `git add` them, then run inc sync again (it finishes the merge), or undo the merge with `git merge --abort`",
            files.join(", ")
        ))
        .into());
    }
    git::cli(root, &["commit", "--quiet", "--no-edit"]).map_err(|e| {
        Error::state(format!(
            "cannot finish the merge an earlier inc sync started: {}; finish it with `git merge --continue`, or undo it with `git merge --abort`",
            e.summary()
        ))
    })?;
    eprintln!("note: finished the merge an earlier inc sync started");
    Ok(())
}

/// Commits inc's files that are changed or new in the work tree (written with --no-commit, or by
/// an edit by hand), so they are part of what is shared.
fn commit_leftovers(ctx: &Ctx<'_>, store: &Store) -> Result<()> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut left: Vec<String> = Vec::new();
    for path in changed_paths(store)? {
        match std::str::from_utf8(&path) {
            // inc never makes links: one where its file belongs is not its file (committing it
            // would share where it points, or what, if a directory above is the link).
            Ok(path) if store.is_inc_file(path) => {
                let absolute = store.root().join(path);
                match crate::store::refuse_links(store.root(), &absolute) {
                    Ok(()) => paths.push(absolute),
                    Err(_) => {
                        left.push(format!("{} (a symbolic link)", shown_path(path.as_bytes())))
                    }
                }
            }
            _ => left.push(shown_path(&path)),
        }
    }
    if !left.is_empty() {
        // On stderr, like inc's other notes: stdout stays the one line saying what was synced.
        let more = left.len().saturating_sub(LEFT_SHOWN);
        left.truncate(LEFT_SHOWN);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        crate::eprintln_escaped!(
            "note: left alone (not inc's files, so not committed): {}{more}; list them in .gitignore to silence this",
            left.join(", ")
        );
    }
    if paths.is_empty() {
        return Ok(());
    }
    ctx.commit(store, &paths, "inc: commit incident files before syncing")
}

/// The paths under inc's files that are changed, new or deleted in the work tree or the index
/// (not conflicted, not ignored).
fn changed_paths(store: &Store) -> Result<Vec<Vec<u8>>> {
    let maintenance_dir = store.config().maintenance_dir();
    let pathspecs = [
        store.config().incidents_dir.as_str(),
        maintenance_dir.as_str(),
        ".inc.yaml",
        ".gitattributes",
        ".inc",
    ];
    git::status_paths(store.root(), &pathspecs)
}

/// How many files the note about files left alone names.
const LEFT_SHOWN: usize = 10;

/// A path from git for a message: control characters escaped, so a hostile file name cannot
/// drive the terminal.
fn shown_path(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Fetches and merges the remote branch.
fn pull(root: &std::path::Path, remote: &str, branch: &str) -> Result<()> {
    git::cli(root, &["fetch", "--quiet", remote]).map_err(|e| network(remote, "fetch from", e))?;
    git::merge_tracking(root, remote, branch)
}

fn push(root: &std::path::Path, remote: &str, branch: &str) -> Result<(), CliError> {
    git::cli(
        root,
        &[
            "push",
            "--quiet",
            "--set-upstream",
            remote,
            &format!("HEAD:refs/heads/{branch}"),
        ],
    )
    .map(|_| ())
}

/// A network failure as one line that says what to do; nothing is lost either way.
fn network(remote: &str, action: &str, err: CliError) -> Error {
    let hint = if err.mentions(&[
        "does not appear to be a git repository",
        "repository not found",
    ]) {
        "check the remote's URL (git remote -v)"
    } else if err.mentions(&[
        "authentication failed",
        "permission denied",
        "could not read username",
        "terminal prompts disabled",
        "access denied",
        "publickey",
    ]) {
        "check your ssh key or credential helper (git's own settings apply)"
    } else if err.mentions(&[
        "could not resolve host",
        "unable to access",
        "connection refused",
        "network is unreachable",
        "timed out",
        "could not read from remote",
        "no such host",
    ]) {
        "check the network"
    } else {
        "see git's message"
    };
    Error::state(format!(
        "cannot {action} {remote}: {} — {hint}; everything is committed locally, run inc sync again",
        err.summary()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(stderr: &str) -> String {
        network(
            "origin",
            "push to",
            CliError {
                stderr: stderr.into(),
            },
        )
        .to_string()
    }

    #[test]
    fn failures_say_what_to_check() {
        assert_eq!(
            message(
                "remote: Invalid username or password.\nfatal: Authentication failed for 'https://example.com/x.git/'\n"
            ),
            "cannot push to origin: Authentication failed for 'https://example.com/x.git/' — check your ssh key or credential helper (git's own settings apply); everything is committed locally, run inc sync again"
        );
        assert!(message("git@example.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n")
            .contains("check your ssh key"));
        assert!(message("fatal: unable to access 'https://example.com/': Could not resolve host: example.com\n")
            .contains("— check the network;"));
    }
}
