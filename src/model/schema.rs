//! JSON Schemas for the YAML files, generated from the model types so they cannot disagree with
//! what inc reads. Editors use them (through the `yaml-language-server` line at the top of each
//! file) to validate hand edits; `schemas/` in inc's repository holds a copy, kept in sync by a test.

use schemars::JsonSchema;

use super::catalog::Catalog;
use super::maintenance::{Maintenance, Update};
use super::{CommsEntry, Config, Incident, RoleEvent, TimelineEntry};

/// The schema names, one per YAML file kind.
pub const NAMES: [&str; 8] = [
    "config",
    "incident",
    "timeline",
    "roles",
    "comms",
    "catalog",
    "maintenance",
    "updates",
];

/// Where a repository keeps its copy of the schemas, relative to its root.
pub const REPO_DIR: &str = ".inc/schemas";

/// The schema called `name`, as pretty JSON with a final newline.
pub fn json(name: &str) -> Option<String> {
    let schema = match name {
        "config" => schema::<Config>("inc configuration (.inc.yaml)"),
        "incident" => schema::<Incident>("inc incident.yaml"),
        "timeline" => schema::<Vec<TimelineEntry>>("inc timeline.yaml: the logbook"),
        "roles" => schema::<Vec<RoleEvent>>("inc roles.yaml: role events"),
        "comms" => schema::<Vec<CommsEntry>>("inc comms.yaml: communications"),
        "catalog" => schema::<Catalog>("inc .inc/catalog.yaml: the services catalog"),
        "maintenance" => schema::<Maintenance>("inc maintenance.yaml: a maintenance window"),
        "updates" => schema::<Vec<Update>>("inc updates.yaml: the updates of a maintenance window"),
        _ => return None,
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    text.push('\n');
    Some(text)
}

fn schema<T: JsonSchema>(title: &str) -> schemars::Schema {
    let mut schema = schemars::schema_for!(T);
    schema.insert("title".into(), title.into());
    schema
}

/// The file name of a schema.
pub fn file_name(name: &str) -> String {
    format!("{name}.schema.json")
}

/// The comment that points editors at a schema, for a file `depth` directories below the root.
pub fn modeline(name: &str, depth: usize) -> String {
    format!(
        "# yaml-language-server: $schema={}{REPO_DIR}/{}\n",
        "../".repeat(depth),
        file_name(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed copies in `schemas/` must match the types. To update them after changing a
    /// type: `UPDATE_SCHEMAS=1 cargo test schemas_match`.
    #[test]
    fn schemas_match_the_committed_copies() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        for name in NAMES {
            let path = dir.join(file_name(name));
            let generated = json(name).unwrap();
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == generated,
                "schemas/{} differs from the Rust types: run UPDATE_SCHEMAS=1 cargo test schemas_match and commit it",
                file_name(name)
            );
        }
    }

    #[test]
    fn the_incident_schema_rejects_unknown_keys() {
        let schema: serde_json::Value = serde_json::from_str(&json("incident").unwrap()).unwrap();
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["title"], "inc incident.yaml");
    }

    #[test]
    fn modelines_climb_to_the_root() {
        assert_eq!(
            modeline("incident", 2),
            "# yaml-language-server: $schema=../../.inc/schemas/incident.schema.json\n"
        );
        assert_eq!(
            modeline("config", 0),
            "# yaml-language-server: $schema=.inc/schemas/config.schema.json\n"
        );
    }
}
