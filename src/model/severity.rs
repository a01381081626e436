//! What each severity means: `severity_definitions` in `.inc.yaml` (a description, the criteria
//! for choosing it, and whether and how soon a post-mortem is owed), with built-in definitions
//! for SEV1 … SEV4 so that a repository without the key reads the same as before it existed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Config;

/// One entry of `severity_definitions:`. Every key is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SeverityDefinition {
    /// What the severity means, in one line (shown by `inc sev --list` and `inc open`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// When to choose it: the signs that an incident is this bad.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<String>,
    /// Whether a resolved incident of this severity owes a post-mortem (`inc check` warns when
    /// it is overdue).
    pub postmortem: Postmortem,
    /// Days after resolution within which the post-mortem is due [default: the top-level
    /// `postmortem_due_days`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postmortem_due_days: Option<u32>,
    /// What customers read instead of the severity's name, like `Major outage` [default: the
    /// built-in label of SEV1 … SEV4, else the name].
    #[serde(skip_serializing_if = "String::is_empty")]
    pub public_label: String,
    /// How the status page shows the services an open incident of this severity hits [default:
    /// built-in for SEV1 … SEV4, else `outage` for the worst severity and `degraded` for others].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_state: Option<ServiceState>,
}

/// A service's state on the status page, best first.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceState {
    /// Working: the incident is listed, but does not colour the service.
    Operational,
    /// Under scheduled maintenance.
    Maintenance,
    /// Working, but slowly or with errors for some.
    Degraded,
    /// Down for many or all.
    Outage,
}

impl ServiceState {
    pub fn name(self) -> &'static str {
        match self {
            ServiceState::Operational => "operational",
            ServiceState::Maintenance => "maintenance",
            ServiceState::Degraded => "degraded",
            ServiceState::Outage => "outage",
        }
    }
}

/// Whether a post-mortem is owed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Postmortem {
    /// `inc check` warns when none is written within the due days.
    #[default]
    Required,
    /// Write one if it helps; `inc check` does not ask for it.
    Optional,
}

impl std::fmt::Display for Postmortem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Postmortem::Required => "required",
            Postmortem::Optional => "optional",
        })
    }
}

/// The most days a post-mortem may be due after: a longer wait is a typo, not a policy.
pub const MAX_DUE_DAYS: u32 = 365;

/// The built-in definition of SEV1 … SEV4 (by exact name), used when `.inc.yaml` defines none
/// for it. Every one requires a post-mortem, as every severity did before definitions existed.
pub fn builtin(name: &str) -> Option<SeverityDefinition> {
    let (label, state) = match name {
        "SEV1" => ("Major outage", ServiceState::Outage),
        "SEV2" => ("Partial outage", ServiceState::Outage),
        "SEV3" => ("Degraded performance", ServiceState::Degraded),
        _ => ("Minor issue", ServiceState::Degraded),
    };
    let (description, criteria): (&str, &[&str]) = match name {
        "SEV1" => (
            "Critical: a core service is down or data is at risk",
            &[
                "most customers cannot use a core service",
                "data loss, corruption or a security breach",
                "no workaround",
            ],
        ),
        "SEV2" => (
            "Major: a core service is badly degraded or down for some customers",
            &[
                "a core feature fails for a part of the customers",
                "severe slowness or errors that customers notice",
                "a workaround exists but is costly",
            ],
        ),
        "SEV3" => (
            "Minor: a limited or partial problem",
            &[
                "a non-core feature is impaired",
                "few customers affected, or a workaround exists",
            ],
        ),
        "SEV4" => (
            "Low: no customer impact yet",
            &[
                "a risk to fix before it grows (a failed redundancy, a near-miss)",
                "cosmetic problems",
            ],
        ),
        _ => return None,
    };
    Some(SeverityDefinition {
        description: description.to_string(),
        criteria: criteria.iter().map(|c| c.to_string()).collect(),
        postmortem: Postmortem::Required,
        postmortem_due_days: None,
        public_label: label.to_string(),
        public_state: Some(state),
    })
}

/// A severity with its definition resolved: what `inc sev --list` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Severity {
    pub name: String,
    /// Whether `inc open` uses it when `--sev` is not given.
    pub default: bool,
    pub description: String,
    pub criteria: Vec<String>,
    pub postmortem: Postmortem,
    /// The days the post-mortem is due within (the severity's own, else the top-level setting).
    pub postmortem_due_days: u32,
}

impl Config {
    /// The definition of a configured severity: its own in `severity_definitions`, else the
    /// built-in one of SEV1 … SEV4, else an empty one that requires a post-mortem.
    pub fn severity_definition(&self, severity: &str) -> SeverityDefinition {
        self.severity_definitions
            .get(severity)
            .cloned()
            .or_else(|| builtin(severity))
            .unwrap_or_default()
    }

    /// What customers read for `severity`: its `public_label`, else the built-in one of SEV1 …
    /// SEV4, else its name.
    pub fn public_label(&self, severity: &str) -> String {
        let own = self.severity_definition(severity).public_label;
        if !own.trim().is_empty() {
            return own.trim().to_string();
        }
        builtin(severity)
            .map(|d| d.public_label)
            .unwrap_or_else(|| severity.to_string())
    }

    /// The public labels of the severities, worst first, each once (two severities may share
    /// one).
    pub fn public_labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = Vec::new();
        for severity in &self.severities {
            let label = self.public_label(severity);
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels
    }

    /// How the status page shows a service an open incident of `severity` hits.
    pub fn public_state(&self, severity: &str) -> ServiceState {
        self.severity_definition(severity)
            .public_state
            .or_else(|| builtin(severity).and_then(|d| d.public_state))
            .unwrap_or(if self.severity_rank(severity) == 0 {
                ServiceState::Outage
            } else {
                ServiceState::Degraded
            })
    }

    /// Whether a resolved incident of `severity` and type `kind` owes a post-mortem, and within
    /// how many days: the type's `postmortem` setting, else the severity's.
    pub fn postmortem_due(&self, severity: &str, kind: &str) -> Option<u32> {
        let definition = self.severity_definition(severity);
        let rule = self
            .types
            .get(kind)
            .and_then(|t| t.postmortem)
            .unwrap_or(definition.postmortem);
        (rule == Postmortem::Required).then(|| {
            definition
                .postmortem_due_days
                .unwrap_or(self.postmortem_due_days)
        })
    }

    /// Every configured severity with its definition, worst first.
    pub fn severity_list(&self) -> Vec<Severity> {
        self.severities
            .iter()
            .map(|name| {
                let definition = self.severity_definition(name);
                Severity {
                    name: name.clone(),
                    default: *name == self.default_severity,
                    postmortem_due_days: definition
                        .postmortem_due_days
                        .unwrap_or(self.postmortem_due_days),
                    description: definition.description,
                    criteria: definition.criteria,
                    postmortem: definition.postmortem,
                }
            })
            .collect()
    }

    /// What is wrong with `severity_definitions`, if anything: the key path it is about (for a
    /// line and column) and the message.
    pub fn severity_definitions_problem(&self) -> Option<(Vec<String>, String)> {
        const KEY: &str = "severity_definitions";
        for (name, definition) in &self.severity_definitions {
            let at = |field: Option<&str>| {
                let mut path = vec![KEY.to_string(), name.clone()];
                path.extend(field.map(String::from));
                path
            };
            if !self.severities.contains(name) {
                let fix = match self
                    .severities
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(name))
                {
                    Some(same) => format!("write it {same}"),
                    None => "rename it to one of them or remove it".to_string(),
                };
                return Some((
                    at(None),
                    format!(
                        "{KEY} has \"{name}\", which is not one of severities ({}): {fix}",
                        self.severities.join(", ")
                    ),
                ));
            }
            if let Some(days) = definition.postmortem_due_days.filter(|&d| d > MAX_DUE_DAYS) {
                return Some((
                    at(Some("postmortem_due_days")),
                    format!(
                        "{KEY} {name}: postmortem_due_days {days} is more than {MAX_DUE_DAYS}: give the days a post-mortem is due within, like 5"
                    ),
                ));
            }
            if definition.public_label.contains('\n')
                || definition.public_label.chars().count() > 60
            {
                return Some((
                    at(Some("public_label")),
                    format!(
                        "{KEY} {name}: public_label must be one line of at most 60 characters, like \"Major outage\""
                    ),
                ));
            }
            if definition.description.contains('\n') {
                return Some((
                    at(Some("description")),
                    format!(
                        "{KEY} {name}: description is more than one line: keep it to one line and put the details in criteria"
                    ),
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(yaml: &str) -> Config {
        crate::model::from_yaml(Path::new(".inc.yaml"), yaml).unwrap()
    }

    #[test]
    fn without_definitions_every_severity_owes_a_post_mortem_as_before() {
        let old = config(
            "severities: [P1, P2]\ndefault_severity: P2\npostmortem_due_days: 7\ncadence: {}\n",
        );
        old.validate().unwrap();
        assert_eq!(old.postmortem_due("P1", "incident"), Some(7));
        assert_eq!(old.postmortem_due("P2", "incident"), Some(7));
        let list = old.severity_list();
        assert_eq!(list[1].name, "P2");
        assert!(list[1].default && list[1].description.is_empty());
        let builtins = Config::default();
        assert_eq!(builtins.postmortem_due("SEV4", "incident"), Some(5));
        assert!(
            builtins.severity_list()[0]
                .description
                .starts_with("Critical")
        );
    }

    #[test]
    fn a_definition_sets_the_requirement_and_the_days() {
        let mine = config(
            "severity_definitions:\n  SEV1: {description: Bad, postmortem_due_days: 2}\n  SEV4: {postmortem: optional}\n",
        );
        mine.validate().unwrap();
        assert_eq!(mine.postmortem_due("SEV1", "incident"), Some(2));
        assert_eq!(mine.postmortem_due("SEV2", "incident"), Some(5));
        assert_eq!(mine.postmortem_due("SEV4", "incident"), None);
        assert_eq!(mine.severity_definition("SEV1").description, "Bad");
        // A definition replaces the built-in one whole.
        assert!(mine.severity_definition("SEV4").description.is_empty());
    }

    #[test]
    fn a_type_overrides_the_severity_on_post_mortems() {
        // Built in: neither a rehearsal nor a false alarm owes one.
        let builtins = Config::default();
        assert_eq!(builtins.postmortem_due("SEV1", "game-day"), None);
        assert_eq!(builtins.postmortem_due("SEV1", "false-alarm"), None);
        let mine = config(
            "types:\n  incident: {}\n  game-day: {exclude_from_metrics: true, postmortem: required}\n  false-alarm: {exclude_from_metrics: true}\nseverity_definitions:\n  SEV4: {postmortem: optional}\n",
        );
        mine.validate().unwrap();
        assert_eq!(mine.postmortem_due("SEV4", "game-day"), Some(5));
        // A type without the setting leaves it to the severity.
        assert_eq!(mine.postmortem_due("SEV1", "false-alarm"), Some(5));
        assert_eq!(mine.postmortem_due("SEV4", "false-alarm"), None);
    }

    #[test]
    fn refuses_definitions_of_unknown_severities_and_long_waits() {
        for (yaml, path, message) in [
            (
                "severity_definitions:\n  SEV5: {}\n",
                vec!["severity_definitions", "SEV5"],
                "\"SEV5\", which is not one of severities (SEV1, SEV2, SEV3, SEV4)",
            ),
            (
                "severity_definitions:\n  sev2: {}\n",
                vec!["severity_definitions", "sev2"],
                "\"sev2\", which is not one of severities (SEV1, SEV2, SEV3, SEV4): write it SEV2",
            ),
            (
                "severity_definitions:\n  SEV2: {postmortem_due_days: 1000}\n",
                vec!["severity_definitions", "SEV2", "postmortem_due_days"],
                "postmortem_due_days 1000 is more than 365",
            ),
            (
                "severity_definitions:\n  SEV2: {description: \"a\\nb\"}\n",
                vec!["severity_definitions", "SEV2", "description"],
                "description is more than one line",
            ),
        ] {
            let (at, problem) = config(yaml).severity_definitions_problem().unwrap();
            assert_eq!(at, path);
            assert!(problem.contains(message), "{problem}");
        }
        let err = crate::model::from_yaml::<Config>(
            Path::new(".inc.yaml"),
            "severity_definitions:\n  SEV1: {postmortem: maybe}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(".inc.yaml:2:"), "{err}");
    }
}
