//! The rules about the fields people amend by hand in incident.yaml: `type` (one of the
//! `types` in .inc.yaml) and `links` (addresses `inc link` would keep).

use super::{Check, Level};
use crate::model::Incident;
use crate::model::incident::Link;
use crate::model::locate::locate;
use crate::store::INCIDENT_FILE;

impl Check<'_> {
    /// An unknown type is an error: `inc stats` could not tell whether to count the incident.
    pub(super) fn type_rule(&mut self, text: &str, incident: &Incident) {
        let types = &self.store.config().types;
        if types.contains_key(&incident.kind) {
            return;
        }
        let names: Vec<&str> = types.keys().map(String::as_str).collect();
        let hint = crate::error::did_you_mean(&incident.kind, &names)
            .map(|name| format!(" (did you mean {name}?)"))
            .unwrap_or_default();
        let message = format!(
            "type {}{hint} is not one of the types in .inc.yaml: {}",
            incident.kind,
            names.join(", ")
        );
        self.push(
            INCIDENT_FILE,
            locate(text, &["type"]),
            Level::Error,
            "unknown-type",
            message,
        );
    }

    /// A link `inc link` would refuse (another scheme than http(s), spaces): a warning, as
    /// reports show it as text rather than a link, but someone may still open it.
    pub(super) fn link_rule(&mut self, text: &str, incident: &Incident) {
        for link in &incident.links {
            if let Err(err) = Link::checked_url(&link.url) {
                // The line that holds the address, else the `links:` key.
                let at = text
                    .lines()
                    .enumerate()
                    .find_map(|(n, line)| {
                        let column = line.find(link.url.as_str())?;
                        Some((n as u64 + 1, column as u64 + 1))
                    })
                    .filter(|_| !link.url.is_empty())
                    .unwrap_or_else(|| locate(text, &["links"]));
                self.push(
                    INCIDENT_FILE,
                    at,
                    Level::Warning,
                    "link-url",
                    err.to_string(),
                );
            }
        }
    }
}
