//! `inc runbook`: the checklists attached to an incident: show their progress, attach or detach
//! one by hand, tick a step, or write a new runbook (from an incident's actions and decisions).

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::runbook;
use crate::model::runbook::progress::ProgressView;
use crate::model::{Kind, TimelineEntry};
use crate::store::layout::RUNBOOKS_DIR;
use crate::store::{Store, runbooks};

/// Show the incident's runbooks with their progress, attach or detach one, tick a step, or write
/// a new runbook
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  inc runbook                          the attached checklists and what is next
  inc runbook done break-glass:2       tick step 2 of break-glass (or just `2` with one runbook)
  inc runbook done 3 --at 14:52        it was done at 14:52
  inc runbook new db-failover --from 2026-11-22-checkout-api-down")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Show the attached runbooks, every step, and the next one due (the default)
    Show,
    /// Attach a runbook from .inc/runbooks by hand
    Attach {
        /// The runbook's name (its file name without .md)
        #[arg(add = crate::cli::complete::runbooks())]
        name: String,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
    /// Detach a runbook (`inc sev`, `inc impact` and `inc tag` do not attach it again)
    Detach {
        /// The runbook's name
        #[arg(add = crate::cli::complete::runbooks())]
        name: String,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
    /// Tick a step: NAME:N, or N when one runbook is attached
    Done {
        /// The step: NAME:N (N counts from 1), or N with one runbook attached
        #[arg(add = crate::cli::complete::steps())]
        step: String,
        #[command(flatten)]
        when: crate::cli::args::AtArg,
    },
    /// Write .inc/runbooks/NAME.md to fill in, optionally from an incident
    New {
        /// The runbook's name: lowercase letters, digits, - and _
        name: String,
        /// Start from this incident's actions, decisions and process improvements
        #[arg(long, value_name = "INCIDENT", add = crate::cli::complete::incidents())]
        from: Option<String>,
    },
}

impl Args {
    /// Whether the command writes (everything but showing).
    pub fn writes(&self) -> bool {
        !matches!(self.action, None | Some(Action::Show))
    }

    /// Whether it is `inc runbook new`, which writes a file but no incident.
    pub fn is_new(&self) -> bool {
        matches!(self.action, Some(Action::New { .. }))
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    match args.action {
        None | Some(Action::Show) => show(ctx),
        Some(Action::Attach { name, when }) => attach(ctx, &args.who, &name, &when),
        Some(Action::Detach { name, when }) => detach(ctx, &args.who, &name, &when),
        Some(Action::Done { step, when }) => done(ctx, &args.who, &step, &when),
        Some(Action::New { name, from }) => new(ctx, &name, from.as_deref()),
    }
}

fn show(ctx: &mut Ctx<'_>) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, None)?;
    let incident = store.load_incident(&id)?;
    let entries: Vec<TimelineEntry> = store.load_log(&id)?;
    let progress = runbooks::progress(&store, &entries);
    if progress.is_empty() {
        let names = runbooks::names(store.root());
        let hint = if names.is_empty() {
            "write one with `inc runbook new NAME`".to_string()
        } else {
            format!(
                "attach one with `inc runbook attach NAME` ({})",
                names.join(", ")
            )
        };
        writeln!(ctx.out, "{id}: no runbooks attached; {hint}")?;
        return Ok(());
    }
    let now = ctx.clock.now();
    let views: Vec<ProgressView> = progress
        .iter()
        .map(|p| p.view(&incident.severity, incident.began(), now))
        .collect();
    print_progress(ctx.out, &views, &ctx.clock)
}

/// The checklists, one step a line: `[x]` done (when, by whom), `[ ]` to do, `[~]` repeating.
pub fn print_progress(
    out: &mut dyn std::io::Write,
    views: &[ProgressView],
    clock: &crate::time::Clock,
) -> Result<()> {
    let tz = clock.tz();
    for (index, view) in views.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        if view.missing {
            writeln!(
                out,
                "{}: the file {} is missing or broken (inc check says why)",
                view.name,
                runbooks::shown(&view.name).display()
            )?;
            continue;
        }
        writeln!(
            out,
            "{} ({}): {}/{} done",
            view.name,
            one_line(&view.title, 60),
            view.done,
            view.total
        )?;
        for step in &view.steps {
            let number = step.step.rsplit_once(':').map_or("", |(_, n)| n);
            let mark = match (step.repeats, step.done_at.is_some()) {
                (true, _) => "[~]",
                (false, true) => "[x]",
                (false, false) => "[ ]",
            };
            let mut tail = Vec::new();
            if step.pre_approved {
                tail.push("pre-approved".to_string());
            }
            if let (Some(at), Some(by)) = (step.done_at, &step.done_by) {
                tail.push(format!("done {} by {by}", at.short(tz)));
            }
            if let Some(due) = step.due {
                tail.push(runbook::progress::due_text(due, clock));
            }
            let tail = if tail.is_empty() {
                String::new()
            } else {
                format!(" ({})", tail.join("; "))
            };
            writeln!(
                out,
                "  {mark} {number:>2}. {}{tail}",
                one_line(&step.text, 90)
            )?;
        }
        if let Some(next) = &view.next {
            writeln!(out, "  next: {} {}", next.step, one_line(&next.text, 60))?;
        }
    }
    Ok(())
}

fn attach(
    ctx: &mut Ctx<'_>,
    person: &crate::cli::args::Person,
    name: &str,
    when: &crate::cli::args::AtArg,
) -> Result<()> {
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, person)?;
    let Some((_, found)) = runbooks::load(&store, name)? else {
        return Err(unknown(&store, name).into());
    };
    let entries: Vec<TimelineEntry> = store.load_log(&id)?;
    if runbook::attached(&entries).iter().any(|a| a.name == name) {
        writeln!(ctx.out, "{id}: runbook {name} is already attached")?;
        return Ok(());
    }
    let mut new = [crate::runbook::attach_entry(ctx.stamp(None), &by, &found)];
    ctx.backdate(&mut new[0], at);
    let path = store.append(&id, &mut new, ctx.id_seed())?;
    ctx.commit(&store, &[path], &format!("{id}: attach runbook {name}"))?;
    writeln!(ctx.out, "{id}: {}", new[0].text)?;
    Ok(())
}

fn unknown(store: &Store, name: &str) -> Error {
    let names = runbooks::names(store.root());
    let known = if names.is_empty() {
        "there are none yet: write one with `inc runbook new NAME`".to_string()
    } else {
        format!("use one of {}", names.join(", "))
    };
    Error::usage(format!(
        "no runbook \"{name}\" in {}: {known}",
        RUNBOOKS_DIR
    ))
}

fn detach(
    ctx: &mut Ctx<'_>,
    person: &crate::cli::args::Person,
    name: &str,
    when: &crate::cli::args::AtArg,
) -> Result<()> {
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, person)?;
    let entries: Vec<TimelineEntry> = store.load_log(&id)?;
    let attached = runbook::attached(&entries);
    if !attached.iter().any(|a| a.name == name) {
        return Err(crate::runbook::not_attached(&id, name, &attached).into());
    }
    let mut new = [crate::runbook::detach_entry(ctx.stamp(None), &by, name)];
    ctx.backdate(&mut new[0], at);
    let path = store.append(&id, &mut new, ctx.id_seed())?;
    ctx.commit(&store, &[path], &format!("{id}: detach runbook {name}"))?;
    writeln!(ctx.out, "{id}: {}", new[0].text)?;
    Ok(())
}

fn done(
    ctx: &mut Ctx<'_>,
    person: &crate::cli::args::Person,
    input: &str,
    when: &crate::cli::args::AtArg,
) -> Result<()> {
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, person)?;
    let found = crate::runbook::find_step(&store, &id, input, ctx.clock.tz())?;
    let mut new = [found.tick(ctx.stamp(None), &by, "")];
    ctx.backdate(&mut new[0], at);
    let path = store.append(&id, &mut new, ctx.id_seed())?;
    ctx.commit(
        &store,
        &[path],
        &format!("{id}: runbook done {}", found.reference()),
    )?;
    writeln!(ctx.out, "{id}: {}", one_line(&new[0].text, 120))?;
    Ok(())
}

fn new(ctx: &mut Ctx<'_>, name: &str, from: Option<&str>) -> Result<()> {
    let store = ctx.store()?;
    if !runbook::valid_name(name) {
        return Err(Error::usage(format!(
            "\"{name}\" is not a runbook name: use lowercase letters, digits, - and _, like db-failover"
        ))
        .into());
    }
    let path = runbooks::path(store.root(), name);
    crate::store::refuse_links(store.root(), &path)?;
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::usage(format!(
            "{} already exists: edit it, or choose another name",
            runbooks::shown(name).display()
        ))
        .into());
    }
    let steps = match from {
        Some(query) => {
            let id = store.resolve(query)?;
            Some((id.clone(), learned(&store, &id)?))
        }
        None => None,
    };
    let text = scaffold(
        name,
        steps.as_ref().map(|(id, s)| (id.as_str(), s.as_slice())),
    );
    let _lock = ctx.lock(&store)?;
    std::fs::create_dir_all(store.root().join(RUNBOOKS_DIR))?;
    store.write_file(&path, text.as_bytes())?;
    ctx.commit(
        &store,
        std::slice::from_ref(&path),
        &format!("inc: runbook new {name}"),
    )?;
    writeln!(ctx.out, "{}", store.display(&path))?;
    Ok(())
}

/// The steps an incident teaches: its action and decision entries, then its post-mortem's
/// Improvements of type `process`. A `(pre-approved)` suffix is dropped: approval is given when
/// the runbook is reviewed, never copied from a logbook.
fn learned(store: &Store, id: &str) -> Result<Vec<String>> {
    // What was struck from the logbook teaches nothing.
    let (entries, _) = crate::model::strike::split(store.load_log(id)?);
    let mut steps: Vec<String> = crate::model::log::sorted(&entries)
        .into_iter()
        .filter(|e| matches!(e.kind, Kind::Action | Kind::Decision))
        .filter_map(learned_step)
        .collect();
    if let Some(postmortem) = store.load_postmortem(id)? {
        steps.extend(
            postmortem
                .improvements
                .iter()
                .filter(|i| {
                    i.kind
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case("process"))
                })
                .map(|i| i.text.clone()),
        );
    }
    Ok(steps
        .iter()
        .map(|s| {
            let mut text = one_line(s, 200);
            loop {
                let lower = text.to_ascii_lowercase();
                let cut = [runbook::PRE_APPROVED, runbook::REPEATS]
                    .into_iter()
                    .find(|m| lower.trim_end().ends_with(m));
                match cut {
                    Some(m) => {
                        let keep = text.trim_end().len() - m.len();
                        text = text[..keep].trim_end().to_string();
                    }
                    None => break,
                }
            }
            text
        })
        .filter(|s| !s.is_empty())
        .collect())
}

/// The step a logbook entry teaches. What `inc exec` ran becomes "Run `COMMAND`" (its logged
/// exit and duration mean nothing next time); a command that failed teaches nothing.
fn learned_step(entry: &TimelineEntry) -> Option<String> {
    match crate::report::Exec::parse(entry.kind, &entry.text) {
        Some(exec) if exec.ok => Some(format!("Run `{}`", exec.command)),
        Some(_) => None,
        None => Some(entry.text.clone()),
    }
}

/// A new runbook's text: front matter to fill in, and the steps (learned from `from`, if given).
fn scaffold(name: &str, from: Option<(&str, &[String])>) -> String {
    let mut text = format!(
        "---
title: {name}
# When `inc open` and `inc sev` attach it by themselves: every list given must match one of its
# values. Leave them all empty to attach it only by hand (`inc runbook attach {name}`).
when:
  severity: []
  tags: []
  services: []
  types: []
---
# {name}

<!-- One step per checklist item. End a step with (pre-approved) once the change it makes has
been reviewed, so `inc exec --step` may run it without the incident lead's approval; end it with
(repeats) to have it come back on a cadence. -->

"
    );
    match from {
        Some((id, steps)) if !steps.is_empty() => {
            text.push_str(&format!(
                "<!-- From {id}: its actions and decisions, then its process improvements. -->\n\n"
            ));
            for step in steps {
                text.push_str(&format!("- [ ] {step}\n"));
            }
        }
        Some((id, _)) => {
            text.push_str(&format!(
                "<!-- {id} logged no actions, decisions or process improvements. -->\n\n- [ ] First step\n"
            ));
        }
        None => text.push_str("- [ ] First step\n"),
    }
    text
}
