//! `inc check`: validate incidents and post-mortems; what CI runs on pull requests.

use std::path::{Component, Path};

use anyhow::Result;

use super::Ctx;
use crate::check::{self, Level, Problem};
use crate::error::Error;
use crate::store::Store;

/// Check incident files and post-mortems; report each problem with file, line and column
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incidents to check, by id (or prefix) or by path, as -i ID does [default: all]
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,

    /// Output: text for people, github for GitHub Actions annotations, json for other tools
    #[arg(long, value_enum, default_value = "text", ignore_case = true)]
    pub format: Format,

    /// Fail on warnings too
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Text,
    Github,
    Json,
}

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
    if named.is_empty() {
        problems = check::links(&store);
        problems.extend(check::runbooks(&store));
        let incidents = store.root().join(&store.config().incidents_dir);
        // A linked incidents directory is reported above; nothing in it is read.
        if crate::store::refuse_links(store.root(), &incidents).is_ok() {
            ids = store.ids()?;
        }
    }
    let count = ids.len();
    let clock = &ctx.clock;
    let (catalog_problems, catalog) = check::catalog(&store);
    problems.extend(catalog_problems);
    // Every incident when no target was named: the cache then keeps only these.
    let whole = named.is_empty();
    problems.extend(check::incidents_cached(
        &store,
        ids,
        whole,
        clock,
        catalog.as_ref(),
    ));
    problems.sort();
    let output = match args.format {
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
