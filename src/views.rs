//! What `list`, `show` and `status` print: the JSON shapes scripts rely on (see SPEC.md) and the
//! tables people read. Rendering writes to any `Write` and never decides where that goes.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::commands::one_line;
use crate::model::incident::Durations;
use crate::model::{Incident, Kind, Milestone, Milestones, TimelineEntry};
use crate::store::Store;
use crate::time::{Clock, Time, format_duration};

/// One incident as `inc list --json` prints it; `inc show --json` adds the timeline and comms.
#[derive(Serialize)]
pub struct IncidentView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    pub opened: Time,
    pub summary: &'a str,
    pub tags: &'a [String],
    pub links: &'a [String],
    pub source: Option<&'static str>,
    pub milestones: &'a Milestones,
    pub durations: Durations,
    pub roles: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<EntryView<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comms: Option<Vec<serde_json::Value>>,
}

impl<'a> IncidentView<'a> {
    pub fn new(id: &'a str, incident: &'a Incident) -> Self {
        IncidentView {
            id,
            title: &incident.title,
            severity: &incident.severity,
            status: incident.status.name(),
            opened: incident.opened,
            summary: &incident.summary,
            tags: &incident.tags,
            links: &incident.links,
            source: incident.detection.source.map(|s| s.name()),
            milestones: &incident.milestones,
            durations: incident.milestones.durations(),
            roles: BTreeMap::new(),
            timeline: None,
            comms: None,
        }
    }
}

/// A timeline entry for JSON, with every field present (`key`, `internal` false, `recorded` null).
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'a str,
    pub kind: Kind,
    pub key: bool,
    pub internal: bool,
    pub text: &'a str,
}

impl<'a> From<&'a TimelineEntry> for EntryView<'a> {
    fn from(e: &'a TimelineEntry) -> Self {
        EntryView {
            id: &e.id,
            at: e.at,
            recorded: e.recorded,
            by: &e.by,
            kind: e.kind,
            key: e.key,
            internal: e.internal,
            text: &e.text,
        }
    }
}

/// Entries sorted by `at`; entries at the same time keep their file order.
pub fn sorted(entries: &[TimelineEntry]) -> Vec<&TimelineEntry> {
    let mut sorted: Vec<&TimelineEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.at);
    sorted
}

/// A table for people: no borders, fits the terminal when there is one.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(|h| h.to_uppercase()));
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
}

/// How long the incident has lasted: from its start (or detection, or opening) until resolved or now.
pub fn duration_so_far(incident: &Incident, clock: &Clock) -> String {
    let m = &incident.milestones;
    let start = m.started.or(m.detected).unwrap_or(incident.opened);
    let end = m
        .resolved
        .filter(|_| !incident.status.is_open())
        .unwrap_or_else(|| clock.now());
    format_duration(end.since(start))
}

/// `inc list` and the dashboard: the incidents `keep` selects, newest first.
pub fn print_list(
    out: &mut dyn Write,
    store: &Store,
    clock: &Clock,
    keep: impl Fn(&Incident) -> bool,
    json: bool,
) -> Result<()> {
    let mut incidents: Vec<(String, Incident)> = Vec::new();
    for (id, loaded) in store.load_all()? {
        match loaded {
            Ok(incident) if keep(&incident) => incidents.push((id, incident)),
            Ok(_) => {}
            Err(err) => eprintln!("warning: skipped {id}: {err:#}"),
        }
    }
    incidents.reverse();
    if json {
        let views: Vec<IncidentView> = incidents
            .iter()
            .map(|(id, i)| IncidentView::new(id, i))
            .collect();
        return crate::commands::print_json(out, &views);
    }
    if incidents.is_empty() {
        writeln!(
            out,
            "No incidents to show (inc list --all includes resolved ones)."
        )?;
        return Ok(());
    }
    let mut table = table(&["id", "sev", "status", "duration", "title"]);
    for (id, incident) in &incidents {
        table.add_row(vec![
            id.clone(),
            incident.severity.clone(),
            incident.status.to_string(),
            duration_so_far(incident, clock),
            one_line(&incident.title, 60),
        ]);
    }
    writeln!(out, "{}", table.trim_fmt())?;
    Ok(())
}

/// Number of entries `inc show` prints at the end.
const LAST_ENTRIES: usize = 10;

/// `inc show` for people.
pub fn print_incident(
    out: &mut dyn Write,
    id: &str,
    incident: &Incident,
    timeline: &[TimelineEntry],
    clock: &Clock,
) -> Result<()> {
    let tz = clock.tz();
    writeln!(out, "{id}")?;
    writeln!(out, "{}", incident.title)?;
    let mut facts = vec![
        incident.severity.clone(),
        incident.status.to_string(),
        format!("opened {}", incident.opened.short(tz)),
    ];
    if let Some(source) = incident.detection.source {
        facts.push(format!("detected by {}", source.name()));
    }
    writeln!(out, "{}", facts.join(" · "))?;
    if !incident.tags.is_empty() {
        writeln!(out, "tags: {}", incident.tags.join(", "))?;
    }
    if !incident.summary.is_empty() {
        writeln!(out, "\nSummary")?;
        for line in incident.summary.lines() {
            writeln!(out, "  {line}")?;
        }
    }

    writeln!(out, "\nMilestones")?;
    for milestone in Milestone::ALL {
        let value = incident
            .milestones
            .get(milestone)
            .map_or_else(|| "—".to_string(), |t| t.short(tz));
        writeln!(out, "  {:<14}{value}", milestone.name())?;
    }

    writeln!(out, "\nDurations")?;
    for (label, seconds) in incident.milestones.durations().labelled() {
        let value = seconds.map_or_else(
            || "—".to_string(),
            |s| format_duration(jiff::SignedDuration::from_secs(s)),
        );
        writeln!(out, "  {label:<22}{value}")?;
    }
    if incident.status.is_open() {
        writeln!(
            out,
            "  {:<22}{}",
            "ongoing for",
            duration_so_far(incident, clock)
        )?;
    }

    let entries = sorted(timeline);
    let shown = &entries[entries.len().saturating_sub(LAST_ENTRIES)..];
    writeln!(out, "\nLast entries ({} of {})", shown.len(), entries.len())?;
    for entry in shown {
        let mut marks = String::new();
        if entry.key {
            marks.push_str(" [key]");
        }
        if entry.internal {
            marks.push_str(" [internal]");
        }
        writeln!(
            out,
            "  {}  {:<10} {:<11} {}{marks}",
            entry.at.short(tz),
            one_line(&entry.by, 10),
            entry.kind.name(),
            one_line(&entry.text, 80),
        )?;
    }
    Ok(())
}
