//! The rules behind `inc check`: what CI runs on a pull request. Every problem names the file, line
//! and column it is about, so it can be annotated on the pull request's diff.
//!
//! Parse errors come from serde (unknown or missing fields, wrong types). The rules here add what
//! a parser cannot see: milestone order, times ahead of the clock, duplicate ids, conflict markers,
//! post-mortem completeness, blameless wording, communication gaps, and change decisions made by
//! someone who was not the incident lead at the time.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::model::catalog::Catalog;
use crate::model::comms::CommsEntry;
use crate::model::{self, Incident, LogEntry, RoleEvent, TimelineEntry};
use crate::store::{INCIDENT_FILE, Store};
use crate::time::Clock;

mod amend_rules;
mod cache;
mod catalog_rules;
mod change_rules;
mod comms_rules;
mod config_rules;
mod incident_rules;
mod maintenance_rules;
mod output;
mod postmortem_rules;
mod runbook_rules;

use crate::model::locate::{item_id, locate_item};

pub use crate::model::locate::{locate, locate_list_item};
pub use cache::incidents as incidents_cached;
pub use catalog_rules::catalog;
pub use config_rules::config;
pub use maintenance_rules::maintenance;
pub use output::{Report, counts, github, json, text};
pub use runbook_rules::runbooks;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
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
    let (_, catalog) = catalog(store);
    incident_in(store, id, clock, catalog.as_ref())
}

/// [`incident`] with the services catalog read once for many incidents (see [`catalog`]).
pub fn incident_in(
    store: &Store,
    id: &str,
    clock: &Clock,
    catalog: Option<&Catalog>,
) -> Vec<Problem> {
    incident_window(store, id, clock, catalog).0
}

/// [`incident_in`], and the clock readings over which its findings hold (`None`: only now).
fn incident_window(
    store: &Store,
    id: &str,
    clock: &Clock,
    catalog: Option<&Catalog>,
) -> (Vec<Problem>, Option<cache::Window>) {
    let mut check = Check {
        store,
        id,
        clock,
        catalog,
        problems: Vec::new(),
        window: None,
    };
    check.run();
    (check.problems, check.window)
}

struct Check<'a> {
    store: &'a Store,
    id: &'a str,
    clock: &'a Clock,
    /// The services catalog, when the repository has one that parses.
    catalog: Option<&'a Catalog>,
    problems: Vec<Problem>,
    /// Set at the end of a run whose findings may be cached (see `cache.rs`).
    window: Option<cache::Window>,
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

/// The entries of a log, none if it is missing or broken.
fn entries<E>(log: &Option<Log<E>>) -> &[E] {
    log.as_ref().map_or(&[], |l| &l.entries)
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
            self.unknown_services(&incident.text, value);
            self.type_rule(&incident.text, value);
            self.link_rule(&incident.text, value);
            self.future_milestones(&incident.text, value);
            if let Some(comms) = &comms {
                self.comms_gaps(&incident.text, value, comms, entries(&timeline));
            }
        }
        self.entry_conflicts(timeline.as_ref());
        self.entry_conflicts(roles.as_ref());
        self.entry_conflicts(comms.as_ref());
        if let Some(log) = &timeline {
            self.future_entries(log);
            self.attachments_present(log);
            if let Some(value) = &incident.value {
                self.severity_history(&incident.text, value, log);
            }
        }
        if let Some(log) = &roles {
            self.future_entries(log);
        }
        // Without roles that parse, who led when is unknown.
        if let (Some(timeline), Some(roles)) = (&timeline, &roles) {
            self.decisions_by_lead(timeline, &roles.entries);
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
        if let Some(value) = &incident.value {
            self.window = cache::Window::of(
                self,
                value,
                (entries(&timeline), entries(&roles), entries(&comms)),
                postmortem.as_ref().map(|(_, pm)| pm.as_ref()),
            );
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
        self.parse_with(name, required, model::from_yaml)
    }

    /// [`Check::parse`] with the parser `parse` (logs have a faster one).
    fn parse_with<T>(
        &mut self,
        name: &str,
        required: bool,
        parse: impl FnOnce(&Path, &str) -> Result<T, Error>,
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
        let value = match parse(Path::new(name), &text) {
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
        let parsed = self.parse_with(E::FILE, false, model::from_yaml_log::<E>)?;
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
}

/// Where a read error points (a file error's line and column, else the first line) and what it
/// says, for rules that report a file inc could not read.
fn error_position(err: &anyhow::Error) -> ((u64, u64), String) {
    match err.downcast_ref::<crate::error::Error>() {
        Some(crate::error::Error::File {
            line,
            column,
            message,
            ..
        }) => ((*line, *column), message.clone()),
        _ => ((1, 1), format!("{err:#}")),
    }
}
