//! Bringing history in from elsewhere: incidents from a spreadsheet's CSV or from inc's own JSON
//! (`inc export`, `inc show --json`), and a Slack channel export into an incident's timeline.
//!
//! Each format is read whole and checked before anything is written: the readers here only turn
//! a file into [`Planned`] incidents (or timeline entries) and report what is wrong with it as
//! `FILE:LINE:COLUMN`; `inc import` writes them, skipping what an earlier run of the same import
//! already wrote ([`existing`]). Files are read with a size limit and never through a symbolic
//! link, and nothing they hold becomes a path except through checked ids.

pub mod csv;
pub mod existing;
pub mod json;
pub mod slack;

use std::fs::OpenOptions;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::Error;
use crate::model::{CommsEntry, Config, Incident, RoleEvent, TimelineEntry};
use crate::time::Clock;

/// The most any one file to import may hold. A history of thousands of incidents is a few
/// megabytes; anything larger is a mistake (or an attack on memory).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// An incident read from a file, ready to be created.
pub struct Planned {
    /// Where it was read, for messages (`history.csv line 3`).
    pub origin: String,
    /// The id to create it under (json), or `None` to make one from its date and title the way
    /// `inc open` does (csv).
    pub id: Option<String>,
    pub incident: Incident,
    pub timeline: Vec<TimelineEntry>,
    pub roles: Vec<RoleEvent>,
    pub comms: Vec<CommsEntry>,
    /// Whether the timeline and comms entries keep the ids they have (json, so a round trip is
    /// exact) rather than getting new ones. Role events keep theirs when they have one (an export
    /// of format 2); those made from the holders alone get new ones.
    pub keep_ids: bool,
    /// What marks the incident as this row's (csv: the `ref` of its opening entry), so that a
    /// second run finds it; json incidents are found by their id.
    pub key: Option<String>,
}

/// What every reader needs: the repository's names, the clock, who is importing, and the file
/// as the user named it (for messages).
pub struct Input<'a> {
    pub config: &'a Config,
    pub clock: &'a Clock,
    pub by: &'a str,
    pub shown: &'a Path,
    /// `.inc/catalog.yaml`, when the repository has one: services must be in it, as with
    /// `inc impact --service`.
    pub catalog: Option<&'a crate::model::catalog::Catalog>,
}

impl Input<'_> {
    /// The service as the catalog names it (any case, a unique prefix); as given without one.
    pub fn service(&self, name: &str) -> Result<String, Error> {
        match self.catalog {
            Some(catalog) => catalog.service(name),
            None => Ok(name.to_string()),
        }
    }

    /// An error at byte `offset` of `text`, the file's content.
    pub fn error_at(&self, text: &str, offset: usize, message: impl Into<String>) -> Error {
        let (line, column) = position(text, offset);
        Error::File {
            path: self.shown.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Waives the post-mortem of every planned incident that is over (resolved or closed), would owe
/// one, and was not waived already: history brought in from a spreadsheet or another tool has
/// its write-ups there, and a post-mortem overdue for years would fail every
/// `inc check --strict`. The reason names the file, so it is plain where the history came from.
pub fn waive_postmortems(planned: &mut [Planned], input: &Input) {
    let at = input.clock.now();
    for p in planned {
        let i = &mut p.incident;
        let owed = input.config.postmortem_due(&i.severity, &i.kind).is_some();
        if !i.status.is_open() && owed && i.postmortem_waived.is_none() {
            i.postmortem_waived = Some(crate::model::incident::Waiver {
                reason: format!("imported from {}", input.shown.display()),
                by: input.by.to_string(),
                at,
            });
        }
    }
}

/// Reads a file to import: a regular file, not through a link at its name, at most `limit`
/// bytes, UTF-8 (a leading byte-order mark, as spreadsheets write, is dropped).
pub fn read_bounded(path: &Path, shown: &Path, limit: u64) -> Result<String> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => Error::usage(format!(
                "{} is a symbolic link: inc does not follow links; name the file itself",
                shown.display()
            ))
            .into(),
            _ if e.kind() == std::io::ErrorKind::NotFound => Error::usage(format!(
                "{} does not exist: check the path",
                shown.display()
            ))
            .into(),
            _ => anyhow::Error::new(e).context(format!("cannot read {}", shown.display())),
        })?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {}", shown.display()))?;
    if !meta.is_file() {
        return Err(Error::usage(format!(
            "{} is not a regular file: name a file",
            shown.display()
        ))
        .into());
    }
    if meta.len() > limit {
        return Err(too_big(shown, limit).into());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", shown.display()))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(shown, limit).into());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let (line, column) = position(valid, offset);
        Error::File {
            path: shown.to_path_buf(),
            line,
            column,
            message: "not UTF-8 text: save the file as UTF-8".into(),
        }
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn too_big(shown: &Path, limit: u64) -> Error {
    Error::usage(format!(
        "{} is larger than inc imports ({} MiB): split it into smaller files",
        shown.display(),
        limit / 1024 / 1024
    ))
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> (u64, u64) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[start..].chars().count() as u64 + 1;
    (line, column)
}

/// The byte offset of a 1-based `line` and byte `column` in `text` (as serde_json reports them).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Whether `id` can name an incident directory: letters, digits and inner hyphens only, so no id
/// in a file to import can name a path outside the incidents directory.
pub fn is_incident_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !id.starts_with('-')
}

/// The id a CSV row's incident is made under, as `inc open` makes one: the date the outage
/// started (else was detected, else the opening) and the title's slug, with `-2`, `-3` … while
/// `taken` says so.
pub fn made_id(p: &Planned, clock: &Clock, taken: impl Fn(&str) -> bool) -> String {
    let m = &p.incident.milestones;
    let date = m
        .started
        .or(m.detected)
        .unwrap_or(p.incident.opened)
        .in_tz(clock.tz())
        .date();
    crate::model::slug::dated_id(date, &p.incident.title, "incident", taken)
}

/// The path a user typed, resolved where the command runs.
pub fn resolve(start: &Path, typed: &Path) -> PathBuf {
    start.join(typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd,x\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 3), (2, 1));
        assert_eq!(position(text, 6), (2, 3));
        assert_eq!(offset_of(text, 2, 2), 4);
    }

    #[test]
    fn ids_are_path_safe() {
        assert!(is_incident_id("2026-11-22-checkout"));
        for bad in ["", "../x", "a/b", ".hidden", "-x", "a b", &"x".repeat(101)] {
            assert!(!is_incident_id(bad), "{bad}");
        }
    }
}
