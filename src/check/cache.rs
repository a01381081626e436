//! `inc check`'s findings kept in the parse cache (`.git/inc/cache/check`): an incident whose
//! files did not change is not parsed again, as long as what the rules depend on besides its
//! files (.inc.yaml, the services catalog, the time zone, and the clock) is the same.
//!
//! The clock is the subtle part: some rules compare times with now (times ahead of the clock, a
//! post-mortem or an improvement overdue). Each incident's findings therefore carry the span of
//! clock readings over which they are known to stay the same ([`Window`]), and are used only
//! within it. A rule that reads the clock must be accounted for in [`Window::of`].

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::{Check, Level, Problem};
use crate::model::catalog::Catalog;
use crate::model::postmortem::Postmortem;
use crate::model::{CommsEntry, Incident, LogEntry, RoleEvent, Status, TimelineEntry};
use crate::store::{CONFIG_FILE, INCIDENT_FILE, Store};
use crate::time::Clock;

/// The clock readings (seconds since the epoch, inclusive) for which an incident's findings hold,
/// and the day (in the clock's zone) they hold on, when a rule compares dates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Window {
    from: Option<i64>,
    until: Option<i64>,
    day: Option<String>,
}

impl Window {
    /// The window of the findings of an incident that parsed, as of `check`'s clock; `None` when
    /// the findings would change with any clock reading (a message that says how long ago).
    pub(super) fn of(
        check: &Check<'_>,
        incident: &Incident,
        logs: (&[TimelineEntry], &[RoleEvent], &[CommsEntry]),
        postmortem: Option<Option<&Postmortem>>,
    ) -> Option<Window> {
        let now = check.clock.now();
        let mut window = Window::default();
        // `future-time`: no time may be ahead of now; its message quotes now.
        let latest = crate::model::Milestone::ALL
            .into_iter()
            .filter_map(|m| incident.milestones.get(m))
            .chain([incident.opened])
            .chain(incident.changed.values().copied())
            .chain(logs.0.iter().map(LogEntry::at))
            .chain(logs.1.iter().map(LogEntry::at))
            .chain(logs.2.iter().map(LogEntry::at))
            .max()
            .expect("opened is always there");
        if latest.timestamp() > now.timestamp() {
            return None;
        }
        window.from = Some(latest.timestamp().as_second());
        // `postmortem-overdue`: its message says how long ago the incident was resolved.
        let finished = matches!(incident.status, Status::Resolved | Status::Closed);
        let due = check
            .store
            .config()
            .postmortem_due(&incident.severity, &incident.kind)
            .filter(|_| incident.postmortem_waived.is_none());
        if let (Some(resolved), Some(days), true) = (
            incident.milestones.resolved,
            due,
            finished && postmortem.is_none(),
        ) {
            let limit = SignedDuration::from_hours(24 * i64::from(days));
            if now.since(resolved) > limit {
                return None;
            }
            let until = resolved.timestamp().as_second() + limit.as_secs();
            window.until = Some(until);
        }
        // `improvement-overdue` compares due dates with today.
        let dated = postmortem
            .flatten()
            .is_some_and(|pm| pm.improvements.iter().any(|i| !i.done && i.due.is_some()));
        if dated {
            window.day = Some(crate::actions::today(check.clock).to_string());
        }
        Some(window)
    }

    fn holds(&self, clock: &Clock) -> bool {
        let now = clock.now().timestamp().as_second();
        self.from.is_none_or(|from| now >= from)
            && self.until.is_none_or(|until| now <= until)
            && self
                .day
                .as_ref()
                .is_none_or(|day| *day == crate::actions::today(clock).to_string())
    }
}

/// What is stored per incident.
#[derive(Serialize, Deserialize)]
struct Stored {
    context: [u8; 20],
    window: Window,
    problems: Vec<StoredProblem>,
}

#[derive(Serialize, Deserialize)]
struct StoredProblem {
    file: String,
    line: u64,
    column: u64,
    warning: bool,
    rule: String,
    message: String,
}

/// The rules' names, to give back the `&'static str` a [`Problem`] holds. Findings of a rule not
/// listed here are not cached (only costs a parse).
const RULES: &[&str] = &[
    "comms-gap",
    "conflict-marker",
    "duplicate-id",
    "entry-conflict",
    "future-time",
    "improvement-attribute",
    "improvement-due",
    "improvement-id-duplicate",
    "improvement-overdue",
    "improvement-owner",
    "improvement-type",
    "issue-names-person",
    "link-url",
    "milestone-order",
    "open-but-resolved",
    "postmortem-incident",
    "postmortem-overdue",
    "resolved-without-time",
    "section-empty",
    "section-missing",
    "severity-history",
    "unknown-service",
    "unknown-type",
    "unknown-value",
];

fn rule_name(name: &str) -> Option<&'static str> {
    RULES.iter().copied().find(|r| *r == name)
}

/// What the findings depend on besides the incident's files and the clock: .inc.yaml, the
/// catalog, the time zone.
fn context(store: &Store, clock: &Clock) -> [u8; 20] {
    let mut hash = Sha1::new();
    for path in [CONFIG_FILE, crate::model::catalog::FILE] {
        let text = store
            .read_text(&store.root().join(path))
            .ok()
            .flatten()
            .unwrap_or_default();
        hash.update((text.len() as u64).to_le_bytes());
        hash.update(text.as_bytes());
    }
    hash.update(format!("{:?}", clock.tz()).as_bytes());
    hash.finalize().into()
}

/// [`super::incident_in`] for every id, through the cache. `whole`: the ids are every incident.
pub fn incidents(
    store: &Store,
    ids: Vec<String>,
    whole: bool,
    clock: &Clock,
    catalog: Option<&Catalog>,
) -> Vec<Problem> {
    let cache = crate::store::Cache::open(&crate::git::git_dir(store.root()), "check");
    let context = cache.as_ref().map(|_| context(store, clock));
    // The attachments directory too: findings about attached files depend on it, and an
    // incident that has one is never cached (only regular files are stamped), so removing an
    // attached file cannot leave a stale "no problem" behind.
    let files = [
        INCIDENT_FILE,
        TimelineEntry::FILE,
        RoleEvent::FILE,
        CommsEntry::FILE,
        crate::store::layout::POSTMORTEM_FILE,
        crate::store::ATTACHMENTS_DIR,
    ];
    let results = crate::store::cache_map(
        cache.as_ref(),
        ids,
        whole,
        store.incident_files(&files),
        |id| super::incident_window(store, id, clock, catalog),
        |(problems, window)| encode(problems, window.as_ref()?, context?),
        |bytes| decode(bytes, context?, clock),
    );
    results.into_iter().flat_map(|(_, (p, _))| p).collect()
}

fn encode(problems: &[Problem], window: &Window, context: [u8; 20]) -> Option<Vec<u8>> {
    // Errors are worked out again every time (a broken file is parsed again, its message the
    // parser's own); CI fails on them, so they do not stay long.
    if problems
        .iter()
        .any(|p| p.level == Level::Error || rule_name(p.rule).is_none())
    {
        return None;
    }
    let stored = Stored {
        context,
        window: window.clone(),
        problems: problems
            .iter()
            .map(|p| StoredProblem {
                file: p.file.clone(),
                line: p.line,
                column: p.column,
                warning: p.level == Level::Warning,
                rule: p.rule.to_string(),
                message: p.message.clone(),
            })
            .collect(),
    };
    postcard::to_stdvec(&stored).ok()
}

type Findings = (Vec<Problem>, Option<Window>);

fn decode(bytes: &[u8], context: [u8; 20], clock: &Clock) -> Option<Findings> {
    let stored: Stored = postcard::from_bytes(bytes).ok()?;
    if stored.context != context || !stored.window.holds(clock) {
        return None;
    }
    let problems = stored
        .problems
        .into_iter()
        .map(|p| {
            Some(Problem {
                file: p.file,
                line: p.line,
                column: p.column,
                level: if p.warning {
                    Level::Warning
                } else {
                    Level::Error
                },
                rule: rule_name(&p.rule)?,
                message: p.message,
            })
        })
        .collect::<Option<Vec<Problem>>>()?;
    Some((problems, Some(stored.window)))
}
