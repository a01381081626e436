//! Handing a file of the repository to a person in their editor ($VISUAL, else $EDITOR), for
//! `inc edit` and `inc postmortem --edit`, without losing anyone's change.
//!
//! The editor gets a copy in `.git/inc/editing/`, never the file itself: until the command
//! writes, the file holds what it held, so another inc command run meanwhile never reads (or
//! commits) a half-saved text, and an aborted edit has nothing to put back. The command writes
//! only if the file still holds what was copied ([`Store::check_unchanged`]); what the person
//! saved is kept in a recovery file until it is written, so neither a change made meanwhile nor
//! the typing is lost.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use crate::error::Error;
use crate::store::{Changed, Lock, Snapshot, Store};

/// One person's edit of one file, from the copy to the write.
pub struct Edit<'a> {
    store: &'a Store,
    snapshot: Snapshot,
    /// The command that edits the file, for the advice in messages (`inc edit`).
    redo: &'static str,
    /// Where what the person saved is kept until it is written.
    kept: Option<PathBuf>,
    written: Cell<bool>,
}

impl<'a> Edit<'a> {
    /// Starts an edit of `path` (links refused); `None` when the file does not exist.
    pub fn open(store: &'a Store, path: &Path, redo: &'static str) -> Result<Option<Edit<'a>>> {
        Ok(store.snapshot(path)?.map(|snapshot| Edit {
            store,
            snapshot,
            redo,
            kept: None,
            written: Cell::new(false),
        }))
    }

    /// The text the file held when the edit started.
    pub fn original(&self) -> &str {
        self.snapshot.text()
    }

    /// The file, relative to the repository root.
    pub fn file(&self) -> &Path {
        self.snapshot.rel()
    }

    /// Runs `editor` on a copy of the file and returns what was saved, or `None` when it is the
    /// text the file held. The saved text is kept in a recovery file at once (see
    /// [`Edit::finish`]). An editor that fails is an error saying the file is unchanged and
    /// where what was typed is.
    pub fn run(&mut self, editor: &str, at: Timestamp) -> Result<Option<String>> {
        let git_dir = crate::git::git_dir(self.store.root());
        let dir = git_dir.join("inc").join("editing");
        crate::store::refuse_links(&git_dir, &dir)?;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let owner = self
            .snapshot
            .rel()
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("inc");
        // Its own directory, so two edits at once never share a copy, and the editor shows the
        // file's own name (and so its type).
        let session = tempfile::Builder::new()
            .prefix(&format!("{owner}-"))
            .tempdir_in(&dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        let copy = session.path().join(self.snapshot.name());
        crate::store::write_atomic(&copy, self.original().as_bytes())?;
        let status = edit(editor, &copy);
        let saved = match crate::store::read_text(session.path(), &copy) {
            Ok(saved) => saved,
            Err(err) => {
                // Not text inc can read (not UTF-8): the copy stays where it is, for the person.
                let left = session.keep();
                return Err(Error::state(format!(
                    "{err:#}; {} is unchanged, and what you saved is left in {}",
                    self.file().display(),
                    self.shown(&left)
                ))
                .into());
            }
        };
        let changed = saved.filter(|text| text != self.original());
        if let Some(text) = &changed {
            self.kept = Some(self.store.save_recovery(&self.snapshot, text, at)?);
        }
        match status {
            Ok(()) => Ok(changed),
            Err(err) => Err(self.note(err)),
        }
    }

    /// Under the lock, right before writing: refuses (see [`Edit::finish`]) when the file no
    /// longer holds what was copied.
    pub fn check(&self, lock: &Lock) -> Result<()> {
        self.store.check_unchanged(lock, &self.snapshot)
    }

    /// Under the lock: writes `text` to the file if it still holds what was copied.
    pub fn write(&self, lock: &Lock, text: &str) -> Result<()> {
        self.store
            .write_if_unchanged(lock, &self.snapshot, text.as_bytes())?;
        self.written.set(true);
        Ok(())
    }

    /// Says that the command wrote the edit itself (as `inc edit` writes incident.yaml its own
    /// way), after [`Edit::check`].
    pub fn written(&self) {
        self.written.set(true);
    }

    /// Ends the edit with the outcome of applying it. Once the edit is written, the recovery
    /// file goes (a commit that fails after is reported as it is: the text is in the file).
    /// Otherwise it stays, and the error says that the file is unchanged and where the text is.
    pub fn finish<T>(self, result: Result<T>) -> Result<T> {
        match result {
            Ok(value) => {
                self.discard();
                Ok(value)
            }
            Err(err) if self.written.get() => {
                self.discard();
                Err(err)
            }
            Err(err) => Err(self.note(err)),
        }
    }

    fn discard(&self) {
        if let Some(kept) = &self.kept {
            let _ = std::fs::remove_file(kept);
        }
    }

    /// `err`, with what became of the file and where the person's text is kept.
    fn note(&self, err: anyhow::Error) -> anyhow::Error {
        let file = self.file().display();
        let Some(kept) = &self.kept else {
            return Error::state(format!("{err:#}; {file} is unchanged")).into();
        };
        let kept = self.shown(kept);
        let redo = self.redo;
        if err.downcast_ref::<Changed>().is_some() {
            return Error::state(format!(
                "{err}; inc kept the newer file, and your text is saved in {kept}: merge it by hand with {redo}"
            ))
            .into();
        }
        let note = format!(
            "{} is unchanged, and your text is saved in {kept}: fix it there and run {redo} again",
            self.snapshot.name()
        );
        match err.downcast::<Error>() {
            Ok(Error::File {
                path,
                line,
                column,
                message,
            }) => Error::File {
                path,
                line,
                column,
                message: format!("{message}; {note}"),
            }
            .into(),
            Ok(other) => Error::state(format!("{other}; {note}")).into(),
            Err(err) => Error::state(format!("{err:#}; {note}")).into(),
        }
    }

    /// A path as messages show it: relative to the repository root when inside it.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.store.root())
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// Runs `editor` on `path` the way git does: through the shell, so `code --wait` works. Fails
/// when the editor does not start or exits with an error.
fn edit(editor: &str, path: &Path) -> Result<()> {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor ({editor})"))?;
    if !status.success() {
        return Err(Error::state(format!("the editor ({editor}) exited with {status}")).into());
    }
    Ok(())
}
