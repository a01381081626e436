//! The configuration's defaults, its loading of old files and its validation.

use super::*;
use std::path::Path;

#[test]
fn the_written_file_is_the_defaults() {
    let parsed: Config =
        crate::model::from_yaml(Path::new(".inc.yaml"), &default_file("incidents")).unwrap();
    let defaults = Config::default();
    assert_eq!(parsed.incidents_dir, defaults.incidents_dir);
    assert_eq!(parsed.maintenance_dir(), defaults.maintenance_dir());
    assert_eq!(parsed.severities, defaults.severities);
    assert_eq!(parsed.default_severity, defaults.default_severity);
    assert_eq!(parsed.commit, defaults.commit);
    assert_eq!(parsed.roles, defaults.roles);
    assert_eq!(parsed.audiences, defaults.audiences);
    assert_eq!(parsed.required_updates, defaults.required_updates);
    assert_eq!(parsed.channels, defaults.channels);
    assert_eq!(parsed.cadence, defaults.cadence);
    assert_eq!(parsed.postmortem_due_days, defaults.postmortem_due_days);
    assert_eq!(parsed.aliases, defaults.aliases);
    assert_eq!(parsed.timezone, defaults.timezone);
    assert_eq!(parsed.public_entries, defaults.public_entries);
    assert_eq!(parsed.attachments, defaults.attachments);
    assert_eq!(parsed.hooks, defaults.hooks);
    assert_eq!(parsed.types, defaults.types);
    for severity in &defaults.severities {
        assert_eq!(
            parsed.severity_definition(severity),
            defaults.severity_definition(severity)
        );
    }
}

#[test]
fn types_default_when_missing_and_must_name_incident() {
    let old: Config = crate::model::from_yaml(
        Path::new(".inc.yaml"),
        "severities: [SEV1, SEV2]\ndefault_severity: SEV2\n",
    )
    .unwrap();
    assert_eq!(old.types, Config::default().types);
    assert!(old.excluded_from_metrics("game-day") && !old.excluded_from_metrics("incident"));
    assert_eq!(old.incident_type("Game Day").unwrap(), "game-day");
    assert_eq!(old.incident_type("drill").unwrap(), "game-day");
    let typo = old.incident_type("gameday2").unwrap_err().to_string();
    assert!(typo.contains("did you mean game-day?"), "{typo}");
    let mine: Config = crate::model::from_yaml(
        Path::new(".inc.yaml"),
        "types:\n  drill: {exclude_from_metrics: true}\n",
    )
    .unwrap();
    let err = mine.validate().unwrap_err().to_string();
    assert!(err.contains("types must include incident"), "{err}");
}

#[test]
fn incidents_dirs_are_written_one_way() {
    assert_eq!(
        normal_dir("./ops//incidents/").as_deref(),
        Some("ops/incidents")
    );
    assert_eq!(normal_dir("incidents").as_deref(), Some("incidents"));
    assert_eq!(normal_dir("."), None);
}

#[test]
fn refuses_an_incidents_dir_outside_the_repo() {
    for dir in [
        "../x",
        "/abs",
        "a/../../b",
        "",
        ".",
        "./incidents",
        ".git",
        ".git/incidents",
        "ops/.GIT/x",
    ] {
        let config = Config {
            incidents_dir: dir.into(),
            ..Config::default()
        };
        assert!(config.validate().is_err(), "{dir}");
    }
}

#[test]
fn configured_aliases_name_configured_names() {
    let config: Config = crate::model::from_yaml(
        Path::new(".inc.yaml"),
        "aliases:\n  roles: {boss: incident-lead}\n  severities: {critical: SEV1}\n",
    )
    .unwrap();
    config.validate().unwrap();
    assert_eq!(config.role("Boss").unwrap(), "incident-lead");
    assert_eq!(config.severity("CRITICAL").unwrap(), "SEV1");
    for (yaml, message) in [
        (
            "aliases: {roles: {boss: manager}}",
            "\"boss\" stands for \"manager\", which is not one of roles",
        ),
        (
            "aliases: {roles: {scribe: incident-lead}}",
            "\"scribe\" is already the name scribe",
        ),
    ] {
        let config: Config = crate::model::from_yaml(Path::new(".inc.yaml"), yaml).unwrap();
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains(message), "{err}");
    }
    let err =
        crate::model::from_yaml::<Config>(Path::new(".inc.yaml"), "aliases: {peeple: {a: b}}")
            .unwrap_err();
    assert!(err.to_string().contains("unknown field `peeple`"), "{err}");
}

#[test]
fn attachment_sizes_are_read_with_units() {
    let config: Config =
        crate::model::from_yaml(Path::new(".inc.yaml"), "attachments: {max_size: 2MB}\n").unwrap();
    assert_eq!(config.attachments.max_size, Size(2_000_000));
    let config: Config =
        crate::model::from_yaml(Path::new(".inc.yaml"), "attachments:\n  max_size: 1024\n")
            .unwrap();
    assert_eq!(config.attachments.max_size, Size(1024));
    assert_eq!(Size::parse("2MiB"), Some(Size(2 * 1024 * 1024)));
    assert_eq!(Size::parse("1.5 MB"), Some(Size(1_500_000)));
    assert_eq!(Size::parse("lots"), None);
    assert_eq!(Config::default().attachments.max_size.to_string(), "5MB");
    assert!(
        crate::model::from_yaml::<Config>(Path::new(".inc.yaml"), "attachments: {max_size: big}")
            .is_err()
    );
}

#[test]
fn severity_is_case_insensitive() {
    let config = Config::default();
    assert_eq!(config.severity("sev2").unwrap(), "SEV2");
    assert!(config.severity("SEV9").is_err());
}

#[test]
fn an_old_config_without_maintenance_dir_keeps_windows_beside_the_incidents() {
    // As `inc init` wrote it before maintenance windows existed.
    let old: Config = crate::model::from_yaml(
        Path::new(".inc.yaml"),
        "incidents_dir: incidents\ncommit: true\nseverities: [SEV1, SEV2, SEV3, SEV4]\n",
    )
    .unwrap();
    old.validate().unwrap();
    assert_eq!(old.maintenance_dir, None);
    assert_eq!(old.maintenance_dir(), "maintenance");
    let monorepo = Config {
        incidents_dir: "ops/incidents".into(),
        ..Config::default()
    };
    assert_eq!(monorepo.maintenance_dir(), "ops/maintenance");
    let named = Config {
        incidents_dir: "maintenance".into(),
        ..Config::default()
    };
    assert_eq!(named.maintenance_dir(), "scheduled-maintenance");
    let written: Config =
        crate::model::from_yaml(Path::new(".inc.yaml"), &default_file("ops/incidents")).unwrap();
    assert_eq!(written.maintenance_dir.as_deref(), Some("ops/maintenance"));
}

#[test]
fn a_maintenance_dir_must_be_inside_the_work_tree_and_apart_from_the_incidents() {
    for (dir, why) in [
        ("../x", "must be a relative path"),
        ("/abs", "must be a relative path"),
        (".git/m", "inside .git"),
        ("./maintenance", "must be written \"maintenance\""),
        ("incidents", "overlaps incidents_dir"),
        ("incidents/maintenance", "overlaps incidents_dir"),
        ("", "must be a relative path"),
    ] {
        let config = Config {
            maintenance_dir: Some(dir.into()),
            ..Config::default()
        };
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains(why), "{dir}: {err}");
    }
    let holding = Config {
        incidents_dir: "ops/incidents".into(),
        maintenance_dir: Some("ops".into()),
        ..Config::default()
    };
    assert!(holding.validate().is_err());
    let fine = Config {
        maintenance_dir: Some("ops/maintenance".into()),
        ..Config::default()
    };
    fine.validate().unwrap();
    assert_eq!(fine.maintenance_dir(), "ops/maintenance");
}
