//! `inc status` without a status: the dashboard of open incidents, fitted to the terminal. One
//! line per incident with the one thing it needs next (see [`crate::duties`]), the incidents
//! that need something now first; then anything this clone has not shared.

use std::io::Write;

use anyhow::Result;
use comfy_table::Table;
use jiff::SignedDuration;
use serde::Serialize;

use super::fit::{self, Column, Text};
use super::unshared::{SyncView, print_unshared, sync_view};
use super::{EntryView, LoadedViews, age};
use crate::Color;
use crate::duties::{Duty, DutyKind, Facts, Urgency};
use crate::model::Config;
use crate::model::comms::Due;
use crate::model::log::sorted;
use crate::model::roles::{self, LEAD};
use crate::sla::SlaCheck;
use crate::store::{Loaded, Store};
use crate::text::one_line;
use crate::time::{Clock, Time, format_duration};

/// One open incident on the dashboard (`inc status --json` prints an array of these, in the
/// dashboard's order: the incidents that need something now first).
#[derive(Serialize, schemars::JsonSchema)]
pub struct DashboardRow<'a> {
    pub id: &'a str,
    /// The fewest words of the id that `-i` still resolves to it: what the table shows.
    pub short_id: String,
    pub title: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    /// Whole seconds since the incident started.
    pub age: i64,
    pub lead: Vec<String>,
    pub last_entry: Option<EntryView<'a>>,
    pub comms_due: Vec<Due>,
    /// The SLA targets of the severity, judged now (`[]` without targets).
    pub sla: Vec<SlaCheck>,
    /// The runbook step to do next: an overdue repeating one first (left out without runbooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<crate::model::runbook::Next>,
    /// Updates whose post to a webhook failed (left out when none): `inc comms --retry`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undelivered: Vec<Undelivered<'a>>,
    /// The most urgent of `duties`: what the NEXT column shows; `null` when nothing is owed.
    pub next: Option<Duty>,
    /// Everything the incident owes, most urgent first: a missing lead, changes waiting for
    /// approval, updates due, the SLA's respond target, runbook steps.
    pub duties: Vec<Duty>,
    /// This clone against its remote, the same on every row (left out without a remote):
    /// commits not pushed, commits fetched and not merged, and when it last synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncView>,
}

/// An update `inc comms --send` could not deliver, until a retry does.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Undelivered<'a> {
    /// The comms entry's id.
    pub id: &'a str,
    pub audience: &'a str,
    pub channel: Option<&'a str>,
    /// "HTTP 500", "timed out after 10s", "connection refused".
    pub reason: String,
}

fn undelivered(comms: &[crate::model::CommsEntry]) -> Vec<Undelivered<'_>> {
    comms
        .iter()
        .filter_map(|c| {
            let delivery = c.delivery.as_ref().filter(|d| d.failed())?;
            Some(Undelivered {
                id: &c.id,
                audience: &c.audience,
                channel: c.channel.as_deref(),
                reason: delivery.reason(),
            })
        })
        .collect()
}

/// One line per undelivered update, under the table: a failed post must not go unnoticed.
fn print_undelivered(out: &mut dyn Write, rows: &[DashboardRow]) -> Result<()> {
    for row in rows {
        let select = if rows.len() > 1 {
            format!(" -i {}", row.id)
        } else {
            String::new()
        };
        for update in &row.undelivered {
            let via = update
                .channel
                .map(|c| format!(" via {c}"))
                .unwrap_or_default();
            let line = format!(
                "{}: update to {}{via} not delivered ({}) — inc comms --retry{select}",
                row.id,
                update.audience,
                one_line(&update.reason, 80)
            );
            writeln!(out, "{}", crate::text::escape_controls(&line))?;
        }
    }
    Ok(())
}

/// `inc status` without a status: every open incident at a glance, the most urgent first, in
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
    let mut ids: Vec<String> = Vec::new();
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
        ids.push(id);
    }
    let wanted: Vec<&str> = open.iter().map(|l| l.id.as_str()).collect();
    let short = crate::store::short_ids(&ids, &wanted);
    let sync = sync_view(store, clock);
    let mut rows: Vec<DashboardRow> = open
        .iter()
        .zip(short)
        .map(|(l, short_id)| row(l, short_id, config, clock, sync.clone()))
        .collect();
    // The incidents that need something now first, the worst of them first; then those whose
    // next duty is a checklist, then those with nothing due until later.
    let opened: std::collections::HashMap<&str, Time> = open
        .iter()
        .map(|l| (l.id.as_str(), l.incident.opened))
        .collect();
    rows.sort_by_key(|r| {
        let next = r.next.as_ref();
        (
            // Nothing owed goes last.
            next.is_none(),
            next.map(|d| d.urgency),
            config.severity_rank(r.severity),
            next.and_then(|d| d.due),
            opened.get(r.id).copied(),
        )
    });
    if json {
        return super::print_json(out, &rows);
    }
    if rows.is_empty() {
        writeln!(out, "No open incidents.")?;
    } else {
        let table = dashboard_table(&rows, config, clock, color, columns);
        writeln!(out, "{}", table.trim_fmt())?;
        print_undelivered(out, &rows)?;
    }
    // Also with nothing open: an unmerged fetch may hold an incident opened elsewhere.
    print_unshared(out, sync.as_ref(), clock)
}

/// One incident's row, with what it owes as of the clock.
fn row<'a>(
    l: &'a Loaded,
    short_id: String,
    config: &Config,
    clock: &Clock,
    sync: Option<SyncView>,
) -> DashboardRow<'a> {
    let lead = roles::holders(&l.roles).remove(LEAD).unwrap_or_default();
    let comms_due = l.due(config, clock);
    let sla = l.sla(config, clock);
    let pending = l.pending_changes();
    let runbooks = l.runbook_views(clock);
    let duties = crate::duties::duties(
        &Facts {
            opened: l.incident.opened,
            lead: &lead,
            comms_due: &comms_due,
            pending_changes: &pending,
            runbooks: &runbooks,
            sla: &sla,
        },
        clock.now(),
    );
    DashboardRow {
        id: &l.id,
        short_id,
        title: &l.incident.title,
        severity: &l.incident.severity,
        status: l.incident.status.name(),
        age: age(&l.incident, clock).as_secs(),
        lead,
        last_entry: sorted(&l.timeline).last().map(|e| EntryView::from(*e)),
        comms_due,
        sla,
        next_step: next_step(&runbooks),
        undelivered: undelivered(&l.comms),
        next: duties.first().cloned(),
        duties,
        sync,
    }
}

/// The dashboard's columns, richest layout first: the short id, the severity and the next duty
/// are always there, and the title as long as it can be; then the lead, the age and the status,
/// then the last entry. Titles, duties and people are cut with an ellipsis before a column is
/// dropped; the id only on the narrowest terminals. The SLA column is there only when .inc.yaml
/// sets targets.
fn dashboard_table(
    rows: &[DashboardRow],
    config: &Config,
    clock: &Clock,
    color: Color,
    width: Option<usize>,
) -> Table {
    let now = clock.now();
    let cells = |f: &dyn Fn(&DashboardRow) -> Text| rows.iter().map(f).collect::<Vec<Text>>();
    let ids = || cells(&|r| Text::new(r.short_id.as_str()));
    let titles = || cells(&|r| Text::new(one_line(r.title, 80)));
    let mut columns = vec![
        // Typed to name the incident: whole, but on the narrowest terminals.
        Column::cut("id", ids(), usize::MAX),
        Column::cut("id", ids(), 12).cut_last(),
        Column::whole("sev", cells(&|r| Text::new(one_line(r.severity, 20)))),
        Column::cut_body("next", cells(&|r| next_text(r, clock)), 21),
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
        Column::whole(
            "age",
            cells(&|r| Text::new(format_duration(SignedDuration::from_secs(r.age)))),
        ),
        Column::whole("status", cells(&|r| Text::new(r.status))),
        // The title whole beside the last entry; 40 columns while the lead, the age and the
        // status fit beside it; 20 on an 80-column terminal.
        Column::cut("title", titles(), usize::MAX),
        Column::cut("title", titles(), 40),
        Column::cut("title", titles(), 20),
        Column::cut(
            "last entry",
            cells(&|r| match &r.last_entry {
                Some(e) => Text::with_tail(
                    one_line(e.text, 40),
                    format!(" ({} ago)", format_duration(now.since(e.at))),
                ),
                None => Text::new("—"),
            }),
            30,
        ),
    ];
    let (id, id_cut, sev, next, lead, age, status) = (0, 1, 2, 3, 4, 5, 6);
    let (title_whole, title, title_cut, last) = (7, 8, 9, 10);
    let rich = [
        vec![id, sev, next, lead, age, status, title_whole, last],
        vec![id, sev, next, lead, age, status, title],
        vec![id, sev, next, lead, age, title],
        vec![id, sev, next, lead, title],
    ];
    let narrow = [
        vec![id, sev, next, lead, title_cut],
        vec![id, sev, next, title_cut],
        vec![id_cut, sev, next, title_cut],
        vec![id_cut, sev, next],
    ];
    let mut layouts: Vec<Vec<usize>> = Vec::new();
    if !config.sla.is_empty() {
        columns.push(Column::whole("sla", cells(&|r| sla_text(&r.sla))));
        let sla = columns.len() - 1;
        // After the severity: a breach is what the SLA column is for. It goes before the title
        // is cut below 40 columns (a respond target missed is a duty in NEXT all the same).
        for layout in rich.iter().chain([&vec![id, sev, next, title]]) {
            let mut with = layout.clone();
            with.insert(2, sla);
            layouts.push(with);
        }
    }
    layouts.extend(rich);
    layouts.extend(narrow);
    fit::table(&columns, &layouts, width, color)
}

/// The NEXT cell: the most urgent duty with how late or how soon, and how many other duties
/// need doing now ("+2"). Red on a terminal when something is waiting or overdue.
fn next_text(row: &DashboardRow, clock: &Clock) -> Text {
    let Some(next) = &row.next else {
        return Text::new("—");
    };
    let now = clock.now();
    let when = match (next.kind, next.due, &next.quiet) {
        (DutyKind::Lead | DutyKind::Change, Some(since), _) => {
            format!(" ({})", format_duration(now.since(since)))
        }
        (_, Some(due), _) if next.overdue => {
            format!(" OVERDUE {}", format_duration(now.since(due)))
        }
        // Nothing is due while an audience is quiet: when that ends says more than a due time.
        (_, Some(_), Some(quiet)) => format!(" ({})", super::quiet_text(quiet, clock)),
        (_, Some(due), None) => format!(
            " {} (in {})",
            clock.show(due),
            format_duration(due.since(now))
        ),
        (_, None, _) => String::new(),
    };
    let more = row
        .duties
        .iter()
        .skip(1)
        .filter(|d| d.urgency != Urgency::Later)
        .count();
    let more = if more > 0 && next.urgency != Urgency::Later {
        format!(" +{more}")
    } else {
        String::new()
    };
    Text::with_tail(next.text.as_str(), format!("{when}{more}")).alarm(next.urgency == Urgency::Now)
}

/// The most pressing runbook step of an incident: the most overdue repeating step, else the
/// first runbook's next step (`next_step` in the JSON, as before the duties).
fn next_step(
    views: &[crate::model::runbook::progress::ProgressView],
) -> Option<crate::model::runbook::Next> {
    let next: Vec<&crate::model::runbook::Next> =
        views.iter().filter_map(|v| v.next.as_ref()).collect();
    next.iter()
        .filter(|n| n.overdue)
        .min_by_key(|n| n.due)
        .or(next.first())
        .map(|n| (*n).clone())
}

/// "resolve in 3h 10m", or "BREACHED respond 5m" (red on a terminal), or "—" without targets.
fn sla_text(checks: &[SlaCheck]) -> Text {
    match crate::sla::most_pressing(checks) {
        Some((text, breached)) => Text::new(text).alarm(breached),
        None => Text::new("—"),
    }
}
