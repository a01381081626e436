//! What `.inc.yaml` says about everything that leaves the team: which logbook entries are public
//! (`public_entries`), and the `public:` block (the audiences whose updates are public, and the
//! wording of the neutral title an incident gets when it has no `public_title`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Config;

/// The logbook entries public outputs show besides the milestones and the updates to public
/// audiences. Internal entries never are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PublicEntries {
    /// Only entries marked public (`inc log --public`, `inc attach --public`).
    #[default]
    Marked,
    /// Entries marked public, and key entries (`inc log --key`) as well: how public reports
    /// chose entries before `--public` existed.
    MarkedAndKey,
    /// Every entry that is not internal: the logbook is written for customers to read.
    All,
    /// Written by `inc init` before `--public` existed. It no longer makes key entries public
    /// (`--key` means "in the summary timeline" only): it reads as `marked`, and `inc check`
    /// says so. Write `marked-and-key` to keep the old behaviour.
    Key,
}

impl PublicEntries {
    /// Whether a key entry (not internal, not marked) is public under this policy.
    pub fn key_is_public(self) -> bool {
        matches!(self, PublicEntries::MarkedAndKey | PublicEntries::All)
    }
}

/// `public:` in `.inc.yaml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PublicConfig {
    /// The audiences whose updates are public: they are the public timeline of the status page,
    /// and drafts and webhook posts to them are built from the public model [default:
    /// `[customers]`, when customers is one of the audiences].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audiences: Option<Vec<String>>,
    /// The title of an incident that has no `public_title`: `{services}` is replaced with the
    /// services hit, `{date}` with the day it began.
    pub title: String,
    /// What `{services}` says when the impact names no service.
    pub no_services: String,
}

/// The most characters of a public title or summary (and of a maintenance window's): a headline
/// and a few paragraphs; longer text belongs in a linked page.
pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 4000;

/// The placeholders a public title may hold.
const PLACEHOLDERS: [&str; 2] = ["{services}", "{date}"];

impl Default for PublicConfig {
    fn default() -> Self {
        PublicConfig {
            audiences: None,
            title: "Disruption to {services} on {date}".into(),
            no_services: "our service".into(),
        }
    }
}

impl PublicConfig {
    pub fn is_default(&self) -> bool {
        *self == PublicConfig::default()
    }
}

impl Config {
    /// The audiences whose updates are public: `public.audiences`, else `customers` when it is
    /// one of the audiences.
    pub fn public_audiences(&self) -> Vec<String> {
        match &self.public.audiences {
            Some(list) => list.clone(),
            None => self
                .audiences
                .iter()
                .filter(|a| *a == "customers")
                .cloned()
                .collect(),
        }
    }

    pub fn is_public_audience(&self, audience: &str) -> bool {
        self.public_audiences().iter().any(|a| a == audience)
    }

    /// What is wrong with the `public:` block, as (where, message).
    pub fn public_problem(&self) -> Option<(Vec<String>, String)> {
        let at = |key: &str| vec!["public".to_string(), key.to_string()];
        for audience in self.public.audiences.iter().flatten() {
            if !self.audiences.contains(audience) {
                let names: Vec<&str> = self.audiences.iter().map(String::as_str).collect();
                let hint = crate::error::did_you_mean(audience, &names)
                    .map(|name| format!(" (did you mean {name}?)"))
                    .unwrap_or_default();
                return Some((
                    at("audiences"),
                    format!(
                        "public.audiences has \"{audience}\"{hint}, which is not one of audiences ({})",
                        self.audiences.join(", ")
                    ),
                ));
            }
        }
        let title = self.public.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            return Some((
                at("title"),
                format!(
                    "public.title must be 1 to {TITLE_MAX} characters, like \"Disruption to {{services}} on {{date}}\""
                ),
            ));
        }
        let mut rest = title.to_string();
        for placeholder in PLACEHOLDERS {
            rest = rest.replace(placeholder, "");
        }
        if rest.contains(['{', '}']) {
            return Some((
                at("title"),
                "public.title may hold only the placeholders {services} and {date}".to_string(),
            ));
        }
        if self.public.no_services.trim().is_empty() {
            return Some((
                at("no_services"),
                "public.no_services is empty: say what {services} means when no service is named, like \"our service\"".to_string(),
            ));
        }
        None
    }

    /// The neutral title of an incident without a `public_title`: `public.title` with the
    /// services hit and the day it began (`YYYY-MM-DD`).
    pub fn neutral_title(&self, services: &[String], date: &str) -> String {
        let services = match services {
            [] => self.public.no_services.trim().to_string(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        self.public
            .title
            .trim()
            .replace("{services}", &services)
            .replace("{date}", date)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn config(yaml: &str) -> Config {
        crate::model::from_yaml(Path::new(".inc.yaml"), yaml).unwrap()
    }

    #[test]
    fn old_key_policy_reads_and_keeps_key_entries_private() {
        assert_eq!(
            config("public_entries: key").public_entries,
            PublicEntries::Key
        );
        assert!(!PublicEntries::Key.key_is_public());
        assert!(!PublicEntries::default().key_is_public());
        assert!(PublicEntries::MarkedAndKey.key_is_public());
    }

    #[test]
    fn public_audiences_default_to_customers_when_configured() {
        assert_eq!(Config::default().public_audiences(), ["customers"]);
        let own = config("audiences: [staff, clients]");
        assert!(own.public_audiences().is_empty());
        assert_eq!(own.public_problem(), None);
        let chosen = config("audiences: [staff, clients]\npublic: {audiences: [clients]}");
        assert_eq!(chosen.public_audiences(), ["clients"]);
        let (at, message) = config("public: {audiences: [custmers]}")
            .public_problem()
            .unwrap();
        assert_eq!(at, ["public", "audiences"]);
        assert!(message.contains("did you mean customers?"), "{message}");
    }

    #[test]
    fn neutral_titles() {
        let c = Config::default();
        assert_eq!(
            c.neutral_title(&[], "2026-11-22"),
            "Disruption to our service on 2026-11-22"
        );
        let services = ["checkout".to_string(), "payments".into(), "search".into()];
        assert_eq!(
            c.neutral_title(&services, "2026-11-22"),
            "Disruption to checkout, payments and search on 2026-11-22"
        );
        let odd = config("public: {title: 'Outage {nope}'}");
        assert!(odd.public_problem().unwrap().1.contains("placeholders"));
    }
}
