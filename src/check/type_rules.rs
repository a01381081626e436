//! The rule about incident.yaml's `type`: one of the `types` in .inc.yaml.

use super::locate::locate;
use super::{Check, Level};
use crate::model::Incident;
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
}
