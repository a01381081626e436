//! JSON Schemas of what commands print with `--json`, generated from the types they serialize so
//! they cannot disagree with the output; `schemas/output/` in inc's repository holds a copy, kept
//! in sync by a test, for scripts that validate what they read.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;

use super::{DashboardRow, IncidentView, Roles};

/// The commands whose `--json` has a schema (`inc sev --list` has none yet).
pub const NAMES: [&str; 13] = [
    "list",
    "show",
    "status",
    "roles",
    "stats",
    "check",
    "actions",
    "search",
    "related",
    "maintenance-list",
    "maintenance-show",
    "export",
    "export-public",
];

/// Where inc's repository keeps the copies, relative to its root.
pub const DIR: &str = "schemas/output";

/// The schema of `inc NAME --json`, as pretty JSON with a final newline.
pub fn json(name: &str) -> Option<String> {
    let schema = match name {
        "list" => schema::<Vec<IncidentView>>("inc list --json: the incidents, newest first"),
        "show" => schema::<IncidentView>("inc show --json: one incident in full"),
        "status" => schema::<Vec<DashboardRow>>("inc status --json: the open incidents"),
        "roles" => schema::<Roles>("inc roles --json: role holders and their history"),
        "stats" => schema::<Vec<crate::stats::Group>>("inc stats --json: figures per group"),
        "check" => schema::<crate::check::Report>("inc check --json: the problems found"),
        "actions" => schema::<Vec<super::actions::ActionView>>(
            "inc actions --json: the Improvements of the post-mortems",
        ),
        "search" => schema::<Vec<crate::search::Found>>("inc search --json: the incidents found"),
        "related" => schema::<Vec<crate::related::Related>>(
            "inc related --json: the earlier incidents most like one, best first",
        ),
        "maintenance-list" => schema::<Vec<super::maintenance::MaintenanceView>>(
            "inc maintenance list --json: the maintenance windows, earliest first",
        ),
        "maintenance-show" => schema::<super::maintenance::MaintenanceView>(
            "inc maintenance show --json: one maintenance window with its updates",
        ),
        "export" => schema::<crate::export::Record>(
            "inc export: one line per incident, `inc show --json` with its role history (format 2)",
        ),
        "export-public" => schema::<crate::export::PublicRecord>(
            "inc export --public: one line per incident, its public model (one-way)",
        ),
        _ => return None,
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    text.push('\n');
    Some(text)
}

/// The schema of what `T` serializes to (not what it would read: the output is never read back).
fn schema<T: JsonSchema>(title: &str) -> schemars::Schema {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed copies in `schemas/output/` must match the types. To update them after
    /// changing a type: `UPDATE_SCHEMAS=1 cargo test output_schemas_match`.
    #[test]
    fn output_schemas_match_the_committed_copies() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
        for name in NAMES {
            let path = dir.join(format!("{name}.schema.json"));
            let generated = json(name).unwrap();
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == generated,
                "{DIR}/{name}.schema.json differs from the Rust types: run UPDATE_SCHEMAS=1 cargo test output_schemas_match and commit it"
            );
        }
    }
}
