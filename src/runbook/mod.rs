//! Runbooks at work on incidents: choosing the repository's runbooks that match an incident, and
//! the timeline entries that attach, detach and tick them (for `open`, `sev`, `tag`, `impact`,
//! `exec` and `runbook`). The file format is `model::runbook`; reading the files is
//! `store::runbooks`.

use anyhow::Result;

use crate::error::Error;
use crate::model::runbook::progress::Attached;
use crate::model::runbook::{self, Runbook};
use crate::model::{Incident, Kind, TimelineEntry};
use crate::store::Store;
use crate::store::runbooks::{self, load, names};
use crate::text::one_line;
use crate::time::Time;

/// When a new entry happened and when it was written, if later (`Ctx::stamp`): entries made here
/// are stamped like the command's own.
pub type Stamp = (Time, Option<Time>);

/// Every runbook of the repository that parses, for matching; a broken one is skipped with a
/// warning (`inc check` reports it), so it cannot stop an incident from being opened.
fn all(store: &Store) -> Vec<Runbook> {
    let mut found = Vec::new();
    for name in names(store.root()) {
        match load(store, &name) {
            Ok(Some((_, runbook))) => found.push(runbook),
            Ok(None) => {}
            Err(err) => crate::eprintln_escaped!("warning: runbook {name} skipped: {err:#}"),
        }
    }
    found
}

/// A runbook entry: internal (it is how the team works, not what customers need).
fn entry(stamp: Stamp, by: &str, kind: Kind, reference: String, text: String) -> TimelineEntry {
    let mut entry = TimelineEntry::new(stamp.0, stamp.1, by, kind, text);
    entry.reference = Some(reference);
    entry.internal = true;
    entry
}

/// The entry that attaches `runbook`, and what it says.
pub fn attach_entry(stamp: Stamp, by: &str, runbook: &Runbook) -> TimelineEntry {
    let text = format!(
        "Attached runbook {} ({})",
        runbook.name,
        one_line(runbook.title(), 60)
    );
    entry(stamp, by, Kind::RunbookAttach, runbook.name.clone(), text)
}

/// The runbooks whose `when` matches `incident` and that are neither attached nor were detached
/// by hand. A runbook file that does not parse is skipped with a warning.
pub fn matching(store: &Store, incident: &Incident, entries: &[TimelineEntry]) -> Vec<Runbook> {
    let attached = runbook::attached(entries);
    all(store)
        .into_iter()
        .filter(|r| r.matches(incident, store.config()))
        .filter(|r| !attached.iter().any(|a| a.name == r.name))
        .filter(|r| !runbook::was_detached(entries, &r.name))
        .collect()
}

/// The attach entries for the runbooks an amended incident (tags, impact services) newly
/// matches, for `commands::update_incident_with`. Only while the incident is open: filling in tags
/// or impact after resolution must not hand out checklists nobody will follow.
pub fn attach_on_change(
    store: &Store,
    stamp: Stamp,
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
        .map(|r| attach_entry(stamp, by, r))
        .collect())
}

/// The entry that detaches runbook `name`.
pub fn detach_entry(stamp: Stamp, by: &str, name: &str) -> TimelineEntry {
    let text = format!("Detached runbook {name}");
    entry(stamp, by, Kind::RunbookDetach, name.to_string(), text)
}

pub fn not_attached(id: &str, name: &str, attached: &[Attached]) -> Error {
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
pub struct Found {
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
    pub fn tick(&self, stamp: Stamp, by: &str, how: &str) -> TimelineEntry {
        let text = format!(
            "Done {}{how}: {}",
            self.reference(),
            one_line(&self.step().text, 200)
        );
        entry(stamp, by, Kind::RunbookStep, self.reference(), text)
    }
}

/// The step `input` names (`NAME:N`, or `N` with one runbook attached), refused when it is not
/// there or is done already (a `(repeats)` step can be done again).
pub fn find_step(store: &Store, id: &str, input: &str, tz: &jiff::tz::TimeZone) -> Result<Found> {
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
    let Some((_, found)) = load(store, &name)? else {
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
