//! The rules about the services catalog: `.inc/catalog.yaml` itself (parses, no name twice), and
//! the services each incident.yaml names, which the catalog must know.

use super::{Check, Level, Problem};
use crate::error::Error;
use crate::model::Incident;
use crate::model::catalog::{Catalog, FILE};
use crate::model::locate::locate_list_item;
use crate::store::{INCIDENT_FILE, Store};

/// Problems in `.inc/catalog.yaml`, and the catalog when it is usable (present and parsed).
/// Without a catalog: nothing, and no catalog.
pub fn catalog(store: &Store) -> (Vec<Problem>, Option<Catalog>) {
    let problem = |(line, column): (u64, u64), rule: &'static str, message: String| Problem {
        file: FILE.to_string(),
        line,
        column,
        level: Level::Error,
        rule,
        message,
    };
    let (text, parsed) = match store.read_catalog() {
        Ok(Some(read)) => read,
        Ok(None) => return (Vec::new(), None),
        Err(err) => {
            let (at, message) = super::error_position(&err);
            return (vec![problem(at, "unreadable", message)], None);
        }
    };
    let catalog = match parsed {
        Ok(catalog) => catalog,
        Err(Error::File {
            line,
            column,
            message,
            ..
        }) => return (vec![problem((line, column), "parse", message)], None),
        Err(other) => return (vec![problem((1, 1), "parse", other.to_string())], None),
    };
    let problems = catalog
        .problems()
        .into_iter()
        .map(|(index, message)| {
            problem(
                crate::store::service_position(&text, index),
                "duplicate-service",
                message,
            )
        })
        .collect();
    (problems, Some(catalog))
}

impl Check<'_> {
    /// Services in incident.yaml that the catalog does not list (in any case).
    pub(super) fn unknown_services(&mut self, text: &str, incident: &Incident) {
        let Some(catalog) = self.catalog else {
            return;
        };
        for (index, service) in incident.impact.services.iter().enumerate() {
            if catalog.knows(service) {
                continue;
            }
            let names = catalog.names();
            let hint = crate::error::did_you_mean(service, &names)
                .map(|s| format!("did you mean {s}? "))
                .unwrap_or_default();
            let message = format!(
                "service \"{service}\" is not in {FILE}: {hint}use a listed service, or add it to the catalog"
            );
            self.push(
                INCIDENT_FILE,
                locate_list_item(text, &["impact", "services"], index),
                Level::Error,
                "unknown-service",
                message,
            );
        }
    }
}
