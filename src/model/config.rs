//! `.inc.yaml`: the repository's configuration. Every key is optional; defaults are built in.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::names;
use crate::error::Error;
use crate::time::Interval;

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
    /// What each severity means and whether it owes a post-mortem (severity name → definition).
    /// A severity not listed keeps its built-in definition (SEV1 … SEV4) or none; every one
    /// without a definition requires a post-mortem.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub severity_definitions: BTreeMap<String, super::severity::SeverityDefinition>,
    /// Role names for `inc role`.
    pub roles: Vec<String>,
    /// Who `inc comms --to` can address.
    pub audiences: Vec<String>,
    /// Audiences that need updates from the moment an incident opens; the others are tracked
    /// once they have had a first update.
    pub required_updates: Vec<String>,
    /// Where updates are sent (`inc comms --channel`).
    pub channels: Vec<String>,
    /// How often audiences get updates: `default`, and per severity.
    pub cadence: BTreeMap<String, Cadence>,
    /// Days after resolution within which a post-mortem is expected (`inc check` warns after).
    pub postmortem_due_days: u32,
    /// The time zone reports and post-mortems are written in (an IANA name like Europe/Berlin).
    pub timezone: String,
    /// Which logbook entries public reports may show (besides the milestones).
    pub public_entries: PublicEntries,
    /// Other names people may type for severities, roles, audiences and channels (alias → name),
    /// on top of the built-in ones (`IC` for incident-lead, `exec` for executives …).
    #[serde(skip_serializing_if = "Aliases::is_empty")]
    pub aliases: Aliases,
    /// Service level targets per severity (or `default`): how soon an incident must be
    /// acknowledged and resolved, counted from its detection. None by default.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sla: BTreeMap<String, Sla>,
    /// The kinds of incident (`inc open --type`), each with its settings. Must include
    /// `incident`, the type of every incident that does not name one.
    pub types: BTreeMap<String, IncidentType>,
    /// What `inc attach` copies into an incident.
    #[serde(skip_serializing_if = "AttachmentsConfig::is_default")]
    pub attachments: AttachmentsConfig,
}

/// The targets of one severity: respond (acknowledged) within, resolve within. Either may be left
/// out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<Interval>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve: Option<Interval>,
}

/// One entry of `types:` in `.inc.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IncidentType {
    /// Leave incidents of this type out of `inc stats` (unless `--include-all`): a game day or a
    /// false alarm would skew how long real outages take.
    pub exclude_from_metrics: bool,
}

/// `attachments:` in `.inc.yaml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentsConfig {
    /// The largest file `inc attach` copies into the repository: bytes, or a size like `5MB`,
    /// `500kB`, `2MiB`. Larger files belong in Git LFS (docs/format.md).
    pub max_size: Size,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        AttachmentsConfig {
            max_size: Size(5_000_000),
        }
    }
}

impl AttachmentsConfig {
    pub fn is_default(&self) -> bool {
        *self == AttachmentsConfig::default()
    }
}

/// A number of bytes in configuration, written `5MB`, `500kB`, `2MiB` or as a plain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl Size {
    /// `5MB`, `1.5 MB`, `2MiB`, `300kB`, `1024` (bytes); `None` for anything else.
    pub fn parse(text: &str) -> Option<Size> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number.parse().ok()?;
        let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1.0,
            "kb" | "k" => 1e3,
            "mb" | "m" => 1e6,
            "gb" | "g" => 1e9,
            "kib" => 1024.0,
            "mib" => 1024.0 * 1024.0,
            "gib" => 1024.0 * 1024.0 * 1024.0,
            _ => return None,
        };
        let bytes = number * factor;
        (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(Size(bytes as u64))
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0;
        if n >= 1_000_000 && n.is_multiple_of(100_000) {
            write!(f, "{}MB", n as f64 / 1e6)
        } else if n >= 1000 && n.is_multiple_of(100) {
            write!(f, "{}kB", n as f64 / 1e3)
        } else {
            write!(f, "{n} bytes")
        }
    }
}

impl Serialize for Size {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Bytes(u64),
            Text(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Bytes(n) => Ok(Size(n)),
            Written::Text(text) => Size::parse(&text).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "\"{text}\" is not a size like 5MB, 500kB or 1048576"
                ))
            }),
        }
    }
}

impl JsonSchema for Size {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Size".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "integer"],
            "description": "a size: bytes, or like 5MB, 500kB, 2MiB"
        })
    }
}

/// `aliases:` in `.inc.yaml`: per kind of name, alias → the configured name it stands for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Aliases {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub severities: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub audiences: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, String>,
}

impl Aliases {
    pub fn is_empty(&self) -> bool {
        self.severities.is_empty()
            && self.roles.is_empty()
            && self.audiences.is_empty()
            && self.channels.is_empty()
    }
}

/// The logbook entries a public report may show. Internal entries never are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PublicEntries {
    /// Only key entries (`inc log --key`): the summary timeline, which someone chose to tell.
    #[default]
    Key,
    /// Every entry that is not internal: the logbook is written for customers to read.
    All,
}

/// Updates go out at most every `min` and at least every `max`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cadence {
    pub min: Interval,
    pub max: Interval,
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            incidents_dir: "incidents".into(),
            commit: true,
            severities: names(&["SEV1", "SEV2", "SEV3", "SEV4"]),
            default_severity: "SEV3".into(),
            severity_definitions: BTreeMap::new(),
            roles: names(&[
                "incident-lead",
                "technical-lead",
                "technical-assist",
                "scribe",
                "comms-lead",
                "tester",
            ]),
            audiences: names(&["internal", "customers", "executives"]),
            required_updates: names(&["internal", "customers"]),
            channels: names(&["email", "chat", "status-page", "phone"]),
            cadence: BTreeMap::from([
                (
                    "default".to_string(),
                    Cadence {
                        min: Interval::minutes(30),
                        max: Interval::minutes(60),
                    },
                ),
                (
                    "SEV1".to_string(),
                    Cadence {
                        min: Interval::minutes(15),
                        max: Interval::minutes(30),
                    },
                ),
            ]),
            postmortem_due_days: 5,
            timezone: "UTC".into(),
            public_entries: PublicEntries::Key,
            aliases: Aliases::default(),
            sla: BTreeMap::new(),
            types: default_types(),
            attachments: AttachmentsConfig::default(),
        }
    }
}

/// `incident`, and two kinds the metrics leave out: `game-day` (a rehearsal) and `false-alarm`.
fn default_types() -> BTreeMap<String, IncidentType> {
    let excluded = IncidentType {
        exclude_from_metrics: true,
    };
    BTreeMap::from([
        (
            crate::model::incident::DEFAULT_TYPE.to_string(),
            IncidentType::default(),
        ),
        ("game-day".to_string(), excluded.clone()),
        ("false-alarm".to_string(), excluded),
    ])
}

/// The file `inc init` writes: the defaults, each documented, so people can see what to change.
pub fn default_file(incidents_dir: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema=.inc/schemas/config.schema.json
# inc configuration. Every key is optional; the values below are the defaults.
# Docs: docs/format.md in the inc repository.

# Where incident directories live, relative to this file.
incidents_dir: {incidents_dir}

# Commit every change inc makes (false: write the files only, like --no-commit).
commit: true

# Severity names, worst first.
severities: [SEV1, SEV2, SEV3, SEV4]

# Severity of `inc open` when --sev is not given.
default_severity: SEV3

# What each severity means (`inc sev --list`; `inc open` offers them on a terminal), and whether
# a resolved incident owes a post-mortem: `postmortem: required` (the default) or `optional`.
# `postmortem_due_days: N` overrides the top-level postmortem_due_days for one severity.
severity_definitions:
  SEV1:
    description: "Critical: a core service is down or data is at risk"
    criteria:
      - most customers cannot use a core service
      - data loss, corruption or a security breach
      - no workaround
    postmortem: required
  SEV2:
    description: "Major: a core service is badly degraded or down for some customers"
    criteria:
      - a core feature fails for a part of the customers
      - severe slowness or errors that customers notice
      - a workaround exists but is costly
    postmortem: required
  SEV3:
    description: "Minor: a limited or partial problem"
    criteria:
      - a non-core feature is impaired
      - few customers affected, or a workaround exists
    postmortem: required
  SEV4:
    description: "Low: no customer impact yet"
    criteria:
      - a risk to fix before it grows (a failed redundancy, a near-miss)
      - cosmetic problems
    postmortem: required

# Roles people hold during an incident (`inc role ROLE PERSON`).
roles: [incident-lead, technical-lead, technical-assist, scribe, comms-lead, tester]

# Who updates go to (`inc comms MESSAGE --to AUDIENCE`), and where they are sent.
audiences: [internal, customers, executives]
channels: [email, chat, status-page, phone]

# Audiences that need updates from the moment an incident opens. Others are tracked once they
# have had a first update.
required_updates: [internal, customers]

# Update cadence: not more often than every `min`, never more than `max` without an update.
# `default` applies to severities not listed.
cadence:
  default: {{min: 30m, max: 60m}}
  SEV1: {{min: 15m, max: 30m}}

# `inc check` warns when a resolved incident has no post-mortem after this many days.
postmortem_due_days: 5

# Other names people may type, on top of the built-in ones (IC and lead for incident-lead, exec
# for executives, 1 for SEV1 …). Per kind: alias: name. For example:
# aliases:
#   roles: {{boss: incident-lead}}
#   channels: {{slack: chat}}

# Service level targets (none by default): per severity, or `default` for the others, how soon
# an incident must be acknowledged (respond) and resolved, counted from its detection. E.g.:
# sla:
#   SEV1: {{respond: 15m, resolve: 4h}}
#   default: {{respond: 1h}}

# The time zone of the times in reports and post-mortems (an IANA name, like Europe/Berlin).
timezone: UTC

# Which logbook entries public (customer) reports show besides the milestones: `key` (entries
# logged with --key) or `all`. Entries logged with --internal are never shown.
public_entries: key

# Kinds of incident (`inc open --type TYPE`); `incident` is the type of every incident that does
# not name one. `inc stats` leaves out the types with exclude_from_metrics (unless --include-all).
types:
  incident: {{}}
  game-day: {{exclude_from_metrics: true}}
  false-alarm: {{exclude_from_metrics: true}}
# The largest file `inc attach` copies into an incident (like 500kB, 5MB); keep bigger ones in
# Git LFS (docs/format.md).
attachments:
  max_size: 5MB
"#
    )
}

impl Config {
    /// Checks the rules serde cannot: a safe incidents_dir, a known default severity.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(problem) = incidents_dir_problem(&self.incidents_dir) {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
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
        for (list, what) in [
            (&self.roles, "roles"),
            (&self.audiences, "audiences"),
            (&self.channels, "channels"),
        ] {
            if list.is_empty() {
                return Err(Error::state(format!(
                    ".inc.yaml: {what} is empty: list at least one"
                )));
            }
        }
        if !self.roles.iter().any(|r| r == crate::model::roles::LEAD) {
            return Err(Error::state(format!(
                ".inc.yaml: roles must include {}: it approves production changes",
                crate::model::roles::LEAD
            )));
        }
        for audience in &self.required_updates {
            self.audience(audience).map_err(|_| {
                Error::state(format!(
                    ".inc.yaml: required_updates names \"{audience}\", which is not one of audiences ({})",
                    self.audiences.join(", ")
                ))
            })?;
        }
        self.validate_aliases()?;
        self.validate_types()?;
        if let Some((_, problem)) = self.severity_definitions_problem() {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
        }
        for (name, cadence) in &self.cadence {
            if name != "default" && !self.severities.contains(name) {
                return Err(Error::state(format!(
                    ".inc.yaml: cadence has \"{name}\", which is neither default nor one of severities ({})",
                    self.severities.join(", ")
                )));
            }
            if cadence.max.0 > jiff::SignedDuration::from_hours(24 * 7) {
                return Err(Error::state(format!(
                    ".inc.yaml: cadence {name}: max {} is more than a week; updates during an incident come every few minutes or hours",
                    cadence.max
                )));
            }
            if cadence.min.0 > cadence.max.0 {
                return Err(Error::state(format!(
                    ".inc.yaml: cadence {name}: min {} is longer than max {}",
                    cadence.min, cadence.max
                )));
            }
        }
        self.validate_sla()?;
        Ok(())
    }

    /// Every SLA key names a severity (or is `default`) and sets at least one target.
    fn validate_sla(&self) -> Result<(), Error> {
        for (name, sla) in &self.sla {
            if name != "default" && !self.severities.contains(name) {
                return Err(Error::state(format!(
                    ".inc.yaml: sla has \"{name}\", which is neither default nor one of severities ({})",
                    self.severities.join(", ")
                )));
            }
            if sla.respond.is_none() && sla.resolve.is_none() {
                return Err(Error::state(format!(
                    ".inc.yaml: sla {name} sets no target: give respond, resolve or both, like {{respond: 15m, resolve: 4h}}"
                )));
            }
        }
        Ok(())
    }

    /// The SLA targets of a severity: its own, else `default`; `None` when neither is set.
    pub fn sla_for(&self, severity: &str) -> Option<Sla> {
        self.sla
            .get(severity)
            .or_else(|| self.sla.get("default"))
            .copied()
    }

    /// The time zone reports are written in, or an error naming the setting.
    pub fn report_zone(&self) -> Result<jiff::tz::TimeZone, Error> {
        let name = self.timezone.trim();
        if name.eq_ignore_ascii_case("UTC") {
            return Ok(jiff::tz::TimeZone::UTC);
        }
        jiff::tz::TimeZone::get(name).map_err(|_| {
            Error::state(format!(
                ".inc.yaml: timezone \"{name}\" is not a time zone: use an IANA name like UTC, Europe/Berlin or America/New_York"
            ))
        })
    }

    /// The cadence for a severity: its own, else `default`, else 30m–60m.
    pub fn cadence_for(&self, severity: &str) -> Cadence {
        self.cadence
            .get(severity)
            .or_else(|| self.cadence.get("default"))
            .copied()
            .unwrap_or(Cadence {
                min: Interval::minutes(30),
                max: Interval::minutes(60),
            })
    }

    /// The configured role that `input` names (see `names.rs`: any case, alias, unique prefix),
    /// or an error with a "did you mean".
    pub fn role(&self, input: &str) -> Result<String, Error> {
        names::find(&names::ROLE, &self.roles, &self.aliases.roles, input).map(String::from)
    }

    pub fn audience(&self, input: &str) -> Result<String, Error> {
        names::find(
            &names::AUDIENCE,
            &self.audiences,
            &self.aliases.audiences,
            input,
        )
        .map(String::from)
    }

    pub fn channel(&self, input: &str) -> Result<String, Error> {
        names::find(
            &names::CHANNEL,
            &self.channels,
            &self.aliases.channels,
            input,
        )
        .map(String::from)
    }

    /// The configured incident type that `input` names (any case, `gameday`, a unique prefix),
    /// or an error with a "did you mean".
    pub fn incident_type(&self, input: &str) -> Result<String, Error> {
        let names: Vec<&str> = self.types.keys().map(String::as_str).collect();
        names::find(&names::TYPE, &names, &BTreeMap::new(), input).map(String::from)
    }

    /// Whether `inc stats` leaves incidents of this type out. An unknown type (a hand edit
    /// `inc check` reports) counts: only a type configured to be left out is.
    pub fn excluded_from_metrics(&self, kind: &str) -> bool {
        self.types.get(kind).is_some_and(|t| t.exclude_from_metrics)
    }

    fn validate_types(&self) -> Result<(), Error> {
        let default = crate::model::incident::DEFAULT_TYPE;
        if !self.types.contains_key(default) {
            return Err(Error::state(format!(
                ".inc.yaml: types must include {default}: it is the type of every incident that does not name one"
            )));
        }
        if let Some(name) = self.types.keys().find(|n| {
            n.trim().is_empty() || n.trim() != n.as_str() || n.chars().any(char::is_control)
        }) {
            return Err(Error::state(format!(
                ".inc.yaml: types has the name {name:?}: a type is a word like game-day"
            )));
        }
        Ok(())
    }

    /// The configured severity that `input` names (`SEV1`, `sev1`, `1`, an alias), or an error
    /// with a "did you mean".
    pub fn severity(&self, input: &str) -> Result<String, Error> {
        names::find(
            &names::SEVERITY,
            &self.severities,
            &self.aliases.severities,
            input,
        )
        .map(String::from)
    }

    /// Every alias names a configured name, and none hides a configured name (that name would
    /// win, and the alias would silently do nothing).
    fn validate_aliases(&self) -> Result<(), Error> {
        let kinds = [
            ("severities", &self.aliases.severities, &self.severities),
            ("roles", &self.aliases.roles, &self.roles),
            ("audiences", &self.aliases.audiences, &self.audiences),
            ("channels", &self.aliases.channels, &self.channels),
        ];
        for (kind, aliases, names) in kinds {
            for (alias, name) in aliases {
                if alias.trim().is_empty() {
                    return Err(Error::state(format!(
                        ".inc.yaml: aliases.{kind} has an empty alias for \"{name}\""
                    )));
                }
                if let Some(taken) = names.iter().find(|n| n.eq_ignore_ascii_case(alias.trim())) {
                    return Err(Error::state(format!(
                        ".inc.yaml: aliases.{kind}: \"{alias}\" is already the name {taken}; remove the alias"
                    )));
                }
                if !names.iter().any(|n| n == name) {
                    return Err(Error::state(format!(
                        ".inc.yaml: aliases.{kind}: \"{alias}\" stands for \"{name}\", which is not one of {kind} ({})",
                        names.join(", ")
                    )));
                }
            }
        }
        Ok(())
    }

    /// Position of a severity in the configured list (0 = worst); unknown ones sort last.
    pub fn severity_rank(&self, severity: &str) -> usize {
        self.severities
            .iter()
            .position(|s| s == severity)
            .unwrap_or(self.severities.len())
    }
}

/// A directory inside the repository written the one way: `ops/incidents` for `./ops//incidents/`.
/// `None` for anything that is not strictly below the root (`..`, absolute, `.` itself).
pub fn normal_dir(dir: &str) -> Option<String> {
    let mut parts = Vec::new();
    for component in std::path::Path::new(dir).components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part.to_str()?),
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What is wrong with `dir` as incidents_dir, if anything. It must name a directory strictly
/// inside the work tree: inc writes there, so `..`, an absolute path or `.git` (where a write
/// could change git's own configuration or hooks) would let a repository's configuration make
/// inc write elsewhere. `.` is refused too: incident directories would mix with the repository's
/// own files.
pub fn incidents_dir_problem(dir: &str) -> Option<String> {
    let Some(normal) = normal_dir(dir) else {
        return Some(format!(
            "incidents_dir \"{dir}\" must be a relative path inside the repository, like incidents or ops/incidents"
        ));
    };
    if normal
        .split('/')
        .any(|part| part.eq_ignore_ascii_case(".git"))
    {
        return Some(format!(
            "incidents_dir \"{dir}\" is inside .git, which git does not track: use a directory of the work tree, like incidents"
        ));
    }
    (normal != dir).then(|| format!("incidents_dir \"{dir}\" must be written \"{normal}\""))
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
            crate::model::from_yaml::<Config>(Path::new(".inc.yaml"), "aliases: {people: {a: b}}")
                .unwrap_err();
        assert!(err.to_string().contains("unknown field `people`"), "{err}");
    }

    #[test]
    fn attachment_sizes_are_read_with_units() {
        let config: Config =
            crate::model::from_yaml(Path::new(".inc.yaml"), "attachments: {max_size: 2MB}\n")
                .unwrap();
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
            crate::model::from_yaml::<Config>(
                Path::new(".inc.yaml"),
                "attachments: {max_size: big}"
            )
            .is_err()
        );
    }

    #[test]
    fn severity_is_case_insensitive() {
        let config = Config::default();
        assert_eq!(config.severity("sev2").unwrap(), "SEV2");
        assert!(config.severity("SEV9").is_err());
    }
}
