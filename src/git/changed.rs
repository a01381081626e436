//! The files that differ from a base commit, for `inc check --changed`: committed since the base,
//! staged, changed in the work tree, or new and untracked. Read from libgit2's diff of the base
//! tree against the work tree and index, which compares file stats, not contents, so it stays fast
//! on a large repository.

use std::path::{Path, PathBuf};

use anyhow::Result;
use git2::{DiffOptions, Repository};

use crate::error::Error;

/// The paths (relative to the work tree) that differ from `base`, or from the merge base with the
/// current branch's upstream when `base` is `None`. A named base is compared from its merge base
/// with HEAD, as a pull request is: what was merged into the base since does not count.
pub fn changed_paths(root: &Path, base: Option<&str>) -> Result<Vec<PathBuf>> {
    let repo = super::repo::open(root)?;
    super::repo::check_index(&repo)?;
    let base_commit = base_commit(&repo, base)?;
    let tree = base_commit.tree()?;
    let mut options = DiffOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true);
    let diff = match repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options)) {
        Ok(diff) => diff,
        // libgit2 cannot read a split index (core.splitIndex, advised for large repositories):
        // git itself answers the same question.
        Err(err) if err.class() == git2::ErrorClass::Index => {
            return changed_paths_by_git(root, &base_commit.id().to_string());
        }
        Err(err) => return Err(err.into()),
    };
    // A set: a branch that touches every incident differs in 100,000 files at 20,000 incidents.
    let mut paths = std::collections::BTreeSet::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path() {
                paths.insert(path.to_path_buf());
            }
        }
    }
    Ok(paths.into_iter().collect())
}

/// [`changed_paths`] from the `git` command: what differs between `base` and the work tree
/// (staged or not; both sides of a rename), and the untracked files git does not ignore.
fn changed_paths_by_git(root: &Path, base: &str) -> Result<Vec<PathBuf>> {
    let run = |args: &[&str]| {
        super::cli::cli(root, args)
            .map_err(|e| Error::state(format!("git failed: {}", e.summary())))
    };
    let changed = run(&["diff", "--name-only", "--no-renames", "-z", base, "--"])?;
    let untracked = run(&["ls-files", "--others", "--exclude-standard", "-z"])?;
    let paths: std::collections::BTreeSet<PathBuf> = changed
        .split('\0')
        .chain(untracked.split('\0'))
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect();
    Ok(paths.into_iter().collect())
}

fn base_commit<'r>(repo: &'r Repository, base: Option<&str>) -> Result<git2::Commit<'r>> {
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let (base, named) = match base {
        Some(name) => {
            let object = repo.revparse_single(name).map_err(|_| {
                Error::usage(format!(
                    "--changed {name}: no such commit or branch here; fetch it first (git fetch origin) or name another, like origin/main"
                ))
            })?;
            (object.peel_to_commit()?, name.to_string())
        }
        None => upstream(repo)?,
    };
    let Some(head) = head else {
        return Ok(base);
    };
    match repo.merge_base(head.id(), base.id()) {
        Ok(id) => Ok(repo.find_commit(id)?),
        Err(_) => Err(Error::usage(format!(
            "--changed: {named} shares no history with HEAD; name a base on this branch's history"
        ))
        .into()),
    }
}

/// The upstream of the current branch, with its name for messages.
fn upstream(repo: &Repository) -> Result<(git2::Commit<'_>, String)> {
    let no_upstream = |what: String| {
        Error::usage(format!(
            "--changed without a base compares with the upstream branch, but {what}: give the base, like `inc check --changed origin/main`"
        ))
    };
    let head = repo
        .head()
        .map_err(|_| no_upstream("HEAD names no branch".into()))?;
    let branch = head
        .shorthand()
        .ok()
        .filter(|_| head.is_branch())
        .ok_or_else(|| no_upstream("HEAD is detached".into()))?
        .to_string();
    let upstream = repo
        .find_branch(&branch, git2::BranchType::Local)
        .and_then(|b| b.upstream())
        .map_err(|_| no_upstream(format!("{branch} has none")))?;
    let name = upstream
        .name()
        .ok()
        .flatten()
        .unwrap_or("upstream")
        .to_string();
    Ok((upstream.get().peel_to_commit()?, name))
}
