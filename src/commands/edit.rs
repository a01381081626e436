//! `inc edit`: change the title or the summary, or edit incident.yaml by hand in the editor with
//! what was saved checked before it is kept.

use std::path::Path;

use anyhow::Result;

use super::{Ctx, one_line, update_incident};
use crate::cli::args::Person;
use crate::editor::Edit;
use crate::error::Error;
use crate::model::{Config, Incident, Kind};
use crate::store::{INCIDENT_FILE, Store};

/// Change the title, the summary or what customers read (each change logged), or edit
/// incident.yaml in $VISUAL/$EDITOR
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc edit --title \"Checkout API returns 502s\"
  inc edit --summary \"Failed over to the replica; error rate back to normal\" --at 14:50
  inc edit --public-title \"Card payments delayed\" --public-summary \"Some payments failed.\"
  EDITOR=vim inc edit        (any field; checked when you save)")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: Person,

    /// The new title (the id, made from the first title, stays as it is)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// The new summary, for people who join later ("" clears it); never shown to customers
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,

    /// The headline customers read (the status page, the external report, updates to them)
    #[arg(long, value_name = "TEXT")]
    pub public_title: Option<String>,

    /// What happened, in words for customers: what public outputs show instead of the summary
    #[arg(long, value_name = "TEXT")]
    pub public_summary: Option<String>,

    #[command(flatten)]
    pub when: crate::cli::args::AtArg,
}

/// How much of an old or new value a timeline entry quotes.
const QUOTED: usize = 100;

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    if args.title.is_none()
        && args.summary.is_none()
        && args.public_title.is_none()
        && args.public_summary.is_none()
    {
        return edit_by_hand(ctx, &args.who, args.when.at.as_deref());
    }
    let public_title = args
        .public_title
        .as_deref()
        .map(crate::public::checked_title)
        .transpose()?;
    let public_summary = args
        .public_summary
        .as_deref()
        .map(crate::public::checked_summary)
        .transpose()?;
    let title = args.title.as_deref().map(str::trim).map(String::from);
    if title.as_deref() == Some("") {
        return Err(Error::usage(
            "--title is empty: say what is broken, like \"Checkout API down\"",
        )
        .into());
    }
    let summary = args.summary.as_deref().map(str::trim).map(String::from);
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, args.when.at.as_deref())?;
    // Each field given is its own change, logged and committed on its own, in this order.
    let fields: [(&str, &str, Option<String>, Field); 4] = [
        ("title", "Title", title, |i| &mut i.title),
        ("summary", "Summary", summary, |i| &mut i.summary),
        ("public title", "Public title", public_title, |i| {
            &mut i.public_title
        }),
        ("public summary", "Public summary", public_summary, |i| {
            &mut i.public_summary
        }),
    ];
    for (action, label, value, field) in fields {
        let Some(value) = value else { continue };
        update_incident(
            ctx,
            &store,
            &args.who,
            &format!("edit {action}"),
            |incident, _| {
                let current = field(incident);
                if *current == value {
                    return Ok(None);
                }
                let text = format!("{label} {} → {}", quoted(current), quoted(&value));
                *current = value;
                Ok(Some((at, Kind::Edit, text)))
            },
        )?;
    }
    Ok(())
}

/// Where a field is in incident.yaml.
type Field = fn(&mut Incident) -> &mut String;

/// A value as a timeline entry quotes it: on one line, cut, `(none)` when empty.
fn quoted(value: &str) -> String {
    if value.trim().is_empty() {
        "(none)".to_string()
    } else {
        format!("\"{}\"", one_line(value, QUOTED))
    }
}

/// `inc edit` without options: incident.yaml in the editor. What is saved is checked as inc
/// checks its own writes, and written only if incident.yaml still holds what the editor was
/// given; otherwise the file stays as it is and the text typed is kept in a recovery file (see
/// [`crate::editor`]), so neither a change made meanwhile nor the typing is lost.
fn edit_by_hand(ctx: &mut Ctx<'_>, who: &Person, at: Option<&str>) -> Result<()> {
    let Some(editor) = ctx.env.editor.clone() else {
        return Err(Error::usage(
            "inc edit without --title or --summary opens incident.yaml in an editor: set VISUAL or EDITOR (e.g. EDITOR=vim)",
        )
        .into());
    };
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, at)?;
    let id = ctx.incident(&store, None)?;
    // Who is asked now, so a missing name is said before the editing, not after.
    ctx.by(&store, who)?;
    let path = store.incident_dir(&id).join(INCIDENT_FILE);
    let Some(mut edit) = Edit::open(&store, &path, "inc edit")? else {
        return Err(Error::state(format!(
            "{} does not exist: inc open makes it",
            store.display(&path)
        ))
        .into());
    };
    // The editor may stay open for an hour: the lock is not held meanwhile.
    let Some(edited) = edit.run(&editor, ctx.clock.now().timestamp())? else {
        writeln!(ctx.out, "{id}: nothing to change")?;
        return Ok(());
    };
    let applied = apply(ctx, &store, (&id, at), who, &edit, &edited);
    edit.finish(applied)
}

/// Writes what the editor saved, under the lock, if incident.yaml is as the editor was given it
/// and the text passes the checks.
fn apply(
    ctx: &mut Ctx<'_>,
    store: &Store,
    (id, at): (&str, Option<crate::time::Time>),
    who: &Person,
    edit: &Edit<'_>,
    edited: &str,
) -> Result<()> {
    let lock = ctx.lock(store)?;
    edit.check(&lock)?;
    let incident = validate(store.config(), edit.file(), edited)?;
    // The incident as it was, to know which fields changed; a file that did not parse before
    // (being fixed by hand now) has no fields to compare.
    let before: Option<Incident> = crate::model::from_yaml(edit.file(), edit.original()).ok();
    if before.as_ref() == Some(&incident) {
        // Only layout or comments changed: inc writes the file its own way anyway.
        writeln!(ctx.out, "{id}: nothing to change")?;
        return Ok(());
    }
    let by = ctx.by(store, who)?;
    let mut incident = incident;
    let text = match &before {
        Some(before) => {
            incident.stamp_changes(before, ctx.clock.now());
            format!("Edited incident.yaml: {}", changes(before, &incident))
        }
        None => "Edited incident.yaml (it did not parse before)".to_string(),
    };
    let mut entries = vec![ctx.entry(at, &by, Kind::Edit, text.clone())];
    // The severity's history is read from `Severity A → B` entries (as `inc sev` writes them):
    // a severity changed by hand is one too, or the timeline would disagree with the file.
    if let Some(before) = before.as_ref().filter(|b| b.severity != incident.severity) {
        let change = format!("Severity {} → {}", before.severity, incident.severity);
        entries.push(ctx.entry(at, &by, Kind::Status, change));
        if let Some(at) = at {
            incident.changed.insert("severity".to_string(), at);
        }
    }
    let timeline = store.append(id, &mut entries, ctx.id_seed())?;
    let incident_path = store.write_incident(id, &incident)?;
    edit.written();
    ctx.commit(store, &[incident_path, timeline], &format!("{id}: edit"))?;
    writeln!(ctx.out, "{id}: {text}")?;
    Ok(())
}

/// Parses the saved text and checks what inc's own commands would refuse: a severity or type
/// not in .inc.yaml, milestones out of order. Errors point at the line.
fn validate(config: &Config, shown: &Path, text: &str) -> Result<Incident, Error> {
    if let Some(line) = crate::model::conflict_marker_line(text) {
        return Err(at(shown, (line, 1), "a conflict marker: remove it".into()));
    }
    let incident: Incident = crate::model::from_yaml(shown, text)?;
    let locate = |path: &[&str]| crate::check::locate(text, path);
    if !config.severities.contains(&incident.severity) {
        return Err(at(
            shown,
            locate(&["severity"]),
            format!(
                "severity {} is not one of {}",
                incident.severity,
                config.severities.join(", ")
            ),
        ));
    }
    if !config.types.contains_key(&incident.kind) {
        return Err(at(
            shown,
            locate(&["type"]),
            format!(
                "type {} is not one of {}",
                incident.kind,
                config.types.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if let Some((field, message)) = crate::public::text_problems(&incident).into_iter().next() {
        return Err(at(shown, locate(&[field]), message));
    }
    if let Some((earlier, later)) = incident.milestones.out_of_order().first() {
        return Err(at(
            shown,
            locate(&["milestones", later.name()]),
            format!("milestones out of order: {later} is before {earlier}"),
        ));
    }
    Ok(incident)
}

fn at(path: &Path, (line, column): (u64, u64), message: String) -> Error {
    Error::File {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

/// `title "a" → "b", severity SEV2 → SEV1`: each field that changed, old → new.
fn changes(before: &Incident, after: &Incident) -> String {
    let old = before.fields();
    let show = |value: Option<&serde_json::Value>| match value {
        None | Some(serde_json::Value::Null) => "(none)".to_string(),
        Some(serde_json::Value::String(s)) => quoted(s),
        Some(other) => one_line(&other.to_string(), QUOTED),
    };
    let mut parts = Vec::new();
    let new = after.fields();
    for (path, value) in &new {
        if old.get(path) != Some(value) {
            parts.push(format!(
                "{path} {} → {}",
                show(old.get(path)),
                show(Some(value))
            ));
        }
    }
    for (path, value) in &old {
        if !new.contains_key(path) {
            parts.push(format!("{path} {} → (none)", show(Some(value))));
        }
    }
    if parts.is_empty() {
        // Only `changed:` itself, which is not a field of the incident.
        return "only the change times".to_string();
    }
    parts.join(", ")
}
