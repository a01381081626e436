//! Runbook files in the repository (`.inc/runbooks/NAME.md`): where each lives, reading one
//! bounded and without following links, and the attached runbooks of an incident with their files.

use std::path::{Path, PathBuf};

use super::Store;
use super::layout::RUNBOOKS_DIR;
use crate::error::Error;
use crate::model::TimelineEntry;
use crate::model::runbook::progress::{Progress, attached};
use crate::model::runbook::{MAX_BYTES, Runbook, parse, valid_name};

/// The file of runbook `name` below `root`.
pub fn path(root: &Path, name: &str) -> PathBuf {
    root.join(RUNBOOKS_DIR).join(format!("{name}.md"))
}

/// `.inc/runbooks/NAME.md`, as messages name it.
pub fn shown(name: &str) -> PathBuf {
    PathBuf::from(format!("{RUNBOOKS_DIR}/{name}.md"))
}

/// Reads and parses runbook `name`; `None` when there is no such file. Links are refused and a
/// file larger than [`MAX_BYTES`] is not read.
pub fn load(store: &Store, name: &str) -> anyhow::Result<Option<(String, Runbook)>> {
    let Some(text) = read(store, name)? else {
        return Ok(None);
    };
    let runbook = parse(&shown(name), name, &text)?;
    Ok(Some((text, runbook)))
}

/// The text of runbook `name`, bounded and without following links.
pub fn read(store: &Store, name: &str) -> anyhow::Result<Option<String>> {
    if !valid_name(name) {
        return Err(Error::usage(format!(
            "\"{name}\" is not a runbook name: use lowercase letters, digits, - and _"
        ))
        .into());
    }
    let path = path(store.root(), name);
    super::refuse_links(store.root(), &path)?;
    let len = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
    if len > MAX_BYTES {
        return Err(Error::File {
            path: shown(name),
            line: 1,
            column: 1,
            message: format!(
                "the runbook is larger than inc reads ({MAX_BYTES} bytes): a checklist is a few kilobytes; split it"
            ),
        }
        .into());
    }
    store.read_text(&path)
}

/// The runbook files in `.inc/runbooks` (names only, sorted), skipping what is not `NAME.md`.
pub fn names(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(RUNBOOKS_DIR)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.strip_suffix(".md")?.to_string();
            valid_name(&name).then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// The attached runbooks of an incident whose timeline is `entries`, with their files.
pub fn progress(store: &Store, entries: &[TimelineEntry]) -> Vec<Progress> {
    attached(entries)
        .into_iter()
        .map(|attached| Progress {
            runbook: load(store, &attached.name).ok().flatten().map(|(_, r)| r),
            attached,
        })
        .collect()
}
