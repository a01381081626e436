//! Waiting for the locks other git commands hold on the index and HEAD's branch, and clearing
//! the ones an interrupted inc commit left behind.

use anyhow::{Context, Result};
use git2::Repository;

/// How long a commit waits for another git command's lock before giving up: long enough for
/// `git status` or an editor's git integration to finish, short enough not to stall a responder.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// A lock that an interrupted inc commit left behind is this old before it is cleared, so a
/// git command that has just taken the same lock is never disturbed.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_millis(1500);

/// Waits until no other git command holds the index or HEAD's branch. `interrupted` is when an
/// inc commit that was killed started (milliseconds since the epoch): locks created since then
/// are that commit's leftovers and are removed once they are clearly stale.
pub fn wait_for_locks(repo: &Repository, interrupted: Option<u128>) -> Result<()> {
    wait_for_locks_until(repo, interrupted, std::time::Instant::now() + LOCK_WAIT)
}

/// Runs `commit` once no other git command holds the index or HEAD's branch (see
/// [`wait_for_locks`]), and again when one took a lock between the wait and the commit, for up
/// to [`LOCK_WAIT`] in all. A commit that failed on a lock moved nothing, so it can be retried.
pub fn when_unlocked<T>(
    repo: &Repository,
    interrupted: Option<u128>,
    mut commit: impl FnMut() -> Result<T>,
) -> Result<T> {
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        wait_for_locks_until(repo, interrupted, deadline)?;
        match commit() {
            Err(err) if is_lock_error(&err) && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

/// Whether `err` comes from a lock file another process holds.
fn is_lock_error(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<git2::Error>()
            .is_some_and(|e| e.code() == git2::ErrorCode::Locked)
            || cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists)
    }) || format!("{err:#}").contains(".lock")
}

/// [`wait_for_locks`], giving up at `deadline`.
fn wait_for_locks_until(
    repo: &Repository,
    interrupted: Option<u128>,
    deadline: std::time::Instant,
) -> Result<()> {
    let git_dir = repo.path();
    let mut locks = vec![git_dir.join("index.lock"), git_dir.join("HEAD.lock")];
    if let Ok(head) = repo.find_reference("HEAD")
        && let Ok(Some(target)) = head.symbolic_target()
    {
        locks.push(git_dir.join(format!("{target}.lock")));
    }
    loop {
        let Some(held) = locks.iter().find(|l| l.exists()) else {
            return Ok(());
        };
        let modified = std::fs::metadata(held).and_then(|m| m.modified()).ok();
        let age = modified.and_then(|m| m.elapsed().ok()).unwrap_or_default();
        let since_epoch = modified
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        // Only a lock taken while that commit ran (within seconds of its start) is its leftover;
        // a later one belongs to someone else's git command.
        let leftover =
            interrupted.is_some_and(|at| since_epoch + 1000 >= at && since_epoch <= at + 10_000);
        if leftover && age >= STALE_AFTER {
            std::fs::remove_file(held)
                .with_context(|| format!("cannot remove the stale lock {}", held.display()))?;
            continue;
        }
        if std::time::Instant::now() >= deadline {
            return Err(crate::error::Error::state(format!(
                "another git command holds {} (for {}s now): wait for it to finish, or remove the file if no git command is running",
                held.display(),
                age.as_secs()
            ))
            .into());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
