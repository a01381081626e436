//! One incident: its JSON view (`inc list --json`, `inc show --json`), `inc show` for people, and
//! the role holders and tenures that `inc show` and `inc roles` print.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use jiff::SignedDuration;
use serde::Serialize;

use super::{CommsView, EntryView, LoadedViews, Roles, StruckView, age, holders};
use crate::model::comms::Due;
use crate::model::incident::{Durations, Impact, Link, Waiver};
use crate::model::log::sorted;
use crate::model::postmortem::{Improvement, Issue, Postmortem};
use crate::model::{Config, Incident, Kind, Milestone, Milestones, RoleEvent, TimelineEntry};
use crate::sla::SlaCheck;
use crate::store::Loaded;
use crate::text::one_line;
use crate::time::{Clock, Time, format_duration};

/// One incident as `inc list --json` prints it; `inc show --json` adds the timeline, comms,
/// comms due and pending changes.
#[derive(Serialize, schemars::JsonSchema)]
pub struct IncidentView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    /// The incident's type (`incident` unless set).
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub opened: Time,
    pub summary: &'a str,
    /// The headline for customers; `""` when not set.
    pub public_title: &'a str,
    /// What happened, written for customers; `""` when not set.
    pub public_summary: &'a str,
    pub impact: ImpactView<'a>,
    /// The services hit (the same as `impact.services`), for filtering scripts.
    pub services: &'a [String],
    pub tags: &'a [String],
    pub links: &'a [Link],
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
    /// The worst severity it had (`inc show --json`): what its SLA targets are, and what
    /// `inc stats` counts it by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_severity: Option<String>,
    /// Each SLA target of its peak severity, met, breached or pending (`inc show --json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<Vec<SlaCheck>>,
    /// The post-mortem's status (draft, in-review, reviewed); `null` before postmortem.md exists.
    /// `inc list --json` reads only this much of it.
    pub postmortem_status: Option<&'static str>,
    /// Why this incident owes no post-mortem, who said so and when (`inc postmortem --waive`,
    /// `inc import`); `null` when it was not waived.
    pub postmortem_waived: Option<&'a Waiver>,
    /// `null` until postmortem.md exists; then its status, authors, Issues and Improvements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postmortem: Option<Option<PostmortemView<'a>>>,
    /// The attached runbooks with every step and the next one due (`inc show --json`; left out
    /// when none is attached).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbooks: Option<Vec<crate::model::runbook::progress::ProgressView>>,
    /// This clone against its remote (`inc show --json`; left out without a remote): commits
    /// not pushed, commits fetched and not merged, and when it last synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<super::SyncView>,
}

/// The impact with every part present (`""` or `[]` when not recorded), so scripts and templates
/// need not test for missing keys.
#[derive(Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct ImpactView<'a> {
    pub summary: &'a str,
    pub services: &'a [String],
    pub customers: &'a str,
    pub regions: &'a [String],
}

impl<'a> From<&'a Impact> for ImpactView<'a> {
    fn from(impact: &'a Impact) -> Self {
        ImpactView {
            summary: &impact.summary,
            services: &impact.services,
            customers: &impact.customers,
            regions: &impact.regions,
        }
    }
}

/// The post-mortem as `inc show --json` prints it, with source line numbers.
#[derive(Serialize, schemars::JsonSchema)]
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
            kind: &incident.kind,
            opened: incident.opened,
            summary: &incident.summary,
            public_title: &incident.public_title,
            public_summary: &incident.public_summary,
            impact: ImpactView::from(&incident.impact),
            services: &incident.impact.services,
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
            peak_severity: None,
            sla: None,
            postmortem_status: None,
            postmortem_waived: incident.postmortem_waived.as_ref(),
            postmortem: None,
            runbooks: None,
            sync: None,
        }
    }

    /// The full view of `inc show --json`.
    pub fn full(loaded: &'a Loaded, config: &Config, clock: &Clock) -> Self {
        let mut view = IncidentView::new(&loaded.id, &loaded.incident, &loaded.roles, config);
        // The logbook as it is kept: struck entries (each with its strike) and the strikes too,
        // so that an export brings them back.
        let strikes = loaded.strikes();
        view.timeline = Some(
            loaded
                .record()
                .into_iter()
                .map(|e| EntryView {
                    struck: strikes.get(e.id.as_str()).map(|s| StruckView::from(*s)),
                    ..EntryView::from(e)
                })
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
        view.postmortem_status = loaded.postmortem.as_ref().map(|pm| pm.front.status.name());
        view.postmortem = Some(loaded.postmortem.as_ref().map(PostmortemView::from));
        view.sla = Some(loaded.sla(config, clock));
        view.peak_severity = Some(loaded.peak_severity(config));
        let runbooks = loaded.runbook_views(clock);
        view.runbooks = (!runbooks.is_empty()).then_some(runbooks);
        view
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
    strike_through: bool,
) -> Result<()> {
    let tz = clock.tz();
    let incident = &loaded.incident;
    writeln!(out, "{}", loaded.id)?;
    writeln!(out, "{}", incident.title)?;
    // The worst it was stays in sight after a downgrade: stats and SLA targets count it.
    let peak = loaded.peak_severity(config);
    let severity = if peak == incident.severity {
        peak.clone()
    } else {
        format!("{} (peak {peak})", incident.severity)
    };
    let mut facts = vec![
        severity,
        incident.status.to_string(),
        format!("opened {}", incident.opened.short(tz)),
    ];
    if let Some(source) = incident.detection.source {
        facts.push(format!("detected by {}", source.name()));
    }
    // Most incidents are of the default type: only another one is worth a word.
    if incident.kind != crate::model::incident::DEFAULT_TYPE {
        facts.push(format!("type {}", incident.kind));
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
    if !incident.links.is_empty() {
        writeln!(out, "\nLinks")?;
        for link in &incident.links {
            match &link.title {
                Some(title) => writeln!(out, "  {}  {}", link.url, one_line(title, 80))?,
                None => writeln!(out, "  {}", link.url)?,
            }
        }
    }

    writeln!(out, "\nMilestones")?;
    let durations = incident.milestones.durations();
    for milestone in Milestone::ALL {
        let value = incident
            .milestones
            .get(milestone)
            .map_or_else(|| "—".to_string(), |t| t.short(tz));
        // A signal before the impact is the first signal, not a late start.
        let note = match (milestone, durations.signal_before_impact) {
            (Milestone::Detected, Some(lead)) => format!(
                "  first signal, {} before impact",
                format_duration(SignedDuration::from_secs(lead))
            ),
            _ => String::new(),
        };
        writeln!(out, "  {:<14}{value}{note}", milestone.name())?;
    }

    writeln!(out, "\nDurations")?;
    for (label, value) in durations.shown() {
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

    print_impact(out, &incident.impact)?;
    print_sla(out, loaded, &peak, config, clock)?;

    let roles = Roles::new(config, incident, &loaded.roles, clock);
    writeln!(out, "\nRoles")?;
    if roles.history.is_empty() {
        writeln!(
            out,
            "  nobody holds a role yet: inc role incident-lead PERSON"
        )?;
    } else {
        roles.print_now(out, clock, false)?;
    }

    let due = loaded.due(config, clock);
    if !due.is_empty() {
        writeln!(out, "\nNext updates")?;
        for d in &due {
            let when = if let Some(quiet) = &d.quiet {
                super::quiet_text(quiet, clock)
            } else if d.overdue {
                format!("OVERDUE {}", format_duration(clock.now().since(d.due)))
            } else {
                format!(
                    "by {} (in {})",
                    clock.show(d.due),
                    format_duration(d.due.since(clock.now()))
                )
            };
            let last = d.last.map_or_else(
                || "no update yet".to_string(),
                |t| format!("last {}", clock.show(t)),
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
                clock.show(request.at),
                one_line(&request.by, 10),
                one_line(&request.text, 70)
            )?;
        }
    }

    let runbooks = loaded.runbook_views(clock);
    if !runbooks.is_empty() {
        writeln!(out, "\nRunbooks (inc runbook)")?;
        for view in &runbooks {
            if view.missing {
                writeln!(out, "  {}: file missing or broken", view.name)?;
                continue;
            }
            let next = match &view.next {
                Some(next) => {
                    let due = next.due.map_or_else(String::new, |d| {
                        format!(" ({})", crate::model::runbook::progress::due_text(d, clock))
                    });
                    format!("; next {} {}{due}", next.step, one_line(&next.text, 50))
                }
                // No next step also once the incident is resolved (nothing is due then): "all
                // done" only when every step was.
                None if view.done >= view.total => "; all done".to_string(),
                None => format!("; {} not done", view.total - view.done),
            };
            writeln!(
                out,
                "  {} ({}): {}/{} done{next}",
                view.name,
                one_line(&view.title, 40),
                view.done,
                view.total
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
    } else if let Some(waiver) = &loaded.incident.postmortem_waived {
        writeln!(
            out,
            "\nPost-mortem: waived by {} at {}: {}",
            one_line(&waiver.by, 30),
            waiver.at.short(tz),
            one_line(&waiver.reason, 80)
        )?;
    }

    // Struck entries among the others, struck through, with why; the strikes say it there.
    let strikes = loaded.strikes();
    let mut entries = loaded.record();
    entries.retain(|e| e.kind != Kind::Strike);
    let shown = last_entries(&entries, LAST_ENTRIES);
    let covered: usize = shown.iter().map(|(_, earlier)| 1 + earlier.len()).sum();
    writeln!(out, "\nLast entries ({covered} of {})", entries.len())?;
    // The text gets what the width leaves after time, person and kind (47 columns), at least 30.
    let room = super::terminal_width().map_or(80, |w| w.saturating_sub(47).clamp(30, 80));
    for (entry, earlier) in shown {
        let mut marks = String::new();
        if entry.key {
            marks.push_str(" [key]");
        }
        if entry.internal {
            marks.push_str(" [internal]");
        }
        if let Some(first) = earlier.first() {
            marks.push_str(&format!(
                " (×{} since {})",
                1 + earlier.len(),
                first.at.short(tz)
            ));
        }
        let struck = strikes.get(entry.id.as_str());
        if let Some(strike) = struck {
            marks.push_str(&format!(" (struck: {})", one_line(&strike.text, 60)));
        }
        let mut text = one_line(
            &entry.text,
            room.saturating_sub(marks.chars().count()).max(20),
        );
        if struck.is_some() && strike_through {
            text = crate::text::struck_through(&text);
        }
        writeln!(
            out,
            "  {}  {:<10} {:<15} {text}{marks}",
            entry.at.short(tz),
            one_line(&entry.by, 10),
            entry.kind.name(),
        )?;
    }
    Ok(())
}

/// The last `n` entries `inc show` lists, oldest first, each with the earlier ticks of the same
/// runbook step it stands for: a step that repeats every 30 minutes shows once, not once per
/// tick, so it does not push everything else off the list.
fn last_entries<'e>(
    entries: &[&'e TimelineEntry],
    n: usize,
) -> Vec<(&'e TimelineEntry, Vec<&'e TimelineEntry>)> {
    let mut kept: Vec<(&TimelineEntry, Vec<&TimelineEntry>)> = Vec::new();
    for &entry in entries.iter().rev() {
        if kept.len() == n {
            break;
        }
        let later_tick = kept.iter_mut().find(|(e, _)| {
            entry.kind == Kind::RunbookStep
                && e.kind == Kind::RunbookStep
                && e.reference == entry.reference
        });
        match later_tick {
            Some((_, earlier)) => earlier.insert(0, entry),
            None => kept.push((entry, Vec::new())),
        }
    }
    kept.reverse();
    kept
}

/// The impact's parts that are recorded, if any.
fn print_impact(out: &mut dyn Write, impact: &Impact) -> Result<()> {
    if impact.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nImpact")?;
    let parts = [
        ("services", impact.services.join(", ")),
        ("customers", impact.customers.clone()),
        ("regions", impact.regions.join(", ")),
        ("summary", impact.summary.trim().to_string()),
    ];
    for (label, value) in parts {
        if !value.is_empty() {
            writeln!(out, "  {label:<14}{}", one_line(&value, 90))?;
        }
    }
    Ok(())
}

/// Each SLA target of the severity: met or breached and by how much, or the time left.
fn print_sla(
    out: &mut dyn Write,
    loaded: &Loaded,
    severity: &str,
    config: &Config,
    clock: &Clock,
) -> Result<()> {
    let incident = &loaded.incident;
    let checks = loaded.sla(config, clock);
    let Some(first) = checks.first() else {
        return Ok(());
    };
    let tz = clock.tz();
    let peak = if severity == incident.severity {
        ""
    } else {
        ", its peak"
    };
    writeln!(
        out,
        "\nSLA ({severity}{peak}, from {})",
        first.from.short(tz)
    )?;
    for check in &checks {
        let text = match check.verdict {
            crate::sla::Verdict::Breached => check.text.replacen("breached", "BREACHED", 1),
            _ => check.text.clone(),
        };
        writeln!(
            out,
            "  {:<14}{text}; due {} (within {})",
            check.target,
            check.due.short(tz),
            format_duration(SignedDuration::from_secs(check.within))
        )?;
    }
    Ok(())
}
