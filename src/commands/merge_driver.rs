//! `inc merge-driver`: what git runs to merge incident files and maintenance windows' updates
//! (registered by `inc init`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::error::Error;
use crate::git::{self, EntryConflictNote, MergeNote};
use crate::merge;
use crate::model::maintenance::Update;
use crate::model::{self, CommsEntry, LogEntry, RoleEvent, TimelineEntry, schema};

/// Merge three versions of an incident file or a maintenance window's updates.yaml (run by git:
/// inc merge-driver %O %A %B %P)
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor's version (%O)
    pub base: PathBuf,
    /// Our version (%A); the result is written here
    pub ours: PathBuf,
    /// Their version (%B)
    pub theirs: PathBuf,
    /// The file's path in the repository (%P)
    pub path: String,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    let (base, ours, theirs) = (read(&args.base), read(&args.ours), read(&args.theirs));
    let path = Path::new(&args.path);
    let merged = match path.file_name().and_then(|n| n.to_str()) {
        Some("timeline.yaml") => merge_log::<TimelineEntry>(ctx, path, &base, &ours, &theirs),
        Some("roles.yaml") => merge_log::<RoleEvent>(ctx, path, &base, &ours, &theirs),
        Some("comms.yaml") => merge_log::<CommsEntry>(ctx, path, &base, &ours, &theirs),
        Some("updates.yaml") => merge_log::<Update>(ctx, path, &base, &ours, &theirs),
        Some("incident.yaml") => merge_incident(ctx, path, &base, &ours, &theirs),
        _ => Err(Error::usage(format!(
            "inc merges only incident files and maintenance updates, not {}",
            args.path
        ))),
    };
    match merged {
        Ok(text) => {
            std::fs::write(&args.ours, text)
                .with_context(|| format!("cannot write {}", args.ours.display()))?;
            Ok(())
        }
        Err(err) => {
            // Not inc's to merge (a side does not parse): merge lines, as git would.
            crate::eprintln_escaped!(
                "inc merge-driver: {err}; merging {} line by line",
                args.path
            );
            let status = std::process::Command::new("git")
                .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
                .arg(&args.ours)
                .arg(&args.base)
                .arg(&args.theirs)
                .status()
                .context("cannot run git merge-file")?;
            if status.success() {
                Ok(())
            } else {
                Err(Error::Exit(1).into())
            }
        }
    }
}

/// The incident (or maintenance window) a file belongs to: the name of its directory.
fn incident_id(path: &Path) -> Option<&str> {
    path.parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
}

/// A log, entry by entry; entries both sides edited are kept twice and noted for `inc sync`
/// (and found by `inc check`, after a plain `git pull`).
fn merge_log<E: LogEntry>(
    ctx: &Ctx<'_>,
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<String, Error> {
    let merged = merge::log::<E>(path, base, ours, theirs)?;
    if let Some(id) = incident_id(path)
        && !merged.conflicts.is_empty()
    {
        let notes: Vec<EntryConflictNote> = merged
            .conflicts
            .into_iter()
            .map(|c| EntryConflictNote {
                incident: id.to_string(),
                file: E::FILE.to_string(),
                kept: c.kept,
                other: c.other,
            })
            .collect();
        if let Err(err) = git::save_entry_conflicts(&ctx.env.cwd, &notes) {
            crate::eprintln_escaped!("inc merge-driver: {err:#}");
        }
    }
    Ok(merged.text)
}

/// incident.yaml, field by field; what the merge had to decide is left as notes that the next
/// inc command logs in the timeline.
fn merge_incident(
    ctx: &Ctx<'_>,
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<String, Error> {
    let (incident, conflicts) = merge::incident(path, base, ours, theirs)?;
    if let Some(id) = incident_id(path)
        && !conflicts.is_empty()
    {
        let notes: Vec<MergeNote> = conflicts
            .iter()
            .map(|c| MergeNote {
                incident: id.to_string(),
                text: c.message(),
            })
            .collect();
        if let Err(err) = git::save_merge_notes(&ctx.env.cwd, &notes) {
            crate::eprintln_escaped!("inc merge-driver: {err:#}");
        }
    }
    let depth = path.components().count().saturating_sub(1);
    Ok(format!(
        "{}{}",
        schema::modeline("incident", depth),
        model::to_yaml(&incident)
    ))
}
