//! The journal of writes not yet committed (`.git/inc/pending`), so that a command that was
//! interrupted (killed, power loss, a commit that failed) is finished by the next one.
//!
//! Each write is noted before it happens: an append with the file's length before it (a torn
//! append can be cut back to a whole entry), a rewrite, and the start of the commit. A command
//! that committed removes the journal; one that finds a journal left behind commits what it names.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

/// One noted write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// `path` (relative to the repository root) had `len` bytes before an append that makes it
    /// `end` bytes long. Any other length afterwards means the append was torn.
    Append { path: PathBuf, len: u64, end: u64 },
    /// `path` was replaced or created whole.
    Write { path: PathBuf },
    /// A commit started at this time (milliseconds since the epoch).
    Commit { at_ms: u128 },
}

#[derive(Debug)]
pub struct Journal {
    file: PathBuf,
}

impl Journal {
    pub fn new(git_dir: &Path) -> Journal {
        Journal {
            file: git_dir.join("inc").join("pending"),
        }
    }

    pub fn note(&self, record: &Record) -> Result<()> {
        let line = match record {
            Record::Append { path, len, end } => {
                format!("append {len} {end} {}\n", path.display())
            }
            Record::Write { path } => format!("write {}\n", path.display()),
            Record::Commit { at_ms } => format!("commit {at_ms}\n"),
        };
        let dir = self.file.parent().expect("inside .git");
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .with_context(|| format!("cannot write {}", self.file.display()))?;
        file.write_all(line.as_bytes())?;
        Ok(())
    }

    pub fn note_commit(&self) -> Result<()> {
        let at_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        self.note(&Record::Commit { at_ms })
    }

    /// What an interrupted command left, or `None` when the last one finished.
    pub fn read(&self) -> Option<Vec<Record>> {
        let text = fs::read_to_string(&self.file).ok()?;
        let records: Vec<Record> = text.lines().filter_map(parse).collect();
        (!records.is_empty()).then_some(records)
    }

    /// When the journal was last written.
    pub fn modified(&self) -> Option<std::time::SystemTime> {
        fs::metadata(&self.file).and_then(|m| m.modified()).ok()
    }

    /// Marks everything noted as done. The file is emptied rather than removed: reusing it is
    /// cheaper than creating it for every command.
    pub fn clear(&self) -> Result<()> {
        match OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&self.file)
        {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot clear {}", self.file.display()))
            }
            _ => Ok(()),
        }
    }
}

fn parse(line: &str) -> Option<Record> {
    let (kind, rest) = line.split_once(' ')?;
    match kind {
        "append" => {
            let (len, rest) = rest.split_once(' ')?;
            let (end, path) = rest.split_once(' ')?;
            Some(Record::Append {
                path: PathBuf::from(path),
                len: len.parse().ok()?,
                end: end.parse().ok()?,
            })
        }
        "write" => Some(Record::Write {
            path: PathBuf::from(rest),
        }),
        "commit" => Some(Record::Commit {
            at_ms: rest.parse().ok()?,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        assert_eq!(journal.read(), None);
        let append = Record::Append {
            path: "incidents/x/timeline.yaml".into(),
            len: 120,
            end: 260,
        };
        let write = Record::Write {
            path: "incidents/x/incident.yaml".into(),
        };
        journal.note(&append).unwrap();
        journal.note(&write).unwrap();
        let read = journal.read().unwrap();
        assert_eq!(read, [append, write]);
        journal.clear().unwrap();
        assert_eq!(journal.read(), None);
    }
}
