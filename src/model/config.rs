//! `.inc.yaml`: the repository's configuration. Every key is optional; defaults are built in.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, unknown_name};

/// The configuration file written by `inc init` at the repository root.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where incident directories live, relative to the repository root.
    pub incidents_dir: String,
    /// Commit every change (false: write files only, as with `--no-commit`).
    pub commit: bool,
    /// Severity names, worst first.
    pub severities: Vec<String>,
    /// Severity of `inc open` without `--sev`.
    pub default_severity: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            incidents_dir: "incidents".into(),
            commit: true,
            severities: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
            default_severity: "SEV3".into(),
        }
    }
}

/// The file `inc init` writes: the defaults, each documented, so people can see what to change.
pub fn default_file(incidents_dir: &str) -> String {
    format!(
        r#"# inc configuration. Every key is optional; the values below are the defaults.
# Docs: docs/format.md in the inc repository.

# Where incident directories live, relative to this file.
incidents_dir: {incidents_dir}

# Commit every change inc makes (false: write the files only, like --no-commit).
commit: true

# Severity names, worst first.
severities: [SEV1, SEV2, SEV3, SEV4]

# Severity of `inc open` when --sev is not given.
default_severity: SEV3
"#
    )
}

impl Config {
    /// Checks the rules serde cannot: a safe incidents_dir, a known default severity.
    pub fn validate(&self) -> Result<(), Error> {
        let dir = std::path::Path::new(&self.incidents_dir);
        let escapes = dir.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if self.incidents_dir.is_empty() || escapes {
            return Err(Error::state(format!(
                ".inc.yaml: incidents_dir \"{}\" must be a relative path inside the repository, like incidents or ops/incidents",
                self.incidents_dir
            )));
        }
        if self.severities.is_empty() {
            return Err(Error::state(
                ".inc.yaml: severities is empty: list at least one, like [SEV1, SEV2, SEV3, SEV4]",
            ));
        }
        self.severity(&self.default_severity).map_err(|_| {
            Error::state(format!(
                ".inc.yaml: default_severity \"{}\" is not one of severities ({})",
                self.default_severity,
                self.severities.join(", ")
            ))
        })?;
        Ok(())
    }

    /// The configured severity that `input` names (case-insensitive), or a "did you mean" error.
    pub fn severity(&self, input: &str) -> Result<String, Error> {
        self.severities
            .iter()
            .find(|s| s.eq_ignore_ascii_case(input.trim()))
            .cloned()
            .ok_or_else(|| unknown_name("severity", input, &self.severities))
    }

    /// Position of a severity in the configured list (0 = worst); unknown ones sort last.
    pub fn severity_rank(&self, severity: &str) -> usize {
        self.severities
            .iter()
            .position(|s| s == severity)
            .unwrap_or(self.severities.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_written_file_is_the_defaults() {
        let parsed: Config =
            crate::model::from_yaml(Path::new(".inc.yaml"), &default_file("incidents")).unwrap();
        let defaults = Config::default();
        assert_eq!(parsed.incidents_dir, defaults.incidents_dir);
        assert_eq!(parsed.severities, defaults.severities);
        assert_eq!(parsed.default_severity, defaults.default_severity);
        assert_eq!(parsed.commit, defaults.commit);
    }

    #[test]
    fn refuses_an_incidents_dir_outside_the_repo() {
        for dir in ["../x", "/abs", "a/../../b", ""] {
            let config = Config {
                incidents_dir: dir.into(),
                ..Config::default()
            };
            assert!(config.validate().is_err(), "{dir}");
        }
    }

    #[test]
    fn severity_is_case_insensitive() {
        let config = Config::default();
        assert_eq!(config.severity("sev2").unwrap(), "SEV2");
        assert!(config.severity("SEV9").is_err());
    }
}
