//! Updating a few entries of the git index in place, for the commit that every inc command makes.
//!
//! libgit2 reads the whole index through its collision-detecting SHA-1 (to verify the trailer),
//! copies every entry, and hashes it again to write it: on a repository with 10,000 files that
//! is most of `inc log`'s time (see docs/benchmarks.md). git itself does not verify on read.
//! This module does what `git update-index` does for a handful of paths: it takes
//! `index.lock`, patches the entries, marks the cached trees of their directories invalid, and
//! writes the index with a hardware-accelerated SHA-1 trailer.
//!
//! It handles the plain layout (versions 2 and 3; the TREE, REUC, EOIE and IEOT extensions) in
//! `plain` and the split index (`core.splitIndex`, versions 2 to 4) in `split`, both reading and
//! writing entries through `format`. For anything else (version 4 unsplit, sparse indexes, the
//! untracked cache, fsmonitor, conflicts on a path) it leaves the index alone and says who should
//! write it. An index git could not read (`check`:
//! cut short, or a count, length, mode or order that does not hold) is refused with one line
//! naming the file and how to rebuild it, whoever would have written it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::{Context, Result};
use sha1::{Digest, Sha1};

mod change;
mod check;
mod ewah;
mod format;
#[doc(hidden)]
pub mod fuzz;
mod link;
mod plain;
mod split;
mod tree;

pub use change::Update;
pub use check::{Damaged, check};

/// What [`update`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The index is updated.
    Written,
    /// Nothing was changed: the layout is one libgit2 writes.
    ForLibgit2,
    /// Nothing was changed: only git writes this layout (a split index it must re-share, or
    /// `core.splitIndex` asking to split or join the index, which libgit2 ignores).
    ForGit,
}

/// The repository's split index settings (git's defaults when unset).
#[derive(Debug, Default)]
pub struct SplitSettings {
    /// `core.splitIndex`.
    pub enabled: Option<bool>,
    /// `splitIndex.maxPercentChange` (0 to 100).
    pub max_percent_change: Option<u8>,
}

/// Applies `updates` to the index in `git_dir`, or says who should: an index whose layout
/// `core.splitIndex` asks to change is left to git, which changes it as it writes.
pub fn update(git_dir: &Path, updates: &[Update<'_>], settings: &SplitSettings) -> Result<Outcome> {
    let split_index = settings.enabled;
    let index_path = git_dir.join("index");
    let lock_path = git_dir.join("index.lock");
    let mut lock = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&lock_path)
        .with_context(|| format!("cannot take {}", lock_path.display()))?;
    let result = (|| {
        let old = match fs::read(&index_path) {
            Ok(old) => old,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => empty_index(),
            Err(e) => return Err(e).context("reading the git index"),
        };
        let written = fs::metadata(&index_path)
            .map(|m| (m.mtime() as u32, m.mtime_nsec() as u32))
            .unwrap_or((0, 0));
        let damaged = |why: String| Damaged::new(&index_path, &index_path, why);
        // Whatever writes it next, a damaged index is not handed on: libgit2 and git would
        // refuse it less clearly, or keep what survives of it. What the patchers read they
        // check as git does; a layout left to libgit2 or git is checked whole first.
        let handed_on = |outcome: Outcome| -> Result<Outcome> {
            check_files_of(git_dir, &index_path, &old)?;
            Ok(outcome)
        };
        let new = match plain::patch(&old, updates, written).map_err(damaged)? {
            Some(_) if split_index == Some(true) => return handed_on(Outcome::ForGit),
            Some(new) => new,
            None if !split::is_split(&old) => return handed_on(Outcome::ForLibgit2),
            None if split_index == Some(false) => return handed_on(Outcome::ForGit),
            None => {
                let Some(shared) = split::Shared::open(git_dir, &index_path, &old)? else {
                    return handed_on(Outcome::ForGit);
                };
                let max = settings.max_percent_change;
                let patched = split::patch(&old, shared.bytes(), updates, max, written);
                match patched.map_err(|fault| match fault {
                    split::Fault::Index(why) => damaged(why),
                    split::Fault::Shared(why) => Damaged::new(&shared.path, &index_path, why),
                })? {
                    Some(new) => {
                        shared.freshen();
                        new
                    }
                    None => return handed_on(Outcome::ForGit),
                }
            }
        };
        lock.write_all(&new)?;
        drop(lock);
        fs::rename(&lock_path, &index_path).context("replacing the git index")?;
        Ok(Outcome::Written)
    })();
    if !matches!(result, Ok(Outcome::Written)) {
        let _ = fs::remove_file(&lock_path);
    }
    result
}

/// Whether the index in `git_dir` (and the shared index it names, if it is split) can be read,
/// by git's checks on read. A missing index is an empty one.
pub fn check_files(git_dir: &Path) -> Result<()> {
    let index_path = git_dir.join("index");
    let bytes = match fs::read(&index_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).context("reading the git index"),
    };
    check_files_of(git_dir, &index_path, &bytes)
}

/// [`check_files`] of `index`, the bytes of the index at `index_path`.
fn check_files_of(git_dir: &Path, index_path: &Path, index: &[u8]) -> Result<()> {
    check(index).map_err(|why| Damaged::new(index_path, index_path, why))?;
    if split::is_split(index)
        && let Some(shared) = split::Shared::open(git_dir, index_path, index)?
    {
        shared.check()?;
    }
    Ok(())
}

fn empty_index() -> Vec<u8> {
    let mut bytes = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
    let hash = Sha1::digest(&bytes);
    bytes.extend_from_slice(&hash);
    bytes
}
