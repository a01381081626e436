//! Appending entries to an incident's logs (timeline, roles, comms) and to a maintenance window's
//! updates: checked first, written second, so a command that appends to two files writes nothing
//! when either would be broken.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;

use super::files::{append, refuse_links, sweep_temps};
use super::{Store, conflict};
use crate::error::Error;
use crate::journal::Record;
use crate::model::{self, LogEntry, log};

impl Store {
    /// Appends entries to an append-only file, giving each a fresh unique id. `seed` makes ids
    /// reproducible (a pinned clock); without it they are random. Nothing is written if the file
    /// does not parse, holds conflict markers, or would not parse with the new entries.
    pub fn append<E: LogEntry>(
        &self,
        id: &str,
        entries: &mut [E],
        seed: Option<&str>,
    ) -> Result<PathBuf> {
        self.prepare_append(id, entries, seed)?.write()
    }

    /// Everything [`Store::append`] does except writing: checks the file and assigns ids. Commands
    /// that append to two files prepare both first, so bad input in either writes nothing.
    pub fn prepare_append<E: LogEntry>(
        &self,
        id: &str,
        entries: &mut [E],
        seed: Option<&str>,
    ) -> Result<Append<'_>> {
        let path = self.incident_dir(id).join(E::FILE);
        self.prepare_append_to(path, &self.header::<E>(), entries, seed)
    }

    /// [`Store::prepare_append`] for the log at `path`, which starts with `header` when it is
    /// new: any directory's log, such as a maintenance window's updates.
    pub(super) fn prepare_append_to<E: LogEntry>(
        &self,
        path: PathBuf,
        header: &str,
        entries: &mut [E],
        seed: Option<&str>,
    ) -> Result<Append<'_>> {
        let shown = path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf();
        let before = fs::symlink_metadata(&path).ok();
        let existing = self.read_text(&path)?;
        let old = existing.as_deref().unwrap_or(header);
        if let Some(line) = model::conflict_marker_line(old) {
            return Err(conflict(&shown, line).into());
        }

        let mut taken: Vec<String> = Vec::new();
        for entry in entries.iter_mut() {
            let fingerprint = seed.map(|s| (s, entry.fingerprint()));
            let fresh = (0..)
                .map(|attempt| log::new_id(fingerprint.as_ref(), attempt))
                .find(|candidate| !log::holds_id(old, candidate) && !taken.contains(candidate))
                .expect("ids run out only after billions of attempts");
            taken.push(fresh.clone());
            entry.set_id(fresh);
        }

        let separator = if old.is_empty() || old.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let mut addition = format!("{separator}{}", model::to_yaml(&entries));
        if old.contains("\r\n") {
            // A file edited on Windows keeps its line endings.
            addition = addition.replace('\n', "\r\n");
        }
        // A log that inc itself left as it is now is known to take an append; anything else
        // (hand edits, a merge, a checkout) is parsed whole, with the new entries, first.
        let known = before.is_some_and(|meta| self.checked.is_known(&shown, &meta));
        let parsed = if known {
            Ok(Vec::new())
        } else {
            model::from_yaml_log::<E>(&shown, &format!("{old}{addition}"))
        };
        if let Err(err) = parsed {
            let old_lines = old.lines().count() as u64;
            return Err(match err {
                Error::File { line, .. } if line > old_lines => Error::File {
                    path: shown,
                    line: old_lines.max(1),
                    column: 1,
                    message: "the file does not end in a YAML list that entries can be appended to; fix it by hand (each entry starts with \"- id:\")".into(),
                },
                other => other,
            }
            .into());
        }

        Ok(match existing {
            Some(_) => Append {
                store: self,
                path,
                bytes: addition.into_bytes(),
                create: false,
            },
            None => Append {
                store: self,
                path,
                bytes: format!("{old}{addition}").into_bytes(),
                create: true,
            },
        })
    }
}

/// An append checked by [`Store::prepare_append`], ready to write.
#[must_use]
pub struct Append<'a> {
    pub(super) store: &'a Store,
    pub(super) path: PathBuf,
    pub(super) bytes: Vec<u8>,
    pub(super) create: bool,
}

impl Append<'_> {
    /// Writes the entries: appended to the file, or a new file written atomically.
    pub fn write(self) -> Result<PathBuf> {
        if self.create {
            self.store.write_file(&self.path, &self.bytes)?;
        } else {
            refuse_links(&self.store.root, &self.path)?;
            let len = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
            self.store.note(|| Record::Append {
                path: self.store.relative(&self.path),
                len,
                end: len + self.bytes.len() as u64,
            })?;
            // A temp file beside the log is a killed rewrite's leftover (one small directory).
            sweep_temps(self.path.parent().expect("files live in a directory"));
            append(&self.path, &self.bytes)?;
        }
        if let Ok(meta) = fs::metadata(&self.path) {
            self.store
                .checked
                .remember(&self.store.relative(&self.path), &meta);
        }
        Ok(self.path)
    }
}
