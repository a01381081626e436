//! Everything libgit2, and the `git` command: nothing else in inc touches git. Opening, finding
//! and creating repositories (refusing formats inc cannot write, and a damaged index) is in
//! `repo`; committing in `commit`, with inc's own writer of the index in `index`; the clone's own
//! settings (`.git/config`) in `config`; waiting for other git commands' locks in `locks`; the
//! merge driver's notes in `notes`; where the clone stands against its remote in `upstream`; what
//! `inc sync` asks of git in `sync`; the trailers of commits in `trailers`; and running the `git`
//! command itself in `cli`. Here: the user's identity, and registering inc's merge driver.

use std::path::Path;

use anyhow::Result;

mod changed;
mod cli;
mod commit;
mod config;
pub mod index;
mod locks;
mod notes;
mod repo;
mod sign;
mod sync;
mod trailers;
mod tree;
mod upstream;

/// An open repository, as callers hold it between calls into this module (opened once per
/// command); only this module calls its methods.
pub use git2::Repository;

pub use changed::changed_paths;
pub use cli::{CliError, cli, cli_with_input};
pub use commit::{commit_paths, ready_to_commit};
pub use config::{local_bool, local_get, local_set};
pub use locks::{wait_for_locks, when_unlocked};
pub use notes::{
    EntryConflictNote, MergeNote, save_entry_conflicts, save_merge_notes, take_entry_conflicts,
    take_merge_notes,
};
use repo::honour_git_environment;
pub use repo::{check_index, discover_or_init, git_dir, open, unsupported_format};
pub use sync::{SYNC_MERGE_MESSAGE, merge_tracking, status_paths, sync_target};
pub use trailers::{NotARepository, Trailer, trailers};
pub use upstream::{Upstream, record_sync, upstream};

/// The content of `rel` (relative to the work tree at `root`) in the HEAD commit; `None` without
/// a repository, a commit, or that file in it. Lets a command that waits for a person (`inc
/// edit`) see whether another command committed a change to the file meanwhile.
pub fn head_file(root: &Path, rel: &Path) -> Option<Vec<u8>> {
    let repo = open(root).ok()?;
    let tree = repo.head().ok()?.peel_to_tree().ok()?;
    let entry = tree.get_path(rel).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    Some(blob.content().to_vec())
}

/// The address of the remote `name` (`origin`), if the repository has one.
pub fn remote_url(root: &Path, name: &str) -> Option<String> {
    let repo = open(root).ok()?;
    let remote = repo.find_remote(name).ok()?;
    remote
        .url()
        .ok()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(String::from)
}

/// git's user.name for this repository (local, then global config), if set.
pub fn user_name(repo: &Repository) -> Option<String> {
    repo.config()
        .ok()?
        .get_string("user.name")
        .ok()
        .filter(|name| !name.trim().is_empty())
}

/// Whether a commit made in `dir` has an author name: `$GIT_AUTHOR_NAME`, or user.name in the
/// git configuration that applies there (the repository's, else the user's and the system's).
pub fn has_author(dir: &Path) -> bool {
    honour_git_environment();
    if std::env::var_os("GIT_AUTHOR_NAME").is_some_and(|v| !v.is_empty()) {
        return true;
    }
    let config = match Repository::discover(dir) {
        Ok(repo) => repo.config(),
        Err(_) => git2::Config::open_default(),
    };
    config
        .ok()
        .and_then(|c| c.get_string("user.name").ok())
        .is_some_and(|name| !name.trim().is_empty())
}

/// This binary's path, as the merge driver is registered with it.
fn current_exe() -> Option<String> {
    std::env::current_exe().ok()?.to_str().map(String::from)
}

/// Registers inc's merge driver in the repository's .git/config if it is missing or points at
/// another inc binary. Cheap when it is already there (one small file read).
pub fn ensure_merge_driver(root: &Path) -> Result<()> {
    let Some(exe) = current_exe() else {
        return Ok(());
    };
    let config = git_dir(root).join("config");
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    if text
        .lines()
        .any(|line| line.contains("merge-driver") && line.contains(&exe))
    {
        return Ok(());
    }
    let command = format!("\"{}\" merge-driver %O %A %B %P", exe.replace('"', "\\\""));
    let repo = open(root)?;
    let mut config = repo.config()?.open_level(git2::ConfigLevel::Local)?;
    config.set_str("merge.inc.name", "inc: merge incident files entry by entry")?;
    config.set_str("merge.inc.driver", &command)?;
    Ok(())
}
