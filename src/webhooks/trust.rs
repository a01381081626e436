//! Which webhook destinations this clone posts to. `.inc.yaml` arrives with `git pull`, so a
//! collaborator could point a channel's webhook anywhere; like hooks, a destination is posted to
//! only once this clone has confirmed it (`inc webhooks trust`). The confirmation is a digest of
//! what `.inc.yaml` says (url, or the name in url_env, and the style) in the repository's own git
//! config, never committed and never read from the user's global config.
//!
//! The value of a url_env variable is not part of it: it comes from the person's own
//! environment, which a commit cannot change.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::Target;
use crate::model::Config;
use crate::model::config::{Style, Webhook};

/// Whether this clone has confirmed a channel's webhook as `.inc.yaml` now has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trust {
    Trusted,
    /// Never confirmed in this clone.
    New,
    /// Confirmed once, and changed since (by a pull or a hand edit).
    Changed,
}

impl Trust {
    pub fn name(self) -> &'static str {
        match self {
            Trust::Trusted => "trusted",
            Trust::New => "not trusted (new)",
            Trust::Changed => "not trusted (changed since trusted)",
        }
    }
}

/// A channel's webhook as `inc webhooks` shows it: never more of the address than its host.
#[derive(Debug)]
pub struct Destination {
    pub channel: String,
    /// `hooks.example.com`, `$CHAT_WEBHOOK_URL → hooks.example.com`, or `$CHAT_WEBHOOK_URL (not
    /// set)`.
    pub host: String,
    pub style: Style,
    pub trust: Trust,
}

/// The git config key that holds what this clone confirmed for `channel`.
fn key(channel: &str) -> String {
    format!("inc.webhook.{channel}.trusted")
}

/// What confirming a webhook confirms: the kind of address, the address or the variable's name,
/// and the style (which decides what is posted).
pub fn fingerprint(hook: &Webhook) -> String {
    let (kind, address) = match (&hook.url, &hook.url_env) {
        (Some(url), _) => ("url", url.trim()),
        (None, Some(name)) => ("url_env", name.as_str()),
        (None, None) => ("none", ""),
    };
    let fields = serde_json::json!([kind, address, hook.style.name()]);
    Sha256::digest(fields.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn state_of(root: &Path, channel: &str, fingerprint: &str) -> Result<Trust> {
    Ok(match crate::git::local_get(root, &key(channel))? {
        Some(saved) if saved.trim() == fingerprint => Trust::Trusted,
        Some(_) => Trust::Changed,
        None => Trust::New,
    })
}

/// Confirms the webhook of `channel` as it is now.
pub fn confirm(root: &Path, channel: &str, hook: &Webhook) -> Result<()> {
    crate::git::local_set(root, &key(channel), &fingerprint(hook))
}

/// Every channel's webhook, with what this clone thinks of it.
pub fn destinations(root: &Path, config: &Config) -> Result<Vec<Destination>> {
    config
        .webhooks
        .iter()
        .map(|(channel, hook)| {
            Ok(Destination {
                channel: channel.clone(),
                host: shown_host(hook),
                style: hook.style,
                trust: state_of(root, channel, &fingerprint(hook))?,
            })
        })
        .collect()
}

fn shown_host(hook: &Webhook) -> String {
    let unknown = "(no host)";
    match (&hook.url, &hook.url_env) {
        (Some(url), _) => super::host(url).unwrap_or_else(|| unknown.into()),
        (None, Some(name)) => match std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
            Some(value) => format!(
                "${name} → {}",
                super::host(&value).unwrap_or_else(|| unknown.into())
            ),
            None => format!("${name} (not set)"),
        },
        (None, None) => unknown.into(),
    }
}

/// Why `target` may not be posted to from this clone, as the end of a sentence (`the webhook of
/// channel chat is new to this clone …`); `None` when this clone trusts it.
pub fn refusal(root: &Path, target: &Target) -> Result<Option<String>> {
    let channel = &target.channel;
    let why = match state_of(root, channel, &target.fingerprint)? {
        Trust::Trusted => return Ok(None),
        Trust::New => "is not trusted in this clone yet",
        Trust::Changed => "changed in .inc.yaml since this clone trusted it",
    };
    Ok(Some(format!(
        "the webhook of channel {channel} {why}; it posts to {} ({}): check webhooks: in .inc.yaml, then run `inc webhooks trust {channel}`",
        target.host(),
        target.style.name()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(yaml: &str) -> Webhook {
        crate::model::from_yaml(Path::new(".inc.yaml"), yaml).unwrap()
    }

    #[test]
    fn the_fingerprint_covers_kind_address_and_style_but_not_the_timeout() {
        let base = fingerprint(&hook("{url: https://a.example/x, style: slack}"));
        assert_eq!(
            base,
            fingerprint(&hook(
                "{url: ' https://a.example/x', style: slack, timeout: 3s}"
            ))
        );
        for other in [
            "{url: https://b.example/x, style: slack}",
            "{url: https://a.example/y, style: slack}",
            "{url: https://a.example/x, style: json}",
            "{url_env: A, style: slack}",
        ] {
            assert_ne!(base, fingerprint(&hook(other)), "{other}");
        }
        assert_ne!(
            fingerprint(&hook("{url_env: A, style: slack}")),
            fingerprint(&hook("{url_env: B, style: slack}"))
        );
    }
}
