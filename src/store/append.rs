//! Appending entries to an incident's logs (timeline, roles, comms) and to a maintenance window's
//! updates: checked first, written second, so a command that appends to two files writes nothing
//! when either would be broken. Entries get fresh ids ([`Store::prepare_append`]) or keep theirs
//! (`inc import`, [`Store::prepare_append_keeping_ids`]); either way the append is laid out and
//! checked in one place.

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
        let log = self.open_log(path, header)?;
        let old = log.old(header);
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
        self.checked_append(log, header, entries)
    }

    /// Prepares `entries` for appending to the incident's log with the ids they have (`inc
    /// import`): a JSON export keeps its entry ids so the round trip is exact, and Slack messages
    /// get ids from their timestamps so a second import of the same export adds nothing. An id
    /// the file already holds is refused; otherwise checked as [`Store::prepare_append`] checks.
    pub fn prepare_append_keeping_ids<E: LogEntry>(
        &self,
        id: &str,
        entries: &[E],
    ) -> Result<Append<'_>> {
        assert!(!entries.is_empty(), "an empty list would be written as []");
        let path = self.incident_dir(id).join(E::FILE);
        let header = self.header::<E>();
        let log = self.open_log(path, &header)?;
        let old = log.old(&header);
        if let Some(taken) = entries.iter().find(|e| log::holds_id(old, e.id())) {
            return Err(Error::state(format!(
                "{} already has an entry {}: inc does not add it twice",
                log.shown.display(),
                taken.id()
            ))
            .into());
        }
        self.checked_append(log, &header, entries)
    }

    /// The log at `path` as it is before an append, refused when it holds conflict markers.
    fn open_log(&self, path: PathBuf, header: &str) -> Result<OpenLog> {
        let shown = path.strip_prefix(&self.root).unwrap_or(&path).to_path_buf();
        let before = fs::symlink_metadata(&path).ok();
        let existing = self.read_text(&path)?;
        let log = OpenLog {
            path,
            shown,
            before,
            existing,
        };
        if let Some(line) = model::conflict_marker_line(log.old(header)) {
            return Err(conflict(&log.shown, line).into());
        }
        Ok(log)
    }

    /// The append of `entries` (their ids given) to `log`, checked: the one way every append is
    /// laid out and checked, whoever chose the ids.
    fn checked_append<E: LogEntry>(
        &self,
        log: OpenLog,
        header: &str,
        entries: &[E],
    ) -> Result<Append<'_>> {
        let old = log.old(header);
        let shown = &log.shown;
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
        let known = log
            .before
            .as_ref()
            .is_some_and(|meta| self.checked.is_known(shown, meta));
        let parsed = if known {
            Ok(Vec::new())
        } else {
            model::from_yaml_log::<E>(shown, &format!("{old}{addition}"))
        };
        if let Err(err) = parsed {
            let old_lines = old.lines().count() as u64;
            return Err(match err {
                Error::File { line, .. } if line > old_lines => Error::File {
                    path: shown.clone(),
                    line: old_lines.max(1),
                    column: 1,
                    message: "the file does not end in a YAML list that entries can be appended to; fix it by hand (each entry starts with \"- id:\")".into(),
                },
                other => other,
            }
            .into());
        }
        let (bytes, create) = match &log.existing {
            Some(_) => (addition, false),
            None => (format!("{old}{addition}"), true),
        };
        Ok(Append {
            store: self,
            path: log.path,
            bytes: bytes.into_bytes(),
            create,
        })
    }
}

/// A log about to be appended to, as it was read.
struct OpenLog {
    path: PathBuf,
    /// Its path from the repository's root, for messages.
    shown: PathBuf,
    /// Its metadata before the append: a log inc left as it is now needs no second parse.
    before: Option<fs::Metadata>,
    /// Its text; `None` when it does not exist yet.
    existing: Option<String>,
}

impl OpenLog {
    /// The text the entries follow: the file's, or the `header` of a new one.
    fn old<'a>(&'a self, header: &'a str) -> &'a str {
        self.existing.as_deref().unwrap_or(header)
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
