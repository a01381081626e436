//! What the site lists of one incident ([`Entry`]): shaped from the team's own record for the
//! internal site, or from the public model alone for `inc site --public`; the name of the
//! incident's page, its phase chart and the attached files copied beside it.

use jiff::tz::TimeZone;

use super::{Entry, LogLine, Page, Update};
use crate::model::Config;
use crate::public;
use crate::store::{ATTACHMENTS_DIR, Loaded, Store};
use crate::time::Time;

/// An incident as the team's site lists it, with `report` as its page.
pub fn internal(l: &Loaded, config: &Config, report: String, tz: &TimeZone) -> Entry {
    let i = &l.incident;
    let began = i.impact_began();
    let mut updated: Time = i.opened;
    let times = l
        .timeline
        .iter()
        .map(|e| e.at)
        .chain(l.comms.iter().map(|c| c.at));
    for t in times {
        updated = updated.max(t);
    }
    for m in crate::model::Milestone::ALL {
        if let Some(t) = i.milestones.get(m) {
            updated = updated.max(t);
        }
    }
    let improvements = l
        .postmortem
        .as_ref()
        .map(|pm| pm.improvements.as_slice())
        .unwrap_or_default();
    let done = improvements.iter().filter(|i| i.done).count();
    let mut lines: Vec<&crate::model::TimelineEntry> = l.timeline.iter().collect();
    lines.sort_by(|a, b| (a.at, &a.text).cmp(&(b.at, &b.text)));
    Entry {
        page: format!("incidents/{}.html", page_name(&l.id)),
        id: l.id.clone(),
        title: i.title.clone(),
        severity: i.severity.clone(),
        state: config.public_state(&i.severity),
        counted: !config.excluded_from_metrics(&i.kind),
        status: i.status.name().to_string(),
        open: i.status.is_open(),
        began,
        ended: i.milestones.resolved,
        began_shown: began.long(tz),
        month: began
            .in_tz(tz)
            .strftime(crate::time::format::MONTH)
            .to_string(),
        duration: i.milestones.durations().time_to_resolve,
        services: i.impact.services.clone(),
        tags: i.tags.clone(),
        summary: i.summary.clone(),
        updated,
        updates: Vec::new(),
        followups_open: improvements.len() - done,
        followups_done: done,
        report,
        logbook: lines
            .into_iter()
            .map(|e| LogLine {
                at: e.at.long(tz),
                kind: e.kind.name().to_string(),
                by: e.by.clone(),
                text: e.text.clone(),
                internal: e.internal,
            })
            .collect(),
        phase_chart: None,
        attachments: Vec::new(),
    }
}

/// An incident as the public site lists it: nothing but its public model, with `report` (the
/// external report) as its page.
pub fn public(p: &public::Incident, report: String, tz: &TimeZone) -> Entry {
    let done = p.improvements.iter().filter(|i| i.done).count();
    Entry {
        page: format!("incidents/{}.html", p.id),
        id: p.id.clone(),
        title: p.title.clone(),
        severity: p.severity.clone(),
        state: p.state,
        counted: true,
        status: p.status.name().to_string(),
        open: p.open,
        began: p.began,
        ended: p.milestones.resolved,
        began_shown: p.began.long(tz),
        month: p
            .began
            .in_tz(tz)
            .strftime(crate::time::format::MONTH)
            .to_string(),
        duration: p.durations.time_to_resolve,
        services: p.impact.services.clone(),
        tags: Vec::new(),
        summary: if p.summary.is_empty() {
            p.impact.summary.clone()
        } else {
            p.summary.clone()
        },
        updated: p.updated,
        updates: p
            .updates
            .iter()
            .map(|u| Update {
                id: u.id.clone(),
                at: u.at,
                status: u.status.name().to_string(),
                text: u.text.clone(),
            })
            .collect(),
        followups_open: p.improvements.len() - done,
        followups_done: done,
        report,
        logbook: Vec::new(),
        phase_chart: None,
        attachments: Vec::new(),
    }
}

/// The page name of an incident on the team's site: its id, unless the id is not a plain file
/// name (a hand-made directory); then its date and a hash of the id.
pub fn page_name(id: &str) -> String {
    let plain = !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        id.to_string()
    } else {
        public::public_id(id)
    }
}

/// The attached files of incident `id`, as (its file, the name it is published under), copied
/// beside its page `page_name`; one whose type is never published is left out, and one that is
/// missing, a link or too large is left out with a warning.
pub fn attachments(store: &Store, id: &str, files: &[(&str, &str)], page_name: &str) -> Vec<Page> {
    files
        .iter()
        .filter(|(file, _)| crate::store::attachment_type(file).is_published())
        .filter_map(|(file, name)| {
            let bytes = store.published_attachment(id, file);
            if bytes.is_none() {
                crate::eprintln_escaped!(
                    "warning: {id}: attachment {file} not copied (missing, a link, or over 50 MB)"
                );
            }
            Some(Page {
                path: format!("incidents/{page_name}/{ATTACHMENTS_DIR}/{name}"),
                bytes: bytes?,
            })
        })
        .collect()
}

/// The phase chart of an incident, drawn from its phases the way HTML reports draw the
/// Markdown reports' Mermaid block.
pub fn phase_chart(
    phases: &[crate::report::Phase],
    tz: &jiff::tz::TimeZone,
    zone: &str,
) -> Option<String> {
    let mut source = format!(
        "gantt\n    title Phases ({zone})\n    dateFormat {}\n",
        crate::time::format::GANTT_MERMAID
    );
    for (n, p) in phases.iter().enumerate() {
        let at = |t: Time| t.in_tz(tz).strftime(crate::time::format::GANTT).to_string();
        source.push_str(&format!(
            "    {} ({}) :p{}, {}, {}\n",
            p.name,
            crate::time::format_duration(jiff::SignedDuration::from_secs(p.duration)),
            n + 1,
            at(p.from),
            at(p.to)
        ));
    }
    crate::chart::gantt_svg(&source, 1)
}
