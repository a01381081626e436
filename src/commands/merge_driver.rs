//! `inc merge-driver`: what git runs to merge incident files (registered by `inc init`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::error::Error;
use crate::merge;
use crate::model::{self, CommsEntry, RoleEvent, TimelineEntry, schema};

/// Merge three versions of an incident file (run by git: inc merge-driver %O %A %B %P)
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
        Some("timeline.yaml") => merge::log::<TimelineEntry>(path, &base, &ours, &theirs),
        Some("roles.yaml") => merge::log::<RoleEvent>(path, &base, &ours, &theirs),
        Some("comms.yaml") => merge::log::<CommsEntry>(path, &base, &ours, &theirs),
        Some("incident.yaml") => merge_incident(ctx, path, &base, &ours, &theirs),
        _ => Err(Error::usage(format!(
            "inc merges only incident files, not {}",
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

/// incident.yaml, field by field; a true conflict keeps the later side and leaves a note that
/// the next inc command logs in the timeline.
fn merge_incident(
    ctx: &Ctx<'_>,
    path: &Path,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<String, Error> {
    let later = theirs_is_later(&ctx.env.cwd);
    let (incident, conflicts) = merge::incident(path, base, ours, theirs, later)?;
    if !conflicts.is_empty()
        && let Some(id) = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
    {
        let notes: Vec<crate::git::MergeNote> = conflicts
            .into_iter()
            .map(|c| crate::git::MergeNote {
                incident: id.to_string(),
                field: c.field,
                kept: c.kept,
                other: c.other,
            })
            .collect();
        if let Err(err) = crate::git::save_merge_notes(&ctx.env.cwd, &notes) {
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

/// Whether the branch being merged in (MERGE_HEAD) was committed after ours (HEAD).
fn theirs_is_later(cwd: &Path) -> bool {
    let Ok(repo) = git2::Repository::discover(cwd) else {
        return false;
    };
    let time = |name: &str| {
        repo.revparse_single(name)
            .ok()
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.time().seconds())
    };
    match (time("HEAD"), time("MERGE_HEAD")) {
        (Some(ours), Some(theirs)) => theirs > ours,
        _ => false,
    }
}
