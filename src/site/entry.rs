//! What the site lists of one incident ([`Entry`]): shaped from the team's own record for the
//! internal site, or from the public model alone for `inc site --public`, and the name of the
//! incident's page.

use jiff::tz::TimeZone;

use super::{Entry, LogLine, Update};
use crate::model::Config;
use crate::public;
use crate::time::Time;
use crate::views::Loaded;

/// An incident as the team's site lists it, with `report` as its page.
pub fn internal(l: &Loaded, config: &Config, report: String, tz: &TimeZone) -> Entry {
    let i = &l.incident;
    let began = i.began();
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
        rank: config.severity_rank(&i.severity),
        state: config.public_state(&i.severity),
        status: i.status.name().to_string(),
        open: i.status.is_open(),
        began,
        ended: i.milestones.resolved,
        began_shown: shown(began, tz),
        month: began.in_tz(tz).strftime("%Y-%m").to_string(),
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
                at: shown(e.at, tz),
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
pub fn public(p: &public::Incident, config: &Config, report: String, tz: &TimeZone) -> Entry {
    let done = p.improvements.iter().filter(|i| i.done).count();
    Entry {
        page: format!("incidents/{}.html", p.id),
        id: p.id.clone(),
        title: p.title.clone(),
        severity: p.severity.clone(),
        rank: config
            .severities
            .iter()
            .position(|s| config.public_label(s) == p.severity)
            .unwrap_or(config.severities.len()),
        state: p.state,
        status: p.status.name().to_string(),
        open: p.open,
        began: p.began,
        ended: p.milestones.resolved,
        began_shown: shown(p.began, tz),
        month: p.began.in_tz(tz).strftime("%Y-%m").to_string(),
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

/// A time as the site shows it: day, minute and the zone's abbreviation (`2026-11-22 14:02 UTC`).
pub fn shown(t: Time, tz: &TimeZone) -> String {
    t.timestamp()
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
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
