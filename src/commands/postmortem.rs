//! `inc postmortem`: scaffold postmortem.md from the template and the logbook.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::Ctx;
use crate::error::Error;
use crate::postmortem::FILE;
use crate::report::{self, Context};
use crate::views::Loaded;

/// Write postmortem.md from the template (timeline and statistics filled in), and commit it
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// Open it in $VISUAL or $EDITOR, and commit what you saved
    #[arg(long)]
    pub edit: bool,

    /// Write it again from the template even though it exists (its text is lost)
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let editor = ctx.env.editor.clone();
    if args.edit && editor.is_none() {
        return Err(
            Error::usage("--edit needs an editor: set VISUAL or EDITOR (e.g. EDITOR=vim)").into(),
        );
    }
    let store = ctx.store()?;
    let id = ctx.incident(&store, None)?;
    let path = store.incident_dir(&id).join(FILE);
    let exists = path.exists();
    let write = !exists || args.force;
    if exists && !args.force && !args.edit {
        return Err(Error::usage(format!(
            "{} exists and inc never overwrites it: edit it (inc postmortem --edit), or pass --force to start again from the template",
            store.display(&path)
        ))
        .into());
    }
    let message = |action: &str| format!("{id}: {action}");
    if write {
        let _lock = ctx.lock(&store)?;
        let by = ctx.by(&store, &args.who)?;
        let loaded = Loaded::load_logs(&store, &id)?;
        let template = report::find(store.root(), "postmortem")?;
        let options = report::Options {
            authors: vec![by],
            ..report::Options::default()
        };
        let context = Context::new(&loaded, store.config(), &ctx.clock, options);
        let text = report::render(&template, context.into_value(&[]), ctx.clock.tz())?;
        store.write_file(&path, text.as_bytes())?;
        ctx.commit(&store, std::slice::from_ref(&path), &message("postmortem"))?;
    }
    // The editor may stay open for an hour: the lock is not held meanwhile.
    if let Some(editor) = editor.filter(|_| args.edit) {
        // An editor follows a link: it would show and change a file outside the repository.
        crate::store::refuse_links(store.root(), &path)?;
        edit(&editor, &path)?;
        let _lock = ctx.lock(&store)?;
        ctx.commit(
            &store,
            std::slice::from_ref(&path),
            &message("edit postmortem"),
        )?;
    }
    writeln!(ctx.out, "{}", store.display(&path))?;
    Ok(())
}

/// Runs the user's editor on `path` the way git does: through the shell, so `code --wait` works.
fn edit(editor: &str, path: &Path) -> Result<()> {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor ({editor})"))?;
    if !status.success() {
        return Err(Error::state(format!(
            "the editor ({editor}) exited with {status}; {} is saved as it was",
            path.display()
        ))
        .into());
    }
    Ok(())
}
