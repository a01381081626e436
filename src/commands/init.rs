//! `inc init`: make or adopt a git repository and write inc's configuration.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::error::Error;
use crate::model::config;
use crate::store::{CONFIG_FILE, Store, read_text, refuse_links, write_atomic};

/// Make or adopt a git repository for incidents: write .inc.yaml and .gitattributes, and commit
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc init\n  inc init --dir ops/incidents\n  inc -C ~/src/incidents init --no-commit"
)]
pub struct Args {
    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    /// Where incident directories go, relative to the repository root (e.g. ops/incidents in a
    /// monorepo)
    #[arg(long, value_name = "PATH")]
    pub dir: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let start = ctx.start_dir();
    let requested = args
        .dir
        .as_deref()
        .map(|dir| {
            let normal = config::normal_dir(dir).ok_or_else(|| {
                Error::usage(format!(
                    "--dir \"{dir}\" must be a directory inside the repository, like incidents or ops/incidents"
                ))
            })?;
            match config::incidents_dir_problem(&normal) {
                Some(problem) => Err(Error::usage(format!("--dir: {problem}"))),
                None => Ok(normal),
            }
        })
        .transpose()?;

    if !ctx.global.no_commit {
        ctx.require_author_in(&start)?;
    }
    fs::create_dir_all(&start).with_context(|| format!("cannot create {}", start.display()))?;
    let (repo, created) = crate::git::discover_or_init(&start)?;
    let root = repo
        .workdir()
        .expect("discover_or_init returns work trees")
        .canonicalize()?;
    if !ctx.global.no_commit {
        // Before anything is written: a merge under way or a signing setup that cannot sign.
        crate::git::ready_to_commit(&repo)?;
    }
    let mut changed: Vec<PathBuf> = Vec::new();
    // The repository may be a clone of someone else's: its files are not followed out of it.
    let write = |path: &Path, bytes: &[u8]| -> Result<()> {
        refuse_links(&root, path)?;
        write_atomic(path, bytes)
    };

    let config_path = root.join(CONFIG_FILE);
    // Every link is refused before the first write, so a refusal leaves nothing half set up.
    for path in [
        config_path.clone(),
        root.join(".gitattributes"),
        root.join(crate::model::schema::REPO_DIR),
        crate::store::runbooks::path(&root, crate::model::runbook::BREAK_GLASS),
    ] {
        refuse_links(&root, &path)?;
    }
    let incidents_dir = if config_path.exists() {
        let existing = Store::open(&root)?.config().incidents_dir.clone();
        if requested.as_ref().is_some_and(|dir| *dir != existing) {
            return Err(Error::usage(format!(
                "{} already keeps incidents in {existing}: edit incidents_dir in {CONFIG_FILE} to move them",
                root.display(),
            ))
            .into());
        }
        existing
    } else {
        let dir = requested.unwrap_or_else(|| "incidents".into());
        write(&config_path, config::default_file(&dir).as_bytes())?;
        changed.push(config_path);
        dir
    };

    let attributes = root.join(".gitattributes");
    let maintenance_dir = Store::open(&root)?.config().maintenance_dir();
    if let Some(text) = gitattributes(&root, &attributes, &incidents_dir, &maintenance_dir)? {
        write(&attributes, text.as_bytes())?;
        changed.push(attributes);
    }

    // A repository set up before runbooks existed gets the break-glass runbook when init runs
    // again; one that has it keeps its own version.
    let break_glass = crate::store::runbooks::path(&root, crate::model::runbook::BREAK_GLASS);
    if fs::symlink_metadata(&break_glass).is_err() {
        let config = Store::open(&root)?;
        let worst = config
            .config()
            .severities
            .first()
            .cloned()
            .unwrap_or_default();
        fs::create_dir_all(root.join(crate::store::layout::RUNBOOKS_DIR))?;
        write(
            &break_glass,
            crate::model::runbook::break_glass(&worst).as_bytes(),
        )?;
        changed.push(break_glass);
    }

    crate::git::ensure_merge_driver(&root)?;
    changed.extend(crate::store::write_schemas(&root, write)?);

    if changed.is_empty() {
        writeln!(ctx.out, "inc is already set up in {}", root.display())?;
        return Ok(());
    }
    let store = Store::open(&root)?;
    ctx.commit(
        &store,
        &changed,
        &format!("inc: init (incidents in {incidents_dir}/)"),
    )?;
    let what = if created { "Created" } else { "Set up" };
    writeln!(
        ctx.out,
        "{what} an inc repository in {}; incidents go in {incidents_dir}/.\nNext: inc open \"What is broken\" --sev SEV2",
        root.display()
    )?;
    Ok(())
}

/// The .gitattributes text with inc's lines added, or `None` if they are all there already. A
/// repository set up before maintenance windows existed gets the line for their updates when
/// `inc init` runs again.
fn gitattributes(
    root: &Path,
    path: &Path,
    incidents_dir: &str,
    maintenance_dir: &str,
) -> Result<Option<String>> {
    let existing = read_text(root, path)?.unwrap_or_default();
    let mut wanted: Vec<String> = ["timeline.yaml", "comms.yaml", "roles.yaml", "incident.yaml"]
        .iter()
        .map(|file| format!("{incidents_dir}/*/{file} merge=inc"))
        .collect();
    wanted.push(format!(
        "{maintenance_dir}/*/{} merge=inc",
        <crate::model::maintenance::Update as crate::model::LogEntry>::FILE
    ));
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|line| !existing.lines().any(|l| l.trim() == line.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(None);
    }
    // Lines added to inc's own ones (a repository from before maintenance windows) need no
    // second comment.
    let first_time = missing.len() == wanted.len();
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if first_time {
        text.push_str(
            "# inc: merge incident files and maintenance updates entry by entry (inc merge-driver)\n",
        );
    }
    for line in missing {
        text.push_str(line);
        text.push('\n');
    }
    Ok(Some(text))
}
