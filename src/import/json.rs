//! JSON import: inc's own `inc show --json` objects (one, an array of them, or one per line as
//! `inc export --format jsonl` writes them), so an export imported into another repository gives
//! back the same `inc show --json`: ids, timeline, comms, roles and every field.
//!
//! A line of `inc export` (format 2, [`crate::export::Record`]) also holds every role event and
//! incident.yaml's `changed`, which are imported as they are: the role history, every handoff with
//! its time, comes back whole. An object without `format` (format 1: `inc show --json`, or an
//! export of an older inc) has only the holders at the end, which become role events at the
//! incident's opening time. A later format is refused, not half read.
//!
//! What `show --json` computes (durations, comms due, SLA, pending changes, runbooks, the
//! post-mortem's parts, the clone's `sync`) is read over, not imported: it is computed again from
//! what is.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::error::Error;
use crate::model::incident::{Detection, Impact, Link, Waiver};
use crate::model::roles::RoleAction;
use crate::model::{
    CommsEntry, Incident, Kind, Milestones, RoleEvent, Source, Status, TimelineEntry,
};
use crate::time::Time;

use super::{Input, Planned, is_incident_id, offset_of};

/// Most incidents read from one file.
const MAX_INCIDENTS: usize = 100_000;

/// One incident as `inc show --json` prints it, or as a line of `inc export`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentIn<'a> {
    /// [`crate::model::exchange::FORMAT`]; none: format 1.
    #[serde(default)]
    format: Option<u32>,
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
    /// Kept as the incident's (a round trip of `inc export`).
    #[serde(default)]
    postmortem_waived: Option<Waiver>,
    #[serde(default)]
    roles: BTreeMap<String, Vec<String>>,
    #[serde(default, borrow)]
    timeline: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    comms: Vec<&'a RawValue>,
    /// Format 2: roles.yaml as it is.
    #[serde(default, borrow)]
    role_events: Option<Vec<&'a RawValue>>,
    /// Format 2: incident.yaml's `changed`.
    #[serde(default)]
    changed: Option<BTreeMap<String, Time>>,
    // Computed by `inc show --json`: read over.
    #[serde(default, rename = "services")]
    _services: IgnoredAny,
    #[serde(default, rename = "durations")]
    _durations: IgnoredAny,
    #[serde(default, rename = "comms_due")]
    _comms_due: IgnoredAny,
    #[serde(default, rename = "pending_changes")]
    _pending_changes: IgnoredAny,
    /// Read from the timeline the import brings: what it would say is worked out again.
    #[serde(default, rename = "peak_severity")]
    _peak_severity: IgnoredAny,
    #[serde(default, rename = "sla")]
    _sla: IgnoredAny,
    #[serde(default, rename = "postmortem_status")]
    _postmortem_status: IgnoredAny,
    #[serde(default, rename = "postmortem")]
    _postmortem: IgnoredAny,
    #[serde(default, rename = "runbooks")]
    _runbooks: IgnoredAny,
    /// The exporting clone against its remote: nothing about the incident.
    #[serde(default, rename = "sync")]
    _sync: IgnoredAny,
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
    /// Computed by `inc show --json` from the strike entry, which comes back on its own.
    #[serde(default, rename = "struck")]
    _struck: IgnoredAny,
}

/// A role event as `inc export` writes it (format 2).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleEventIn {
    id: String,
    at: Time,
    #[serde(default)]
    recorded: Option<Time>,
    by: String,
    action: RoleAction,
    role: String,
    person: String,
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
        return Err(input.error_at(text, at, crate::model::exchange::ONE_WAY));
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
    if let Some(format) = parsed.format
        && !(1..=crate::model::exchange::FORMAT).contains(&format)
    {
        return Err(fail(format!(
            "format {format} is not one this inc reads (1 to {}): import it with the inc that exported it, or a later one",
            crate::model::exchange::FORMAT
        )));
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
        postmortem_waived: parsed.postmortem_waived,
        changed: parsed.changed.unwrap_or_default(),
    };

    let roles = match parsed.role_events {
        Some(raws) => {
            let events = role_events(text, input, &raws)?;
            let mut expected = BTreeMap::new();
            for (role, holders) in parsed.roles.iter().filter(|(_, h)| !h.is_empty()) {
                let role = config.role(role).map_err(|e| fail(e.to_string()))?;
                expected.insert(role, holders.clone());
            }
            if crate::model::roles::holders(&events) != expected {
                return Err(fail(
                    "`roles` is not where `role_events` end: the file was changed by hand; correct one of them (or remove `role_events` to take the holders alone)".into(),
                ));
            }
            events
        }
        None => holders_as_events(&parsed.roles, &incident, input, &fail)?,
    };

    let mut ids = HashSet::new();
    let mut check_id = |id: &str, raw: &RawValue| {
        if !is_entry_id(id) {
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
        key: None,
    })
}

/// The holders of format 1 as role events at the opening: the first holder of each role is
/// handed it, the others added, so the holders come back in the same order.
fn holders_as_events(
    holders: &BTreeMap<String, Vec<String>>,
    incident: &Incident,
    input: &Input,
    fail: &dyn Fn(String) -> Error,
) -> Result<Vec<RoleEvent>, Error> {
    let mut events = Vec::new();
    for (role, people) in holders.iter().filter(|(_, p)| !p.is_empty()) {
        let role = input.config.role(role).map_err(|e| fail(e.to_string()))?;
        for (n, person) in people.iter().enumerate() {
            if person.trim().is_empty() {
                return Err(fail(format!("a holder of {role} is empty: name them")));
            }
            events.push(RoleEvent {
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
    Ok(events)
}

/// The role events of format 2, each checked where it is: a role `.inc.yaml` names, a person,
/// an id inc could have written, used once.
fn role_events(text: &str, input: &Input, raws: &[&RawValue]) -> Result<Vec<RoleEvent>, Error> {
    let mut ids = HashSet::new();
    let mut events = Vec::new();
    for &raw in raws {
        let e: RoleEventIn = parse(text, input, raw)?;
        let here = |message: String| input.error_at(text, start_of(text, raw), message);
        if !is_entry_id(&e.id) {
            return Err(here(format!(
                "role event id \"{}\" is not one inc writes: up to 32 letters, digits or hyphens",
                crate::text::one_line(&e.id, 40)
            )));
        }
        if !ids.insert(e.id.clone()) {
            return Err(here(format!(
                "role event id {} is used twice: give one a new id",
                e.id
            )));
        }
        let role = input
            .config
            .role(&e.role)
            .map_err(|err| here(format!("{}: {err}", e.id)))?;
        if e.person.trim().is_empty() {
            return Err(here(format!("{}: the person is empty: name them", e.id)));
        }
        events.push(RoleEvent {
            id: e.id,
            conflict_of: None,
            at: e.at,
            recorded: e.recorded,
            by: e.by,
            action: e.action,
            role,
            person: e.person,
        });
    }
    Ok(events)
}

/// Whether `id` is an entry id inc could have written (they are 6 characters; hand-made ones
/// are allowed up to 32).
fn is_entry_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
