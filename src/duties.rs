//! What an open incident owes next, most urgent first: the one thing `inc status` shows per
//! incident at 3 a.m., and the order of the incidents on it.
//!
//! Three tiers, in this order:
//! 1. **now**: someone is waiting or a promise is broken: no incident lead, a change waiting for
//!    approval, an update overdue, the SLA's respond target breached;
//! 2. **to do**: the runbooks' checklists: the first step not ticked, then a repeating step that
//!    is overdue (one per runbook, however many repeat: a step every 30 minutes must not hide the
//!    rest);
//! 3. **later**: what falls due next (an update, the respond target, a repeating step), soonest
//!    first.
//!
//! Within "now" and "to do" the kinds keep the order above; then the longest overdue comes first.
//! Pure: the incident's facts and now in, duties out.

use std::cmp::Ordering;

use serde::Serialize;

use crate::model::TimelineEntry;
use crate::model::comms::Due;
use crate::model::roles::LEAD;
use crate::model::runbook::progress::ProgressView;
use crate::sla::{SlaCheck, Verdict};
use crate::text::one_line;
use crate::time::Time;

/// What kind of duty it is (the order is the tie-break within a tier).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DutyKind {
    /// Nobody holds the incident-lead role.
    Lead,
    /// A change request waits for a decision.
    Change,
    /// An update to an audience is due.
    Comms,
    /// The SLA's respond target: the incident is not acknowledged yet.
    Respond,
    /// A runbook step.
    Runbook,
}

/// How soon a duty needs doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Urgency {
    /// Someone is waiting or a promise is broken.
    Now,
    /// A runbook's checklist: do it when nothing is waiting.
    ToDo,
    /// Falls due later.
    Later,
}

/// One thing an incident owes.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Duty {
    pub kind: DutyKind,
    pub urgency: Urgency,
    /// What to do, for people: `name an incident lead`, `update customers`,
    /// `approve change kn85qy: Restart pgbouncer`, `break-glass:1 Pull in the right technical lead`.
    pub text: String,
    /// The command that does it (`NAME` and `MESSAGE` to fill in).
    pub command: String,
    /// When it was due, or since when someone waits (the incident's opening for a missing lead,
    /// the request for a change); `null` for a runbook step that is not timed.
    pub due: Option<Time>,
    /// `due` has passed.
    pub overdue: bool,
    /// For an update: while none is due (the audience's quiet hours, a snooze), until when and
    /// why; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet: Option<crate::model::cadence::Quiet>,
}

/// What [`duties`] looks at.
pub struct Facts<'a> {
    /// When the incident was opened: a missing lead is missed from then.
    pub opened: Time,
    /// The current holders of the incident-lead role.
    pub lead: &'a [String],
    pub comms_due: &'a [Due],
    pub pending_changes: &'a [&'a TimelineEntry],
    pub runbooks: &'a [ProgressView],
    pub sla: &'a [SlaCheck],
}

/// Everything the incident owes, most urgent first.
pub fn duties(facts: &Facts, now: Time) -> Vec<Duty> {
    let mut duties = Vec::new();
    if facts.lead.is_empty() {
        duties.push(duty(
            DutyKind::Lead,
            "name an incident lead".into(),
            format!("inc role {LEAD} NAME"),
            Some(facts.opened),
            true,
        ));
    }
    for change in facts.pending_changes {
        duties.push(duty(
            DutyKind::Change,
            format!(
                "approve change {}: {}",
                change.id,
                one_line(&change.text, 200)
            ),
            format!("inc change approve {}", change.id),
            Some(change.at),
            true,
        ));
    }
    for due in facts.comms_due {
        duties.push(Duty {
            quiet: due.quiet.clone(),
            ..duty(
                DutyKind::Comms,
                format!("update {}", due.audience),
                format!("inc comms --to {} MESSAGE", due.audience),
                Some(due.due),
                due.overdue,
            )
        });
    }
    for check in facts.sla {
        if check.target == "respond" && check.done.is_none() {
            duties.push(duty(
                DutyKind::Respond,
                "acknowledge (SLA respond)".into(),
                "inc mark acknowledged".into(),
                Some(check.due),
                check.verdict == Verdict::Breached,
            ));
        }
    }
    for runbook in facts.runbooks.iter().filter(|r| !r.missing) {
        duties.extend(runbook_duties(runbook, now));
    }
    duties.sort_by(order);
    duties
}

/// A runbook's first step not ticked, and its repeating step due soonest: two at most, however
/// many steps repeat.
fn runbook_duties(runbook: &ProgressView, now: Time) -> Vec<Duty> {
    let step = |s: &crate::model::runbook::progress::StepView| {
        duty(
            DutyKind::Runbook,
            format!("{} {}", s.step, one_line(&s.text, 200)),
            format!("inc runbook done {}", s.step),
            s.due,
            s.due.is_some_and(|d| d <= now),
        )
    };
    let first = runbook
        .steps
        .iter()
        .find(|s| !s.repeats && s.done_at.is_none())
        .map(step);
    let repeating = runbook
        .steps
        .iter()
        .filter(|s| s.repeats && s.due.is_some())
        .min_by_key(|s| s.due)
        .map(step);
    first.into_iter().chain(repeating).collect()
}

/// A duty; `overdue` as its source judges it (an update is overdue after its due time, a
/// repeating step from it on, a missing lead or a waiting change from the start).
fn duty(kind: DutyKind, text: String, command: String, due: Option<Time>, overdue: bool) -> Duty {
    Duty {
        kind,
        urgency: urgency(kind, due, overdue),
        text,
        command,
        due,
        overdue,
        quiet: None,
    }
}

fn urgency(kind: DutyKind, due: Option<Time>, overdue: bool) -> Urgency {
    match kind {
        DutyKind::Runbook if overdue || due.is_none() => Urgency::ToDo,
        DutyKind::Runbook => Urgency::Later,
        _ if overdue => Urgency::Now,
        _ => Urgency::Later,
    }
}

/// Most urgent first: by tier; within "now" and "to do" by kind, then the longest overdue; within
/// "later" the soonest due.
pub fn order(a: &Duty, b: &Duty) -> Ordering {
    a.urgency.cmp(&b.urgency).then_with(|| {
        if a.urgency == Urgency::Later {
            a.due.cmp(&b.due).then(a.kind.cmp(&b.kind))
        } else {
            // The checklist's next step before a repeating one: in an incident of days the
            // repeating steps are always overdue, and would otherwise hide the rest for good.
            let due = |d: &Duty| (d.due.is_some(), d.due);
            a.kind.cmp(&b.kind).then(due(a).cmp(&due(b)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::runbook::progress::StepView;

    fn at(hm: &str) -> Time {
        Time::parse_rfc3339(&format!("2026-11-22T{hm}:00Z")).unwrap()
    }

    fn due(audience: &str, when: &str, now: Time) -> Due {
        Due {
            audience: audience.into(),
            last: None,
            not_before: None,
            due: at(when),
            overdue: now > at(when),
            quiet: None,
        }
    }

    fn step(number: usize, repeats: bool, done: Option<&str>, due: Option<&str>) -> StepView {
        StepView {
            step: format!("break-glass:{number}"),
            text: format!("step {number}"),
            pre_approved: false,
            repeats,
            done_at: done.map(at),
            done_by: done.map(|_| "alice".into()),
            due: due.map(at),
        }
    }

    fn break_glass(steps: Vec<StepView>) -> ProgressView {
        ProgressView {
            name: "break-glass".into(),
            title: "Break glass".into(),
            missing: false,
            done: 0,
            total: steps.len(),
            steps,
            next: None,
        }
    }

    fn texts(duties: &[Duty]) -> Vec<&str> {
        duties.iter().map(|d| d.text.as_str()).collect()
    }

    #[test]
    fn a_missing_lead_and_an_overdue_update_come_before_the_checklist() {
        let now = at("15:00");
        let comms = [
            due("internal", "15:30", now),
            due("customers", "14:30", now),
        ];
        let runbooks = [break_glass(vec![
            step(1, false, None, None),
            step(5, true, None, Some("14:10")),
        ])];
        let facts = Facts {
            opened: at("14:00"),
            lead: &[],
            comms_due: &comms,
            pending_changes: &[],
            runbooks: &runbooks,
            sla: &[],
        };
        assert_eq!(
            texts(&duties(&facts, now)),
            [
                "name an incident lead",
                "update customers",
                "break-glass:1 step 1",
                "break-glass:5 step 5",
                "update internal",
            ]
        );
    }

    #[test]
    fn steps_that_repeat_show_once_per_runbook() {
        let now = at("23:00");
        let runbooks = [break_glass(vec![
            step(1, false, Some("14:00"), None),
            step(2, false, None, None),
            step(5, true, Some("22:00"), Some("22:30")),
            step(6, true, Some("21:00"), Some("21:30")),
            step(7, true, None, Some("14:30")),
        ])];
        let facts = Facts {
            opened: at("14:00"),
            lead: &["alice".to_string()],
            comms_due: &[],
            pending_changes: &[],
            runbooks: &runbooks,
            sla: &[],
        };
        let found = duties(&facts, now);
        assert_eq!(
            texts(&found),
            ["break-glass:2 step 2", "break-glass:7 step 7"],
            "{found:#?}"
        );
        assert!(!found[0].overdue && found[1].overdue);
    }

    #[test]
    fn later_duties_come_soonest_first() {
        let now = at("14:00");
        let comms = [
            due("internal", "14:30", now),
            due("customers", "14:15", now),
        ];
        let runbooks = [break_glass(vec![step(5, true, None, Some("14:20"))])];
        let facts = Facts {
            opened: at("13:50"),
            lead: &["alice".to_string()],
            comms_due: &comms,
            pending_changes: &[],
            runbooks: &runbooks,
            sla: &[],
        };
        let found = duties(&facts, now);
        assert_eq!(
            texts(&found),
            [
                "update customers",
                "break-glass:5 step 5",
                "update internal"
            ]
        );
        assert!(found.iter().all(|d| d.urgency == Urgency::Later));
    }
}
