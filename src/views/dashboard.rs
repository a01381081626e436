//! `inc status` without a status: the dashboard of open incidents, fitted to the terminal.

use std::io::Write;

use anyhow::Result;
use comfy_table::Table;
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::fit::{self, Column, Text};
use super::{EntryView, Loaded, age};
use crate::Color;
use crate::model::Config;
use crate::model::comms::Due;
use crate::model::log::sorted;
use crate::model::roles::{self, LEAD};
use crate::sla::SlaCheck;
use crate::store::Store;
use crate::text::one_line;
use crate::time::{Clock, format_duration};

/// One open incident on the dashboard (`inc status --json` prints an array of these).
#[derive(Serialize, schemars::JsonSchema)]
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
    /// The SLA targets of the severity, judged now (`[]` without targets).
    pub sla: Vec<SlaCheck>,
    /// The runbook step to do next: an overdue repeating one first (left out without runbooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<crate::runbook::Next>,
    /// Updates whose post to a webhook failed (left out when none): `inc comms --retry`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undelivered: Vec<Undelivered<'a>>,
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
            sla: crate::sla::checks(&l.incident, &l.peak_severity(config), config, clock.now()),
            next_step: next_step(l, clock),
            undelivered: undelivered(&l.comms),
        })
        .collect();
    if json {
        return super::print_json(out, &rows);
    }
    if rows.is_empty() {
        writeln!(out, "No open incidents.")?;
        return Ok(());
    }
    let table = dashboard_table(&rows, config, clock, color, columns);
    writeln!(out, "{}", table.trim_fmt())?;
    print_undelivered(out, &rows)?;
    Ok(())
}

/// The dashboard's columns, richest layout first. On a narrow terminal the last entry goes
/// first, then the per-audience columns fold into one NEXT UPDATE column (the most pressing
/// audience), then age, then the title (the id carries it too), then the SLA; ids, titles and
/// people are cut with an ellipsis before a column is dropped. The SLA column is there only when
/// .inc.yaml sets targets.
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
    let mut layouts = vec![
        with(&[id, sev, status, age, lead, title, last], &audiences),
        with(&[id, sev, status, age, lead, title], &audiences),
        vec![id, sev, status, age, lead, title, next],
        vec![id, sev, status, lead, title, next],
        vec![id, sev, status, lead, next],
        vec![id, sev, status, next],
    ];
    if !config.sla.is_empty() {
        columns.push(Column::whole("sla", cells(&|r| sla_text(&r.sla))));
        let sla = columns.len() - 1;
        // After the status while there is room; on an 80-column terminal a breach outranks the
        // status, so the status goes before the SLA does.
        layouts = vec![
            with(&[id, sev, status, sla, age, lead, title, last], &audiences),
            with(&[id, sev, status, sla, age, lead, title], &audiences),
            vec![id, sev, status, sla, age, lead, title, next],
            vec![id, sev, status, sla, lead, title, next],
            vec![id, sev, status, sla, lead, next],
            vec![id, sev, status, sla, next],
            vec![id, sev, sla, next],
        ];
    }
    if rows.iter().any(|r| r.next_step.is_some()) {
        columns.push(Column::whole(
            "next step",
            cells(&|r| step_text(r.next_step.as_ref(), clock)),
        ));
        let step = columns.len() - 1;
        // Only in the two richest layouts: on a narrow terminal `inc runbook` shows it.
        for layout in layouts.iter_mut().take(2) {
            let after = layout
                .iter()
                .position(|&i| i == title)
                .map_or(layout.len(), |p| p + 1);
            layout.insert(after, step);
        }
    }
    fit::table(&columns, &layouts, width, color)
}

/// The most pressing runbook step of an incident: the most overdue repeating step, else the
/// first runbook's next step.
fn next_step(loaded: &Loaded, clock: &Clock) -> Option<crate::runbook::Next> {
    let next: Vec<crate::runbook::Next> = loaded
        .runbook_views(clock)
        .into_iter()
        .filter_map(|v| v.next)
        .collect();
    next.iter()
        .filter(|n| n.overdue)
        .min_by_key(|n| n.due)
        .or(next.first())
        .cloned()
}

/// "break-glass:5 OVERDUE 3m" (red), "break-glass:5 14:40 (in 5m)" or "break-glass:2".
fn step_text(next: Option<&crate::runbook::Next>, clock: &Clock) -> Text {
    let Some(next) = next else {
        return Text::new("—");
    };
    match next.due {
        Some(due) => Text::with_tail(
            next.step.as_str(),
            format!(" {}", crate::runbook::progress::due_text(due, clock)),
        )
        .alarm(next.overdue),
        None => Text::new(next.step.as_str()),
    }
}

/// "resolve in 3h 10m", or "BREACHED respond 5m" (red on a terminal), or "—" without targets.
fn sla_text(checks: &[SlaCheck]) -> Text {
    match crate::sla::most_pressing(checks) {
        Some((text, breached)) => Text::new(text).alarm(breached),
        None => Text::new("—"),
    }
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
