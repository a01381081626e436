//! `inc runbook`: the checklists attached to an incident: show their progress, attach or detach
//! one by hand, tick a step, or write a new runbook (from an incident's actions and decisions).

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::runbook::progress::{Attached, ProgressView};
use crate::model::runbook::{self, Runbook};
use crate::model::{Incident, Kind, TimelineEntry};
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
    pub incident: crate::cli::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::Person,

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
        #[arg(add = crate::complete::runbooks())]
        name: String,
        #[command(flatten)]
        when: crate::cli::AtArg,
    },
    /// Detach a runbook (`inc sev`, `inc impact` and `inc tag` do not attach it again)
    Detach {
        /// The runbook's name
        #[arg(add = crate::complete::runbooks())]
        name: String,
        #[command(flatten)]
        when: crate::cli::AtArg,
    },
    /// Tick a step: NAME:N, or N when one runbook is attached
    Done {
        /// The step: NAME:N (N counts from 1), or N with one runbook attached
        #[arg(add = crate::complete::steps())]
        step: String,
        #[command(flatten)]
        when: crate::cli::AtArg,
    },
    /// Write .inc/runbooks/NAME.md to fill in, optionally from an incident
    New {
        /// The runbook's name: lowercase letters, digits, - and _
        name: String,
        /// Start from this incident's actions, decisions and process improvements
        #[arg(long, value_name = "INCIDENT", add = crate::complete::incidents())]
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

/// A runbook entry: internal (it is how the team works, not what customers need).
fn entry(ctx: &Ctx<'_>, by: &str, kind: Kind, reference: String, text: String) -> TimelineEntry {
    let mut entry = ctx.entry(None, by, kind, text);
    entry.reference = Some(reference);
    entry.internal = true;
    entry
}

/// The entry that attaches `runbook`, and what it says.
pub(super) fn attach_entry(ctx: &Ctx<'_>, by: &str, runbook: &Runbook) -> TimelineEntry {
    let text = format!(
        "Attached runbook {} ({})",
        runbook.name,
        one_line(runbook.title(), 60)
    );
    entry(ctx, by, Kind::RunbookAttach, runbook.name.clone(), text)
}

/// The runbooks whose `when` matches `incident` and that are neither attached nor were detached
/// by hand. A runbook file that does not parse is skipped with a warning.
pub(super) fn matching(
    store: &Store,
    incident: &Incident,
    entries: &[TimelineEntry],
) -> Vec<Runbook> {
    let attached = runbook::attached(entries);
    crate::runbook::all(store)
        .into_iter()
        .filter(|r| r.matches(incident, store.config()))
        .filter(|r| !attached.iter().any(|a| a.name == r.name))
        .filter(|r| !runbook::was_detached(entries, &r.name))
        .collect()
}

/// The attach entries for the runbooks an amended incident (tags, impact services) newly
/// matches, for [`super::update_incident_with`]. Only while the incident is open: filling in tags
/// or impact after resolution must not hand out checklists nobody will follow.
pub(super) fn attach_on_change(
    store: &Store,
    ctx: &Ctx<'_>,
    incident: &Incident,
    by: &str,
    id: &str,
) -> Result<Vec<TimelineEntry>> {
    if !incident.status.is_open() {
        return Ok(Vec::new());
    }
    let logged: Vec<TimelineEntry> = store.load_log(id)?;
    Ok(matching(store, incident, &logged)
        .iter()
        .map(|r| attach_entry(ctx, by, r))
        .collect())
}

fn attach(
    ctx: &mut Ctx<'_>,
    person: &crate::cli::Person,
    name: &str,
    when: &crate::cli::AtArg,
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
    let mut new = [attach_entry(ctx, &by, &found)];
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
    person: &crate::cli::Person,
    name: &str,
    when: &crate::cli::AtArg,
) -> Result<()> {
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, person)?;
    let entries: Vec<TimelineEntry> = store.load_log(&id)?;
    let attached = runbook::attached(&entries);
    if !attached.iter().any(|a| a.name == name) {
        return Err(not_attached(&id, name, &attached).into());
    }
    let text = format!("Detached runbook {name}");
    let mut new = [entry(ctx, &by, Kind::RunbookDetach, name.to_string(), text)];
    ctx.backdate(&mut new[0], at);
    let path = store.append(&id, &mut new, ctx.id_seed())?;
    ctx.commit(&store, &[path], &format!("{id}: detach runbook {name}"))?;
    writeln!(ctx.out, "{id}: {}", new[0].text)?;
    Ok(())
}

fn not_attached(id: &str, name: &str, attached: &[Attached]) -> Error {
    let names: Vec<&str> = attached.iter().map(|a| a.name.as_str()).collect();
    let which = if names.is_empty() {
        "none is".to_string()
    } else {
        format!("attached: {}", names.join(", "))
    };
    Error::usage(format!(
        "runbook {name} is not attached to {id} ({which}); attach it with `inc runbook attach {name}`"
    ))
}

/// A step an incident's attached runbooks name, checked: (runbook, step number).
pub(super) struct Found {
    pub runbook: Runbook,
    pub number: usize,
}

impl Found {
    pub fn reference(&self) -> String {
        format!("{}:{}", self.runbook.name, self.number)
    }

    pub fn step(&self) -> &runbook::Step {
        self.runbook
            .step(self.number)
            .expect("checked by find_step")
    }

    /// The entry that ticks the step.
    pub fn tick(&self, ctx: &Ctx<'_>, by: &str, how: &str) -> TimelineEntry {
        let text = format!(
            "Done {}{how}: {}",
            self.reference(),
            one_line(&self.step().text, 200)
        );
        entry(ctx, by, Kind::RunbookStep, self.reference(), text)
    }
}

/// The step `input` names (`NAME:N`, or `N` with one runbook attached), refused when it is not
/// there or is done already (a `(repeats)` step can be done again).
pub(super) fn find_step(
    store: &Store,
    id: &str,
    input: &str,
    tz: &jiff::tz::TimeZone,
) -> Result<Found> {
    let entries: Vec<TimelineEntry> = store.load_log(id)?;
    let attached = runbook::attached(&entries);
    let input = input.trim();
    let (name, number) = match input.rsplit_once(':') {
        Some((name, number)) => (name.to_string(), number),
        None => match attached.as_slice() {
            [one] => (one.name.clone(), input),
            [] => {
                return Err(Error::usage(format!(
                    "{id} has no runbook attached: attach one with `inc runbook attach NAME`"
                ))
                .into());
            }
            many => {
                let names: Vec<&str> = many.iter().map(|a| a.name.as_str()).collect();
                return Err(Error::usage(format!(
                    "{} runbooks are attached ({}): name the step as NAME:{input}",
                    many.len(),
                    names.join(", ")
                ))
                .into());
            }
        },
    };
    let Some(progress) = attached.iter().find(|a| a.name == name).cloned() else {
        return Err(not_attached(id, &name, &attached).into());
    };
    let Some((_, found)) = runbooks::load(store, &name)? else {
        return Err(Error::state(format!(
            "runbook {name} is attached but {} is gone: restore it, or `inc runbook detach {name}`",
            runbooks::shown(&name).display()
        ))
        .into());
    };
    let count = found.steps.len();
    let number = number
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=count).contains(n))
        .ok_or_else(|| {
            Error::usage(format!(
                "\"{input}\" is not a step of {name}: its steps are {name}:1 to {name}:{count} (`inc runbook` lists them)"
            ))
        })?;
    let step = found.step(number).expect("in range");
    if !step.repeats
        && let Some((at, by)) = progress.done.get(&number).and_then(|d| d.first())
    {
        return Err(Error::usage(format!(
            "{name}:{number} was already done by {by} at {}",
            at.short(tz)
        ))
        .into());
    }
    Ok(Found {
        runbook: found,
        number,
    })
}

fn done(
    ctx: &mut Ctx<'_>,
    person: &crate::cli::Person,
    input: &str,
    when: &crate::cli::AtArg,
) -> Result<()> {
    let store = ctx.store()?;
    let at = ctx.at_in_incident(&store, when.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, person)?;
    let found = find_step(&store, &id, input, ctx.clock.tz())?;
    let mut new = [found.tick(ctx, &by, "")];
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
