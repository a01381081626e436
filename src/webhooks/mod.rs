//! Posting an update to its channel's webhook (`inc comms --send`): where to post (the address
//! from .inc.yaml or from the environment), the body each style expects, and one HTTP attempt
//! with a timeout whose outcome becomes the entry's `delivery`.
//!
//! A webhook address often carries a token, so it never appears in an error, on the terminal
//! or in comms.yaml: the channel name, and at most the host, stand for it. Nor does the
//! webhook's answer: a server may echo the address back. Which destinations this clone posts
//! to at all is its own decision, kept in `trust`.

pub mod trust;

use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::error::Error;
use crate::model::Config;
use crate::model::comms::{CommsEntry, Delivery, DeliveryState};
use crate::model::config::{Style, url_problem};
use crate::time::Time;

/// Where and how a channel's updates are posted.
pub struct Target {
    pub channel: String,
    url: String,
    pub style: Style,
    pub timeout: Duration,
    /// What this clone must have trusted to post here ([`trust::fingerprint`]).
    fingerprint: String,
}

impl Target {
    /// The host (and port) posted to: all of the address that is ever shown.
    pub fn host(&self) -> String {
        host(&self.url).unwrap_or_else(|| "(no host)".into())
    }
}

/// `hooks.example.com`, `127.0.0.1:8080`: the host of `url` and its port if it names one; never
/// the user, path or query, which may hold a token.
pub fn host(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str().filter(|h| !h.is_empty())?;
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// The webhook of `channel`, with its address read from the environment when .inc.yaml names a
/// variable (`url_env`).
pub fn target(config: &Config, channel: &str) -> Result<Target, Error> {
    let hook = config.webhook(channel).ok_or_else(|| {
        Error::usage(format!(
            "channel {channel} has no webhook to send to: add one under webhooks: in .inc.yaml (docs/format.md), or record the update without --send"
        ))
    })?;
    let url = match (&hook.url, &hook.url_env) {
        (Some(url), _) => url.trim().to_string(),
        (None, Some(name)) => {
            // The variable's name comes from .inc.yaml, so `Env` cannot gather it in advance.
            let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty());
            let value = value.ok_or_else(|| {
                Error::state(format!(
                    "the webhook of channel {channel} reads its address from ${name}, which is not set: export {name} with the webhook's address, then run again"
                ))
            })?;
            if let Some(problem) = url_problem(&value) {
                return Err(Error::state(format!(
                    "the webhook address in ${name} (channel {channel}) {problem}"
                )));
            }
            value.trim().to_string()
        }
        (None, None) => unreachable!("a webhook without an address does not pass Config::validate"),
    };
    Ok(Target {
        channel: channel.to_string(),
        url,
        style: hook.style,
        timeout: hook.timeout(),
        fingerprint: trust::fingerprint(hook),
    })
}

/// An update as the `json` style posts it.
#[derive(Serialize)]
pub struct Update<'a> {
    /// The comms entry's id.
    pub id: &'a str,
    pub incident: &'a str,
    pub title: &'a str,
    pub severity: &'a str,
    pub status: &'a str,
    pub audience: &'a str,
    pub channel: &'a str,
    pub message: &'a str,
    pub by: &'a str,
    pub at: Time,
}

impl<'a> Update<'a> {
    pub fn new(
        incident_id: &'a str,
        incident: &'a crate::model::Incident,
        entry: &'a CommsEntry,
    ) -> Self {
        Update {
            id: &entry.id,
            incident: incident_id,
            title: &incident.title,
            severity: &incident.severity,
            status: incident.status.name(),
            audience: &entry.audience,
            channel: entry.channel.as_deref().unwrap_or_default(),
            message: &entry.message,
            by: &entry.by,
            at: entry.at,
        }
    }
}

impl<'a> Update<'a> {
    /// The update as a public audience may read it: the public model's id, title and severity
    /// label, nobody's name as its author, and `message` (with names replaced) as its text.
    pub fn public(p: &'a crate::public::Incident, entry: &'a CommsEntry, message: &'a str) -> Self {
        Update {
            id: &entry.id,
            incident: &p.id,
            title: &p.title,
            severity: &p.severity,
            status: p.status.name(),
            audience: &entry.audience,
            channel: entry.channel.as_deref().unwrap_or_default(),
            message,
            by: crate::public::PERSON,
            at: entry.at,
        }
    }
}

/// The JSON body `style` expects for `update`.
pub fn body(style: Style, update: &Update) -> String {
    let value = match style {
        // Slack reads <…> as links and mentions (<!channel> pings everyone) and & as the start
        // of an escape: the message is sent as the text people typed.
        Style::Slack => json!({ "text": crate::text::escape_slack(update.message) }),
        Style::Teams => json!({
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": format!("{}: update to {}", update.incident, update.audience),
            "title": update.title,
            "text": update.message,
        }),
        // The update's own field order, which a JSON object value would sort.
        Style::Json => return serde_json::to_string(update).expect("an update always serializes"),
    };
    value.to_string()
}

/// Posts `body` once (no retries: a retry is `inc comms --retry`, decided by a person) and says
/// how it went, as of `now`.
pub fn post(target: &Target, body: &str, now: Time) -> Delivery {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(target.timeout))
        .http_status_as_error(false)
        // A redirected POST would land somewhere .inc.yaml does not name.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(concat!("inc/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let result = agent
        .post(&target.url)
        .header("Content-Type", "application/json")
        .send(body.as_bytes());
    let failed = |status: Option<u16>, error: String| Delivery {
        state: DeliveryState::Failed,
        status,
        error: Some(error).filter(|e| !e.is_empty()),
        at: now,
    };
    match result {
        // The answer's body is not read: it may echo the address, token and all. The status
        // says enough.
        Ok(response) if response.status().is_success() => Delivery {
            state: DeliveryState::Sent,
            status: Some(response.status().as_u16()),
            error: None,
            at: now,
        },
        Ok(response) => failed(Some(response.status().as_u16()), String::new()),
        Err(err) => failed(None, describe(&err, target)),
    }
}

/// What went wrong, in a few fixed words: never the error's own text, which may quote the
/// address.
fn describe(err: &ureq::Error, target: &Target) -> String {
    use std::io::ErrorKind;
    let timed_out = || format!("timed out after {}", seconds(target.timeout));
    match err {
        ureq::Error::Timeout(_) => timed_out(),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "connection refused".into(),
            ErrorKind::TimedOut => timed_out(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                "connection closed by the webhook".into()
            }
            _ => "could not reach the webhook".into(),
        },
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "could not connect".into(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            "TLS failed (certificate or protocol)".into()
        }
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            "the webhook's answer is not HTTP".into()
        }
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => "the address cannot be posted to".into(),
        _ => "the post failed".into(),
    }
}

fn seconds(duration: Duration) -> String {
    crate::time::Interval(jiff::SignedDuration::try_from(duration).unwrap_or_default()).to_string()
}
