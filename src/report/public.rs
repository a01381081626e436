//! What a template sees in a public report (the external report, an update to a public audience,
//! the pages of a public site): built from the public model ([`crate::public::Incident`]) and
//! nothing else, in the shape of the internal [`Context`](super::Context) so that one template
//! renders both. Whatever is not public is empty: no roles, tags, links, type, pending changes,
//! SLA, runbooks, authors, issues; every `by` says "a team member".

use std::collections::BTreeMap;

use serde::Serialize;

use super::attachments::AttachmentView;
use super::context::{CadenceView, Exec, Phase, SummaryItem, milestone_items, phases};
use crate::model::comms::Due;
use crate::model::incident::Durations;
use crate::model::timeline::SeverityChange;
use crate::model::{Kind, Milestones};
use crate::public::{self, PERSON};
use crate::time::{Clock, Time};
use crate::views::ImpactView;

/// What a public report is rendered for.
#[derive(Clone, Debug, Default)]
pub struct PublicOptions {
    /// The public audience an update is drafted for, if any.
    pub audience: Option<String>,
    /// Where links to attachments start (percent-encoded, ending in `/`); `None`:
    /// `attachments/`, relative to the incident's directory.
    pub attachments_url: Option<String>,
}

/// Everything a public report's template can use. See docs/templates.md.
#[derive(Serialize)]
pub struct PublicContext<'a> {
    pub incident: IncidentView<'a>,
    /// The public entries, by time then text.
    pub timeline: Vec<EntryView<'a>>,
    /// The milestones and the public entries, in time order.
    pub summary_timeline: Vec<SummaryItem>,
    pub phases: Vec<Phase>,
    pub roles: NoRoles,
    /// The updates sent to public audiences (the audience's own, when the report is for one).
    pub comms: Vec<CommsView<'a>>,
    pub comms_due: Vec<Due>,
    pub pending_changes: [(); 0],
    pub struck: [(); 0],
    pub postmortem: Option<PostmortemView<'a>>,
    pub audience: Option<String>,
    pub next_update: Option<Due>,
    pub authors: [(); 0],
    pub public: bool,
    pub now: Time,
    pub timezone: String,
    pub cadence: CadenceView,
    pub next_update_by: Option<Time>,
    /// The severities as customers read them (public labels), from the first.
    pub severity_changes: Vec<SeverityChange>,
    pub sla: [(); 0],
    pub attachments: Vec<AttachmentView>,
    pub runbooks: [(); 0],
}

/// The incident, in the shape of [`crate::views::IncidentView`].
#[derive(Serialize)]
pub struct IncidentView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The public label of its severity (`Major outage`).
    pub severity: &'a str,
    pub status: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When it began (when the team opened it is theirs).
    pub opened: Time,
    /// What happened, as written for customers (`""` until someone does).
    pub summary: &'a str,
    pub public_title: &'a str,
    pub public_summary: &'a str,
    pub impact: ImpactView<'a>,
    pub services: &'a [String],
    pub tags: [(); 0],
    pub links: [(); 0],
    pub source: Option<&'static str>,
    pub milestones: &'a Milestones,
    pub durations: Durations,
    pub roles: BTreeMap<String, Vec<String>>,
    /// How the services it hits show on a status page while it is open.
    pub state: &'static str,
    pub updated: Time,
}

/// A public entry, in the shape of a report's timeline entry.
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub id: &'static str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'static str,
    pub kind: Kind,
    #[serde(rename = "ref")]
    pub reference: Option<&'static str>,
    pub key: bool,
    pub internal: bool,
    pub public: bool,
    pub text: &'a str,
    pub attachment: Option<&'static str>,
    pub exec: Option<Exec>,
}

/// An update to a public audience, in the shape of a comms entry.
#[derive(Serialize)]
pub struct CommsView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'static str,
    pub audience: &'a str,
    pub channel: Option<&'static str>,
    pub message: &'a str,
    /// The incident's status when it was sent.
    pub status: &'static str,
    pub delivery: Option<()>,
}

/// No one holds a role in a public report.
#[derive(Serialize)]
pub struct NoRoles {
    pub holders: BTreeMap<String, Vec<String>>,
    pub history: [(); 0],
}

/// The post-mortem as a public report may know it: its status, the sections marked for
/// publication (every other section `""`), and the Improvements' actions when their section is
/// marked.
#[derive(Serialize)]
pub struct PostmortemView<'a> {
    pub status: &'static str,
    pub authors: [(); 0],
    pub issues: [(); 0],
    pub improvements: Vec<ImprovementView<'a>>,
    pub sections: BTreeMap<String, &'a str>,
    pub missing: [(); 0],
}

/// A published Improvement, in the shape of [`crate::model::postmortem::Improvement`]: its action, type
/// and whether it is done; no owner, date, reference or position.
#[derive(Default, Serialize)]
pub struct ImprovementView<'a> {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub text: &'a str,
    pub done: bool,
    pub owner: Option<&'static str>,
    pub due: Option<&'static str>,
    #[serde(rename = "type")]
    pub kind: Option<&'a str>,
    #[serde(rename = "ref")]
    pub reference: Option<&'static str>,
    pub id: Option<&'static str>,
    pub done_on: Option<&'static str>,
    pub done_by: Option<&'static str>,
    pub commit: Option<&'static str>,
}

impl<'a> PublicContext<'a> {
    pub fn new(
        p: &'a public::Incident,
        timezone: &str,
        clock: &Clock,
        options: PublicOptions,
    ) -> PublicContext<'a> {
        let audience = options.audience;
        // The report's audience's own cadence; for none, the severity's.
        let (cadence, next_update_by) = match audience.as_ref().and_then(|a| p.next_updates.get(a))
        {
            Some((cadence, next)) => (*cadence, *next),
            None => (p.cadence, p.open.then(|| clock.now() + p.cadence.max.0)),
        };
        let for_audience = |name: &str| audience.as_deref().is_none_or(|a| a == name);
        let comms_due: Vec<Due> = p
            .due
            .iter()
            .filter(|d| for_audience(&d.audience))
            .cloned()
            .collect();
        let base = options
            .attachments_url
            .unwrap_or_else(|| "attachments/".to_string());
        let entries = p.entries.iter().map(|e| SummaryItem {
            at: e.at,
            text: e.text.clone(),
            milestone: None,
            internal: false,
            exec: None,
        });
        let severity_changes = p
            .severities
            .iter()
            .enumerate()
            .filter(|(n, (_, label))| *n == 0 || p.severities[n - 1].1 != *label)
            .map(|(n, (at, label))| SeverityChange {
                at: *at,
                from: n
                    .checked_sub(1)
                    .map(|before| p.severities[before].1.clone()),
                to: label.clone(),
            })
            .collect();
        PublicContext {
            incident: IncidentView {
                id: &p.id,
                title: &p.title,
                severity: &p.severity,
                status: p.status.name(),
                kind: "",
                opened: p.began,
                summary: &p.summary,
                public_title: &p.title,
                public_summary: &p.summary,
                impact: ImpactView {
                    summary: &p.impact.summary,
                    services: &p.impact.services,
                    customers: &p.impact.customers,
                    regions: &p.impact.regions,
                },
                services: &p.impact.services,
                tags: [],
                links: [],
                source: p.source.map(|s| s.name()),
                milestones: &p.milestones,
                durations: p.durations,
                roles: BTreeMap::new(),
                state: p.state.name(),
                updated: p.updated,
            },
            timeline: p
                .entries
                .iter()
                .map(|e| EntryView {
                    id: "",
                    at: e.at,
                    recorded: None,
                    by: PERSON,
                    kind: e.kind,
                    reference: None,
                    key: false,
                    internal: false,
                    public: true,
                    text: &e.text,
                    attachment: None,
                    exec: None,
                })
                .collect(),
            summary_timeline: milestone_items(&p.milestones, entries),
            phases: phases(&p.milestones, p.open.then(|| clock.now())),
            roles: NoRoles {
                holders: BTreeMap::new(),
                history: [],
            },
            comms: p
                .updates
                .iter()
                .filter(|u| for_audience(&u.audience))
                .map(|u| CommsView {
                    id: &u.id,
                    at: u.at,
                    recorded: None,
                    by: PERSON,
                    audience: &u.audience,
                    channel: None,
                    message: &u.text,
                    status: u.status.name(),
                    delivery: None,
                })
                .collect(),
            next_update: audience.as_ref().and(comms_due.first().cloned()),
            comms_due,
            pending_changes: [],
            struck: [],
            postmortem: p.postmortem.map(|status| PostmortemView {
                status,
                authors: [],
                issues: [],
                improvements: p
                    .improvements
                    .iter()
                    .map(|i| ImprovementView {
                        text: &i.text,
                        done: i.done,
                        kind: i.kind.as_deref(),
                        ..ImprovementView::default()
                    })
                    .collect(),
                sections: crate::model::postmortem::SECTIONS
                    .iter()
                    .map(|title| (public::section_key(title), ""))
                    .chain(p.sections.iter().map(|(k, v)| (k.clone(), v.as_str())))
                    .collect(),
                missing: [],
            }),
            audience,
            authors: [],
            public: true,
            now: clock.now(),
            timezone: timezone.trim().to_string(),
            cadence: CadenceView {
                min: cadence.min.0.as_secs(),
                max: cadence.max.0.as_secs(),
            },
            next_update_by,
            severity_changes,
            sla: [],
            attachments: p
                .attachments
                .iter()
                .map(|a| AttachmentView::new(&a.name, &a.note, a.at, &base))
                .collect(),
            runbooks: [],
        }
    }

    /// The context as a template value.
    pub fn into_value(self) -> minijinja::Value {
        minijinja::Value::from(minijinja::value::Serde(self))
    }
}
