//! One module per command. Each takes its validated arguments and a [`Ctx`], and calls the domain
//! modules; commands never call each other.

pub mod actions;
pub mod attach;
pub mod change;
pub mod check;
pub mod comms;
mod comms_send;
mod comms_snooze;
pub mod completions;
pub mod config;
mod ctx;
pub mod demo;
pub mod edit;
pub mod exec;
pub mod export;
mod globals;
pub mod impact;
pub mod import;
pub mod init;
pub mod link;
pub mod list;
pub mod log;
pub mod maintenance;
pub mod man;
pub mod mark;
pub mod merge_driver;
pub mod open;
pub mod postmortem;
pub mod related;
pub mod report;
pub mod resolve;
pub mod role;
pub mod roles;
pub mod runbook;
pub mod schema;
pub mod search;
pub mod sev;
pub mod show;
pub mod site;
pub mod stats;
pub mod status;
pub mod strike;
pub mod sync;
pub mod tag;
pub mod unlink;
pub mod use_incident;
pub mod webhooks;

use std::io::Write;

use anyhow::Result;

use crate::Env;
use crate::cli::args::Person;
use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::model::{Incident, Kind, LogEntry, TimelineEntry};
use crate::store::Store;
use crate::time::{Clock, Time};

pub use ctx::{Ctx, Current, JustResolved, current_choice, just_resolved, open_phrase};

/// Dispatches a parsed command line.
pub fn run(cli: Cli, env: &Env, out: &mut dyn Write) -> Result<()> {
    globals::check(&cli.global, &cli.command)?;
    // Decided once, before any output may go through a pager (which is not a terminal).
    let env = &Env {
        color: crate::cli::term::color(
            cli.global.color,
            env.color,
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        ),
        ..env.clone()
    };
    crate::views::set_terminal_width(env.columns);
    let needs = cli.command.needs();
    // A user config file that does not parse would leave settings half applied; `inc config`
    // reports it itself (and `inc config path` still says where it is). Commands that use none
    // of the settings run anyway: git runs the merge driver in the middle of a pull.
    if needs.settings {
        env.settings.file()?;
    }
    let clock = Clock::system(env.now.as_deref())?;
    // Whatever a command prints may quote the repository's files: control characters are
    // escaped on the way out, but by the commands that style their own output.
    let mut escaping;
    let out: &mut dyn Write = if needs.raw_output {
        out
    } else {
        escaping = crate::text::Escaping::new(out);
        &mut escaping
    };
    let hook = needs.hook;
    let person = Person {
        by: needs.person.and_then(|p| p.by.clone()),
    };
    let mut ctx = Ctx {
        global: &cli.global,
        env,
        clock,
        out,
        repo: Default::default(),
        recorded: Default::default(),
        notes: Default::default(),
    };
    let result = match cli.command {
        Command::Init(args) => init::run(&mut ctx, args),
        Command::Open(args) => open::run(&mut ctx, args),
        Command::Log(args) => log::run(&mut ctx, args),
        Command::Strike(args) => strike::run(&mut ctx, args),
        Command::MergeDriver(args) => merge_driver::run(&mut ctx, args),
        Command::Mark(args) => mark::run(&mut ctx, args),
        Command::Resolve(args) => resolve::run(&mut ctx, args),
        Command::Status(args) => status::run(&mut ctx, args),
        Command::Sev(args) => sev::run(&mut ctx, args),
        Command::Impact(args) => impact::run(&mut ctx, args),
        Command::Edit(args) => edit::run(&mut ctx, args),
        Command::Tag(args) => tag::run(&mut ctx, args),
        Command::Link(args) => link::run(&mut ctx, args),
        Command::Unlink(args) => unlink::run(&mut ctx, args),
        Command::List(args) => list::run(&mut ctx, args),
        Command::Show(args) => show::run(&mut ctx, args),
        Command::Use(args) => use_incident::run(&mut ctx, args),
        Command::Role(args) => role::run(&mut ctx, args),
        Command::Roles(args) => roles::run(&mut ctx, args),
        Command::Comms(args) => comms::run(&mut ctx, args),
        Command::Change(args) => change::run(&mut ctx, args),
        Command::Exec(args) => exec::run(&mut ctx, args),
        Command::Runbook(args) => runbook::run(&mut ctx, args),
        Command::Postmortem(args) => postmortem::run(&mut ctx, args),
        Command::Actions(args) => actions::run(&mut ctx, args),
        Command::Check(args) => check::run(&mut ctx, args),
        Command::Report(args) => report::run(&mut ctx, args),
        Command::Stats(args) => stats::run(&mut ctx, args),
        Command::Maintenance(args) => maintenance::run(&mut ctx, args),
        Command::Site(args) => site::run(&mut ctx, args),
        Command::Search(args) => search::run(&mut ctx, args),
        Command::Related(args) => related::run(&mut ctx, args),
        Command::Attach(args) => attach::run(&mut ctx, args),
        Command::Import(args) => import::run(&mut ctx, args),
        Command::Webhooks(args) => webhooks::run(&mut ctx, args),
        Command::Export(args) => export::run(&mut ctx, args),
        Command::Sync(args) => sync::run(&mut ctx, args),
        Command::Schema(args) => schema::run(&mut ctx, args),
        Command::Demo(args) => demo::run(&mut ctx, args),
        Command::Completions(args) => completions::run(&mut ctx, args),
        Command::Man(args) => man::run(&mut ctx, args),
        Command::Config(args) => config::run(&mut ctx, args),
    };
    if result.is_ok() {
        ctx.say_back();
    }
    // Whatever the command's result, a record it made is made: `inc exec` logs a command that
    // failed, and exits with its status.
    if let (Some(event), Some(recorded)) = (hook, ctx.recorded.take()) {
        let skip = cli.global.no_hooks || env.no_hooks;
        let by = |store: &Store| ctx.by(store, &person).unwrap_or_default();
        crate::hooks::fire(event, &recorded, &ctx.clock, skip, by);
    }
    result
}

// Commands import it from here; it lives in text.rs so lower layers can use it too.
pub use crate::text::one_line;

/// Appends `entry` to its own log and `note` to the timeline, then commits both files with
/// `message`. Both appends are checked before either is written.
pub fn record<E: LogEntry>(
    ctx: &Ctx<'_>,
    store: &Store,
    id: &str,
    entry: E,
    note: TimelineEntry,
    message: &str,
) -> Result<(E, TimelineEntry)> {
    let mut entries = [entry];
    let mut notes = [note];
    let log = store.prepare_append(id, &mut entries, ctx.id_seed())?;
    let timeline = store.prepare_append(id, &mut notes, ctx.id_seed())?;
    let paths = [log.write()?, timeline.write()?];
    ctx.commit(store, &paths, message)?;
    let ([entry], [note]) = (entries, notes);
    ctx.recorded(store, id, Some(&note));
    Ok((entry, note))
}

/// Loads an incident, applies `change`, writes it back with one timeline entry, and commits both
/// with the message `<id>: <action>`. Used by every command that changes incident.yaml (mark,
/// status, sev, resolve). `change` returns `None` when there is nothing to change.
pub fn update_incident(
    ctx: &mut Ctx<'_>,
    store: &Store,
    person: &Person,
    action: &str,
    change: impl FnOnce(&mut Incident, &str) -> Result<Option<(Option<Time>, Kind, String)>>,
) -> Result<()> {
    update_incident_with(ctx, store, person, action, change, |_, _, _, _| {
        Ok(Vec::new())
    })
}

/// [`update_incident`], with `more` entries logged in the same commit, just before the change's
/// own (`inc sev` attaches the runbooks the new severity matches). `more` sees the incident as
/// changed, who acts, and its id; each entry it returns is printed too.
pub fn update_incident_with(
    ctx: &mut Ctx<'_>,
    store: &Store,
    person: &Person,
    action: &str,
    change: impl FnOnce(&mut Incident, &str) -> Result<Option<(Option<Time>, Kind, String)>>,
    more: impl FnOnce(&Ctx<'_>, &Incident, &str, &str) -> Result<Vec<TimelineEntry>>,
) -> Result<()> {
    let _lock = ctx.lock(store)?;
    let id = ctx.incident(store, None)?;
    let by = ctx.by(store, person)?;
    let mut incident = store.load_incident(&id)?;
    let before = incident.clone();
    let Some((at, kind, text)) = change(&mut incident, &by)? else {
        writeln!(ctx.out, "{id}: nothing to change")?;
        return Ok(());
    };
    if let Some((earlier, later)) = incident.milestones.out_of_order().first() {
        let tz = ctx.clock.tz();
        let show = |m: crate::model::Milestone| {
            incident
                .milestones
                .get(m)
                .map(|t| t.short(tz))
                .unwrap_or_default()
        };
        return Err(Error::usage(format!(
            "{earlier} ({}) would be after {later} ({}): check --at",
            show(*earlier),
            show(*later)
        ))
        .into());
    }
    // Change times let a merge with another clone keep whichever change was made later.
    incident.stamp_changes(&before, ctx.clock.now());
    // The severity in force is the latest by when it changed, not by when that was typed:
    // a merge keeps the change that took effect last, as the timeline orders them.
    if let Some(at) = at.filter(|_| incident.severity != before.severity) {
        incident.changed.insert("severity".to_string(), at);
    }
    let mut entries = more(ctx, &incident, &by, &id)?;
    for entry in &mut entries {
        ctx.backdate(entry, at);
    }
    let extra: Vec<String> = entries.iter().map(|e| e.text.clone()).collect();
    entries.push(ctx.entry(at, &by, kind, text.clone()));
    let timeline = store.append(&id, &mut entries, ctx.id_seed())?;
    let incident_path = store.write_incident(&id, &incident)?;
    ctx.commit(
        store,
        &[incident_path, timeline],
        &format!("{id}: {action}"),
    )?;
    ctx.recorded(store, &id, entries.last());
    writeln!(ctx.out, "{id}: {text}{}", ctx.other_day(at))?;
    for line in extra {
        writeln!(ctx.out, "{id}: {line}")?;
    }
    Ok(())
}

/// What a command that sets `started` or `detected` says back when the first signal came before
/// the impact: that is allowed (a warning before anyone was affected), and said so that a typo
/// in either time does not pass unnoticed.
pub(crate) fn signal_note(
    clock: &crate::time::Clock,
    m: &crate::model::Milestones,
) -> Option<String> {
    let lead = m.signal_before_impact()?;
    Some(format!(
        "detected {} is {} before started {}: recorded as a first signal before the impact",
        clock.show(m.detected?),
        crate::time::format_duration(jiff::SignedDuration::from_secs(lead)),
        clock.show(m.started?),
    ))
}

// Printing JSON is rendering, so it lives in views, below the commands that use it.
pub use crate::views::print_json;
