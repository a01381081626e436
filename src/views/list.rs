//! `inc list`: the incidents, as a table or JSON.

use std::io::Write;

use anyhow::Result;

use super::{IncidentView, age, table};
use crate::model::{Incident, RoleEvent};
use crate::store::Store;
use crate::text::one_line;
use crate::time::{Clock, format_duration};

/// How `inc list` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

/// `inc list`: the incidents `keep` selects, newest first, as a table or JSON.
pub fn print_list(
    out: &mut dyn Write,
    store: &Store,
    clock: &Clock,
    keep: impl Fn(&str, &Incident) -> bool,
    json: bool,
) -> Result<()> {
    let format = if json {
        ListFormat::Json
    } else {
        ListFormat::Table
    };
    print_list_as(out, store, clock, keep, format)
}

/// [`print_list`] in any of its formats.
pub fn print_list_as(
    out: &mut dyn Write,
    store: &Store,
    clock: &Clock,
    keep: impl Fn(&str, &Incident) -> bool,
    format: ListFormat,
) -> Result<()> {
    let json = format == ListFormat::Json;
    // References into what was loaded, not moved copies: at 20,000 incidents that is megabytes.
    let loaded = store.load_all()?;
    let mut incidents: Vec<(&str, &Incident)> = Vec::with_capacity(loaded.len());
    for (id, loaded) in &loaded {
        match loaded {
            Ok(incident) if keep(id, incident) => incidents.push((id, incident)),
            Ok(_) => {}
            Err(err) => crate::eprintln_escaped!("warning: skipped {id}: {err:#}"),
        }
    }
    incidents.reverse();
    if json {
        let mut views = Vec::new();
        for &(id, incident) in &incidents {
            let roles: Vec<RoleEvent> = store.load_log(id).unwrap_or_else(|err| {
                crate::eprintln_escaped!("warning: {id}: roles left out: {err:#}");
                Vec::new()
            });
            let mut view = IncidentView::new(id, incident, &roles, store.config());
            view.postmortem_status = postmortem_status(store, id);
            views.push(view);
        }
        return super::print_json(out, &views);
    }
    if format == ListFormat::Csv {
        return csv(out, &incidents, clock);
    }
    if incidents.is_empty() {
        writeln!(
            out,
            "No incidents to show (inc list --all includes resolved ones)."
        )?;
        return Ok(());
    }
    let header = ["id", "sev", "status", "duration", "title"];
    let rows: Vec<Vec<String>> = incidents
        .iter()
        .map(|(id, incident)| {
            vec![
                id.to_string(),
                incident.severity.clone(),
                incident.status.to_string(),
                format_duration(age(incident, clock)),
                one_line(&incident.title, 60),
            ]
        })
        .collect();
    if let Some(text) = super::plain::render(&header, &rows) {
        writeln!(out, "{text}")?;
        return Ok(());
    }
    let mut table = table(&header);
    for row in rows {
        table.add_row(row);
    }
    writeln!(out, "{}", table.trim_fmt())?;
    Ok(())
}

/// The table's columns as CSV, with whole titles, a header, and no row when nothing matches.
fn csv(out: &mut dyn Write, incidents: &[(&str, &Incident)], clock: &Clock) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["id", "sev", "status", "duration", "title"])?;
    for (id, incident) in incidents {
        writer.write_record([
            id.to_string(),
            incident.severity.clone(),
            incident.status.to_string(),
            format_duration(age(incident, clock)),
            incident.title.clone(),
        ])?;
    }
    out.write_all(&writer.into_inner()?)?;
    Ok(())
}

/// The post-mortem's status, `None` before postmortem.md exists (or, with a warning, when it
/// does not parse: `inc check` says why).
fn postmortem_status(store: &Store, id: &str) -> Option<&'static str> {
    match store.load_postmortem(id) {
        Ok(pm) => pm.map(|pm| pm.front.status.name()),
        Err(err) => {
            crate::eprintln_escaped!("warning: {id}: post-mortem status left out: {err:#}");
            None
        }
    }
}
