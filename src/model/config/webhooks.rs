//! `webhooks:` in `.inc.yaml`: where `inc comms --send` posts an update, per channel, and the
//! checks serde cannot make (a known channel, exactly one of url and url_env, an http(s) address).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Config;
use crate::time::Interval;

/// The longest a webhook may take to answer: a responder waits for it at the terminal.
pub const MAX_TIMEOUT_SECS: i64 = 120;
/// How long a webhook may take when its `timeout` is not set.
pub const DEFAULT_TIMEOUT_SECS: i64 = 10;

/// One entry of `webhooks:` (channel name → webhook).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// The address to post to. It is in git: prefer `url_env` when the address holds a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The name of an environment variable that holds the address, so a token in it stays out of
    /// git. Exactly one of `url` and `url_env`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    /// What the posted JSON looks like.
    pub style: Style,
    /// How long the whole request may take (default 10s, at most 2m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Interval>,
}

/// The body a webhook expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// A Slack incoming webhook: `{"text": MESSAGE}`.
    Slack,
    /// A Microsoft Teams incoming webhook: a MessageCard with the message as its text.
    Teams,
    /// The whole update as one JSON object (incident, title, severity, status, audience, channel,
    /// message, by, at), for your own receiver.
    Json,
}

impl Style {
    pub fn name(self) -> &'static str {
        match self {
            Style::Slack => "slack",
            Style::Teams => "teams",
            Style::Json => "json",
        }
    }
}

impl Webhook {
    /// The request timeout: `timeout`, else 10 seconds.
    pub fn timeout(&self) -> std::time::Duration {
        let duration = self
            .timeout
            .map(|t| t.0)
            .unwrap_or(jiff::SignedDuration::from_secs(DEFAULT_TIMEOUT_SECS));
        duration.try_into().unwrap_or_default()
    }
}

impl Config {
    /// The first thing wrong with `webhooks:`, with the keys that lead to it (for the line and
    /// column). A webhook's address is never part of the message: it may carry a token.
    pub fn webhooks_problem(&self) -> Option<(Vec<String>, String)> {
        for (channel, hook) in &self.webhooks {
            let at = |key: &str| {
                let mut at = vec!["webhooks".to_string(), channel.clone()];
                if !key.is_empty() {
                    at.push(key.to_string());
                }
                at
            };
            if !self.channels.contains(channel) {
                let names: Vec<&str> = self.channels.iter().map(String::as_str).collect();
                let hint = crate::error::did_you_mean(channel, &names)
                    .map(|name| format!(" (did you mean {name}?)"))
                    .unwrap_or_default();
                return Some((
                    at(""),
                    format!(
                        "webhooks has \"{channel}\"{hint}, which is not one of channels ({}): key each webhook by a channel name",
                        self.channels.join(", ")
                    ),
                ));
            }
            match (&hook.url, &hook.url_env) {
                (Some(_), Some(_)) => {
                    return Some((
                        at("url_env"),
                        format!(
                            "webhook {channel} has both url and url_env: keep one (url_env keeps a secret address out of git)"
                        ),
                    ));
                }
                (None, None) => {
                    return Some((
                        at(""),
                        format!(
                            "webhook {channel} has neither url nor url_env: give the address, or the name of the environment variable that holds it"
                        ),
                    ));
                }
                (Some(url), None) => {
                    if let Some(problem) = url_problem(url) {
                        return Some((at("url"), format!("webhook {channel}: url {problem}")));
                    }
                }
                (None, Some(name)) => {
                    if !is_variable_name(name) {
                        return Some((
                            at("url_env"),
                            format!(
                                "webhook {channel}: url_env must be the name of an environment variable, like CHAT_WEBHOOK_URL (letters, digits and _)"
                            ),
                        ));
                    }
                }
            }
            if hook
                .timeout
                .is_some_and(|t| t.0 > jiff::SignedDuration::from_secs(MAX_TIMEOUT_SECS))
            {
                return Some((
                    at("timeout"),
                    format!(
                        "webhook {channel}: timeout is longer than {MAX_TIMEOUT_SECS}s; a responder waits for it, so keep it to seconds, like 10s"
                    ),
                ));
            }
        }
        None
    }

    /// The webhook of a channel, if it has one.
    pub fn webhook(&self, channel: &str) -> Option<&Webhook> {
        self.webhooks.get(channel)
    }
}

/// What is wrong with a webhook address, if anything, without repeating it (it may hold a token).
pub fn url_problem(url: &str) -> Option<String> {
    let text = url.trim();
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("has spaces or control characters (encode them, like %20)".into());
    }
    let Ok(parsed) = url::Url::parse(text) else {
        return Some("is not an address: give a full one, like https://hooks.example.com/…".into());
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some(format!(
            "is a {} address: webhooks are posted over http:// or https://",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("names no host".into());
    }
    None
}

fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> Config {
        crate::model::from_yaml(std::path::Path::new(".inc.yaml"), yaml).unwrap()
    }

    #[test]
    fn a_good_webhook_passes() {
        let c = config("webhooks:\n  chat: {url: https://hooks.example.com/x, style: slack}\n");
        assert_eq!(c.webhooks_problem(), None);
        assert_eq!(c.webhook("chat").unwrap().timeout().as_secs(), 10);
    }

    #[test]
    fn problems_name_the_key_and_never_the_address() {
        let cases = [
            (
                "webhooks:\n  chatt: {url: https://h.example/x, style: slack}\n",
                vec!["webhooks", "chatt"],
                "(did you mean chat?)",
            ),
            (
                "webhooks:\n  chat: {url: https://h.example/x, url_env: X, style: slack}\n",
                vec!["webhooks", "chat", "url_env"],
                "both url and url_env",
            ),
            (
                "webhooks:\n  chat: {style: slack}\n",
                vec!["webhooks", "chat"],
                "neither url nor url_env",
            ),
            (
                "webhooks:\n  chat: {url: ftp://h.example/s3cr3t, style: json}\n",
                vec!["webhooks", "chat", "url"],
                "is a ftp address",
            ),
            (
                "webhooks:\n  chat: {url_env: 'A B', style: json}\n",
                vec!["webhooks", "chat", "url_env"],
                "name of an environment variable",
            ),
            (
                "webhooks:\n  chat: {url_env: A, style: json, timeout: 10m}\n",
                vec!["webhooks", "chat", "timeout"],
                "longer than 120s",
            ),
        ];
        for (yaml, at, expected) in cases {
            let (found, message) = config(yaml).webhooks_problem().unwrap();
            assert_eq!(found, at, "{yaml}");
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("s3cr3t"), "{message}");
        }
    }
}
