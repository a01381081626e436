//! What `inc sync` asks of git: the branch and remote it shares, the files changed since the last
//! commit, and merging what a fetch brought. Fetching and pushing are `git` itself (`cli`), with
//! the user's credentials and transports.

use std::path::Path;

use anyhow::{Context, Result};
use git2::{ErrorClass, StatusOptions};

use crate::error::Error;

/// How the message of the merges `merge_tracking` makes starts: a merge left with it is one
/// `inc sync` started.
pub const SYNC_MERGE_MESSAGE: &str = "inc sync: merge ";

/// The branch checked out at `root` and the remote to sync it with: `remote` if given, else the
/// one the branch tracks, else `origin`. Refused without a commit, on a detached HEAD, or when
/// the remote does not exist.
pub fn sync_target(root: &Path, remote: Option<String>) -> Result<(String, String)> {
    let repo = super::repo::open(root)?;
    let head = repo
        .head()
        .context("this repository has no commits yet: run inc init")?;
    let branch = head
        .shorthand()
        .ok()
        .filter(|_| head.is_branch())
        .ok_or_else(|| {
            Error::state("HEAD is not on a branch: check out the branch to sync (git switch main)")
        })?
        .to_string();
    let remote = match remote {
        Some(remote) => remote,
        None => repo
            .config()
            .ok()
            .and_then(|config| config.get_string(&format!("branch.{branch}.remote")).ok())
            .unwrap_or_else(|| "origin".into()),
    };
    if repo.find_remote(&remote).is_err() {
        return Err(Error::state(format!(
            "no remote named {remote}: add the team's repository with `git remote add {remote} URL`, or pass --remote NAME"
        ))
        .into());
    }
    Ok((branch, remote))
}

/// The paths under `pathspecs` that are changed, new or deleted in the work tree or the index
/// (not conflicted, not ignored). From libgit2, or from `git status` when libgit2 cannot read the
/// index (a split index, `core.splitIndex`).
pub fn status_paths(root: &Path, pathspecs: &[&str]) -> Result<Vec<Vec<u8>>> {
    let repo = super::repo::open(root)?;
    super::repo::check_index(&repo)?;
    let mut options = StatusOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    for path in pathspecs {
        options.pathspec(path);
    }
    match repo.statuses(Some(&mut options)) {
        Ok(statuses) => Ok(statuses
            .iter()
            .filter(|s| !s.status().is_ignored() && !s.status().is_conflicted())
            .map(|s| s.path_bytes().to_vec())
            .collect()),
        Err(err) if err.class() == ErrorClass::Index => {
            let mut args = vec![
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--",
            ];
            args.extend(pathspecs);
            let out = super::cli::cli(root, &args)
                .map_err(|e| Error::state(format!("git status failed: {}", e.summary())))?;
            Ok(porcelain_paths(out.as_bytes()))
        }
        Err(err) => Err(err.into()),
    }
}

/// The paths of `git status --porcelain=v1 -z`, conflicted ones left out (a rename's source,
/// which follows it, too).
fn porcelain_paths(out: &[u8]) -> Vec<Vec<u8>> {
    const CONFLICTED: [&[u8]; 7] = [b"DD", b"AU", b"UD", b"UA", b"DU", b"AA", b"UU"];
    let mut paths = Vec::new();
    let mut records = out.split(|&b| b == 0);
    while let Some(record) = records.next() {
        if record.len() < 4 {
            continue; // the end
        }
        let (status, path) = (&record[..2], &record[3..]);
        if status[0] == b'R' || status[0] == b'C' {
            records.next();
        }
        if !CONFLICTED.contains(&status) {
            paths.push(path.to_vec());
        }
    }
    paths
}

/// Merges the fetched `remote`'s `branch` into the branch checked out at `root`, with inc's merge
/// driver (registered in `.git/config`); nothing to merge before the remote has the branch.
/// Stopped on conflicts, it says which files have them.
pub fn merge_tracking(root: &Path, remote: &str, branch: &str) -> Result<()> {
    let tracking = format!("refs/remotes/{remote}/{branch}");
    if super::cli::cli(root, &["rev-parse", "--verify", "--quiet", &tracking]).is_err() {
        return Ok(()); // the remote does not have this branch yet: the push creates it
    }
    let merge = super::cli::cli(
        root,
        &[
            "merge",
            "--no-edit",
            "-m",
            &format!("{SYNC_MERGE_MESSAGE}{remote}/{branch}"),
            &tracking,
        ],
    );
    if let Err(err) = merge {
        let conflicted =
            super::cli::cli(root, &["diff", "--name-only", "--diff-filter=U"]).unwrap_or_default();
        let files: Vec<&str> = conflicted.lines().collect();
        return Err(Error::state(if files.is_empty() {
            format!("merging {remote}/{branch} failed: {}", err.summary())
        } else {
            format!(
                "merging {remote}/{branch} left conflicts in {}: resolve them (inc check finds markers), commit, then run inc sync again",
                files.join(", ")
            )
        })
        .into());
    }
    Ok(())
}
