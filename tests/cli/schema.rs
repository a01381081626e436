//! The JSON Schemas: printed by `inc schema`, copied into repositories, and true to real files.

use crate::common::{CHECKOUT, Repo};

fn yaml_as_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("YAML")
}

#[test]
fn inc_schema_prints_the_committed_schema() {
    let repo = Repo::new();
    for name in [
        "config",
        "incident",
        "timeline",
        "roles",
        "comms",
        "catalog",
        "maintenance",
        "updates",
    ] {
        let committed = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("schemas/{name}.schema.json")),
        )
        .unwrap();
        assert_eq!(repo.ok(&["schema", name]), committed, "{name}");
        assert_eq!(
            repo.read(&format!(".inc/schemas/{name}.schema.json")),
            committed
        );
    }
    let err = repo.fails(2, &["schema", "timelines"]);
    assert_eq!(
        err,
        "error: unknown schema \"timelines\" (did you mean timeline?): use one of config, incident, timeline, roles, comms, catalog, maintenance, updates\n"
    );
}

#[test]
fn files_written_by_inc_validate_against_their_schemas_offline() {
    let repo = Repo::with_incident();
    repo.ok(&["log", "--at", "14:30", "--key", "--internal", "no"]);
    repo.ok(&["role", "incident-lead", "alice"]);
    repo.ok(&["comms", "--to", "customers", "--channel", "email", "Hello"]);
    repo.ok(&["change", "request", "Restart"]);
    let dir = format!("incidents/{CHECKOUT}");
    for (file, name) in [
        (".inc.yaml", "config"),
        (&format!("{dir}/incident.yaml") as &str, "incident"),
        (&format!("{dir}/timeline.yaml"), "timeline"),
        (&format!("{dir}/roles.yaml"), "roles"),
        (&format!("{dir}/comms.yaml"), "comms"),
    ] {
        let text = repo.read(file);
        // The schema line points at the repository's own copy, relative to the file.
        let first = text.lines().next().unwrap();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap();
        let schema_path = repo.path(file).parent().unwrap().join(target);
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
        assert_eq!(
            schema_path.file_name().unwrap().to_str().unwrap(),
            format!("{name}.schema.json")
        );
        let validator = jsonschema::validator_for(&schema).unwrap();
        let document = yaml_as_json(&text);
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}

#[test]
fn the_schema_rejects_what_inc_rejects() {
    let repo = Repo::with_incident();
    let schema: serde_json::Value =
        serde_json::from_str(&repo.ok(&["schema", "incident"])).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = repo
        .read(&format!("incidents/{CHECKOUT}/incident.yaml"))
        .replace("severity:", "severty:");
    assert!(!validator.is_valid(&yaml_as_json(&text)));
    let text = repo
        .read(&format!("incidents/{CHECKOUT}/incident.yaml"))
        .replace("status: investigating", "status: fixed");
    assert!(!validator.is_valid(&yaml_as_json(&text)));
}
