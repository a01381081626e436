//! Writing a file back only if it still holds what was read. A command that reads a file, waits
//! (for a person in an editor, for a prompt, for the network) and writes it back would otherwise
//! undo whatever changed the file meanwhile: a teammate's `inc sev` on this clone, a `git pull`,
//! a checkout. The repository lock cannot prevent that (git and editors do not take it, and
//! holding it for an hour would block the team), so the check is on content, under the lock,
//! right before the write. What the person typed is never dropped: it goes to a recovery file
//! under `.git/inc/recovered/`, which is never committed and never leaves the clone.

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;

use super::{Lock, Store, refuse_links, write_atomic};

/// A file of the repository as a command read it before waiting: its text, and its version in
/// the HEAD commit then.
#[derive(Debug)]
pub struct Snapshot {
    path: PathBuf,
    /// The path relative to the repository root, as messages and git name it.
    rel: PathBuf,
    text: String,
    head: Option<Vec<u8>>,
}

impl Snapshot {
    /// The text read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file, relative to the repository root.
    pub fn rel(&self) -> &Path {
        &self.rel
    }

    /// The file's own name (`incident.yaml`).
    pub fn name(&self) -> &str {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file")
    }
}

/// The file no longer holds what the snapshot read: something else changed it while the command
/// waited, and writing would undo that change.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} changed while you were editing (by a commit or another inc command)",
    .0.display()
)]
pub struct Changed(pub PathBuf);

impl Store {
    /// Reads `path` (a file of the repository; links refused) for a command that will wait
    /// before writing it back. `None` when the file does not exist.
    pub fn snapshot(&self, path: &Path) -> Result<Option<Snapshot>> {
        let Some(text) = self.read_text(path)? else {
            return Ok(None);
        };
        let rel = self.relative(path);
        let head = crate::git::head_file(self.root(), &rel);
        Ok(Some(Snapshot {
            path: path.to_path_buf(),
            rel,
            text,
            head,
        }))
    }

    /// Under the lock, right before writing: fails with [`Changed`] unless the file still holds
    /// the text `snapshot` read. A pull, a checkout or another inc command changes the file on
    /// disk; a commit that moved HEAD without touching the work tree (`git reset --soft`, a
    /// fetch and `update-ref`) is caught by comparing HEAD's version too, since inc's commit
    /// would record the old text over it.
    pub fn check_unchanged(&self, _lock: &Lock, snapshot: &Snapshot) -> Result<()> {
        let changed = || Changed(snapshot.rel.clone()).into();
        let Some(now) = self.read_text(&snapshot.path)? else {
            return Err(changed());
        };
        if now != snapshot.text {
            return Err(changed());
        }
        let head = crate::git::head_file(self.root(), &snapshot.rel);
        // HEAD may move to exactly what is on disk (an interrupted command's writes committed by
        // this command's lock): that changes nothing the person saw.
        if head != snapshot.head && head.as_deref() != Some(now.as_bytes()) {
            return Err(changed());
        }
        Ok(())
    }

    /// [`Store::check_unchanged`], then writes `bytes` to the file (atomically, journaled).
    pub fn write_if_unchanged(&self, lock: &Lock, snapshot: &Snapshot, bytes: &[u8]) -> Result<()> {
        self.check_unchanged(lock, snapshot)?;
        self.write_file(&snapshot.path, bytes)
    }

    /// Saves `text`, what a person made of `snapshot`'s file, in
    /// `.git/inc/recovered/<dir>-<file>.<time>` (`<dir>` is the incident's id), never over an
    /// earlier one; returns where.
    pub fn save_recovery(&self, snapshot: &Snapshot, text: &str, at: Timestamp) -> Result<PathBuf> {
        let git_dir = crate::git::git_dir(self.root());
        let dir = git_dir.join("inc").join("recovered");
        refuse_links(&git_dir, &dir)?;
        std::fs::create_dir_all(&dir)?;
        let owner = snapshot
            .path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .map(|n| format!("{n}-"))
            .unwrap_or_default();
        let stamp = at.strftime(crate::time::format::FILE_STAMP);
        let name = snapshot.name();
        // Two refusals in one second keep both texts.
        let kept = (1..)
            .map(|n| match n {
                1 => dir.join(format!("{owner}{name}.{stamp}")),
                n => dir.join(format!("{owner}{name}.{stamp}-{n}")),
            })
            .find(|p| std::fs::symlink_metadata(p).is_err())
            .expect("some suffix is free");
        write_atomic(&kept, text.as_bytes())?;
        Ok(kept)
    }
}
