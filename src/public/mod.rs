//! What the outside may see of an incident: the one public model that everything leaving the team
//! is built from — the external report (Markdown and HTML), update drafts and webhook posts to
//! public audiences, `inc site --public` (pages, `status.json`, the feeds, the badge) and
//! `inc export --public`.
//!
//! [`Incident::build`] is the only code that reads an incident's internal fields for the public,
//! and it decides all of it here: the title (`public_title`, else a neutral title from the date
//! and the impact, never the team's title), what happened (`public_summary`, else a post-mortem
//! section marked for publication, and only words a person wrote there; never `summary`), the
//! entries (marked `public`, or what the repository's `public_entries` policy adds), the updates
//! to public audiences (the public timeline), the attachments of public entries, an id that holds
//! no word of the team's title, and every name inc knows replaced (see [`people`]). Renderers take
//! a [`Incident`] and nothing else.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::error::Error;
use crate::model::cadence::Schedule;
use crate::model::comms::Due;
use crate::model::config::{Cadence, PublicEntries, SUMMARY_MAX, TITLE_MAX};
use crate::model::incident::{Durations, Source};
use crate::model::postmortem::Postmortem;
use crate::model::severity::ServiceState;
use crate::model::{Config, Kind, Milestones, Status, TimelineEntry};
use crate::names::Names;
use crate::store::{Loaded, Store};
use crate::time::{Clock, Time};

mod maintenance;
pub mod people;

pub use maintenance::{Maintenance, MaintenanceUpdate};
pub use people::PERSON;

/// An incident as the outside may see it. Every text in it has had every name inc knows
/// replaced with [`PERSON`].
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Incident {
    /// The public id: the day it was opened and a hash of the team's id (`2026-11-22-k3f9x2ab`),
    /// stable for the incident's life; never a word of its title. Names its page and feed entries.
    pub id: String,
    pub title: String,
    /// What happened, in the team's words for customers; `""` until someone writes them.
    pub summary: String,
    /// Who and what was hit (written for customers by `inc impact`).
    pub impact: Impact,
    /// The severity as customers read it (`public_label` of the severity, like `Major outage`).
    pub severity: String,
    /// How the services it hits show on a status page while it is open.
    pub state: ServiceState,
    pub status: Status,
    pub open: bool,
    /// How it was detected (alert, customer, employee, other), when recorded.
    pub source: Option<Source>,
    pub milestones: Milestones,
    pub durations: Durations,
    /// When it began: the outage's start, else its detection, else when it was opened.
    pub began: Time,
    /// The last time anything public about it changed.
    pub updated: Time,
    /// The logbook entries customers may see, by time.
    pub entries: Vec<Entry>,
    /// The updates sent to public audiences, by time: the public timeline.
    pub updates: Vec<Update>,
    /// The files attached to public entries, by time.
    pub attachments: Vec<Attachment>,
    /// The post-mortem's sections marked for publication, by name in snake case (`summary`,
    /// `public_summary`, `resolution` …), with only what people wrote in them.
    pub sections: BTreeMap<String, String>,
    /// The post-mortem's Improvements, when that section is marked for publication: each
    /// action, its type and whether it is done.
    pub improvements: Vec<Improvement>,
    /// The post-mortem's status (draft, in-review, reviewed), once there is one.
    pub postmortem: Option<&'static str>,
    /// When the next update to each public audience is due, while it is open.
    #[serde(skip)]
    #[schemars(skip)]
    pub due: Vec<Due>,
    /// The severities it had, as customers read them: from the first, then each change.
    #[serde(skip)]
    #[schemars(skip)]
    pub severities: Vec<(Time, String)>,
    /// How often public audiences get updates at its severity.
    #[serde(skip)]
    #[schemars(skip)]
    pub cadence: Cadence,
    /// Per public audience: its cadence now and, while it is open, when the update after one
    /// sent now is due (its quiet hours and snoozes counted).
    #[serde(skip)]
    #[schemars(skip)]
    pub next_updates: BTreeMap<String, (Cadence, Option<Time>)>,
}

/// Who and what was hit, as written for customers; every part present (`""` or `[]` when not
/// recorded).
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Impact {
    pub summary: String,
    pub services: Vec<String>,
    pub customers: String,
    pub regions: Vec<String>,
}

/// A logbook entry as customers see it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Entry {
    pub at: Time,
    pub kind: Kind,
    pub text: String,
}

/// An update to a public audience.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Update {
    /// The comms entry's id (random, stable): what feed entries are named by.
    pub id: String,
    pub at: Time,
    /// The incident's status when it was sent.
    pub status: Status,
    pub audience: String,
    pub text: String,
}

/// A file attached to a public entry.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Attachment {
    /// The name it is published under: its name in the incident's `attachments/` directory,
    /// unless that names someone (then `attachment-HASH.EXT`).
    pub name: String,
    /// Its name in the incident's `attachments/` directory.
    #[serde(skip)]
    #[schemars(skip)]
    pub file: String,
    pub note: String,
    pub at: Time,
}

/// A post-mortem action as customers see it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Improvement {
    pub text: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub done: bool,
}

/// Kinds of entries the `marked-and-key` and `all` policies publish: what happened, not how the
/// team organised itself. Not `status`: the status is shown by itself, and those entries name
/// severities and quote fields a merge kept (`Merge: both clones changed title …`). An entry
/// marked public is shown whatever its kind.
const PUBLIC_KINDS: [Kind; 6] = [
    Kind::Event,
    Kind::Action,
    Kind::Decision,
    Kind::Observation,
    Kind::Detection,
    Kind::Milestone,
];

impl Incident {
    /// The public model of `loaded` for an output about it alone (a report, a draft, a webhook
    /// post), with the names it replaced: those of its files, maintenance updates, the catalog
    /// and `aliases.people` ([`people::of_incident`]).
    pub fn of_one(
        store: &Store,
        loaded: &Loaded,
        clock: &Clock,
    ) -> anyhow::Result<(Incident, Names)> {
        let names = Names::new(&people::of_incident(store, loaded)?);
        Ok((
            Incident::build(loaded, store.config(), clock, &names),
            names,
        ))
    }

    /// The public model of `loaded`, with every name `people` knows replaced.
    pub fn build(loaded: &Loaded, config: &Config, clock: &Clock, people: &Names) -> Incident {
        let i = &loaded.incident;
        let redact = |text: &str| people.redact(text.trim(), PERSON);
        let zone = config.report_zone().unwrap_or_else(|_| clock.tz().clone());
        let began = i.impact_began();
        let title = if i.public_title.trim().is_empty() {
            let date = began
                .in_tz(&zone)
                .strftime(crate::time::format::DATE)
                .to_string();
            config.neutral_title(&i.impact.services, &date)
        } else {
            i.public_title.clone()
        };
        let pm = loaded.postmortem.as_ref();
        let sections: BTreeMap<String, String> = pm
            .into_iter()
            .flat_map(published)
            .map(|s| (section_key(&s.title), s.written.clone()))
            .collect();
        // The first one says what happened, when the field does not.
        let summary = if i.public_summary.trim().is_empty() {
            pm.and_then(|pm| published(pm).next())
                .map(|s| s.written.clone())
                .unwrap_or_default()
        } else {
            i.public_summary.clone()
        };
        let policy = config.public_entries;
        let mut entries: Vec<Entry> = loaded
            .timeline
            .iter()
            .filter(|e| e.attachment.is_none() && is_public(e, policy))
            .map(|e| Entry {
                at: e.at,
                kind: e.kind,
                text: redact(&e.text),
            })
            .collect();
        entries.sort_by(|a, b| (a.at, &a.text).cmp(&(b.at, &b.text)));
        let statuses = crate::model::timeline::status_changes(&loaded.timeline);
        let mut updates: Vec<Update> = loaded
            .comms
            .iter()
            .filter(|c| config.is_public_audience(&c.audience))
            .map(|c| Update {
                id: c.id.clone(),
                at: c.at,
                status: status_at(&statuses, i, c.at),
                audience: c.audience.clone(),
                text: redact(&c.message),
            })
            .collect();
        updates.sort_by(|a, b| (a.at, &a.audience, &a.text).cmp(&(b.at, &b.audience, &b.text)));
        let attachments = attachments(&loaded.timeline, &redact);
        let improvements = pm
            .filter(|pm| section_marked(pm, "Improvements"))
            .map(|pm| {
                pm.improvements
                    .iter()
                    .map(|item| Improvement {
                        text: redact(&item.text),
                        kind: item.kind.clone(),
                        done: item.done,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut updated = began;
        updated = entries.iter().map(|e| e.at).fold(updated, Time::max);
        updated = updates.iter().map(|u| u.at).fold(updated, Time::max);
        updated = attachments.iter().map(|a| a.at).fold(updated, Time::max);
        for m in crate::model::Milestone::ALL {
            if let Some(t) = i.milestones.get(m) {
                updated = updated.max(t);
            }
        }
        let mut due =
            crate::model::comms::due(i, &loaded.comms, &loaded.timeline, config, clock.now());
        due.retain(|d| config.is_public_audience(&d.audience));
        Incident {
            id: public_id(&loaded.id),
            title: redact(&title),
            summary: redact(&summary),
            impact: Impact {
                summary: redact(&i.impact.summary),
                services: i.impact.services.iter().map(|s| redact(s)).collect(),
                customers: redact(&i.impact.customers),
                regions: i.impact.regions.iter().map(|r| redact(r)).collect(),
            },
            severity: config.public_label(&i.severity),
            state: config.public_state(&i.severity),
            status: i.status,
            open: i.status.is_open(),
            source: i.detection.source,
            milestones: i.milestones.clone(),
            durations: i.milestones.durations(),
            began,
            updated,
            entries,
            updates,
            attachments,
            sections: sections.into_iter().map(|(k, v)| (k, redact(&v))).collect(),
            improvements,
            postmortem: pm.map(|pm| pm.front.status.name()),
            due,
            severities: severity_history(&loaded.timeline, i, config)
                .into_iter()
                .map(|(at, s)| (at, config.public_label(&s)))
                .collect(),
            cadence: config.cadence_for(&i.severity),
            next_updates: config
                .public_audiences()
                .into_iter()
                .map(|audience| {
                    let schedule = Schedule::new(config, &audience, i, &loaded.timeline);
                    let next = i.status.is_open().then(|| schedule.due_after(clock.now()));
                    let cadence = schedule.cadence_at(clock.now());
                    (audience, (cadence, next))
                })
                .collect(),
        }
    }
}

/// Whether a report is for the outside, and so built from the public model: asked for
/// (`--public`), for a public audience, or made by an `external` template (the built-in one, the
/// repository's, or any file called `external.md` or `external.html`, however it was named).
pub fn is_public_report(
    config: &Config,
    template_name: &str,
    audience: Option<&str>,
    asked: bool,
) -> bool {
    let stem = template_name.split('.').next().unwrap_or_default();
    asked || stem == "external" || audience.is_some_and(|a| config.is_public_audience(a))
}

/// Whether an incident is published at all: not one of a type left out of the metrics (a game
/// day, a false alarm), which is the team's business, not the customers' news.
pub fn is_published(incident: &crate::model::Incident, config: &Config) -> bool {
    !config.excluded_from_metrics(&incident.kind)
}

/// A public title as typed (`--public-title`), trimmed and checked: one line of 1 to
/// [`TITLE_MAX`] characters.
pub fn checked_title(typed: &str) -> Result<String, Error> {
    let title = typed.trim();
    if title.is_empty() {
        return Err(Error::usage(
            "--public-title is empty: give the headline customers read, like \"Payments delayed\"",
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(Error::usage(
            "--public-title holds a line break or control character: keep the headline on one line",
        ));
    }
    let count = title.chars().count();
    if count > TITLE_MAX {
        return Err(Error::usage(format!(
            "--public-title is {count} characters: keep the headline to {TITLE_MAX} and say more with --public-summary"
        )));
    }
    Ok(title.to_string())
}

/// A public summary as typed (`--public-summary`), trimmed and checked: 1 to [`SUMMARY_MAX`]
/// characters, no control characters but line breaks and tabs.
pub fn checked_summary(typed: &str) -> Result<String, Error> {
    let summary = typed.trim();
    if summary.is_empty() {
        return Err(Error::usage(
            "--public-summary is empty: say what happened in words for customers (inc edit without options opens incident.yaml to remove it)",
        ));
    }
    if summary
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(Error::usage(
            "--public-summary holds a control character: type the text again without it",
        ));
    }
    let count = summary.chars().count();
    if count > SUMMARY_MAX {
        return Err(Error::usage(format!(
            "--public-summary is {count} characters: keep it to {SUMMARY_MAX}; the post-mortem's Public summary section can say more"
        )));
    }
    Ok(summary.to_string())
}

/// What is wrong with the public title and summary of an incident written by hand or by an
/// import, as (field, message): what `inc edit --public-title/--public-summary` would refuse.
pub fn text_problems(incident: &crate::model::Incident) -> Vec<(&'static str, String)> {
    type Check = fn(&str) -> Result<String, Error>;
    let fields: [(&'static str, &str, &str, Check); 2] = [
        (
            "public_title",
            "--public-title",
            &incident.public_title,
            checked_title,
        ),
        (
            "public_summary",
            "--public-summary",
            &incident.public_summary,
            checked_summary,
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, _, value, _)| !value.is_empty())
        .filter_map(|(field, flag, value, check)| {
            let err = check(value).err()?;
            Some((field, err.to_string().replacen(flag, field, 1)))
        })
        .collect()
}

/// The public id of the incident whose id is `id`: its date (the day it was opened, which the id
/// starts with) and a hash of the whole id. A hash, not a slug: the title is the team's.
pub fn public_id(id: &str) -> String {
    let hash = crate::model::log::hashed_id(&[b"inc public id\0", id.as_bytes()], 8);
    let date = id.get(..10).filter(|d| {
        d.bytes().enumerate().all(|(n, b)| {
            if n == 4 || n == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
    });
    match date {
        Some(date) => format!("{date}-{hash}"),
        None => format!("incident-{hash}"),
    }
}

/// Whether customers may see an entry: never an internal one, nor `inc open`'s (it quotes the
/// team's title); one marked public always; others by the repository's policy.
fn is_public(e: &TimelineEntry, policy: PublicEntries) -> bool {
    if e.internal || is_opening(e) {
        return false;
    }
    if e.public {
        return true;
    }
    let kind = PUBLIC_KINDS.contains(&e.kind);
    match policy {
        PublicEntries::Marked | PublicEntries::Key => false,
        PublicEntries::MarkedAndKey => e.key && kind,
        PublicEntries::All => kind,
    }
}

/// The entry `inc open` writes (`Opened "TITLE" as SEV2`).
fn is_opening(e: &TimelineEntry) -> bool {
    e.kind == Kind::Status && e.text.starts_with("Opened \"")
}

/// The attachments of public entries: an attachment entry that is not internal (`inc attach`
/// writes every one internal unless `--public`). One whose file name names someone is published
/// under a hash of it.
fn attachments(timeline: &[TimelineEntry], redact: &dyn Fn(&str) -> String) -> Vec<Attachment> {
    let mut found: Vec<Attachment> = timeline
        .iter()
        .filter(|e| !e.internal)
        .filter_map(|e| {
            let file = e.attachment.as_deref()?;
            if !crate::store::is_attachment_name(file) {
                return None;
            }
            // Names in a file name are joined by dashes: look at it as words.
            let words = file.replace(['-', '_', '.'], " ");
            let name = if redact(&words) != words {
                let hash = crate::model::log::hashed_id(&[file.as_bytes()], 8);
                match file.rsplit_once('.') {
                    Some((_, ext)) => format!("attachment-{hash}.{}", ext.to_ascii_lowercase()),
                    None => format!("attachment-{hash}"),
                }
            } else {
                file.to_string()
            };
            let note = crate::store::attachment_note(&e.text, file);
            Some(Attachment {
                name,
                file: file.to_string(),
                note: redact(note),
                at: e.at,
            })
        })
        .collect();
    found.sort_by(|a, b| (a.at, &a.name).cmp(&(b.at, &b.name)));
    found
}

/// A section's name as templates know it: its title in snake case.
pub fn section_key(title: &str) -> String {
    title.trim().to_lowercase().replace(' ', "_")
}

/// Sections that are lists: Improvements are published item by item (without owners or
/// references), never as their Markdown; Issues never.
const LISTS: [&str; 2] = ["issues", "improvements"];

fn section_marked(pm: &Postmortem, title: &str) -> bool {
    pm.sections
        .iter()
        .any(|s| s.public && s.title.eq_ignore_ascii_case(title))
}

/// The prose sections marked for publication that someone wrote in, in the file's order.
fn published(pm: &Postmortem) -> impl Iterator<Item = &crate::model::postmortem::Section> {
    pm.sections.iter().filter(|s| {
        s.public && !s.written.trim().is_empty() && !LISTS.contains(&section_key(&s.title).as_str())
    })
}

/// The incident's status at `at`: the last change at or before it, else investigating; after the
/// resolution of an incident that is over, resolved.
fn status_at(changes: &[(Time, Status)], incident: &crate::model::Incident, at: Time) -> Status {
    if let Some(resolved) = incident.milestones.resolved
        && at >= resolved
        && !incident.status.is_open()
    {
        return Status::Resolved;
    }
    changes
        .iter()
        .take_while(|(t, _)| *t <= at)
        .last()
        .map_or(Status::Investigating, |(_, s)| *s)
}

/// The severities an incident had, by time, as its logbook records them (only configured
/// ones: an entry edited by hand is not trusted to hold one); its severity now when the logbook
/// records none.
fn severity_history(
    timeline: &[TimelineEntry],
    incident: &crate::model::Incident,
    config: &Config,
) -> Vec<(Time, String)> {
    let mut found: Vec<(Time, String)> = crate::model::timeline::severity_changes(timeline)
        .into_iter()
        .filter(|c| config.severities.contains(&c.to))
        .map(|c| (c.at, c.to))
        .collect();
    if found.is_empty() {
        found.push((incident.opened, incident.severity.clone()));
    }
    found
}

#[cfg(test)]
mod tests;
