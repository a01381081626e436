//! How the parse cache stores an incident.yaml: postcard of a plain mirror of [`Incident`], with
//! times as integers. `inc list --all` and `inc stats` decode 20,000 of these per run; as JSON
//! (with every time parsed as RFC 3339 again) that decoding was a third of their time.
//!
//! The mirror has no `skip_serializing_if` or untagged enums (postcard, not self-describing,
//! cannot read those back), and [`encode`] names every field of [`Incident`] without `..`, so a
//! field added to the model does not compile until it is kept here too: a cached incident is
//! always the whole incident.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::incident::{
    Detection, Impact, Incident, Link, Milestones, Source, Status, Waiver,
};
use crate::model::postmortem::Improvement;
use crate::time::Time;

/// The detection sources by the number [`encode`] gives them.
const SOURCES: [Source; 4] = [
    Source::Alert,
    Source::Customer,
    Source::Employee,
    Source::Other,
];

/// A time as (seconds since the epoch, UTC offset in seconds).
type Stamp = (i64, i32);

#[derive(Serialize, Deserialize)]
struct Stored {
    title: String,
    severity: String,
    status: u8,
    kind: String,
    opened: Stamp,
    summary: String,
    public_title: String,
    public_summary: String,
    impact: (String, Vec<String>, String, Vec<String>),
    tags: Vec<String>,
    links: Vec<(String, Option<String>)>,
    source: Option<u8>,
    milestones: [Option<Stamp>; 5],
    changed: Vec<(String, Stamp)>,
    /// `postmortem_waived`: reason, by, at.
    postmortem_waived: Option<(String, String, Stamp)>,
}

fn time(t: Time) -> Stamp {
    t.to_parts()
}

fn untime((seconds, offset): Stamp) -> Option<Time> {
    Time::from_parts(seconds, offset)
}

/// The bytes the cache keeps for `incident`.
pub fn encode(incident: &Incident) -> Option<Vec<u8>> {
    let Incident {
        title,
        severity,
        status,
        kind,
        opened,
        summary,
        public_title,
        public_summary,
        impact,
        tags,
        links,
        detection,
        milestones,
        postmortem_waived,
        changed,
    } = incident;
    let Impact {
        summary: impact_summary,
        services,
        customers,
        regions,
    } = impact;
    let Detection { source } = detection;
    let Milestones {
        started,
        detected,
        acknowledged,
        mitigated,
        resolved,
    } = milestones;
    let stored = Stored {
        title: title.clone(),
        severity: severity.clone(),
        status: Status::ALL.iter().position(|s| s == status)? as u8,
        kind: kind.clone(),
        opened: time(*opened),
        summary: summary.clone(),
        public_title: public_title.clone(),
        public_summary: public_summary.clone(),
        impact: (
            impact_summary.clone(),
            services.clone(),
            customers.clone(),
            regions.clone(),
        ),
        tags: tags.clone(),
        links: links
            .iter()
            .map(|l| (l.url.clone(), l.title.clone()))
            .collect(),
        source: source.map(|s| match s {
            Source::Alert => 0,
            Source::Customer => 1,
            Source::Employee => 2,
            Source::Other => 3,
        }),
        milestones: [*started, *detected, *acknowledged, *mitigated, *resolved]
            .map(|t| t.map(time)),
        changed: changed.iter().map(|(k, t)| (k.clone(), time(*t))).collect(),
        postmortem_waived: postmortem_waived
            .as_ref()
            .map(|w| (w.reason.clone(), w.by.clone(), time(w.at))),
    };
    postcard::to_stdvec(&stored).ok()
}

/// The incident [`encode`] stored, `None` for bytes it did not write.
pub fn decode(bytes: &[u8]) -> Option<Incident> {
    let stored: Stored = postcard::from_bytes(bytes).ok()?;
    let opt = |t: Option<Stamp>| match t {
        None => Some(None),
        Some(t) => untime(t).map(Some),
    };
    let [started, detected, acknowledged, mitigated, resolved] = stored.milestones;
    let (impact_summary, services, customers, regions) = stored.impact;
    let source = match stored.source {
        None => None,
        Some(n) => Some(*SOURCES.get(usize::from(n))?),
    };
    Some(Incident {
        title: stored.title,
        severity: stored.severity,
        status: *Status::ALL.get(usize::from(stored.status))?,
        kind: stored.kind,
        opened: untime(stored.opened)?,
        summary: stored.summary,
        public_title: stored.public_title,
        public_summary: stored.public_summary,
        impact: Impact {
            summary: impact_summary,
            services,
            customers,
            regions,
        },
        tags: stored.tags,
        links: stored
            .links
            .into_iter()
            .map(|(url, title)| Link { url, title })
            .collect(),
        detection: Detection { source },
        milestones: Milestones {
            started: opt(started)?,
            detected: opt(detected)?,
            acknowledged: opt(acknowledged)?,
            mitigated: opt(mitigated)?,
            resolved: opt(resolved)?,
        },
        postmortem_waived: match stored.postmortem_waived {
            None => None,
            Some((reason, by, at)) => Some(Waiver {
                reason,
                by,
                at: untime(at)?,
            }),
        },
        changed: stored
            .changed
            .into_iter()
            .map(|(k, t)| Some((k, untime(t)?)))
            .collect::<Option<BTreeMap<_, _>>>()?,
    })
}

/// A post-mortem's Improvement as the cache keeps it: every field but `end_line`, which the
/// cache does not keep (see [`crate::store::Store::load_improvements`]).
#[derive(Serialize, Deserialize)]
struct StoredImprovement {
    line: u64,
    column: u64,
    text: String,
    done: bool,
    attributes: [Option<String>; 8],
    unknown: Vec<String>,
}

/// The bytes the cache keeps for a post-mortem's Improvements (`None` before it is written).
pub fn encode_improvements(improvements: &Option<Vec<Improvement>>) -> Option<Vec<u8>> {
    let stored: Option<Vec<StoredImprovement>> = improvements.as_ref().map(|list| {
        list.iter()
            .map(|item| {
                let Improvement {
                    line,
                    column,
                    text,
                    done,
                    owner,
                    due,
                    kind,
                    reference,
                    id,
                    done_on,
                    done_by,
                    commit,
                    end_line: _,
                    unknown,
                } = item;
                StoredImprovement {
                    line: *line,
                    column: *column,
                    text: text.clone(),
                    done: *done,
                    attributes: [owner, due, kind, reference, id, done_on, done_by, commit]
                        .map(|a| a.clone()),
                    unknown: unknown.clone(),
                }
            })
            .collect()
    });
    postcard::to_stdvec(&stored).ok()
}

/// The Improvements [`encode_improvements`] stored, `None` for bytes it did not write.
pub fn decode_improvements(bytes: &[u8]) -> Option<Option<Vec<Improvement>>> {
    let stored: Option<Vec<StoredImprovement>> = postcard::from_bytes(bytes).ok()?;
    Some(stored.map(|list| {
        list.into_iter()
            .map(|item| {
                let [owner, due, kind, reference, id, done_on, done_by, commit] = item.attributes;
                Improvement {
                    line: item.line,
                    column: item.column,
                    text: item.text,
                    done: item.done,
                    owner,
                    due,
                    kind,
                    reference,
                    id,
                    done_on,
                    done_by,
                    commit,
                    end_line: 0,
                    unknown: item.unknown,
                }
            })
            .collect()
    }))
}
