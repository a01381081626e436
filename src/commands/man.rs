//! `inc man`: man pages generated from the same definitions as `--help`, so they never drift.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Ctx;

/// Write man pages: inc(1) and one page per command (inc-log(1) …) into DIR, or print inc(1)
///
/// Without -o, prints inc(1) (try `inc man | man -l -`). With -o, writes every page into DIR,
/// e.g. `inc man -o ~/.local/share/man/man1`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc man | man -l -
  inc man -o ~/.local/share/man/man1 && man inc-log")]
pub struct Args {
    /// Write every page into DIR (created if missing) instead of printing inc(1)
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let pages = pages((ctx.parser)())?;
    let Some(dir) = args.output else {
        let (_, inc) = pages.first().expect("inc(1) comes first");
        ctx.out.write_all(inc)?;
        return Ok(());
    };
    let dir = ctx.env.cwd.join(dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, page) in &pages {
        crate::store::write_atomic(&dir.join(name), page)?;
    }
    writeln!(
        ctx.out,
        "Wrote {} man pages to {}",
        pages.len(),
        dir.display()
    )?;
    Ok(())
}

/// Every page by file name (`inc.1`, `inc-log.1`, `inc-runbook-new.1` …), inc(1) first. Hidden
/// commands (git's merge driver) get none.
pub fn pages(parser: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    let mut root = parser.disable_help_subcommand(true);
    root.build();
    let mut pages = Vec::new();
    collect(root, &mut pages)?;
    Ok(pages)
}

fn collect(command: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    // Subcommands have no version of their own: every page names the inc it documents.
    let man = clap_mangen::Man::new(command.clone())
        .source(format!("inc {}", crate::VERSION))
        .manual("inc manual");
    let mut page = Vec::new();
    man.render(&mut page)?;
    pages.push((man.get_filename(), page));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub.clone(), pages)?;
    }
    Ok(())
}
