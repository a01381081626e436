//! What is shown of a related incident, read from its files once it is among the few shown: its
//! post-mortem's root cause, the runbooks it used and its follow-ups still open.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Found, Shared};
use crate::model::TimelineEntry;
use crate::store::Store;
use crate::time::Time;

/// A related incident, as `inc related --json` prints it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Related {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    /// When it began: started, else detected, else opened.
    pub began: Time,
    /// How much it shares (higher is closer); only comparable within one answer.
    pub score: f64,
    pub shared: Shared,
    /// The post-mortem's status (`draft`, `in-review`, `reviewed`), `null` before there is one.
    pub postmortem_status: Option<String>,
    /// The first line of the post-mortem's Root cause as people wrote it, `null` when there is
    /// no post-mortem or the section is not written yet.
    pub root_cause: Option<String>,
    /// The runbooks attached to it when it ended, in the order they were attached.
    pub runbooks: Vec<RunbookUsed>,
    /// Its post-mortem's Improvements not done yet.
    pub follow_ups: Vec<FollowUp>,
    /// Its files that could not be read (what they hold is missing above): `inc check` says why.
    pub unreadable: Vec<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RunbookUsed {
    pub name: String,
    /// Steps ticked at least once.
    pub ticked: usize,
}

/// An open Improvement of a related incident.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FollowUp {
    /// `INCIDENT#ID`, as `inc actions done` takes it.
    pub id: String,
    pub text: String,
    pub owner: Option<String>,
    /// As written (YYYY-MM-DD).
    pub due: Option<String>,
    pub overdue: bool,
}

/// The incidents `found`, read. One whose incident.yaml no longer parses is left out.
pub fn load(store: &Store, found: Vec<Found>, today: Date) -> Vec<Related> {
    found
        .into_iter()
        .filter_map(|found| read(store, found, today))
        .collect()
}

fn read(store: &Store, found: Found, today: Date) -> Option<Related> {
    let incident = store.load_incident(&found.id).ok()?;
    let mut unreadable = Vec::new();
    let dir = store.incident_dir(&found.id);
    let mut unread = |file: &str| {
        unreadable.push(
            store
                .display(&dir.join(file))
                .to_string()
                .replace(std::path::MAIN_SEPARATOR, "/"),
        )
    };
    let postmortem = store.load_postmortem(&found.id).unwrap_or_else(|_| {
        unread(crate::store::layout::POSTMORTEM_FILE);
        None
    });
    let timeline: Vec<TimelineEntry> = store.load_log(&found.id).unwrap_or_else(|_| {
        unread(<TimelineEntry as crate::model::LogEntry>::FILE);
        Vec::new()
    });
    let runbooks = crate::model::runbook::attached(&timeline)
        .into_iter()
        .map(|a| RunbookUsed {
            ticked: a.done.len(),
            name: a.name,
        })
        .collect();
    let (root_cause, follow_ups) = match &postmortem {
        Some(pm) => {
            let file = crate::actions::file_of(store, &found.id).1;
            let follow_ups = crate::actions::of(&found.id, &file, pm, today)
                .into_iter()
                .filter(|a| !a.item.done)
                .map(|a| FollowUp {
                    id: a.name(),
                    text: a.item.text,
                    owner: a.item.owner,
                    due: a.item.due,
                    overdue: a.overdue,
                })
                .collect();
            (root_cause(pm), follow_ups)
        }
        None => (None, Vec::new()),
    };
    Some(Related {
        began: incident.began(),
        id: found.id,
        title: incident.title,
        severity: incident.severity,
        status: incident.status.to_string(),
        score: found.score,
        shared: found.shared,
        postmortem_status: postmortem.as_ref().map(|pm| pm.front.status.name().into()),
        root_cause,
        runbooks,
        follow_ups,
        unreadable,
    })
}

/// The first line of the Root cause section that people wrote (not the template's guidance),
/// without its list marker or quote.
fn root_cause(pm: &crate::model::postmortem::Postmortem) -> Option<String> {
    let section = pm
        .sections
        .iter()
        .find(|s| s.title.eq_ignore_ascii_case("Root cause"))?;
    section
        .written
        .lines()
        .map(|line| {
            line.trim()
                .trim_start_matches(['-', '*', '+', '>', '#'])
                .trim()
        })
        .find(|line| !line.is_empty())
        .map(str::to_string)
}
