//! The rules about incident.yaml and the logs: values, milestone order, times ahead of the clock,
//! entries a merge kept twice.

use jiff::SignedDuration;

use super::{Check, Level, Log};
use crate::model::TimelineEntry;
use crate::model::locate::{locate, locate_in_item};
use crate::model::{self, Incident, LogEntry, Status};
use crate::store::{ATTACHMENTS_DIR, INCIDENT_FILE};
use crate::time::{Time, format_duration};

impl Check<'_> {
    pub(super) fn incident_rules(&mut self, text: &str, incident: &Incident, has_postmortem: bool) {
        let config = self.store.config();
        // Stored severities are canonical names: no aliases or prefixes here.
        if !config
            .severities
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&incident.severity))
        {
            let message = format!(
                "severity {} is not one of {}",
                incident.severity,
                config.severities.join(", ")
            );
            self.push(
                INCIDENT_FILE,
                locate(text, &["severity"]),
                Level::Error,
                "unknown-value",
                message,
            );
        }
        // What customers read is held to what `inc edit` accepts, also when a hand edit or an
        // import wrote it.
        for (field, message) in crate::public::text_problems(incident) {
            self.push(
                INCIDENT_FILE,
                locate(text, &[field]),
                Level::Error,
                "public-text",
                message,
            );
        }
        let tz = self.clock.tz().clone();
        for (earlier, later) in incident.milestones.out_of_order() {
            let (a, b) = (
                incident.milestones.get(earlier),
                incident.milestones.get(later),
            );
            let show = |t: Option<Time>| t.map(|t| t.short(&tz)).unwrap_or_default();
            self.push(
                INCIDENT_FILE,
                locate(text, &["milestones", later.name()]),
                Level::Error,
                "milestone-order",
                format!(
                    "milestones out of order: {later} ({}) is before {earlier} ({})",
                    show(b),
                    show(a)
                ),
            );
        }
        let finished = matches!(incident.status, Status::Resolved | Status::Closed);
        if finished && incident.milestones.resolved.is_none() {
            self.push(
                INCIDENT_FILE,
                locate(text, &["status"]),
                Level::Error,
                "resolved-without-time",
                format!(
                    "status is {} but milestones.resolved is not set: set it (inc mark resolved --at WHEN)",
                    incident.status
                ),
            );
        }
        if incident.status.is_open() && incident.milestones.resolved.is_some() {
            // Also the moment between `inc mark resolved` and `inc status resolved`: a warning.
            self.push(
                INCIDENT_FILE,
                locate(text, &["milestones", "resolved"]),
                Level::Warning,
                "open-but-resolved",
                format!(
                    "status is {} but milestones.resolved is set: run inc resolve if it is over, or remove the resolved time if it was reopened",
                    incident.status
                ),
            );
        }
        // The type or the severity's definition says whether a post-mortem is owed, and by when;
        // a waived one is not (`inc postmortem --waive`, imported history).
        let due = config
            .postmortem_due(&incident.severity, &incident.kind)
            .filter(|_| incident.postmortem_waived.is_none());
        if let (Some(resolved), Some(due_days)) = (
            incident
                .milestones
                .resolved
                .filter(|_| finished && !has_postmortem),
            due.map(i64::from),
        ) {
            let waited = self.clock.now().since(resolved);
            if waited > SignedDuration::from_hours(24 * due_days) {
                self.push(
                    INCIDENT_FILE,
                    locate(text, &["milestones", "resolved"]),
                    Level::Warning,
                    "postmortem-overdue",
                    format!(
                        "resolved {} ago and no post-mortem yet (due within {due_days} days): inc postmortem -i {}",
                        format_duration(waited),
                        self.id
                    ),
                );
            }
        }
    }

    /// Entries a merge kept twice because two clones edited them differently.
    pub(super) fn entry_conflicts<E: LogEntry>(&mut self, log: Option<&Log<E>>) {
        let Some(log) = log else {
            return;
        };
        for (index, entry) in log.entries.iter().enumerate() {
            if let Some(kept) = entry.conflict_of() {
                let at = locate_in_item(&log.text, index, "conflict_of");
                let message = format!(
                    "entry {} is another version of entry {kept}: two clones edited it differently and a merge kept both; delete the wrong one (and this conflict_of line)",
                    entry.id()
                );
                self.push(E::FILE, at, Level::Warning, "entry-conflict", message);
            }
        }
    }

    /// incident.yaml's severity is the latest change in the timeline by time (see
    /// `severity_history.rs`): a hand edit, or a change recorded by an older inc out of order,
    /// can leave them disagreeing, and then stats, SLA targets and reports tell different stories.
    pub(super) fn severity_history(
        &mut self,
        text: &str,
        incident: &Incident,
        log: &Log<TimelineEntry>,
    ) {
        let changes = model::timeline::severity_changes(&log.entries);
        let Some(latest) = changes.last().filter(|c| c.to != incident.severity) else {
            return;
        };
        let (now, latest_to) = (&incident.severity, &latest.to);
        let message = format!(
            "severity is {now} but the timeline's latest severity change ({}) made it {latest_to}: if {latest_to} is in force, `inc sev {latest_to}`; if {now} is, log when it became so: `inc sev {now} --at WHEN`",
            latest.at.short(self.clock.tz()),
        );
        self.push(
            INCIDENT_FILE,
            locate(text, &["severity"]),
            Level::Warning,
            "severity-history",
            message,
        );
    }

    /// How far `time` is ahead of this clock, if it is: only a clock that was wrong when it was
    /// written (clones whose clocks disagree, a typo in a hand edit) puts a time there.
    fn ahead(&self, time: Time) -> Option<String> {
        self.ahead_of_clock(time).map(|ahead| {
            format!(
                "is {ahead}: the clock of the clone that wrote it may be wrong; correct the time (durations and ages show 0 until then)"
            )
        })
    }

    /// `3h ahead of this clock (14:02, now 11:02)`, if `time` is ahead of it.
    fn ahead_of_clock(&self, time: Time) -> Option<String> {
        let ahead = time.since(self.clock.now());
        ahead.is_positive().then(|| {
            format!(
                "{} ahead of this clock ({}, now {})",
                format_duration(ahead),
                time.short(self.clock.tz()),
                self.clock.now().short(self.clock.tz()),
            )
        })
    }

    /// Warns about milestones, the opening and change times dated in the future.
    pub(super) fn future_milestones(&mut self, text: &str, incident: &Incident) {
        if let Some(message) = self.ahead(incident.opened) {
            let at = locate(text, &["opened"]);
            self.push(
                INCIDENT_FILE,
                at,
                Level::Warning,
                "future-time",
                format!("opened {message}"),
            );
        }
        for milestone in model::Milestone::ALL {
            let Some(message) = incident
                .milestones
                .get(milestone)
                .and_then(|t| self.ahead(t))
            else {
                continue;
            };
            let at = locate(text, &["milestones", milestone.name()]);
            let message = format!("{milestone} {message}");
            self.push(INCIDENT_FILE, at, Level::Warning, "future-time", message);
        }
        // A change time ahead of every clock wins every merge of that field (merge::incident).
        for (field, &time) in &incident.changed {
            if let Some(ahead) = self.ahead_of_clock(time) {
                let at = locate(text, &["changed", field]);
                let message = format!(
                    "the change time of {field} is {ahead}: a merge would keep this change over every later one; correct the time or delete the line"
                );
                self.push(INCIDENT_FILE, at, Level::Warning, "future-time", message);
            }
        }
    }

    /// An entry that attaches a file needs it in `attachments/`: reports link to it and the site
    /// copies it. A name that is not a plain file name there is never linked (hand-written).
    pub(super) fn attachments_present(&mut self, log: &Log<TimelineEntry>) {
        let dir = self.store.incident_dir(self.id).join(ATTACHMENTS_DIR);
        for (index, entry) in log.entries.iter().enumerate() {
            let Some(name) = entry.attachment.as_deref() else {
                continue;
            };
            let at = locate_in_item(&log.text, index, "attachment");
            if !crate::store::is_attachment_name(name) {
                let message = format!(
                    "entry {} attaches \"{name}\", which is not a file name in {ATTACHMENTS_DIR}/: give the attached file's name alone",
                    entry.id
                );
                self.push(
                    TimelineEntry::FILE,
                    at,
                    Level::Error,
                    "attachment-name",
                    message,
                );
                continue;
            }
            let path = dir.join(name);
            let present = crate::store::refuse_links(self.store.root(), &path).is_ok()
                && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if !present {
                let message = format!(
                    "entry {} attaches {name}, but {ATTACHMENTS_DIR}/{name} is missing or not a regular file: restore it (`git log --all -- '*/{ATTACHMENTS_DIR}/{name}'` finds it) or remove the entry's attachment line",
                    entry.id
                );
                self.push(
                    TimelineEntry::FILE,
                    at,
                    Level::Error,
                    "attachment-missing",
                    message,
                );
            }
        }
    }

    /// Warns about log entries dated in the future.
    pub(super) fn future_entries<E: LogEntry>(&mut self, log: &Log<E>) {
        for (index, entry) in log.entries.iter().enumerate() {
            if let Some(message) = self.ahead(entry.at()) {
                let at = locate_in_item(&log.text, index, "at");
                let message = format!("entry {} {message}", entry.id());
                self.push(E::FILE, at, Level::Warning, "future-time", message);
            }
        }
    }

    /// Values in a log that must be one of the configured names (roles, audiences, channels):
    /// `fields` yields, per entry in file order, (key, value, valid names).
    pub(super) fn known_names<'v, E>(
        &mut self,
        log: &Log<E>,
        file: &str,
        fields: impl Iterator<Item = Vec<(&'static str, &'v String, &'v Vec<String>)>>,
    ) {
        for (index, entry_fields) in fields.enumerate() {
            for (key, value, valid) in entry_fields {
                if !valid.contains(value) {
                    let at = locate_in_item(&log.text, index, key);
                    let message = format!(
                        "{key} \"{value}\" is not one of {} (.inc.yaml)",
                        valid.join(", ")
                    );
                    self.push(file, at, Level::Error, "unknown-value", message);
                }
            }
        }
    }
}
