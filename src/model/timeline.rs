//! `timeline.yaml`: the logbook, a YAML list that inc only ever appends to.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Status;
use crate::time::Time;

/// One logbook entry. `at` is when it happened; `recorded` is when it was written, present only
/// when `at` was given by hand, so backdating stays visible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// Short unique id; merges of two clones union entries by it.
    pub id: String,
    /// Set by a merge on the second version of an entry both clones edited differently: the id of
    /// the version kept under the original id. Delete the wrong one, and this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_of: Option<String>,
    pub at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Time>,
    pub by: String,
    pub kind: Kind,
    /// The entry this one answers: a change request, for `change-approved` and `change-rejected`;
    /// for runbook entries, the runbook (`NAME`) or its step (`NAME:N`); for an entry imported
    /// from elsewhere, what it was (`slack:CHANNEL/TS`, `csv:KEY`), so an import run again skips it;
    /// for a snooze (`inc comms snooze`), `snooze:AUDIENCE:LENGTH`.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Part of the summary timeline in reports and the post-mortem (for the team: it does not
    /// make an entry public).
    #[serde(default, skip_serializing_if = "is_false")]
    pub key: bool,
    /// Never shown to customers.
    #[serde(default, skip_serializing_if = "is_false")]
    pub internal: bool,
    /// Customers may see it: public outputs (the status page, the external report) show it
    /// (`inc log --public`). Absent in entries written before it existed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub public: bool,
    /// The file this entry attached (`inc attach`), by its name in the incident's `attachments/`
    /// directory. Reports list it; public ones only when the entry is not internal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
    pub text: String,
}

impl TimelineEntry {
    /// A new entry for the log, without an id yet (appending gives it one): `at` is when it
    /// happened, `recorded` when it was written if that was later (see the struct).
    pub fn new(at: Time, recorded: Option<Time>, by: &str, kind: Kind, text: String) -> Self {
        TimelineEntry {
            id: String::new(),
            conflict_of: None,
            at,
            recorded,
            by: by.to_string(),
            kind,
            reference: None,
            key: false,
            internal: false,
            public: false,
            attachment: None,
            text,
        }
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

/// What an entry records. The first five are what people log; the rest are written by inc when
/// the incident itself changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Event,
    Action,
    Decision,
    Observation,
    Detection,
    /// A milestone was set (`inc mark`, `inc resolve`).
    Milestone,
    /// Status or severity changed (`inc open`, `inc status`, `inc sev`).
    Status,
    /// A role changed hands (`inc role`).
    Role,
    /// An update was sent (`inc comms`).
    Comms,
    /// incident.yaml was amended: title, summary, tags, links, or a hand edit (`inc edit`,
    /// `inc tag`, `inc link`, `inc unlink`). Not shown in public reports.
    Edit,
    /// A production change was requested (`inc change request`); its id is the change's id.
    ChangeRequest,
    /// The incident lead approved a change (`ref` names the request).
    ChangeApproved,
    /// The incident lead rejected a change (`ref` names the request).
    ChangeRejected,
    /// A runbook was attached (`inc open`, `inc sev`, `inc runbook attach`; `ref` names it).
    RunbookAttach,
    /// A runbook was detached by hand (`ref` names it).
    RunbookDetach,
    /// A runbook step was done (`inc runbook done`, `inc exec --step`; `ref` is `NAME:N`).
    RunbookStep,
    /// An entry was withdrawn (`inc strike`; `ref` names it, the text says why): it stays in the
    /// file, out of reports (see `model::strike`).
    Strike,
}

impl Kind {
    /// The kinds a person may choose with `inc log --kind`.
    pub const LOGGABLE: [Kind; 5] = [
        Kind::Event,
        Kind::Action,
        Kind::Decision,
        Kind::Observation,
        Kind::Detection,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Action => "action",
            Kind::Decision => "decision",
            Kind::Observation => "observation",
            Kind::Detection => "detection",
            Kind::Milestone => "milestone",
            Kind::Status => "status",
            Kind::Role => "role",
            Kind::Comms => "comms",
            Kind::Edit => "edit",
            Kind::ChangeRequest => "change-request",
            Kind::ChangeApproved => "change-approved",
            Kind::ChangeRejected => "change-rejected",
            Kind::RunbookAttach => "runbook-attach",
            Kind::RunbookDetach => "runbook-detach",
            Kind::RunbookStep => "runbook-step",
            Kind::Strike => "strike",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The comment at the top of a new timeline.yaml.
pub const HEADER: &str = "# Logbook: one entry per list item, oldest first. inc appends; hand edits and comments stay.\n";

super::log::log_entry!(TimelineEntry, file: "timeline.yaml", schema: "timeline", header: HEADER,
    fingerprint: |e| format!("{}|{}|{}|{}", e.at, e.by, e.kind, e.text));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{from_yaml, to_yaml};
    use std::path::Path;

    fn entry(text: &str) -> TimelineEntry {
        TimelineEntry {
            id: "abc234".into(),
            conflict_of: None,
            at: Time::parse_rfc3339("2026-11-22T14:32:00+01:00").unwrap(),
            recorded: None,
            by: "alice".into(),
            kind: Kind::Event,
            reference: None,
            key: false,
            internal: false,
            public: false,
            attachment: None,
            text: text.into(),
        }
    }

    #[test]
    fn text_round_trips_exactly() {
        let texts = [
            "no",
            "14:32",
            "yes",
            "null",
            "~",
            "1e3",
            "0x1F",
            "2026-11-22",
            "key: value",
            "# not a comment",
            "x #y",
            "\"double\" and 'single' quotes",
            "multi\nline\n",
            "multi\nline",
            "  leading spaces\nsecond",
            "trailing space \n x",
            "blank lines\n\n\nafter\n\n",
            "\nstarts with a newline",
            "emoji 🔥 and ünïcödé",
            "tab\there",
            "crlf\r\nline",
            "- looks like a list",
            "--- looks like a document",
            "[flow] {map} &anchor *alias !tag | > ? @ ` %",
            "a long line that goes on well past eighty characters so that a folding emitter would be tempted to wrap it",
        ];
        // All in one file, one after another, the way appends build it.
        let mut file = HEADER.to_string();
        let entries: Vec<TimelineEntry> = texts.iter().map(|t| entry(t)).collect();
        for e in &entries {
            file.push_str(&to_yaml(&[e]));
        }
        let back: Vec<TimelineEntry> = from_yaml(Path::new("timeline.yaml"), &file).unwrap();
        assert_eq!(back, entries);
    }

    #[test]
    fn an_entry_is_written_in_a_fixed_order() {
        let mut e = entry("Failed over primary DB");
        e.key = true;
        assert_eq!(
            to_yaml(&[e]),
            "- id: abc234\n  at: \"2026-11-22T14:32:00+01:00\"\n  by: alice\n  kind: event\n  key: true\n  text: Failed over primary DB\n"
        );
    }
}

/// Report order: by time, then by text, so entries logged in the same minute read the same on
/// every clone (files order them by id, which is random).
pub fn report_order(entries: &[TimelineEntry]) -> Vec<&TimelineEntry> {
    let mut sorted: Vec<&TimelineEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| (a.at, &a.text).cmp(&(b.at, &b.text)));
    sorted
}

/// A severity the incident had from a time: its opening severity, then each `inc sev`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeverityChange {
    pub at: Time,
    /// The severity before; none for the one it was opened with.
    pub from: Option<String>,
    pub to: String,
}

/// The severity history, by time, read from the status entries `inc open` (`Opened "TITLE" as
/// SEV2`, and an import's `… as SEV2 (imported from FILE, line N)`) and `inc sev`
/// (`Severity SEV2 → SEV1`) write. The severity it was opened with comes first, whenever it was
/// opened: it is the severity from the incident's beginning until the first change, also one
/// backdated to before the opening. Changes at the same time keep their file order. Each change
/// is `from` the one before it, whatever its text says: a change backdated between two others
/// lands in order (see `severity_history.rs`).
pub fn severity_changes(entries: &[TimelineEntry]) -> Vec<SeverityChange> {
    let mut changes: Vec<SeverityChange> = super::log::sorted(entries)
        .into_iter()
        .filter(|e| e.kind == Kind::Status)
        .filter_map(|e| {
            if let Some(change) = e.text.strip_prefix("Severity ") {
                let (from, to) = change.split_once(" → ")?;
                return Some(SeverityChange {
                    at: e.at,
                    from: Some(from.trim().to_string()),
                    to: to.trim().to_string(),
                });
            }
            // The title is quoted; the severity is the word after it.
            let rest = e.text.strip_prefix("Opened \"")?;
            let (_, after) = rest.rsplit_once("\" as ")?;
            Some(SeverityChange {
                at: e.at,
                from: None,
                to: after.split_whitespace().next()?.to_string(),
            })
        })
        .collect();
    // Stable: the openings first, each part by time.
    changes.sort_by_key(|c| c.from.is_some());
    for index in 1..changes.len() {
        changes[index].from = Some(changes[index - 1].to.clone());
    }
    changes
}

/// Each status change as (when, the status after it), by time: from the entries `inc status`
/// writes (`Status identified → monitoring`, `Reopened: status resolved → investigating`) and
/// `inc resolve`'s.
pub fn status_changes(timeline: &[TimelineEntry]) -> Vec<(Time, Status)> {
    let mut changes: Vec<(Time, Status)> = timeline
        .iter()
        .filter_map(|e| {
            let to = match e.kind {
                Kind::Status => {
                    let text = e.text.strip_prefix("Reopened: ").unwrap_or(&e.text);
                    let text = text
                        .strip_prefix("Status ")
                        .or_else(|| text.strip_prefix("status "))?;
                    let (_, to) = text.split_once(" → ")?;
                    let name = to.split([';', ',', ' ']).next()?;
                    Status::ALL.into_iter().find(|s| s.name() == name)?
                }
                Kind::Milestone if e.text == "Resolved" => Status::Resolved,
                _ => return None,
            };
            Some((e.at, to))
        })
        .collect();
    changes.sort_by_key(|(at, _)| *at);
    changes
}

/// A change request and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change<'a> {
    pub request: &'a TimelineEntry,
    pub decision: Option<&'a TimelineEntry>,
}

/// Every change request in time order, each with its approval or rejection if there is one.
pub fn changes(entries: &[TimelineEntry]) -> Vec<Change<'_>> {
    let mut decisions: std::collections::HashMap<&str, &TimelineEntry> = Default::default();
    for decision in entries
        .iter()
        .filter(|d| matches!(d.kind, Kind::ChangeApproved | Kind::ChangeRejected))
    {
        if let Some(request) = decision.reference.as_deref() {
            decisions.entry(request).or_insert(decision);
        }
    }
    super::log::sorted(entries)
        .into_iter()
        .filter(|e| e.kind == Kind::ChangeRequest)
        .map(|request| Change {
            request,
            decision: decisions.get(request.id.as_str()).copied(),
        })
        .collect()
}
