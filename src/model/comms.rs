//! `comms.yaml`: what was said to whom, where and when; and when the next update is due.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cadence::{Quiet, Schedule};
use super::{Config, Incident, TimelineEntry};
use crate::time::Time;

/// One update sent to an audience.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommsEntry {
    pub id: String,
    /// Set by a merge on the second version of an entry both clones edited differently: the id of
    /// the version kept under the original id. Delete the wrong one, and this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_of: Option<String>,
    pub at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Time>,
    pub by: String,
    /// One of the configured audiences (default internal, customers, executives).
    pub audience: String,
    /// One of the configured channels (default email, chat, status-page, phone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The message, quoted as sent.
    pub message: String,
    /// How posting it to the channel's webhook went (`inc comms --send`); absent when it was not
    /// posted. A retry replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

/// The outcome of posting an update to its channel's webhook. It holds the status code and a
/// fixed phrase, never the webhook's answer: a server may echo the address, token and all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, from = "DeliveryFile")]
pub struct Delivery {
    pub state: DeliveryState,
    /// The HTTP status the webhook answered with; absent when it did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why it was not posted when the webhook did not answer: a timeout, a refused connection, a
    /// destination this clone has not trusted. A fixed phrase, never the webhook's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When it was posted.
    pub at: Time,
}

/// A delivery as comms.yaml holds it. Earlier versions kept in `error` the start of the answer
/// to a failed post, beside its status; such text is dropped as the file is read, so no output
/// repeats it (it may quote the address).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Delivery")]
struct DeliveryFile {
    state: DeliveryState,
    /// The HTTP status the webhook answered with; absent when it did not answer.
    #[serde(default)]
    status: Option<u16>,
    /// Why it was not posted when the webhook did not answer: a timeout, a refused connection, a
    /// destination this clone has not trusted. A fixed phrase, never the webhook's answer.
    #[serde(default)]
    error: Option<String>,
    /// When it was posted.
    at: Time,
}

impl From<DeliveryFile> for Delivery {
    fn from(file: DeliveryFile) -> Self {
        Delivery {
            state: file.state,
            status: file.status,
            error: file.error.filter(|_| file.status.is_none()),
            at: file.at,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryState {
    /// The webhook took it (a 2xx answer).
    Sent,
    /// Not delivered: `inc status` shows it and `inc comms --retry` posts it again.
    Failed,
}

impl Delivery {
    pub fn failed(&self) -> bool {
        self.state == DeliveryState::Failed
    }

    /// "HTTP 200", "HTTP 500 Internal Server Error", "timed out after 10s": how it went, in a
    /// few fixed words.
    pub fn reason(&self) -> String {
        match (self.status, &self.error) {
            (Some(status), _) if (200..300).contains(&status) => format!("HTTP {status}"),
            (Some(status), _) => format!("HTTP {status} {}", status_phrase(status)),
            (None, Some(error)) => error.clone(),
            (None, None) => "not delivered".into(),
        }
    }
}

/// The standard words for an unsuccessful HTTP status: inc's own text, so nothing of what the
/// server answered is kept or shown.
fn status_phrase(status: u16) -> &'static str {
    let known = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    match (known, status / 100) {
        ("", 3) => "Redirect (not followed)",
        ("", 4) => "Client Error",
        ("", 5) => "Server Error",
        ("", _) => "Unexpected Status",
        (known, _) => known,
    }
}

impl CommsEntry {
    /// When the audience had this update, as far as its cadence goes: when it was recorded; when
    /// it was posted to a webhook, when the post succeeded (a retry hours later counts from
    /// then). `None` while its post has failed: the audience has not had it.
    pub fn counts_from(&self) -> Option<Time> {
        match &self.delivery {
            None => Some(self.at),
            Some(d) if d.failed() => None,
            // A post cannot come before the update was recorded (a hand edit may say so).
            Some(d) => Some(if d.at.since(self.at).is_positive() {
                d.at
            } else {
                self.at
            }),
        }
    }

    /// A digest of this update as a post would carry it (incident, id, time, author, audience,
    /// channel, message). The clone that records an update keeps it (`.git/inc/sent-updates`), so
    /// that `inc comms --retry` can tell its own updates from ones that arrived by pull, whose
    /// `by:` anyone with push access can write, and from its own updates edited since.
    pub fn digest(&self, incident: &str) -> String {
        use sha2::{Digest as _, Sha256};
        let fields = serde_json::json!([
            incident,
            self.id,
            self.at,
            self.by,
            self.audience,
            self.channel,
            self.message
        ]);
        Sha256::digest(fields.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

pub const HEADER: &str = "# Communications: each update as sent, oldest first. inc appends.\n";

super::log::log_entry!(CommsEntry, file: "comms.yaml", schema: "comms", header: HEADER,
    fingerprint: |e| format!("{}|{}|{}|{}", e.at, e.by, e.audience, e.message));

/// When an audience's next update is due while the incident is open.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Due {
    pub audience: String,
    /// The last update to this audience that it had (see [`CommsEntry::counts_from`]), if any.
    pub last: Option<Time>,
    /// Not earlier than this (the cadence's minimum gap); `None` before the first update.
    pub not_before: Option<Time>,
    /// At the latest by this time: the cadence's maximum gap, counted outside quiet hours and
    /// snoozes, against the severity in force.
    pub due: Time,
    /// `now` is past `due`, and not in the audience's quiet hours or a snooze.
    pub overdue: bool,
    /// While nothing is due for this audience (its quiet hours, a snooze): until when, and why.
    pub quiet: Option<Quiet>,
}

/// The next update due per audience: for every audience sent an update so far, and for the
/// required ones (default internal and customers) from the moment the incident opened. Each is
/// timed by the audience's [`Schedule`] (cadence per severity, quiet hours, snoozes, read from
/// `timeline`). Empty once the incident is resolved.
pub fn due(
    incident: &Incident,
    comms: &[CommsEntry],
    timeline: &[TimelineEntry],
    config: &Config,
    now: Time,
) -> Vec<Due> {
    if !incident.status.is_open() {
        return Vec::new();
    }
    config
        .audiences
        .iter()
        .filter_map(|audience| {
            let updates: Vec<&CommsEntry> =
                comms.iter().filter(|c| &c.audience == audience).collect();
            let since = since(
                incident,
                &updates,
                config.required_updates.contains(audience),
            )?;
            let last = updates
                .iter()
                .filter_map(|c| c.counts_from())
                .max_by_key(|t| t.timestamp());
            let schedule = Schedule::new(config, audience, incident, timeline);
            let due = schedule.due_after(last.unwrap_or(since));
            let quiet = schedule.quiet_at(now);
            Some(Due {
                audience: audience.clone(),
                last,
                not_before: last.map(|t| t + schedule.cadence_at(now).min.0),
                due,
                overdue: quiet.is_none() && now.timestamp() > due.timestamp(),
                quiet,
            })
        })
        .collect()
}

/// Where the cadence of an audience starts: when the incident opened, for a required one; else
/// its first update, whether or not that was delivered. `None`: not tracked yet.
pub fn since(incident: &Incident, updates: &[&CommsEntry], required: bool) -> Option<Time> {
    if required {
        return Some(incident.opened);
    }
    updates.iter().map(|c| c.at).min_by_key(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Milestones, Status, incident::Detection};

    fn time(hm: &str) -> Time {
        Time::parse_rfc3339(&format!("2026-11-22T{hm}:00Z")).unwrap()
    }

    fn incident(severity: &str) -> Incident {
        Incident {
            title: "x".into(),
            severity: severity.into(),
            status: Status::Investigating,
            kind: crate::model::incident::DEFAULT_TYPE.into(),
            opened: time("14:00"),
            summary: String::new(),
            public_title: String::new(),
            public_summary: String::new(),
            impact: Default::default(),
            tags: vec![],
            links: vec![],
            detection: Detection::default(),
            milestones: Milestones::default(),
            postmortem_waived: None,
            changed: Default::default(),
        }
    }

    fn due_at(incident: &Incident, comms: &[CommsEntry], config: &Config, now: Time) -> Vec<Due> {
        due(incident, comms, &[], config, now)
    }

    fn update(hm: &str, audience: &str) -> CommsEntry {
        CommsEntry {
            id: "x".into(),
            conflict_of: None,
            at: time(hm),
            recorded: None,
            by: "carol".into(),
            audience: audience.into(),
            channel: None,
            message: "m".into(),
            delivery: None,
        }
    }

    #[test]
    fn required_audiences_are_due_from_the_opening() {
        let due = due_at(&incident("SEV3"), &[], &Config::default(), time("14:30"));
        let names: Vec<&str> = due.iter().map(|d| d.audience.as_str()).collect();
        assert_eq!(names, ["internal", "customers"]);
        assert_eq!(due[0].due, time("15:00"));
        assert_eq!(due[0].not_before, None);
        assert!(!due[0].overdue);
    }

    #[test]
    fn overdue_starts_one_moment_after_the_due_time() {
        let config = Config::default();
        let comms = [update("14:10", "executives")];
        let at = |now| due_at(&incident("SEV2"), &comms, &config, now);
        let executives = |now| {
            at(now)
                .into_iter()
                .find(|d| d.audience == "executives")
                .unwrap()
        };
        assert_eq!(executives(time("15:10")).due, time("15:10"));
        assert!(
            !executives(time("15:10")).overdue,
            "exactly at the due time is not overdue"
        );
        let one_second_late = Time::parse_rfc3339("2026-11-22T15:10:01Z").unwrap();
        assert!(executives(one_second_late).overdue);
        assert_eq!(executives(time("14:20")).not_before, Some(time("14:40")));
    }

    #[test]
    fn sev1_has_a_tighter_cadence() {
        let comms = [update("14:10", "customers")];
        let due = due_at(&incident("SEV1"), &comms, &Config::default(), time("14:20"));
        let customers = due.iter().find(|d| d.audience == "customers").unwrap();
        assert_eq!(customers.due, time("14:40"));
        assert_eq!(customers.not_before, Some(time("14:25")));
    }

    #[test]
    fn a_delivery_is_told_in_fixed_words_and_an_old_answer_is_dropped() {
        let read = |yaml: &str| -> Delivery {
            crate::model::from_yaml(std::path::Path::new("comms.yaml"), yaml).unwrap()
        };
        let at = "at: \"2026-11-22T14:41:00+00:00\"";
        let old = read(&format!(
            "{{state: failed, status: 404, error: 'No route for /T0/s3cr3t', {at}}}"
        ));
        assert_eq!(old.error, None);
        assert_eq!(old.reason(), "HTTP 404 Not Found");
        for (status, reason) in [
            (200, "HTTP 200"),
            (302, "HTTP 302 Redirect (not followed)"),
            (418, "HTTP 418 Client Error"),
            (599, "HTTP 599 Server Error"),
        ] {
            let d = read(&format!("{{state: failed, status: {status}, {at}}}"));
            assert_eq!(d.reason(), reason);
        }
        let refused = read(&format!(
            "{{state: failed, error: connection refused, {at}}}"
        ));
        assert_eq!(refused.reason(), "connection refused");
    }

    #[test]
    fn nothing_is_due_once_resolved() {
        let mut resolved = incident("SEV1");
        resolved.status = Status::Resolved;
        assert!(due_at(&resolved, &[], &Config::default(), time("18:00")).is_empty());
    }
}
