//! Where an incident is in its runbooks, replayed from its timeline: which runbooks are attached,
//! which steps are done (by whom, when), and which step is due next.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Runbook, every};
use crate::model::log::sorted;
use crate::model::{Kind, TimelineEntry};
use crate::time::Time;

/// A runbook attached to an incident, with its ticks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attached {
    pub name: String,
    /// When it was (last) attached.
    pub at: Time,
    /// Step number → every time it was ticked (oldest first), with who ticked it.
    pub done: BTreeMap<usize, Vec<(Time, String)>>,
}

impl Attached {
    pub fn is_done(&self, step: usize) -> bool {
        self.done.get(&step).is_some_and(|d| !d.is_empty())
    }

    /// When the step was last ticked.
    pub fn last_done(&self, step: usize) -> Option<Time> {
        self.done.get(&step).and_then(|d| d.last()).map(|(t, _)| *t)
    }
}

/// `NAME:N` split, for a `runbook-step` entry's `ref`.
pub fn split_ref(reference: &str) -> Option<(&str, usize)> {
    let (name, number) = reference.rsplit_once(':')?;
    Some((name, number.parse().ok()?))
}

/// The runbooks attached to an incident now, in the order they were attached. Entries are
/// replayed in time order, so two clones' ticks merged in any order give the same answer.
pub fn attached(entries: &[TimelineEntry]) -> Vec<Attached> {
    let mut list: Vec<Attached> = Vec::new();
    let mut ticks: BTreeMap<String, BTreeMap<usize, Vec<(Time, String)>>> = BTreeMap::new();
    for entry in sorted(entries) {
        let Some(reference) = entry.reference.as_deref() else {
            continue;
        };
        match entry.kind {
            Kind::RunbookAttach if !list.iter().any(|a| a.name == reference) => {
                list.push(Attached {
                    name: reference.to_string(),
                    at: entry.at,
                    done: BTreeMap::new(),
                });
            }
            Kind::RunbookDetach => list.retain(|a| a.name != reference),
            Kind::RunbookStep => {
                if let Some((name, number)) = split_ref(reference) {
                    ticks
                        .entry(name.to_string())
                        .or_default()
                        .entry(number)
                        .or_default()
                        .push((entry.at, entry.by.clone()));
                }
            }
            _ => {}
        }
    }
    for attached in &mut list {
        attached.done = ticks.remove(&attached.name).unwrap_or_default();
    }
    list
}

/// Whether `name` was ever detached by hand: `inc sev` then leaves it detached.
pub fn was_detached(entries: &[TimelineEntry], name: &str) -> bool {
    entries
        .iter()
        .any(|e| e.kind == Kind::RunbookDetach && e.reference.as_deref() == Some(name))
}

/// The step to do next in one runbook.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Next {
    /// `NAME:N`.
    pub step: String,
    pub text: String,
    /// For a `(repeats)` step: when it is due.
    pub due: Option<Time>,
    pub overdue: bool,
}

/// The next step of `runbook`: a repeating step that is overdue, else the first step not done,
/// else the repeating step due soonest; `None` when every step is done and none repeats.
/// A repeating step is due one interval after it was last done (or after the runbook was
/// attached); the interval is the one in force at the incident's age then.
pub fn next_due(
    runbook: &Runbook,
    progress: &Attached,
    severity: &str,
    began: Time,
    now: Time,
) -> Option<Next> {
    let pace = runbook.pace(severity);
    let due_of = |number: usize| {
        let base = progress.last_done(number).unwrap_or(progress.at);
        base + every(&pace, base.since(began))
    };
    let repeating: Vec<(usize, Time)> = runbook
        .steps
        .iter()
        .filter(|s| s.repeats)
        .map(|s| (s.number, due_of(s.number)))
        .collect();
    let soonest = repeating.iter().min_by_key(|(_, due)| *due).copied();
    let next = |number: usize, due: Option<Time>| {
        let step = runbook.step(number).expect("numbers come from the steps");
        Next {
            step: format!("{}:{number}", runbook.name),
            text: step.text.clone(),
            due,
            overdue: due.is_some_and(|d| d <= now),
        }
    };
    if let Some((number, due)) = soonest.filter(|(_, due)| *due <= now) {
        return Some(next(number, Some(due)));
    }
    if let Some(step) = runbook
        .steps
        .iter()
        .find(|s| !s.repeats && !progress.is_done(s.number))
    {
        return Some(next(step.number, None));
    }
    soonest.map(|(number, due)| next(number, Some(due)))
}

/// An attached runbook and its file; `runbook` is `None` when the file is gone or does not parse
/// (`inc check` says why).
#[derive(Clone, Debug)]
pub struct Progress {
    pub attached: Attached,
    pub runbook: Option<Runbook>,
}

/// One attached runbook as `show`, `status --json` and reports see it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ProgressView {
    pub name: String,
    pub title: String,
    /// The file is gone or broken: only the ticks are known.
    pub missing: bool,
    /// Steps ticked at least once, of all steps.
    pub done: usize,
    pub total: usize,
    pub steps: Vec<StepView>,
    pub next: Option<Next>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct StepView {
    /// `NAME:N`.
    pub step: String,
    pub text: String,
    pub pre_approved: bool,
    pub repeats: bool,
    /// When it was last ticked, and by whom.
    pub done_at: Option<Time>,
    pub done_by: Option<String>,
    /// For a `(repeats)` step: when it is next due.
    pub due: Option<Time>,
}

impl Progress {
    pub fn view(&self, severity: &str, began: Time, now: Time) -> ProgressView {
        let name = self.attached.name.clone();
        let Some(runbook) = &self.runbook else {
            return ProgressView {
                title: name.clone(),
                name,
                missing: true,
                done: self.attached.done.len(),
                total: 0,
                steps: Vec::new(),
                next: None,
            };
        };
        let pace = runbook.pace(severity);
        let steps: Vec<StepView> = runbook
            .steps
            .iter()
            .map(|s| {
                let last = self
                    .attached
                    .done
                    .get(&s.number)
                    .and_then(|d| d.last())
                    .cloned();
                let due = s.repeats.then(|| {
                    let base = last.as_ref().map_or(self.attached.at, |(t, _)| *t);
                    base + every(&pace, base.since(began))
                });
                StepView {
                    step: format!("{name}:{}", s.number),
                    text: s.text.clone(),
                    pre_approved: s.pre_approved,
                    repeats: s.repeats,
                    done_at: last.as_ref().map(|(t, _)| *t),
                    done_by: last.map(|(_, b)| b),
                    due,
                }
            })
            .collect();
        ProgressView {
            title: runbook.title().to_string(),
            missing: false,
            done: steps.iter().filter(|s| s.done_at.is_some()).count(),
            total: steps.len(),
            next: next_due(runbook, &self.attached, severity, began, now),
            steps,
            name,
        }
    }
}

/// "due 14:40 (in 5m)" (with the date when not today) or "OVERDUE 3m".
pub fn due_text(due: crate::time::Time, clock: &crate::time::Clock) -> String {
    let now = clock.now();
    if due <= now {
        format!("OVERDUE {}", crate::time::format_duration(now.since(due)))
    } else {
        format!(
            "due {} (in {})",
            clock.show(due),
            crate::time::format_duration(due.since(now))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(minute: u32, kind: Kind, reference: &str) -> TimelineEntry {
        TimelineEntry {
            id: format!("e{minute}"),
            conflict_of: None,
            at: Time::parse_rfc3339(&format!("2026-11-22T14:{minute:02}:00Z")).unwrap(),
            recorded: None,
            by: "alice".into(),
            kind,
            reference: Some(reference.into()),
            key: false,
            internal: true,
            public: false,
            attachment: None,
            text: String::new(),
        }
    }

    #[test]
    fn replays_attach_detach_and_ticks_in_time_order_whatever_the_file_order() {
        let entries = vec![
            entry(5, Kind::RunbookStep, "db:2"),
            entry(1, Kind::RunbookAttach, "db"),
            entry(2, Kind::RunbookAttach, "old"),
            entry(3, Kind::RunbookDetach, "old"),
            entry(4, Kind::RunbookStep, "db:1"),
            entry(6, Kind::RunbookStep, "not-a-step"),
        ];
        let list = attached(&entries);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "db");
        assert!(list[0].is_done(1) && list[0].is_done(2) && !list[0].is_done(3));
        assert!(was_detached(&entries, "old") && !was_detached(&entries, "db"));
    }
}
