//! JSON import: inc's own `inc show --json` objects (one, an array of them, or one per line as
//! `inc export --format jsonl` writes them), so an export imported into another repository gives
//! back the same `inc show --json`: ids, timeline, comms, roles and every field.
//!
//! What `show --json` computes (durations, comms due, SLA, pending changes, runbooks, the
//! post-mortem's parts) is read over, not imported: it is computed again from what is.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::error::Error;
use crate::model::incident::{Detection, Impact, Link};
use crate::model::roles::RoleAction;
use crate::model::{
    CommsEntry, Incident, Kind, Milestones, RoleEvent, Source, Status, TimelineEntry,
};
use crate::time::Time;

use super::{Input, Planned, is_incident_id, offset_of};

/// Most incidents read from one file.
const MAX_INCIDENTS: usize = 100_000;

/// One incident as `inc show --json` prints it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentIn<'a> {
    id: String,
    title: String,
    severity: String,
    status: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    opened: Time,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    public_title: String,
    #[serde(default)]
    public_summary: String,
    #[serde(default)]
    impact: Impact,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    milestones: Milestones,
    #[serde(default)]
    roles: BTreeMap<String, Vec<String>>,
    #[serde(default, borrow)]
    timeline: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    comms: Vec<&'a RawValue>,
    // Computed by `inc show --json`: read over.
    #[serde(default, rename = "services")]
    _services: IgnoredAny,
    #[serde(default, rename = "durations")]
    _durations: IgnoredAny,
    #[serde(default, rename = "comms_due")]
    _comms_due: IgnoredAny,
    #[serde(default, rename = "pending_changes")]
    _pending_changes: IgnoredAny,
    #[serde(default, rename = "sla")]
    _sla: IgnoredAny,
    #[serde(default, rename = "postmortem_status")]
    _postmortem_status: IgnoredAny,
    #[serde(default, rename = "postmortem")]
    _postmortem: IgnoredAny,
    #[serde(default, rename = "runbooks")]
    _runbooks: IgnoredAny,
}

/// A timeline entry as `inc show --json` prints it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryIn {
    id: String,
    at: Time,
    #[serde(default)]
    recorded: Option<Time>,
    by: String,
    kind: Kind,
    #[serde(rename = "ref", default)]
    reference: Option<String>,
    #[serde(default)]
    key: bool,
    #[serde(default)]
    internal: bool,
    #[serde(default)]
    public: bool,
    text: String,
    /// Kept as the entry's, though the file itself does not travel (docs/guide.md).
    #[serde(default)]
    attachment: Option<String>,
}

/// A comms entry as `inc show --json` prints it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommsIn {
    id: String,
    at: Time,
    #[serde(default)]
    recorded: Option<Time>,
    by: String,
    audience: String,
    #[serde(default)]
    channel: Option<String>,
    message: String,
    #[serde(default)]
    delivery: Option<crate::model::comms::Delivery>,
}

/// Reads every incident in `text`; returns the errors of every bad one (then nothing is to be
/// written).
pub fn read(text: &str, input: &Input) -> Result<Vec<Planned>, Vec<Error>> {
    let objects = objects(text, input).map_err(|e| vec![e])?;
    if objects.len() > MAX_INCIDENTS {
        return Err(vec![input.error_at(
            text,
            0,
            format!("more than {MAX_INCIDENTS} incidents: split the file"),
        )]);
    }
    let mut planned = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for raw in objects {
        match incident(text, input, raw) {
            Ok(p) => {
                let id = p.id.clone().unwrap_or_default();
                if !seen.insert(id.clone()) {
                    errors.push(input.error_at(
                        text,
                        start_of(text, raw),
                        format!("the incident {id} is in the file twice: remove one"),
                    ));
                } else {
                    planned.push(p);
                }
            }
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(planned)
    } else {
        Err(errors)
    }
}

/// The objects of the file: one, an array, or one after the other (JSON Lines).
fn objects<'a>(text: &'a str, input: &Input) -> Result<Vec<&'a RawValue>, Error> {
    let parse_error = |base: usize, err: serde_json::Error| {
        let offset = base + offset_of(&text[base..], err.line(), err.column());
        input.error_at(
            text,
            offset,
            format!("{}: fix the JSON", strip_position(&err)),
        )
    };
    if text.trim_start().starts_with('[') {
        return serde_json::from_str::<Vec<&RawValue>>(text).map_err(|e| parse_error(0, e));
    }
    let mut all = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    loop {
        let before = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(raw)) => all.push(raw),
            Some(Err(err)) => return Err(parse_error(before.min(text.len()), err)),
        }
    }
    if all.is_empty() {
        return Err(input.error_at(
            text,
            0,
            "no incident in the file: give `inc show --json` objects, an array of them, or one per line",
        ));
    }
    Ok(all)
}

/// serde_json's message without its " at line L column C" (the position is said up front).
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Where `raw` starts in `text`.
fn start_of(text: &str, raw: &RawValue) -> usize {
    (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Parses `raw` (a part of `text`) as `T`, with errors at their place in the file.
fn parse<'a, T: Deserialize<'a>>(text: &str, input: &Input, raw: &'a RawValue) -> Result<T, Error> {
    serde_json::from_str(raw.get()).map_err(|err| {
        let base = start_of(text, raw);
        let offset = base + offset_of(raw.get(), err.line(), err.column());
        input.error_at(
            text,
            offset,
            format!("{}: fix the JSON", strip_position(&err)),
        )
    })
}

fn incident(text: &str, input: &Input, raw: &RawValue) -> Result<Planned, Error> {
    let at = start_of(text, raw);
    // `inc export --public` marks its lines: people and internal detail are gone from them, so
    // they are no record to restore.
    #[derive(Deserialize)]
    struct Marked {
        #[serde(default)]
        public: bool,
    }
    if serde_json::from_str::<Marked>(raw.get()).is_ok_and(|m| m.public) {
        return Err(input.error_at(text, at, crate::export::ONE_WAY));
    }
    let parsed: IncidentIn = parse(text, input, raw)?;
    let fail = |message: String| input.error_at(text, at, format!("{}: {message}", parsed.id));
    if !is_incident_id(&parsed.id) {
        return Err(input.error_at(
            text,
            at,
            format!(
                "\"{}\" is not an incident id inc creates: letters, digits and hyphens only (like 2026-11-22-checkout-api-down)",
                crate::text::one_line(&parsed.id, 60)
            ),
        ));
    }
    if parsed.title.trim().is_empty() {
        return Err(fail("the title is empty: give it one".into()));
    }
    let config = input.config;
    let severity = config
        .severity(&parsed.severity)
        .map_err(|e| fail(e.to_string()))?;
    let status = Status::parse(&parsed.status).ok_or_else(|| {
        fail(format!(
            "unknown status \"{}\": use one of {}",
            crate::text::one_line(&parsed.status, 40),
            Status::names().join(", ")
        ))
    })?;
    let kind = match parsed.kind.as_deref() {
        None | Some("") => crate::model::incident::DEFAULT_TYPE.to_string(),
        Some(kind) => config
            .incident_type(kind)
            .map_err(|e| fail(e.to_string()))?,
    };
    let mut links = Vec::new();
    for link in parsed.links {
        let url = Link::checked_url(&link.url).map_err(|e| fail(e.to_string()))?;
        links.push(Link {
            url,
            title: link.title,
        });
    }
    if let Some((earlier, later)) = parsed.milestones.out_of_order().first() {
        return Err(fail(format!(
            "milestone {later} is before {earlier}: correct the times"
        )));
    }
    if status.is_open() != parsed.milestones.resolved.is_none() {
        return Err(fail(format!(
            "the status is {status} but the resolved time is {}: an open incident has none, a resolved or closed one has one",
            parsed
                .milestones
                .resolved
                .map_or_else(|| "not set".to_string(), |t| t.to_string())
        )));
    }
    let mut impact = parsed.impact;
    for service in &mut impact.services {
        *service = input.service(service).map_err(|e| fail(e.to_string()))?;
    }
    let incident = Incident {
        title: parsed.title,
        severity,
        status,
        kind,
        opened: parsed.opened,
        summary: parsed.summary,
        public_title: parsed.public_title,
        public_summary: parsed.public_summary,
        impact,
        tags: parsed.tags,
        links,
        detection: Detection {
            source: parsed.source,
        },
        milestones: parsed.milestones,
        changed: Default::default(),
    };

    let mut roles = Vec::new();
    for (role, holders) in &parsed.roles {
        if holders.is_empty() {
            continue;
        }
        let role = config.role(role).map_err(|e| fail(e.to_string()))?;
        for (n, person) in holders.iter().enumerate() {
            if person.trim().is_empty() {
                return Err(fail(format!("a holder of {role} is empty: name them")));
            }
            // The first holder is handed the role, the others added, so the holders come back
            // in the same order.
            roles.push(RoleEvent {
                id: String::new(),
                conflict_of: None,
                at: incident.opened,
                recorded: None,
                by: input.by.to_string(),
                action: if n == 0 {
                    RoleAction::Assign
                } else {
                    RoleAction::Add
                },
                role: role.clone(),
                person: person.clone(),
            });
        }
    }

    let mut ids = HashSet::new();
    let mut check_id = |id: &str, raw: &RawValue| {
        let ok = (1..=32).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return Err(input.error_at(
                text,
                start_of(text, raw),
                format!(
                    "entry id \"{}\" is not one inc writes: up to 32 letters, digits or hyphens",
                    crate::text::one_line(id, 40)
                ),
            ));
        }
        if !ids.insert(id.to_string()) {
            return Err(input.error_at(
                text,
                start_of(text, raw),
                format!(
                    "entry id {id} is used twice in {}: give one a new id",
                    incident.title
                ),
            ));
        }
        Ok(())
    };
    let mut timeline = Vec::new();
    for raw in parsed.timeline {
        let e: EntryIn = parse(text, input, raw)?;
        check_id(&e.id, raw)?;
        timeline.push(TimelineEntry {
            id: e.id,
            conflict_of: None,
            at: e.at,
            recorded: e.recorded,
            by: e.by,
            kind: e.kind,
            reference: e.reference,
            key: e.key,
            internal: e.internal,
            public: e.public,
            attachment: e.attachment,
            text: e.text,
        });
    }
    let mut comms = Vec::new();
    for raw in parsed.comms {
        let c: CommsIn = parse(text, input, raw)?;
        check_id(&c.id, raw)?;
        let entry_error =
            |e: Error| input.error_at(text, start_of(text, raw), format!("{}: {e}", c.id));
        let audience = config.audience(&c.audience).map_err(entry_error)?;
        comms.push(CommsEntry {
            id: c.id.clone(),
            conflict_of: None,
            at: c.at,
            recorded: c.recorded,
            by: c.by.clone(),
            audience,
            channel: c.channel.clone(),
            message: c.message.clone(),
            delivery: c.delivery.clone(),
        });
    }
    let (line, _) = super::position(text, at);
    Ok(Planned {
        origin: format!("{} line {line}", input.shown.display()),
        id: Some(parsed.id),
        incident,
        timeline,
        roles,
        comms,
        keep_ids: true,
    })
}
