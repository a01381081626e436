//! The rules behind `inc check`: what CI runs on a pull request. Every problem names the file, line
//! and column it is about, so it can be annotated on the pull request's diff.
//!
//! Parse errors come from serde (unknown or missing fields, wrong types). The rules here add what
//! a parser cannot see: milestone order, times ahead of the clock, duplicate ids, conflict markers,
//! post-mortem completeness, blameless wording, and communication gaps.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use jiff::SignedDuration;
use serde::Serialize;

use crate::error::Error;
use crate::model::comms::CommsEntry;
use crate::model::{self, Incident, LogEntry, RoleEvent, Status, TimelineEntry};
use crate::names::Names;
use crate::postmortem::{self, Postmortem};
use crate::store::{INCIDENT_FILE, Store};
use crate::time::{Clock, Time, format_duration};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One finding, about one place in one file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    /// Relative to the repository root, with `/`.
    pub file: String,
    pub line: u64,
    pub column: u64,
    #[serde(rename = "severity")]
    pub level: Level,
    pub rule: &'static str,
    pub message: String,
}

/// Symbolic links where incident directories are kept: a linked incidents directory, or links
/// among the incident directories (they are not incidents, and inc does not follow them).
pub fn links(store: &Store) -> Vec<Problem> {
    store
        .links()
        .into_iter()
        .map(|(path, err)| Problem {
            file: path
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/"),
            line: 1,
            column: 1,
            level: Level::Error,
            rule: "symlink",
            message: err.to_string(),
        })
        .collect()
}

/// Checks one incident directory against every rule.
pub fn incident(store: &Store, id: &str, clock: &Clock) -> Vec<Problem> {
    let mut check = Check {
        store,
        id,
        clock,
        problems: Vec::new(),
    };
    check.run();
    check.problems
}

struct Check<'a> {
    store: &'a Store,
    id: &'a str,
    clock: &'a Clock,
    problems: Vec<Problem>,
}

/// A file's text and, if it parsed, its content.
struct Parsed<T> {
    text: String,
    value: Option<T>,
}

/// A log file that parsed.
struct Log<E> {
    text: String,
    entries: Vec<E>,
}

impl Check<'_> {
    fn run(&mut self) {
        let Some(incident) = self.parse::<Incident>(INCIDENT_FILE, true) else {
            // Without incident.yaml nothing else can be judged, but the logs can still be broken.
            self.parse::<Vec<TimelineEntry>>(TimelineEntry::FILE, false);
            self.parse::<Vec<RoleEvent>>(RoleEvent::FILE, false);
            self.parse::<Vec<CommsEntry>>(CommsEntry::FILE, false);
            return;
        };
        let timeline = self.log::<TimelineEntry>();
        let roles = self.log::<RoleEvent>();
        let comms = self.log::<CommsEntry>();
        let postmortem = self.postmortem();

        if let Some(value) = &incident.value {
            self.incident_rules(&incident.text, value, postmortem.is_some());
            self.future_milestones(&incident.text, value);
            if let Some(comms) = &comms {
                self.comms_gaps(&incident.text, value, comms);
            }
        }
        self.entry_conflicts(timeline.as_ref());
        self.entry_conflicts(roles.as_ref());
        self.entry_conflicts(comms.as_ref());
        if let Some(log) = &timeline {
            self.future_entries(log);
        }
        if let Some(log) = &roles {
            self.future_entries(log);
        }
        if let Some(log) = &comms {
            self.future_entries(log);
        }
        let config = self.store.config();
        if let Some(roles) = &roles {
            let names = roles
                .entries
                .iter()
                .map(|e| vec![("role", &e.role, &config.roles)]);
            self.known_names(roles, RoleEvent::FILE, names);
        }
        if let Some(comms) = &comms {
            let names = comms.entries.iter().map(|e| {
                let mut fields = vec![("audience", &e.audience, &config.audiences)];
                if let Some(channel) = &e.channel {
                    fields.push(("channel", channel, &config.channels));
                }
                fields
            });
            self.known_names(comms, CommsEntry::FILE, names);
        }
        if let Some((text, Some(pm))) = &postmortem {
            let people = model::people(
                timeline.as_ref().map_or(&[], |l| l.entries.as_slice()),
                roles.as_ref().map_or(&[], |l| l.entries.as_slice()),
                comms.as_ref().map_or(&[], |l| l.entries.as_slice()),
                &pm.front.authors,
            );
            self.postmortem_rules(text, pm, &people);
        }
    }

    fn file(&self, name: &str) -> String {
        format!("{}/{}/{name}", self.store.config().incidents_dir, self.id)
    }

    fn push(
        &mut self,
        file: &str,
        (line, column): (u64, u64),
        level: Level,
        rule: &'static str,
        message: String,
    ) {
        self.problems.push(Problem {
            file: self.file(file),
            line,
            column,
            level,
            rule,
            message,
        });
    }

    /// Reads and parses one file. `None` if it is missing (an error only when `required`);
    /// a value of `None` if it has conflict markers or does not parse (reported).
    fn parse<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
        required: bool,
    ) -> Option<Parsed<T>> {
        let text = match self.read(name) {
            Ok(Some(text)) => text,
            Ok(None) if !required => return None,
            Ok(None) => {
                self.push(
                    name,
                    (1, 1),
                    Level::Error,
                    "unreadable",
                    format!("cannot read {name}: it does not exist"),
                );
                return None;
            }
            Err(()) => return None,
        };
        if let Some(line) = model::conflict_marker_line(&text) {
            self.push(
                name,
                (line, 1),
                Level::Error,
                "conflict-marker",
                "git conflict marker left in the file: resolve the conflict".into(),
            );
            return Some(Parsed { text, value: None });
        }
        let value = match model::from_yaml::<T>(Path::new(name), &text) {
            Ok(value) => Some(value),
            Err(Error::File {
                line,
                column,
                message,
                ..
            }) => {
                self.push(name, (line, column), Level::Error, "parse", message);
                None
            }
            Err(other) => {
                self.push(name, (1, 1), Level::Error, "parse", other.to_string());
                None
            }
        };
        Some(Parsed { text, value })
    }

    /// A file of the incident as text, `None` if it does not exist; a link or an unreadable file
    /// is reported (and is `Err`).
    fn read(&mut self, name: &str) -> Result<Option<String>, ()> {
        let path = self.store.incident_dir(self.id).join(name);
        if let Err(err) = crate::store::refuse_links(self.store.root(), &path) {
            self.push(name, (1, 1), Level::Error, "symlink", err.to_string());
            return Err(());
        }
        self.store.read_text(&path).map_err(|err| {
            let message = format!("{err:#}");
            self.push(name, (1, 1), Level::Error, "unreadable", message);
        })
    }

    /// A log file that parsed, with duplicate ids reported; `None` if missing or broken.
    fn log<E: LogEntry>(&mut self) -> Option<Log<E>> {
        let parsed = self.parse::<Vec<E>>(E::FILE, false)?;
        let entries = parsed.value?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut duplicates = Vec::new();
        for entry in &entries {
            let count = seen.entry(entry.id()).or_default();
            *count += 1;
            if *count > 1 {
                duplicates.push((entry.id().to_string(), *count));
            }
        }
        for (id, nth) in duplicates {
            let at = locate_item(&parsed.text, |item| item_id(item) == Some(id.as_str()), nth);
            self.push(
                E::FILE,
                at,
                Level::Error,
                "duplicate-id",
                format!("entry id {id} is used more than once: give this entry a new id"),
            );
        }
        Some(Log {
            text: parsed.text,
            entries,
        })
    }

    fn incident_rules(&mut self, text: &str, incident: &Incident, has_postmortem: bool) {
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
        let due_days = i64::from(config.postmortem_due_days);
        if let Some(resolved) = incident
            .milestones
            .resolved
            .filter(|_| finished && !has_postmortem)
        {
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
    fn entry_conflicts<E: LogEntry>(&mut self, log: Option<&Log<E>>) {
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

    /// How far `time` is ahead of this clock, if it is: only a clock that was wrong when it was
    /// written (clones whose clocks disagree, a typo in a hand edit) puts a time there.
    fn ahead(&self, time: Time) -> Option<String> {
        let ahead = time.since(self.clock.now());
        ahead.is_positive().then(|| {
            format!(
                "is {} ahead of this clock ({}, now {}): the clock of the clone that wrote it may be wrong; correct the time (durations and ages show 0 until then)",
                format_duration(ahead),
                time.short(self.clock.tz()),
                self.clock.now().short(self.clock.tz()),
            )
        })
    }

    /// Warns about milestones, and the opening, dated in the future.
    fn future_milestones(&mut self, text: &str, incident: &Incident) {
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
    }

    /// Warns about log entries dated in the future.
    fn future_entries<E: LogEntry>(&mut self, log: &Log<E>) {
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
    fn known_names<'v, E>(
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

    /// Warns where an audience went longer without an update than the cadence allows.
    fn comms_gaps(&mut self, incident_text: &str, incident: &Incident, comms: &Log<CommsEntry>) {
        let config = self.store.config();
        let cadence = config.cadence_for(&incident.severity);
        let end = incident
            .milestones
            .resolved
            .filter(|_| !incident.status.is_open());
        let tz = self.clock.tz().clone();
        let mut found = Vec::new();
        for audience in &config.audiences {
            let mut updates: Vec<(usize, Time)> = comms
                .entries
                .iter()
                .enumerate()
                .filter(|(_, c)| &c.audience == audience)
                .map(|(i, c)| (i, c.at))
                .collect();
            updates.sort_by_key(|(_, at)| *at);
            let start = if config.required_updates.contains(audience) {
                Some(incident.opened)
            } else {
                updates.first().map(|(_, at)| *at)
            };
            let Some(mut previous) = start else { continue };
            let mut points: Vec<(Option<usize>, Time)> =
                updates.iter().map(|(i, at)| (Some(*i), *at)).collect();
            if let Some(end) = end {
                points.push((None, end));
            }
            for (index, at) in points {
                if end.is_some_and(|end| at > end) {
                    break;
                }
                let gap = at.since(previous);
                if gap > cadence.max.0 {
                    let (file, location) = match index {
                        Some(i) => (CommsEntry::FILE, locate_in_item(&comms.text, i, "at")),
                        None => (
                            INCIDENT_FILE,
                            locate(incident_text, &["milestones", "resolved"]),
                        ),
                    };
                    found.push((
                        file,
                        location,
                        format!(
                            "no update to {audience} for {} ({} to {}), longer than the {} cadence of {}",
                            format_duration(gap),
                            previous.in_tz(&tz).strftime("%H:%M"),
                            at.in_tz(&tz).strftime("%H:%M"),
                            incident.severity,
                            cadence.max
                        ),
                    ));
                }
                previous = previous.max(at);
            }
        }
        for (file, at, message) in found {
            self.push(file, at, Level::Warning, "comms-gap", message);
        }
    }

    /// postmortem.md's text and what could be read from it (`None` if the front matter is broken).
    fn postmortem(&mut self) -> Option<(String, Option<Postmortem>)> {
        let text = self.read(postmortem::FILE).ok()??;
        if let Some(line) = model::conflict_marker_line(&text) {
            self.push(
                postmortem::FILE,
                (line, 1),
                Level::Error,
                "conflict-marker",
                "git conflict marker left in the file: resolve the conflict".into(),
            );
            return Some((text, None));
        }
        match postmortem::parse(Path::new(postmortem::FILE), &text) {
            Ok(pm) => Some((text, Some(pm))),
            Err(Error::File {
                line,
                column,
                message,
                ..
            }) => {
                self.push(
                    postmortem::FILE,
                    (line, column),
                    Level::Error,
                    "parse",
                    message,
                );
                Some((text, None))
            }
            Err(other) => {
                self.push(
                    postmortem::FILE,
                    (1, 1),
                    Level::Error,
                    "parse",
                    other.to_string(),
                );
                Some((text, None))
            }
        }
    }

    fn postmortem_rules(&mut self, text: &str, pm: &Postmortem, people: &[String]) {
        let file = postmortem::FILE;
        if pm.front.incident != self.id {
            let message = format!(
                "front matter names incident {}, but this is {}",
                pm.front.incident, self.id
            );
            self.push(
                file,
                locate(text_front(text), &["incident"]),
                Level::Error,
                "postmortem-incident",
                message,
            );
        }
        for improvement in &pm.improvements {
            let at = (improvement.line, improvement.column);
            if improvement.owner.is_none() {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-owner",
                    format!(
                        "improvement \"{}\" has no owner: add (owner: NAME) at the end",
                        crate::text::one_line(&improvement.text, 50)
                    ),
                );
            }
            if let Some(due) = &improvement.due
                && due.parse::<jiff::civil::Date>().is_err()
            {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-due",
                    format!("due \"{due}\" is not a date: write it as YYYY-MM-DD"),
                );
            }
            if let Some(kind) = &improvement.kind
                && !postmortem::TYPES.contains(&kind.as_str())
            {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-type",
                    format!(
                        "type \"{kind}\" is not one of {}",
                        postmortem::TYPES.join(", ")
                    ),
                );
            }
            for unknown in &improvement.unknown {
                self.push(
                    file,
                    at,
                    Level::Error,
                    "improvement-attribute",
                    format!("unknown attribute \"{unknown}\": use owner, due, type and ref"),
                );
            }
        }
        self.missing_sections(text, pm);
        if pm.front.status != postmortem::Status::Draft {
            for required in postmortem::SECTIONS {
                if let Some(section) = pm
                    .sections
                    .iter()
                    .find(|s| s.title.eq_ignore_ascii_case(required))
                    && section.empty
                {
                    self.push(
                        file,
                        (section.line, 1),
                        Level::Error,
                        "section-empty",
                        format!(
                            "section \"{required}\" is empty; a post-mortem {} needs it filled in",
                            pm.front.status.name()
                        ),
                    );
                }
            }
        }
        let names = Names::new(people);
        for issue in &pm.issues {
            if let Some(found) = names.first(&issue.text) {
                let name = if found.mention.to_lowercase() == found.person.to_lowercase() {
                    found.person.to_string()
                } else {
                    format!("{} (\"{}\")", found.person, found.mention)
                };
                self.push(
                    file,
                    (issue.line, issue.column),
                    Level::Warning,
                    "issue-names-person",
                    format!(
                        "this Issue names {name}: a blameless post-mortem describes the system or process that failed, not who"
                    ),
                );
            }
        }
    }
}

impl Check<'_> {
    /// Each section the post-mortem lacks, reported where it belongs: on the heading of the next
    /// section that is there (it goes before it), else on the last line. A draft gets a warning
    /// (it is still being written, but a heading was lost); from review on it is an error.
    fn missing_sections(&mut self, text: &str, pm: &Postmortem) {
        let status = pm.front.status;
        for (index, required) in postmortem::SECTIONS.iter().enumerate() {
            if pm.section_present(required) {
                continue;
            }
            let next = postmortem::SECTIONS[index + 1..].iter().find_map(|later| {
                pm.sections
                    .iter()
                    .find(|s| s.title.eq_ignore_ascii_case(later))
            });
            let (line, place) = match next {
                Some(section) => (
                    section.line,
                    format!("add it before \"## {}\"", section.title),
                ),
                None => (
                    text.lines().count().max(1) as u64,
                    "add it at the end".to_string(),
                ),
            };
            let (level, why) = match status {
                postmortem::Status::Draft => (Level::Warning, String::new()),
                _ => (
                    Level::Error,
                    format!(" (a post-mortem {} needs every section)", status.name()),
                ),
            };
            self.push(
                postmortem::FILE,
                (line, 1),
                level,
                "section-missing",
                format!("section \"## {required}\" is missing: {place}{why}"),
            );
        }
    }
}

/// The front matter part of a post-mortem, for locating its keys (line numbers stay the same).
fn text_front(text: &str) -> &str {
    text.get(4..)
        .and_then(|rest| rest.find("\n---").map(|end| &text[..4 + end]))
        .unwrap_or(text)
}

/// Line and column of `key:` nested under the keys before it, in a block-style YAML mapping.
/// Falls back to (1, 1) when the file is laid out in a way this does not follow.
pub fn locate(text: &str, path: &[&str]) -> (u64, u64) {
    let mut found = (1, 1);
    let mut parent_indent: Option<usize> = None;
    let mut rest = path.iter();
    let Some(mut key) = rest.next() else {
        return found;
    };
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if parent_indent.is_some_and(|p| indent <= p) {
            return found;
        }
        if trimmed
            .strip_prefix(key)
            .is_some_and(|after| after.starts_with(':'))
        {
            found = (index as u64 + 1, indent as u64 + 1);
            parent_indent = Some(indent);
            match rest.next() {
                Some(next) => key = next,
                None => return found,
            }
        }
    }
    found
}

/// The id of a top-level list item that starts on this line, if it does.
fn item_id(line: &str) -> Option<&str> {
    let id = line
        .strip_prefix("- ")?
        .trim_start()
        .strip_prefix("id:")?
        .trim();
    Some(id.trim_matches(|c| c == '"' || c == '\''))
}

/// Line and column of the `nth` (1-based) top-level list item whose first line matches.
fn locate_item(text: &str, matches: impl Fn(&str) -> bool, nth: usize) -> (u64, u64) {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with("- ") && matches(line))
        .nth(nth - 1)
        .map_or((1, 1), |(index, _)| (index as u64 + 1, 1))
}

/// Line and column of `key:` inside the `index`-th (0-based) top-level list item.
fn locate_in_item(text: &str, index: usize, key: &str) -> (u64, u64) {
    let mut items = 0usize;
    let mut inside = false;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('-') {
            inside = items == index;
            items += 1;
        }
        if !inside {
            continue;
        }
        let body = line.trim_start_matches('-').trim_start();
        if body
            .strip_prefix(key)
            .is_some_and(|after| after.starts_with(':'))
        {
            let column = line.len() - body.len() + 1;
            return (number as u64 + 1, column as u64);
        }
    }
    (1, 1)
}

/// Counts of a run of checks.
pub fn counts(problems: &[Problem]) -> (usize, usize) {
    let errors = problems.iter().filter(|p| p.level == Level::Error).count();
    (errors, problems.len() - errors)
}

/// For people: problems grouped by file, then a summary line.
pub fn text(problems: &[Problem], incidents: usize) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for p in problems {
        if current != Some(p.file.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", p.file);
            current = Some(&p.file);
        }
        let position = format!("{}:{}", p.line, p.column);
        let _ = writeln!(
            out,
            "  {position:<7} {:<8} {}  [{}]",
            p.level.name(),
            p.message,
            p.rule
        );
    }
    let (errors, warnings) = counts(problems);
    let checked = format!(
        "{incidents} incident{}",
        if incidents == 1 { "" } else { "s" }
    );
    if problems.is_empty() {
        let _ = writeln!(out, "No problems in {checked}.");
    } else {
        let files: BTreeSet<&str> = problems.iter().map(|p| p.file.as_str()).collect();
        let _ = writeln!(
            out,
            "\n{} and {} in {} file{} ({checked} checked).",
            plural(errors, "error"),
            plural(warnings, "warning"),
            files.len(),
            if files.len() == 1 { "" } else { "s" },
        );
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// GitHub Actions workflow commands: each problem shows on its line of the pull request.
pub fn github(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            p.level.name(),
            escape_property(&p.file),
            p.line,
            p.column,
            escape_property(&format!("inc check: {}", p.rule)),
            escape_data(&p.message)
        );
    }
    out
}

/// Escaping of a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// For other tools.
pub fn json(problems: &[Problem], incidents: usize) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        incidents: usize,
        errors: usize,
        warnings: usize,
        problems: &'a [Problem],
    }
    let (errors, warnings) = counts(problems);
    let report = Report {
        incidents,
        errors,
        warnings,
        problems,
    };
    let mut text = crate::text::escape_json(
        serde_json::to_string_pretty(&report).expect("problems serialize"),
    );
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_follows_nesting() {
        let text =
            "# comment\ntitle: x\nmilestones:\n  started: a\n  detected: b\nstatus: resolved\n";
        assert_eq!(locate(text, &["milestones", "detected"]), (5, 3));
        assert_eq!(locate(text, &["status"]), (6, 1));
        assert_eq!(locate(text, &["milestones", "resolved"]), (3, 1));
        assert_eq!(locate(text, &["nothing"]), (1, 1));
    }

    #[test]
    fn locate_in_item_finds_keys_of_the_right_entry() {
        let text = "# header\n- id: a\n  role: x\n- id: b\n  role: y\n";
        assert_eq!(locate_in_item(text, 1, "role"), (5, 3));
        assert_eq!(locate_in_item(text, 0, "id"), (2, 3));
        assert_eq!(locate_item(text, |l| item_id(l) == Some("b"), 1), (4, 1));
    }

    #[test]
    fn github_commands_escape_their_parts() {
        let problem = Problem {
            file: "incidents/a,b/x.yaml".into(),
            line: 3,
            column: 1,
            level: Level::Error,
            rule: "parse",
            message: "100% wrong\nsecond line".into(),
        };
        assert_eq!(
            github(&[problem]),
            "::error file=incidents/a%2Cb/x.yaml,line=3,col=1,title=inc check%3A parse::100%25 wrong%0Asecond line\n"
        );
    }
}
