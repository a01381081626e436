//! What `list`, `show`, `status` and `roles` print: the JSON shapes scripts rely on (see SPEC.md)
//! and the tables people read. Rendering writes to any `Write` and never decides where that goes.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::Color;
use crate::model::comms::{self, Due};
use crate::model::incident::{Durations, Impact};
use crate::model::log::sorted;
use crate::model::roles::{self, LEAD};
use crate::model::timeline::{self, Change};
use crate::model::{
    CommsEntry, Config, Incident, Kind, Milestone, Milestones, RoleEvent, TimelineEntry,
};
use crate::postmortem::{Improvement, Issue, Postmortem};
use crate::store::Store;
use crate::text::one_line;
use crate::time::{Clock, Time, format_duration};

mod fit;

use fit::{Column, Text};

/// An incident with all of its files read, for `show` and the dashboard.
pub struct Loaded {
    pub id: String,
    pub incident: Incident,
    pub timeline: Vec<TimelineEntry>,
    pub roles: Vec<RoleEvent>,
    pub comms: Vec<CommsEntry>,
    /// What postmortem.md holds, once it exists.
    pub postmortem: Option<Postmortem>,
}

impl Loaded {
    pub fn load(store: &Store, id: &str) -> Result<Loaded> {
        let mut loaded = Loaded::load_logs(store, id)?;
        loaded.postmortem = store.load_postmortem(id)?;
        Ok(loaded)
    }

    /// Everything but postmortem.md (to scaffold a new one, the old one does not matter).
    pub fn load_logs(store: &Store, id: &str) -> Result<Loaded> {
        Ok(Loaded {
            id: id.to_string(),
            incident: store.load_incident(id)?,
            timeline: store.load_log(id)?,
            roles: store.load_log(id)?,
            comms: store.load_log(id)?,
            postmortem: None,
        })
    }

    pub fn due(&self, config: &Config, clock: &Clock) -> Vec<Due> {
        comms::due(&self.incident, &self.comms, config, clock.now())
    }

    /// Everyone named in the incident's files, including the post-mortem's authors and owners.
    pub fn people(&self) -> Vec<String> {
        let mut authors: Vec<String> = Vec::new();
        if let Some(pm) = &self.postmortem {
            authors.extend(pm.front.authors.iter().cloned());
            authors.extend(pm.improvements.iter().filter_map(|i| i.owner.clone()));
        }
        crate::model::people(&self.timeline, &self.roles, &self.comms, &authors)
    }

    pub fn pending_changes(&self) -> Vec<&TimelineEntry> {
        timeline::changes(&self.timeline)
            .into_iter()
            .filter(|c| c.decision.is_none())
            .map(|c: Change| c.request)
            .collect()
    }
}

/// One incident as `inc list --json` prints it; `inc show --json` adds the timeline, comms,
/// comms due and pending changes.
#[derive(Serialize)]
pub struct IncidentView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    pub opened: Time,
    pub summary: &'a str,
    /// The headline for customers; `""` when not set.
    pub public_title: &'a str,
    pub impact: &'a Impact,
    pub tags: &'a [String],
    pub links: &'a [String],
    pub source: Option<&'static str>,
    pub milestones: &'a Milestones,
    pub durations: Durations,
    /// role → current holders.
    pub roles: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<EntryView<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comms: Option<Vec<CommsView<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comms_due: Option<Vec<Due>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_changes: Option<Vec<EntryView<'a>>>,
    /// `null` until postmortem.md exists; then its status, authors, Issues and Improvements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postmortem: Option<Option<PostmortemView<'a>>>,
}

/// The post-mortem as `inc show --json` prints it, with source line numbers.
#[derive(Serialize)]
pub struct PostmortemView<'a> {
    pub status: &'static str,
    pub authors: &'a [String],
    pub issues: &'a [Issue],
    pub improvements: &'a [Improvement],
}

impl<'a> From<&'a Postmortem> for PostmortemView<'a> {
    fn from(pm: &'a Postmortem) -> Self {
        PostmortemView {
            status: pm.front.status.name(),
            authors: &pm.front.authors,
            issues: &pm.issues,
            improvements: &pm.improvements,
        }
    }
}

impl<'a> IncidentView<'a> {
    pub fn new(
        id: &'a str,
        incident: &'a Incident,
        role_events: &[RoleEvent],
        config: &Config,
    ) -> Self {
        IncidentView {
            id,
            title: &incident.title,
            severity: &incident.severity,
            status: incident.status.name(),
            opened: incident.opened,
            summary: &incident.summary,
            public_title: &incident.public_title,
            impact: &incident.impact,
            tags: &incident.tags,
            links: &incident.links,
            source: incident.detection.source.map(|s| s.name()),
            milestones: &incident.milestones,
            durations: incident.milestones.durations(),
            roles: holders(config, role_events),
            timeline: None,
            comms: None,
            comms_due: None,
            pending_changes: None,
            postmortem: None,
        }
    }

    /// The full view of `inc show --json`.
    pub fn full(loaded: &'a Loaded, config: &Config, clock: &Clock) -> Self {
        let mut view = IncidentView::new(&loaded.id, &loaded.incident, &loaded.roles, config);
        view.timeline = Some(
            sorted(&loaded.timeline)
                .into_iter()
                .map(EntryView::from)
                .collect(),
        );
        view.comms = Some(
            sorted(&loaded.comms)
                .into_iter()
                .map(CommsView::from)
                .collect(),
        );
        view.comms_due = Some(loaded.due(config, clock));
        view.pending_changes = Some(
            loaded
                .pending_changes()
                .into_iter()
                .map(EntryView::from)
                .collect(),
        );
        view.postmortem = Some(loaded.postmortem.as_ref().map(PostmortemView::from));
        view
    }
}

/// Every configured role with its current holders (empty when nobody holds it), plus any role
/// held that the configuration no longer lists.
pub fn holders(config: &Config, events: &[RoleEvent]) -> BTreeMap<String, Vec<String>> {
    let mut holders: BTreeMap<String, Vec<String>> = config
        .roles
        .iter()
        .map(|r| (r.clone(), Vec::new()))
        .collect();
    holders.extend(roles::holders(events));
    holders
}

/// A timeline entry for JSON, with every field present (`key`, `internal` false, others null).
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'a str,
    pub kind: Kind,
    #[serde(rename = "ref")]
    pub reference: Option<&'a str>,
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
            reference: e.reference.as_deref(),
            key: e.key,
            internal: e.internal,
            text: &e.text,
        }
    }
}

/// A comms entry for JSON, with every field present.
#[derive(Serialize)]
pub struct CommsView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'a str,
    pub audience: &'a str,
    pub channel: Option<&'a str>,
    pub message: &'a str,
}

impl<'a> From<&'a CommsEntry> for CommsView<'a> {
    fn from(c: &'a CommsEntry) -> Self {
        CommsView {
            id: &c.id,
            at: c.at,
            recorded: c.recorded,
            by: &c.by,
            audience: &c.audience,
            channel: c.channel.as_deref(),
            message: &c.message,
        }
    }
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
/// Never negative: a start ahead of this clock (another clone's clock runs fast) counts as zero,
/// and `inc check` warns about it.
pub fn age(incident: &Incident, clock: &Clock) -> SignedDuration {
    let m = &incident.milestones;
    let start = m.started.or(m.detected).unwrap_or(incident.opened);
    let end = m
        .resolved
        .filter(|_| !incident.status.is_open())
        .unwrap_or_else(|| clock.now());
    end.since(start).max(SignedDuration::ZERO)
}

/// `inc list`: the incidents `keep` selects, newest first.
pub fn print_list(
    out: &mut dyn Write,
    store: &Store,
    clock: &Clock,
    keep: impl Fn(&str, &Incident) -> bool,
    json: bool,
) -> Result<()> {
    let mut incidents: Vec<(String, Incident)> = Vec::new();
    for (id, loaded) in store.load_all()? {
        match loaded {
            Ok(incident) if keep(&id, &incident) => incidents.push((id, incident)),
            Ok(_) => {}
            Err(err) => crate::eprintln_escaped!("warning: skipped {id}: {err:#}"),
        }
    }
    incidents.reverse();
    if json {
        let mut views = Vec::new();
        for (id, incident) in &incidents {
            let roles: Vec<RoleEvent> = store.load_log(id).unwrap_or_else(|err| {
                crate::eprintln_escaped!("warning: {id}: roles left out: {err:#}");
                Vec::new()
            });
            views.push(IncidentView::new(id, incident, &roles, store.config()));
        }
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
            format_duration(age(incident, clock)),
            one_line(&incident.title, 60),
        ]);
    }
    writeln!(out, "{}", table.trim_fmt())?;
    Ok(())
}

/// One open incident on the dashboard (`inc status --json` prints an array of these).
#[derive(Serialize)]
pub struct DashboardRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    /// Whole seconds since the incident started.
    pub age: i64,
    pub lead: Vec<String>,
    pub last_entry: Option<EntryView<'a>>,
    pub comms_due: Vec<Due>,
}

/// `inc status` without a status: every open incident at a glance, most severe first, in
/// `columns` when known (see [`dashboard_table`]).
pub fn print_dashboard(
    out: &mut dyn Write,
    store: &Store,
    clock: &Clock,
    color: Color,
    columns: Option<usize>,
    json: bool,
) -> Result<()> {
    let config = store.config();
    let mut open: Vec<Loaded> = Vec::new();
    for (id, incident) in store.load_all()? {
        match incident {
            Ok(incident) if incident.status.is_open() => match Loaded::load(store, &id) {
                Ok(loaded) => open.push(loaded),
                // One broken file must not hide the other incidents during an outage.
                Err(err) => crate::eprintln_escaped!("warning: skipped {id}: {err:#}"),
            },
            Ok(_) => {}
            Err(err) => crate::eprintln_escaped!("warning: skipped {id}: {err:#}"),
        }
    }
    open.sort_by_key(|l| {
        (
            config.severity_rank(&l.incident.severity),
            l.incident.opened,
        )
    });
    let rows: Vec<DashboardRow> = open
        .iter()
        .map(|l| DashboardRow {
            id: &l.id,
            title: &l.incident.title,
            severity: &l.incident.severity,
            status: l.incident.status.name(),
            age: age(&l.incident, clock).as_secs(),
            lead: roles::holders(&l.roles).remove(LEAD).unwrap_or_default(),
            last_entry: sorted(&l.timeline).last().map(|e| EntryView::from(*e)),
            comms_due: l.due(config, clock),
        })
        .collect();
    if json {
        return crate::commands::print_json(out, &rows);
    }
    if rows.is_empty() {
        writeln!(out, "No open incidents.")?;
        return Ok(());
    }
    let table = dashboard_table(&rows, config, clock, color, columns);
    writeln!(out, "{}", table.trim_fmt())?;
    Ok(())
}

/// The dashboard's columns, richest layout first. On a narrow terminal the last entry goes
/// first, then the per-audience columns fold into one NEXT UPDATE column (the most pressing
/// audience), then age, then the title (the id carries it too); ids, titles and people are cut
/// with an ellipsis before a column is dropped.
fn dashboard_table(
    rows: &[DashboardRow],
    config: &Config,
    clock: &Clock,
    color: Color,
    width: Option<usize>,
) -> Table {
    let now = clock.now();
    let tz = clock.tz();
    let cells = |f: &dyn Fn(&DashboardRow) -> Text| rows.iter().map(f).collect::<Vec<Text>>();
    let mut columns = vec![
        Column::cut("id", cells(&|r| Text::new(r.id)), 22).cut_last(),
        Column::whole("sev", cells(&|r| Text::new(one_line(r.severity, 20)))),
        Column::whole("status", cells(&|r| Text::new(r.status))),
        Column::whole(
            "age",
            cells(&|r| Text::new(format_duration(SignedDuration::from_secs(r.age)))),
        ),
        Column::cut(
            "lead",
            cells(&|r| {
                Text::new(if r.lead.is_empty() {
                    "—".to_string()
                } else {
                    one_line(&r.lead.join(", "), 60)
                })
            }),
            8,
        ),
        Column::cut("title", cells(&|r| Text::new(one_line(r.title, 60))), 12),
        Column::cut(
            "last entry",
            cells(&|r| match &r.last_entry {
                Some(e) => Text::with_tail(
                    one_line(e.text, 40),
                    format!(" ({} ago)", format_duration(now.since(e.at))),
                ),
                None => Text::new("—"),
            }),
            20,
        ),
        Column::whole("next update", cells(&|r| next_update(&r.comms_due, clock))),
    ];
    let first_audience = columns.len();
    for audience in &config.audiences {
        columns.push(Column::whole(
            audience,
            cells(&|r| {
                due_text(
                    r.comms_due.iter().find(|d| &d.audience == audience),
                    clock,
                    tz,
                )
            }),
        ));
    }
    let audiences: Vec<usize> = (first_audience..columns.len()).collect();
    let (id, sev, status, age, lead, title, last, next) = (0, 1, 2, 3, 4, 5, 6, 7);
    let with = |base: &[usize], more: &[usize]| [base, more].concat();
    let layouts = vec![
        with(&[id, sev, status, age, lead, title, last], &audiences),
        with(&[id, sev, status, age, lead, title], &audiences),
        vec![id, sev, status, age, lead, title, next],
        vec![id, sev, status, lead, title, next],
        vec![id, sev, status, lead, next],
        vec![id, sev, status, next],
    ];
    fit::table(&columns, &layouts, width, color)
}

/// The most pressing update of an incident: the most overdue, else the next due.
fn next_update(due: &[Due], clock: &Clock) -> Text {
    let pressing = due
        .iter()
        .filter(|d| d.overdue)
        .min_by_key(|d| d.due)
        .or_else(|| due.iter().min_by_key(|d| d.due));
    match pressing {
        Some(d) => {
            let when = due_text(Some(d), clock, clock.tz());
            Text::with_tail(d.audience.as_str(), format!(" {}", when.plain())).alarm(d.overdue)
        }
        None => Text::new("—"),
    }
}

/// "15:40 (in 12m)", or "OVERDUE 8m" (red on a terminal), or "—" for an audience not being
/// tracked.
fn due_text(due: Option<&Due>, clock: &Clock, tz: &TimeZone) -> Text {
    let Some(due) = due else {
        return Text::new("—");
    };
    let now = clock.now();
    if due.overdue {
        Text::new(format!("OVERDUE {}", format_duration(now.since(due.due)))).alarm(true)
    } else {
        Text::new(format!(
            "{} (in {})",
            due.due.in_tz(tz).strftime("%H:%M"),
            format_duration(due.due.since(now))
        ))
    }
}

/// Number of entries `inc show` prints at the end.
const LAST_ENTRIES: usize = 10;

/// `inc show` for people.
pub fn print_incident(
    out: &mut dyn Write,
    loaded: &Loaded,
    config: &Config,
    clock: &Clock,
) -> Result<()> {
    let tz = clock.tz();
    let incident = &loaded.incident;
    writeln!(out, "{}", loaded.id)?;
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
            |s| format_duration(SignedDuration::from_secs(s)),
        );
        writeln!(out, "  {label:<22}{value}")?;
    }
    if incident.status.is_open() {
        writeln!(
            out,
            "  {:<22}{}",
            "ongoing for",
            format_duration(age(incident, clock))
        )?;
    }

    let roles = Roles::new(config, incident, &loaded.roles, clock);
    writeln!(out, "\nRoles")?;
    if roles.history.is_empty() {
        writeln!(
            out,
            "  nobody holds a role yet: inc role incident-lead PERSON"
        )?;
    } else {
        roles.print_now(out, tz, false)?;
    }

    let due = loaded.due(config, clock);
    if !due.is_empty() {
        writeln!(out, "\nNext updates")?;
        for d in &due {
            let when = if d.overdue {
                format!("OVERDUE {}", format_duration(clock.now().since(d.due)))
            } else {
                format!(
                    "by {} (in {})",
                    d.due.in_tz(tz).strftime("%H:%M"),
                    format_duration(d.due.since(clock.now()))
                )
            };
            let last = d.last.map_or_else(
                || "no update yet".to_string(),
                |t| format!("last {}", t.in_tz(tz).strftime("%H:%M")),
            );
            writeln!(out, "  {:<14}{when}, {last}", d.audience)?;
        }
    }

    let pending = loaded.pending_changes();
    if !pending.is_empty() {
        writeln!(out, "\nPending changes (inc change approve ID)")?;
        for request in pending {
            writeln!(
                out,
                "  {}  {}  {:<10} {}",
                request.id,
                request.at.in_tz(tz).strftime("%H:%M"),
                one_line(&request.by, 10),
                one_line(&request.text, 70)
            )?;
        }
    }

    if let Some(pm) = &loaded.postmortem {
        let done = pm.improvements.iter().filter(|i| i.done).count();
        writeln!(
            out,
            "\nPost-mortem: {} ({} issues, {} improvements, {done} done)",
            pm.front.status.name(),
            pm.issues.len(),
            pm.improvements.len()
        )?;
    }

    let entries = sorted(&loaded.timeline);
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
            "  {}  {:<10} {:<15} {}{marks}",
            entry.at.short(tz),
            one_line(&entry.by, 10),
            entry.kind.name(),
            one_line(&entry.text, 80),
        )?;
    }
    Ok(())
}

/// Role holders now and every tenure, as `inc roles` and `inc show` print them.
#[derive(Serialize)]
pub struct Roles {
    /// role → current holders, for every configured role (empty when nobody holds it).
    pub holders: BTreeMap<String, Vec<String>>,
    pub history: Vec<TenureView>,
    #[serde(skip)]
    order: Vec<String>,
    /// What "until" says for a tenure still running: "now", or "resolved" once it is.
    #[serde(skip)]
    open_end: &'static str,
}

#[derive(Serialize)]
pub struct TenureView {
    pub role: String,
    pub person: String,
    pub from: Time,
    pub until: Option<Time>,
    /// Whole seconds held: until `until`, or the resolution, or now.
    pub held: i64,
}

impl Roles {
    pub fn new(config: &Config, incident: &Incident, events: &[RoleEvent], clock: &Clock) -> Roles {
        let holders = holders(config, events);
        let end = incident
            .milestones
            .resolved
            .filter(|_| !incident.status.is_open())
            .unwrap_or_else(|| clock.now());
        let history = roles::tenures(events)
            .into_iter()
            .map(|t| TenureView {
                held: t.until.unwrap_or(end).since(t.from).as_secs().max(0),
                role: t.role,
                person: t.person,
                from: t.from,
                until: t.until,
            })
            .collect();
        let mut order = config.roles.clone();
        order.extend(
            holders
                .keys()
                .filter(|r| !config.roles.contains(r))
                .cloned(),
        );
        Roles {
            holders,
            history,
            order,
            open_end: if incident.status.is_open() {
                "now"
            } else {
                "resolved"
            },
        }
    }

    /// Each role in configured order with its holders and since when; `all` includes roles
    /// nobody holds.
    pub fn print_now(&self, out: &mut dyn Write, tz: &TimeZone, all: bool) -> Result<()> {
        for role in &self.order {
            let people: Vec<String> = self
                .history
                .iter()
                .filter(|t| &t.role == role && t.until.is_none())
                .map(|t| {
                    format!(
                        "{} (since {}, {})",
                        t.person,
                        t.from.in_tz(tz).strftime("%H:%M"),
                        format_duration(SignedDuration::from_secs(t.held))
                    )
                })
                .collect();
            if people.is_empty() && !all {
                continue;
            }
            let people = if people.is_empty() {
                "—".to_string()
            } else {
                people.join(", ")
            };
            writeln!(out, "  {role:<18}{people}")?;
        }
        Ok(())
    }

    /// `inc roles`: holders now, then every tenure with how long it lasted.
    pub fn print(&self, out: &mut dyn Write, tz: &TimeZone) -> Result<()> {
        writeln!(out, "Now")?;
        self.print_now(out, tz, true)?;
        writeln!(out, "\nHistory")?;
        if self.history.is_empty() {
            writeln!(
                out,
                "  nobody has held a role yet: inc role incident-lead PERSON"
            )?;
            return Ok(());
        }
        let mut table = table(&["role", "person", "from", "until", "held"]);
        for t in &self.history {
            table.add_row(vec![
                t.role.clone(),
                t.person.clone(),
                t.from.short(tz),
                t.until
                    .map_or_else(|| self.open_end.to_string(), |u| u.short(tz)),
                format_duration(SignedDuration::from_secs(t.held)),
            ]);
        }
        for line in table.trim_fmt().lines() {
            writeln!(out, "  {line}")?;
        }
        Ok(())
    }
}
