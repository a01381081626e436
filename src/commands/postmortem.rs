//! `inc postmortem`: scaffold postmortem.md from the template and the logbook.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::Ctx;
use crate::editor::Edit;
use crate::error::Error;
use crate::model::Kind;
use crate::model::incident::Waiver;
use crate::report::{self, Context};
use crate::store::layout::POSTMORTEM_FILE;
use crate::store::{Loaded, Store};

/// Write postmortem.md from the template (timeline and statistics filled in), and commit it
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc postmortem\n  inc postmortem --edit\n  inc postmortem --refresh\n  inc postmortem --waive --reason \"Imported history: written up in the old wiki\""
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// Open it in $VISUAL or $EDITOR, and commit what you saved
    #[arg(long)]
    pub edit: bool,

    /// Write it again from the template even though it exists (its text is lost)
    #[arg(long)]
    pub force: bool,

    /// Rewrite the generated parts (timeline, statistics) from the incident's files now; every
    /// section people wrote stays as it is
    #[arg(long, conflicts_with_all = ["force", "edit"])]
    pub refresh: bool,

    /// Waive the post-mortem: this incident owes none, and `inc check` stops asking for it
    /// (history imported from elsewhere, a duplicate); needs --reason
    #[arg(long, conflicts_with_all = ["force", "edit", "refresh"], requires = "reason")]
    pub waive: bool,

    /// Why the post-mortem is waived (with --waive); kept in incident.yaml and the logbook
    #[arg(long, value_name = "TEXT", requires = "waive")]
    pub reason: Option<String>,
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
    let path = store.incident_dir(&id).join(POSTMORTEM_FILE);
    let exists = path.exists();
    if args.waive {
        return waive(ctx, &store, &id, exists, &args);
    }
    if args.refresh {
        if !exists {
            return Err(Error::usage(format!(
                "{} does not exist yet, so there is nothing to refresh: write it with inc postmortem",
                store.display(&path)
            ))
            .into());
        }
        return refresh(ctx, &store, &id, &path, &args);
    }
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
        let text = scaffold(ctx, &store, &id, by)?;
        store.write_file(&path, text.as_bytes())?;
        ctx.commit(&store, std::slice::from_ref(&path), &message("postmortem"))?;
    }
    // The editor may stay open for an hour: the lock is not held meanwhile.
    if let Some(editor) = editor.filter(|_| args.edit) {
        let Some(mut edit) = Edit::open(&store, &path, "inc postmortem --edit")? else {
            return Err(Error::state(format!(
                "{} disappeared before the editor opened: run inc postmortem to write it",
                store.display(&path)
            ))
            .into());
        };
        if let Some(text) = edit.run(&editor, ctx.clock.now().timestamp())? {
            let applied = (|| {
                let lock = ctx.lock(&store)?;
                edit.write(&lock, &text)?;
                ctx.commit(
                    &store,
                    std::slice::from_ref(&path),
                    &message("edit postmortem"),
                )
            })();
            edit.finish(applied)?;
        } else if !write {
            writeln!(ctx.out, "{id}: nothing to change")?;
            return Ok(());
        }
    }
    ctx.recorded(&store, &id, None);
    writeln!(ctx.out, "{}", store.display(&path))?;
    Ok(())
}

/// `--waive --reason TEXT`: `postmortem_waived` in incident.yaml and an `edit` entry saying why,
/// one commit. Refused when there is a post-mortem (nothing to waive) or it is waived already.
fn waive(ctx: &mut Ctx<'_>, store: &Store, id: &str, exists: bool, args: &Args) -> Result<()> {
    let reason = args
        .reason
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if reason.is_empty() {
        return Err(Error::usage(
            "--reason is empty: say why this incident owes no post-mortem, like --reason \"imported history\"",
        )
        .into());
    }
    if exists {
        return Err(Error::usage(format!(
            "{id} has a post-mortem ({}): there is nothing to waive",
            store.display(&store.incident_dir(id).join(POSTMORTEM_FILE))
        ))
        .into());
    }
    let now = ctx.clock.now();
    let tz = ctx.clock.tz().clone();
    super::update_incident(ctx, store, &args.who, "waive postmortem", |incident, by| {
        if let Some(w) = &incident.postmortem_waived {
            return Err(Error::usage(format!(
                "{id}'s post-mortem was waived already, by {} at {} ({}): to change why, edit postmortem_waived in incident.yaml",
                w.by,
                w.at.short(&tz),
                crate::text::one_line(&w.reason, 60)
            ))
            .into());
        }
        incident.postmortem_waived = Some(Waiver {
            reason: reason.clone(),
            by: by.to_string(),
            at: now,
        });
        Ok(Some((
            None,
            Kind::Edit,
            format!("Post-mortem waived: {reason}"),
        )))
    })
}

/// The post-mortem as the template renders it from the incident's files now, its suggestions
/// sealed (see [`crate::model::postmortem::refresh`]).
fn scaffold(ctx: &Ctx<'_>, store: &Store, id: &str, author: String) -> Result<String> {
    let loaded = Loaded::load_logs(store, id)?;
    let template = report::find(store.root(), "postmortem")?;
    let options = report::Options {
        authors: vec![author],
        ..report::Options::default()
    };
    let context = Context::new(&loaded, store.config(), &ctx.clock, options);
    let zone = store.config().report_zone()?;
    let text = report::render(&template, context.into_value(), &zone)?;
    Ok(crate::model::postmortem::refresh::seal(&text))
}

/// `--refresh`: the generated parts rewritten in place, everything else kept byte for byte.
fn refresh(ctx: &mut Ctx<'_>, store: &Store, id: &str, path: &Path, args: &Args) -> Result<()> {
    let _lock = ctx.lock(store)?;
    let by = ctx.by(store, &args.who)?;
    // Parsing first refuses what inc refuses everywhere (conflict markers, a broken front matter).
    store.load_postmortem(id)?;
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(Error::state(format!(
            "{} is a symbolic link: inc only rewrites files inside the repository; replace it with the file",
            store.display(path)
        ))
        .into());
    }
    let existing =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let fresh = scaffold(ctx, store, id, by)?;
    let done = crate::model::postmortem::refresh::refresh(&existing, &fresh);
    let shown = store.display(path);
    for name in &done.kept {
        writeln!(
            ctx.out,
            "{shown}: kept the {name} you edited (inc only rewrites its own suggestion)"
        )?;
    }
    for name in &done.missing {
        eprintln!(
            "warning: {shown} has no ## {} section: add the heading and refresh again to get it",
            crate::text::capitalized(name)
        );
    }
    if done.rewritten.is_empty() {
        writeln!(ctx.out, "{shown} is up to date")?;
        return Ok(());
    }
    store.write_file(path, done.text.as_bytes())?;
    ctx.commit(
        store,
        &[path.to_path_buf()],
        &format!("{id}: refresh postmortem ({})", done.rewritten.join(", ")),
    )?;
    ctx.recorded(store, id, None);
    writeln!(ctx.out, "{shown}: rewrote {}", done.rewritten.join(", "))?;
    Ok(())
}
