//! `comms-gap`: where an audience went longer without an update than its cadence allows. Each
//! stretch between updates is judged as it was lived: against the severity in force, without the
//! audience's quiet hours and snoozes, from when each update reached the audience.

use super::{Check, Level, Log};
use crate::model::cadence::Schedule;
use crate::model::comms::{self, CommsEntry};
use crate::model::locate::{locate, locate_in_item};
use crate::model::{Incident, LogEntry, TimelineEntry};
use crate::store::INCIDENT_FILE;
use crate::time::{Time, format_duration};

impl Check<'_> {
    /// Warns where an audience went longer without an update than the cadence allows, while
    /// the incident was open (for a resolved one, until it was resolved).
    pub(super) fn comms_gaps(
        &mut self,
        incident_text: &str,
        incident: &Incident,
        comms: &Log<CommsEntry>,
        timeline: &[TimelineEntry],
    ) {
        let config = self.store.config();
        let end = incident
            .milestones
            .resolved
            .filter(|_| !incident.status.is_open());
        let tz = self.clock.tz().clone();
        let mut found = Vec::new();
        for audience in &config.audiences {
            let sent: Vec<&CommsEntry> = comms
                .entries
                .iter()
                .filter(|c| &c.audience == audience)
                .collect();
            let required = config.required_updates.contains(audience);
            let Some(mut previous) = comms::since(incident, &sent, required) else {
                continue;
            };
            // Each update that reached the audience, when it did.
            let mut points: Vec<(Option<usize>, Time)> = comms
                .entries
                .iter()
                .enumerate()
                .filter(|(_, c)| &c.audience == audience)
                .filter_map(|(i, c)| Some((Some(i), c.counts_from()?)))
                .collect();
            points.sort_by_key(|(_, at)| at.timestamp());
            if let Some(end) = end {
                points.push((None, end));
            }
            let schedule = Schedule::new(config, audience, incident, timeline);
            for (index, at) in points {
                if end.is_some_and(|end| at.timestamp() > end.timestamp()) {
                    break;
                }
                let due = schedule.due_after(previous);
                if at.timestamp() > due.timestamp() {
                    let (file, location) = match index {
                        Some(i) => (CommsEntry::FILE, locate_in_item(&comms.text, i, "at")),
                        None => (
                            INCIDENT_FILE,
                            locate(incident_text, &["milestones", "resolved"]),
                        ),
                    };
                    let severity = schedule.severity_at(due);
                    let cadence = schedule.cadence_at(due);
                    let whose = if config.has_own_cadence(audience) {
                        format!(" for {audience}")
                    } else {
                        String::new()
                    };
                    let show = times(&tz, previous, at);
                    let mut message = format!(
                        "no update to {audience} for {} ({} to {}), longer than the {severity} cadence of {}{whose}",
                        format_duration(at.since(previous)),
                        show(previous),
                        show(at),
                        cadence.max
                    );
                    // Quiet hours, snoozes or a change of severity moved it: say where to.
                    if due.timestamp() != (previous + cadence.max.0).timestamp() {
                        message.push_str(&format!("; one was due by {}", show(due)));
                    }
                    found.push((file, location, message));
                }
                if at.timestamp() > previous.timestamp() {
                    previous = at;
                }
            }
        }
        for (file, at, message) in found {
            self.push(file, at, Level::Warning, "comms-gap", message);
        }
    }
}

/// How the times of one stretch are written: `14:10` when it lies within a day, else each with
/// its date (`2026-11-22 21:00`), so a stretch over midnight reads right on any day.
fn times(tz: &jiff::tz::TimeZone, from: Time, to: Time) -> impl Fn(Time) -> String + use<> {
    let tz = tz.clone();
    let same_day = from.in_tz(&tz).date() == to.in_tz(&tz).date();
    move |t: Time| {
        if same_day && t.in_tz(&tz).date() == from.in_tz(&tz).date() {
            t.in_tz(&tz)
                .strftime(crate::time::format::CLOCK)
                .to_string()
        } else {
            t.short(&tz)
        }
    }
}
