//! `incident.yaml`: what the incident is and where it stands. Rewritten whole (atomically) on change.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use jiff::SignedDuration;

use crate::time::{Time, format_duration};

/// The incident's own record: title, severity, status, summary, tags, links, detection, milestones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub title: String,
    /// One of the configured severities (default SEV1 … SEV4).
    pub severity: String,
    pub status: Status,
    /// The kind of incident, one of `types` in .inc.yaml (default `incident`; a game day or a
    /// false alarm can be left out of the metrics). Written only when not `incident`.
    #[serde(
        rename = "type",
        default = "default_type",
        skip_serializing_if = "is_default_type"
    )]
    pub kind: String,
    /// When the incident was opened in inc.
    pub opened: Time,
    #[serde(default)]
    pub summary: String,
    /// The headline customers see in public outputs; the title is for the team.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub public_title: String,
    /// What happened, written for customers (`inc edit --public-summary`): public outputs show
    /// it, never `summary`. Absent in files written before it existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub public_summary: String,
    /// Who and what was affected, in words fit for customers.
    #[serde(default, skip_serializing_if = "Impact::is_empty")]
    pub impact: Impact,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where more is: dashboards, chat channels, tickets. A bare URL, or `{url, title}`.
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub detection: Detection,
    #[serde(default)]
    pub milestones: Milestones,
    /// The post-mortem this incident does not owe, and why (`inc postmortem --waive`, or
    /// `inc import` for history): `inc check` then does not ask for one. Absent in files written
    /// before it existed, and for every incident that owes one as usual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postmortem_waived: Option<Waiver>,
    /// When inc last changed each field, by dotted path (`status`, `milestones.resolved`): the
    /// clock when the command ran, not its `--at`. A merge of two clones that both changed a field
    /// keeps the later change. Absent in files written before it existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub changed: BTreeMap<String, Time>,
}

/// A post-mortem waived: why, by whom, when. A merge takes it whole (see [`Incident::fields`]):
/// one person's reason never goes with another's name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub reason: String,
    pub by: String,
    pub at: Time,
}

/// The fields [`Incident::fields`] keeps whole, though they are mappings.
const WHOLE: [&str; 1] = ["postmortem_waived"];

/// The type of an incident that does not say: a real one.
pub const DEFAULT_TYPE: &str = "incident";

fn default_type() -> String {
    DEFAULT_TYPE.to_string()
}

fn is_default_type(kind: &String) -> bool {
    kind == DEFAULT_TYPE
}

impl Incident {
    /// Records `now` as the change time of every field whose value differs from `before`.
    pub fn stamp_changes(&mut self, before: &Incident, now: Time) {
        let old = before.fields();
        for (path, value) in self.fields() {
            if old.get(&path) != Some(&value) {
                self.changed.insert(path, now);
            }
        }
    }

    /// Every field but `changed` as (dotted path, value); mappings are walked into (but those in
    /// [`WHOLE`]), lists and other values are leaves. The paths are the keys of `changed`.
    pub fn fields(&self) -> BTreeMap<String, serde_json::Value> {
        fn walk(
            prefix: &str,
            value: serde_json::Value,
            out: &mut BTreeMap<String, serde_json::Value>,
        ) {
            match value {
                serde_json::Value::Object(map) if !WHOLE.contains(&prefix) => {
                    for (key, value) in map {
                        let path = if prefix.is_empty() {
                            key
                        } else {
                            format!("{prefix}.{key}")
                        };
                        walk(&path, value, out);
                    }
                }
                leaf => {
                    out.insert(prefix.to_string(), leaf);
                }
            }
        }
        let mut value = serde_json::to_value(self).expect("incidents serialize");
        if let serde_json::Value::Object(map) = &mut value {
            map.remove("changed");
        }
        let mut out = BTreeMap::new();
        walk("", value, &mut out);
        out
    }

    /// Whether status and milestones agree: an open incident has no resolved time, a resolved
    /// or closed one has.
    pub fn status_agrees(&self) -> bool {
        self.status.is_open() == self.milestones.resolved.is_none()
    }
}

impl Incident {
    /// When the outage began, as the team publishes it: `started` (the impact), else `detected`,
    /// else when it was opened. A first signal before the impact does not move it.
    pub fn impact_began(&self) -> Time {
        let m = &self.milestones;
        m.started.or(m.detected).unwrap_or(self.opened)
    }

    /// The earliest time the incident is known by: its earliest milestone (a first signal before
    /// the impact included), or when it was opened.
    pub fn began(&self) -> Time {
        Milestone::ALL
            .into_iter()
            .filter_map(|m| self.milestones.get(m))
            .fold(self.opened, Time::min)
    }
}

/// A link from incident.yaml's `links`. Written as the bare URL when it has no title, so files
/// from before titles existed (a list of URLs) read and write unchanged; with a title it is a
/// map `{url, title}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    pub title: Option<String>,
}

/// A link with a title: `{url: https://…, title: Checkout dashboard}`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TitledLink {
    url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
}

/// A link: the bare URL (http or https), or a map with `url` and `title`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum LinkForm {
    Url(String),
    Titled(TitledLink),
}

impl Serialize for Link {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.title {
            None => serializer.serialize_str(&self.url),
            Some(title) => TitledLink {
                url: self.url.clone(),
                title: Some(title.clone()),
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum: a mistake in the map form gets the map's own
        // error (an unknown key, a missing url) instead of "matched no variant".
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Link;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a URL, or a map with url and title")
            }
            fn visit_str<E: serde::de::Error>(self, url: &str) -> Result<Link, E> {
                Ok(Link {
                    url: url.to_string(),
                    title: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Link, A::Error> {
                let link =
                    TitledLink::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Link {
                    url: link.url,
                    title: link.title,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for Link {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Link".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        LinkForm::json_schema(generator)
    }
}

/// Longest URL kept: a link is an address, not a document.
const URL_MAX: usize = 2048;

impl Link {
    /// The URL as stored: trimmed, http or https with a host, no spaces or control characters (it
    /// is shown in terminals and reports, and opened by people who trust it).
    pub fn checked_url(typed: &str) -> Result<String, Error> {
        let text = typed.trim();
        let refuse = |why: &str| {
            Error::usage(format!(
                "\"{}\" is not a link inc keeps: {why}",
                crate::text::one_line(text, 80)
            ))
        };
        if text.len() > URL_MAX {
            return Err(refuse(&format!("it is longer than {URL_MAX} characters")));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse(
                "it has spaces or control characters (encode them, like %20)",
            ));
        }
        let parsed = url::Url::parse(text).map_err(|err| {
            refuse(&format!(
                "{err}; give a full address like https://example.com/page"
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(refuse("only http:// and https:// addresses are kept"));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(refuse("it names no host"));
        }
        Ok(text.to_string())
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.title {
            Some(title) => write!(f, "{} ({title})", self.url),
            None => f.write_str(&self.url),
        }
    }
}

/// What the outage did to the people who use the service. A map rather than a text so that more
/// facts (services, regions) can join the summary without changing the file's shape.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// The impact in a sentence or two, written for customers (public reports show it).
    #[serde(default)]
    pub summary: String,
    /// The services that were hit (`inc impact --service`); checked against `.inc/catalog.yaml`
    /// when there is one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Which or how many customers were hit: a number (`1200`) or words (`all EU customers`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub customers: String,
    /// The regions that were hit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

impl Impact {
    pub fn is_empty(&self) -> bool {
        self.summary.trim().is_empty()
            && self.services.is_empty()
            && self.customers.trim().is_empty()
            && self.regions.is_empty()
    }
}

/// The lifecycle: investigating → identified → monitoring → resolved → closed (post-mortem done).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
        Status::Closed,
    ];

    /// Open incidents are the ones still being worked: not resolved, not closed.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|s| s.name()).collect()
    }

    pub fn parse(input: &str) -> Option<Status> {
        Self::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(input.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the incident came to be known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    /// alert, customer, employee or other. If it was not an alert, the post-mortem asks why.
    #[serde(default)]
    pub source: Option<Source>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Alert,
    Customer,
    Employee,
    Other,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Alert => "alert",
            Source::Customer => "customer",
            Source::Employee => "employee",
            Source::Other => "other",
        }
    }
}

/// The five moments every duration is computed from. `null` until known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestones {
    #[serde(default)]
    pub started: Option<Time>,
    #[serde(default)]
    pub detected: Option<Time>,
    #[serde(default)]
    pub acknowledged: Option<Time>,
    #[serde(default)]
    pub mitigated: Option<Time>,
    #[serde(default)]
    pub resolved: Option<Time>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Milestone {
    Started,
    Detected,
    Acknowledged,
    Mitigated,
    Resolved,
}

impl Milestone {
    pub const ALL: [Milestone; 5] = [
        Milestone::Started,
        Milestone::Detected,
        Milestone::Acknowledged,
        Milestone::Mitigated,
        Milestone::Resolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Milestone::Started => "started",
            Milestone::Detected => "detected",
            Milestone::Acknowledged => "acknowledged",
            Milestone::Mitigated => "mitigated",
            Milestone::Resolved => "resolved",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|m| m.name()).collect()
    }

    pub fn parse(input: &str) -> Option<Milestone> {
        Self::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(input.trim()))
    }
}

impl fmt::Display for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Pairs that must be in this order when both are known: (earlier, later). `detected` is the
/// first signal, which may come before the impact (`started`): a warning that preceded the
/// outage. So may its acknowledgement; mitigation and resolution cannot precede the impact.
const ORDER: [(Milestone, Milestone); 6] = [
    (Milestone::Started, Milestone::Mitigated),
    (Milestone::Started, Milestone::Resolved),
    (Milestone::Detected, Milestone::Acknowledged),
    (Milestone::Detected, Milestone::Resolved),
    (Milestone::Acknowledged, Milestone::Resolved),
    (Milestone::Mitigated, Milestone::Resolved),
];

impl Milestones {
    pub fn get(&self, milestone: Milestone) -> Option<Time> {
        match milestone {
            Milestone::Started => self.started,
            Milestone::Detected => self.detected,
            Milestone::Acknowledged => self.acknowledged,
            Milestone::Mitigated => self.mitigated,
            Milestone::Resolved => self.resolved,
        }
    }

    pub fn set(&mut self, milestone: Milestone, time: Option<Time>) {
        let slot = match milestone {
            Milestone::Started => &mut self.started,
            Milestone::Detected => &mut self.detected,
            Milestone::Acknowledged => &mut self.acknowledged,
            Milestone::Mitigated => &mut self.mitigated,
            Milestone::Resolved => &mut self.resolved,
        };
        *slot = time;
    }

    /// Every (earlier, later) pair of known milestones that are out of order.
    pub fn out_of_order(&self) -> Vec<(Milestone, Milestone)> {
        ORDER
            .into_iter()
            .filter(|&(a, b)| matches!((self.get(a), self.get(b)), (Some(x), Some(y)) if x > y))
            .collect()
    }

    /// When the impact was known: the later of `started` and `detected` (a signal before the
    /// impact makes the impact known as it begins); `None` until detected.
    pub fn impact_known(&self) -> Option<Time> {
        let detected = self.detected?;
        Some(
            self.started
                .map_or(detected, |started| started.max(detected)),
        )
    }

    /// Whole seconds the first signal (`detected`) came before the impact (`started`), when it
    /// did.
    pub fn signal_before_impact(&self) -> Option<i64> {
        let lead = self.started?.since(self.detected?).as_secs();
        (lead > 0).then_some(lead)
    }

    /// The durations between known milestones (see docs/format.md, "Milestones and durations").
    /// Milestones out of order (clocks of two clones that disagree, a hand edit) give 0, never a
    /// negative duration; `inc check` reports them. A signal before the impact is no time to
    /// detect: `time_to_detect` is then `None` and `signal_before_impact` says how long before.
    pub fn durations(&self) -> Durations {
        let between = |a: Option<Time>, b: Option<Time>| match (a, b) {
            (Some(a), Some(b)) => Some(b.since(a).as_secs().max(0)),
            _ => None,
        };
        let signal_before_impact = self.signal_before_impact();
        Durations {
            time_to_detect: between(self.started, self.detected)
                .filter(|_| signal_before_impact.is_none()),
            signal_before_impact,
            time_to_mitigate: between(self.started, self.mitigated),
            time_to_resolve: between(self.started, self.resolved),
            detected_to_resolved: between(self.impact_known(), self.resolved),
        }
    }
}

/// The durations derived from the milestones, in whole seconds; `None` when a milestone is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Durations {
    /// started → detected; `null` also when the first signal came before the impact.
    pub time_to_detect: Option<i64>,
    /// detected → started when the first signal came before the impact (a positive number of
    /// seconds), else `null`.
    pub signal_before_impact: Option<i64>,
    /// started → mitigated.
    pub time_to_mitigate: Option<i64>,
    /// started → resolved: the outage's length, the figure reports publish.
    pub time_to_resolve: Option<i64>,
    /// From when the impact was known (the later of started and detected) → resolved.
    pub detected_to_resolved: Option<i64>,
}

impl Durations {
    /// (label, text for people) in display order, `—` for a missing milestone. A signal before
    /// the impact is said as such: never a made-up `0s` to detect.
    pub fn shown(&self) -> [(&'static str, String); 4] {
        let text = |seconds: Option<i64>| {
            seconds.map_or_else(
                || "—".to_string(),
                |s| format_duration(SignedDuration::from_secs(s)),
            )
        };
        [
            ("time to detect", self.detect_text()),
            ("time to mitigate", text(self.time_to_mitigate)),
            ("time to resolve", text(self.time_to_resolve)),
            ("detected to resolved", text(self.detected_to_resolved)),
        ]
    }

    /// Time to detect for people (`5m`, `—`), or `detected before impact (signal 2h before)`.
    pub fn detect_text(&self) -> String {
        let text = |s: i64| format_duration(SignedDuration::from_secs(s));
        match (self.signal_before_impact, self.time_to_detect) {
            (Some(lead), _) => format!("detected before impact (signal {} before)", text(lead)),
            (None, Some(seconds)) => text(seconds),
            (None, None) => "—".to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
