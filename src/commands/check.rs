//! `inc check`: validate incidents and post-mortems; what CI runs on pull requests.

use std::path::{Component, Path};

use anyhow::Result;

use super::Ctx;
use crate::check::{self, Level, Problem};
use crate::error::Error;
use crate::store::Store;

/// Check incident files, post-mortems and maintenance windows; report each problem with file,
/// line and column
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc check\n  inc check 2026-11-22-checkout-api-down --strict\n  inc check --format github"
)]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    /// Incidents to check, by id (or prefix) or by path, as -i ID does [default: all]
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,

    #[command(flatten)]
    pub output: Output,

    /// Fail on warnings too
    #[arg(long)]
    pub strict: bool,

    /// Check only the incidents (and repository files) that differ from BASE: committed since
    /// its merge base with HEAD, staged, changed or new [default BASE: the upstream branch]
    #[arg(
        long,
        value_name = "BASE",
        num_args = 0..=1,
        default_missing_value = "",
        conflicts_with = "targets"
    )]
    pub changed: Option<String>,
}

crate::formats!(
    /// What `inc check` prints.
    {
        /// For people
        Text,
        /// GitHub Actions annotations
        Github,
        /// For other tools
        Json,
    }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let mut ids: Vec<String> = Vec::new();
    // `-i ID` is one more target, as `inc check ID` would be.
    let named: Vec<&String> = args.targets.iter().chain(&ctx.global.incident).collect();
    for target in named.iter().copied() {
        for id in targets(ctx, &store, target)? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let mut problems: Vec<Problem> = Vec::new();
    // Repository-level problems (links, runbooks, maintenance windows, the catalog) count unless
    // --changed leaves every repository file out.
    let mut repo_level = true;
    if let Some(base) = &args.changed {
        if ctx.global.incident.is_some() {
            return Err(Error::usage(
                "-i and --changed both choose what to check: give one of them",
            )
            .into());
        }
        let base = Some(base.as_str()).filter(|b| !b.is_empty());
        (ids, repo_level) = changed(&store, base)?;
        if repo_level {
            problems = check::links(&store);
            problems.extend(check::runbooks(&store));
            problems.extend(check::maintenance(&store));
        }
    } else if named.is_empty() {
        problems = check::links(&store);
        problems.extend(check::runbooks(&store));
        problems.extend(check::maintenance(&store));
        let incidents = store.root().join(&store.config().incidents_dir);
        // A linked incidents directory is reported above; nothing in it is read.
        if crate::store::refuse_links(store.root(), &incidents).is_ok() {
            ids = store.ids()?;
        }
    }
    let count = ids.len();
    let clock = &ctx.clock;
    let (catalog_problems, catalog) = check::catalog(&store);
    if repo_level {
        problems.extend(catalog_problems);
        problems.extend(check::config(&store));
    }
    // Every incident when no target was named: the cache then keeps only these.
    let whole = named.is_empty() && args.changed.is_none();
    problems.extend(check::incidents_cached(
        &store,
        ids,
        whole,
        clock,
        catalog.as_ref(),
    ));
    problems.sort();
    let output = match args.output.get() {
        Format::Text => check::text(&problems, count),
        Format::Github => check::github(&problems),
        Format::Json => check::json(&problems, count),
    };
    ctx.out.write_all(output.as_bytes())?;
    let failed = problems
        .iter()
        .any(|p| p.level == Level::Error || args.strict);
    if failed {
        return Err(Error::Exit(1).into());
    }
    Ok(())
}

/// `--changed`: the incidents with a file that differs from `base` (only those that still exist),
/// and whether any file outside the incidents directory differs. Nothing unchanged is read.
fn changed(store: &Store, base: Option<&str>) -> Result<(Vec<String>, bool)> {
    let incidents = Path::new(&store.config().incidents_dir);
    let mut ids = std::collections::BTreeSet::new();
    let mut repo_level = false;
    for path in crate::git::changed_paths(store.root(), base)? {
        let Ok(rel) = path.strip_prefix(incidents) else {
            repo_level = true;
            continue;
        };
        let mut parts = rel.components();
        let (Some(Component::Normal(id)), Some(_)) = (parts.next(), parts.next()) else {
            // The incidents directory itself (made a link, say) or a file beside the incidents:
            // the repository-level checks look at those.
            repo_level = true;
            continue;
        };
        let id = id.to_string_lossy().into_owned();
        if !ids.contains(&id) && store.incident_dir(&id).is_dir() {
            ids.insert(id);
        }
    }
    Ok((ids.into_iter().collect(), repo_level))
}

/// The incidents a target names: a path inside the incidents directory (or the directory itself,
/// or the repository root, for all), else an id, prefix or substring.
fn targets(ctx: &Ctx<'_>, store: &Store, target: &str) -> Result<Vec<String>> {
    let path = ctx.start_dir().join(target);
    let Ok(path) = path.canonicalize() else {
        return Ok(vec![store.resolve(target)?]);
    };
    let root = store.root();
    let incidents = root.join(&store.config().incidents_dir);
    if path == root || path == incidents {
        return store.ids();
    }
    match path
        .strip_prefix(&incidents)
        .ok()
        .and_then(|rel| rel.components().next())
    {
        Some(Component::Normal(id)) => Ok(vec![store.resolve(&id.to_string_lossy())?]),
        _ => Err(Error::usage(format!(
            "{target} is not inside {}: name an incident by id or by a path in it",
            display(root, &incidents)
        ))
        .into()),
    }
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
