//! What a template sees in a report for the team: the [`Context`] of a report, built from a loaded
//! incident, plus the pieces it is made of (entries, severity changes, the summary timeline,
//! phases, the post-mortem). Public reports see [`super::PublicContext`] instead, built from the
//! public model alone.

use std::borrow::Cow;
use std::collections::BTreeMap;

use minijinja::value::Value;
use serde::Serialize;

use super::attachments::{AttachmentView, attachments};
use crate::model::cadence::Schedule;
use crate::model::comms::Due;
use crate::model::postmortem::{self, Improvement, Issue, Postmortem};
use crate::model::timeline::SeverityChange;
use crate::model::{CommsEntry, Config, Kind, Milestone, Milestones, TimelineEntry};
use crate::sla::SlaCheck;
use crate::store::Loaded;
use crate::time::{Clock, Time};
use crate::views::{CommsView, EntryView, IncidentView, LoadedViews, Roles};

/// What `inc exec` logged, read back from its entry (`$ CMD → exit 0 after 2s`), so reports can
/// show the command as a command, or leave it out for readers who have no use for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exec {
    pub command: String,
    /// `exit 0`, `killed by signal 9`, `could not start: …`.
    pub outcome: String,
    /// How long it ran, as inc writes durations (`2s`, `1m`).
    pub took: String,
    /// It exited with status 0.
    pub ok: bool,
}

impl Exec {
    pub fn parse(kind: Kind, text: &str) -> Option<Exec> {
        if kind != Kind::Action {
            return None;
        }
        let (command, rest) = text.strip_prefix("$ ")?.rsplit_once(" → ")?;
        let (outcome, took) = rest.rsplit_once(" after ")?;
        Some(Exec {
            command: command.to_string(),
            ok: outcome == "exit 0",
            outcome: outcome.to_string(),
            took: took.to_string(),
        })
    }
}

/// A logbook entry as report templates see it: the entry, and what `inc exec` ran if it is one.
#[derive(Serialize)]
pub struct ReportEntry<'a> {
    #[serde(flatten)]
    pub entry: EntryView<'a>,
    pub exec: Option<Exec>,
}

impl<'a> From<&'a TimelineEntry> for ReportEntry<'a> {
    fn from(e: &'a TimelineEntry) -> Self {
        ReportEntry {
            entry: EntryView::from(e),
            exec: Exec::parse(e.kind, &e.text),
        }
    }
}

/// The update cadence of the incident's severity, in whole seconds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CadenceView {
    pub min: i64,
    pub max: i64,
}

/// The struck entries of `loaded`, by time, each with its strike.
fn struck(loaded: &Loaded) -> Vec<EntryView<'_>> {
    let strikes = loaded.strikes();
    let mut struck: Vec<EntryView> = loaded
        .withdrawn
        .iter()
        .filter_map(|(_, e)| {
            let strike = strikes.get(e.id.as_str())?;
            Some(EntryView {
                struck: Some(crate::views::StruckView::from(*strike)),
                ..EntryView::from(e)
            })
        })
        .collect();
    struck.sort_by_key(|e| e.at);
    struck
}

/// One line of the summary timeline: a milestone or a key entry.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryItem {
    pub at: Time,
    pub text: String,
    /// The milestone's name, for milestone lines.
    pub milestone: Option<&'static str>,
    pub internal: bool,
    /// For an `inc exec` entry: what ran.
    pub exec: Option<Exec>,
}

/// The summary timeline: the milestones and the key entries, in time order.
pub fn summary_timeline(loaded: &Loaded) -> Vec<SummaryItem> {
    let entries = loaded
        .timeline
        .iter()
        .filter(|e| e.key)
        .map(|e| SummaryItem {
            at: e.at,
            text: e.text.clone(),
            milestone: None,
            internal: e.internal,
            exec: Exec::parse(e.kind, &e.text),
        });
    milestone_items(&loaded.incident.milestones, entries)
}

/// The milestones and `entries`, by time; at the same time the milestones come first, in
/// lifecycle order, then the entries by text.
pub(super) fn milestone_items(
    milestones: &Milestones,
    entries: impl Iterator<Item = SummaryItem>,
) -> Vec<SummaryItem> {
    let milestones = Milestone::ALL.into_iter().filter_map(|m| {
        milestones.get(m).map(|at| SummaryItem {
            at,
            text: milestone_text(m).to_string(),
            milestone: Some(m.name()),
            internal: false,
            exec: None,
        })
    });
    let rank = |i: &SummaryItem| {
        i.milestone
            .and_then(|name| Milestone::ALL.iter().position(|m| m.name() == name))
            .unwrap_or(Milestone::ALL.len())
    };
    let mut items: Vec<SummaryItem> = milestones.chain(entries).collect();
    items.sort_by(|a, b| (a.at, rank(a), &a.text).cmp(&(b.at, rank(b), &b.text)));
    items
}

fn milestone_text(milestone: Milestone) -> &'static str {
    match milestone {
        Milestone::Started => "Outage started",
        Milestone::Detected => "Detected",
        Milestone::Acknowledged => "Acknowledged",
        Milestone::Mitigated => "Mitigated",
        Milestone::Resolved => "Resolved",
    }
}

/// Everything a template can use. See docs/templates.md.
#[derive(Serialize)]
pub struct Context<'a> {
    pub incident: IncidentView<'a>,
    /// Every logbook entry, sorted by time then text (public reports: only the entries the
    /// `public_entries` policy lets customers see).
    pub timeline: Vec<ReportEntry<'a>>,
    pub summary_timeline: Vec<SummaryItem>,
    /// The stretches between milestones: undetected, detected until mitigated, mitigated until
    /// resolved (only those whose ends are known).
    pub phases: Vec<Phase>,
    pub roles: Roles,
    pub comms: Vec<CommsView<'a>>,
    /// Per audience, when the next update is due (while open).
    pub comms_due: Vec<Due>,
    pub pending_changes: Vec<EntryView<'a>>,
    /// The entries withdrawn with `inc strike`, by time, each with `struck` (who, when, why):
    /// left out of every other list. Empty in public reports.
    pub struck: Vec<EntryView<'a>>,
    pub postmortem: Option<PostmortemContext<'a>>,
    /// The audience a report is for (`--audience`), if any.
    pub audience: Option<String>,
    /// When the next update to `audience` is due, if one is.
    pub next_update: Option<Due>,
    /// The people writing (the post-mortem's authors).
    pub authors: Vec<String>,
    /// A report for the public: no internal entries, no names, no roles.
    pub public: bool,
    pub now: Time,
    /// The zone every time is shown in (`timezone` in .inc.yaml), e.g. `UTC`.
    pub timezone: String,
    /// The severity's update cadence (`cadence` in .inc.yaml).
    pub cadence: CadenceView,
    /// While the incident is open: when the update after one sent now is due (now + the
    /// cadence's max), the time an update draft promises.
    pub next_update_by: Option<Time>,
    /// The severity it was opened with, then every change.
    pub severity_changes: Vec<SeverityChange>,
    /// Each SLA target of the severity: met, breached or pending, and by how much (see
    /// docs/templates.md). Empty in public reports: the targets are the team's contract.
    pub sla: Vec<SlaCheck>,
    /// The files `inc attach` attached, by time (public reports: only those attached with
    /// `--public`).
    pub attachments: Vec<AttachmentView>,
    /// The attached runbooks with their steps and the next one due (see docs/templates.md).
    /// Empty in public reports: they are how the team works.
    pub runbooks: Vec<crate::model::runbook::progress::ProgressView>,
}

/// A stretch of the incident between two milestones.
#[derive(Clone, Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub from: Time,
    pub to: Time,
    /// Whole seconds.
    pub duration: i64,
}

/// The post-mortem as templates see it.
#[derive(Serialize)]
pub struct PostmortemContext<'a> {
    pub status: &'static str,
    pub authors: &'a [String],
    pub issues: &'a [Issue],
    pub improvements: Cow<'a, [Improvement]>,
    /// Section bodies (Markdown, without the template's guidance) by name in snake case:
    /// summary, impact, root_cause, trigger, detection, resolution, timeline, statistics, issues,
    /// improvements, lessons. Every one of these is present, `""` when empty or missing.
    pub sections: BTreeMap<String, &'a str>,
    /// The required sections postmortem.md has no heading for, by name in snake case.
    pub missing: Vec<String>,
}

impl<'a> PostmortemContext<'a> {
    fn new(pm: &'a Postmortem) -> Self {
        let mut sections: BTreeMap<String, &str> = pm
            .sections
            .iter()
            // A section with only sub-headings (Lessons' three) has nothing to show.
            .map(|s| {
                let body = if s.empty { "" } else { s.body.as_str() };
                (crate::public::section_key(&s.title), body)
            })
            .collect();
        // A section someone deleted must not make every template that uses it fail.
        for title in postmortem::SECTIONS {
            sections
                .entry(crate::public::section_key(title))
                .or_insert("");
        }
        PostmortemContext {
            status: pm.front.status.name(),
            authors: &pm.front.authors,
            issues: &pm.issues,
            improvements: Cow::Borrowed(&pm.improvements),
            sections,
            missing: pm
                .missing()
                .into_iter()
                .map(crate::public::section_key)
                .collect(),
        }
    }
}

/// What a report for the team is rendered for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub authors: Vec<String>,
    pub audience: Option<String>,
    /// Where links to attachments start (percent-encoded, ending in `/`); `None`:
    /// `attachments/`, relative to the incident's directory.
    pub attachments_url: Option<String>,
}

impl<'a> Context<'a> {
    pub fn new(
        loaded: &'a Loaded,
        config: &Config,
        clock: &Clock,
        options: Options,
    ) -> Context<'a> {
        let comms_due = loaded.due(config, clock);
        let base = attachments_base(&options);
        let next_update = options
            .audience
            .as_ref()
            .and_then(|a| comms_due.iter().find(|d| &d.audience == a).cloned());
        let audience = options.audience.as_deref();
        let (cadence, next_update_by) = (
            cadence(config, loaded, audience, clock),
            next_update_by(loaded, config, audience, clock),
        );
        Context {
            incident: IncidentView::new(&loaded.id, &loaded.incident, &loaded.roles, config),
            timeline: crate::model::timeline::report_order(&loaded.timeline)
                .into_iter()
                .map(ReportEntry::from)
                .collect(),
            summary_timeline: summary_timeline(loaded),
            phases: phases(
                &loaded.incident.milestones,
                loaded.incident.status.is_open().then(|| clock.now()),
            ),
            roles: Roles::new(config, &loaded.incident, &loaded.roles, clock),
            comms: comms_order(&loaded.comms)
                .into_iter()
                .map(CommsView::from)
                .collect(),
            comms_due,
            pending_changes: loaded
                .pending_changes()
                .into_iter()
                .map(EntryView::from)
                .collect(),
            struck: struck(loaded),
            postmortem: loaded.postmortem.as_ref().map(PostmortemContext::new),
            audience: options.audience,
            next_update,
            authors: options.authors,
            public: false,
            now: clock.now(),
            timezone: config.timezone.trim().to_string(),
            cadence,
            next_update_by,
            severity_changes: crate::model::timeline::severity_changes(&loaded.timeline),
            sla: loaded.sla(config, clock),
            attachments: attachments(loaded, &base, |_| true),
            runbooks: loaded.runbook_views(clock),
        }
    }

    /// The context as a template value.
    pub fn into_value(self) -> Value {
        Value::from(minijinja::value::Serde(self))
    }
}

fn attachments_base(options: &Options) -> String {
    options
        .attachments_url
        .clone()
        .unwrap_or_else(|| "attachments/".to_string())
}

/// While the incident is open: when the update after one sent now is due, the time an update
/// draft promises: now + the cadence's max, for the report's audience (`--audience`) as its
/// quiet hours and snoozes move it.
fn next_update_by(
    loaded: &Loaded,
    config: &Config,
    audience: Option<&str>,
    clock: &Clock,
) -> Option<Time> {
    if !loaded.incident.status.is_open() {
        return None;
    }
    Some(match audience {
        Some(audience) => Schedule::new(config, audience, &loaded.incident, &loaded.timeline)
            .due_after(clock.now()),
        None => clock.now() + config.cadence_for(&loaded.incident.severity).max.0,
    })
}

/// Updates by time, then audience and message, the same on every clone.
fn comms_order(comms: &[CommsEntry]) -> Vec<&CommsEntry> {
    let mut sorted: Vec<&CommsEntry> = comms.iter().collect();
    sorted.sort_by(|a, b| (a.at, &a.audience, &a.message).cmp(&(b.at, &b.audience, &b.message)));
    sorted
}

/// The cadence now in force: the report's audience's, else the severity's.
fn cadence(config: &Config, loaded: &Loaded, audience: Option<&str>, clock: &Clock) -> CadenceView {
    let cadence = match audience {
        Some(audience) => Schedule::new(config, audience, &loaded.incident, &loaded.timeline)
            .cadence_at(clock.now()),
        None => config.cadence_for(&loaded.incident.severity),
    };
    CadenceView {
        min: cadence.min.0.as_secs(),
        max: cadence.max.0.as_secs(),
    }
}

/// The phases between known milestones, in order; while the incident is open (`until`: now),
/// the phase it is in runs to now. A first signal before the impact is a phase of its own, and
/// the impact is known from its start.
pub(super) fn phases(m: &Milestones, until: Option<Time>) -> Vec<Phase> {
    let until_mitigated = m.mitigated.or(m.resolved);
    let ongoing = |end: Option<Time>, next_known: bool| end.or(until.filter(|_| !next_known));
    let signal = m.signal_before_impact().and(m.detected);
    [
        (
            "Signal before impact",
            signal,
            m.started.filter(|_| signal.is_some()),
        ),
        (
            "Undetected",
            m.started,
            ongoing(m.detected, until_mitigated.is_some()),
        ),
        (
            "Detected, not yet mitigated",
            m.impact_known(),
            ongoing(until_mitigated, m.resolved.is_some()),
        ),
        (
            "Mitigated, not yet resolved",
            m.mitigated,
            ongoing(m.resolved, false),
        ),
    ]
    .into_iter()
    .filter_map(|(name, from, to)| {
        let (from, to) = (from?, to?);
        (to > from).then(|| Phase {
            name,
            from,
            to,
            duration: to.since(from).as_secs(),
        })
    })
    .collect()
}
