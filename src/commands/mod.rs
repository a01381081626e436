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

use anyhow::Result;

use crate::cli::args::Person;
use crate::error::Error;
use crate::model::{Incident, Kind, LogEntry, TimelineEntry};
use crate::store::Store;
use crate::time::Time;

pub use ctx::{Ctx, Current, JustResolved, current_choice, just_resolved, open_phrase};

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
