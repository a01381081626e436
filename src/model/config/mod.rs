//! `.inc.yaml`: the repository's configuration. Every key is optional; defaults are built in.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::names;
use crate::error::Error;
use crate::time::Interval;

mod cadence;
mod dirs;
mod file;
mod grace;
mod public;
mod size;
#[cfg(test)]
mod tests;
mod webhooks;

pub use cadence::{Cadence, CadenceEntry, QuietHours};
pub use dirs::{incidents_dir_problem, normal_dir};
pub use file::default_file;
pub use grace::Grace;
pub use public::{PublicConfig, PublicEntries, SUMMARY_MAX, TITLE_MAX};
pub use size::Size;
pub use webhooks::{Style, Webhook, url_problem};

/// The configuration file written by `inc init` at the repository root.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where incident directories live, relative to the repository root.
    pub incidents_dir: String,
    /// Where scheduled maintenance windows live (`inc maintenance`), relative to the repository
    /// root. Absent: `maintenance` beside incidents_dir (`ops/maintenance` for `ops/incidents`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance_dir: Option<String>,
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
    /// How often audiences get updates: `default`, and per severity; under an audience's name,
    /// that audience's own intervals (at every severity, or per severity).
    pub cadence: BTreeMap<String, CadenceEntry>,
    /// The hours of each day an audience needs no update (audience → `22:00-07:00`, optionally
    /// with a zone of its own): nothing is due for it then, and that time does not count.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub quiet_hours: BTreeMap<String, QuietHours>,
    /// Days after resolution within which a post-mortem is expected (`inc check` warns after).
    pub postmortem_due_days: u32,
    /// How long after `inc resolve`, while no incident is open, commands without `-i` still act
    /// on the incident just resolved (`0s`: not at all; at most 24h).
    #[serde(skip_serializing_if = "Grace::is_default")]
    pub resolved_grace: Grace,
    /// The time zone reports and post-mortems are written in (an IANA name like Europe/Berlin).
    pub timezone: String,
    /// Which logbook entries public outputs show (besides the milestones and the updates to
    /// public audiences).
    pub public_entries: PublicEntries,
    /// What leaves the team: the public audiences, the wording of neutral public titles.
    #[serde(skip_serializing_if = "PublicConfig::is_default")]
    pub public: PublicConfig,
    /// Other names people may type for severities, roles, audiences and channels (alias → name),
    /// on top of the built-in ones (`IC` for incident-lead, `exec` for executives …), and the
    /// other names people go by.
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
    /// How the executables in `.inc/hooks/` run (docs/guide.md, Hooks).
    #[serde(skip_serializing_if = "HooksConfig::is_default")]
    pub hooks: HooksConfig,
    /// Where `inc comms --send` posts updates (channel name → webhook). None by default.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub webhooks: BTreeMap<String, Webhook>,
}

/// `hooks:` in `.inc.yaml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HooksConfig {
    /// How long a hook, and every process it started, may run before they are killed, like `10s`
    /// (the default) or `1m` (the most). What inc recorded is kept either way.
    pub timeout: Interval,
}

/// The longest `hooks.timeout`: the responder waits for a hook at the terminal, and a pushed
/// `.inc.yaml` must not make every command hang for a day.
pub const MAX_HOOK_TIMEOUT_SECS: i64 = 60;

impl Default for HooksConfig {
    fn default() -> Self {
        HooksConfig {
            timeout: Interval(jiff::SignedDuration::from_secs(10)),
        }
    }
}

impl HooksConfig {
    pub fn is_default(&self) -> bool {
        *self == HooksConfig::default()
    }
}

impl Config {
    /// What is wrong with `hooks:`, if anything, with the keys that lead to it.
    pub fn hooks_problem(&self) -> Option<(Vec<String>, String)> {
        (self.hooks.timeout.0 > jiff::SignedDuration::from_secs(MAX_HOOK_TIMEOUT_SECS)).then(|| {
            (
                vec!["hooks".to_string(), "timeout".to_string()],
                format!(
                    "hooks.timeout {} is longer than {MAX_HOOK_TIMEOUT_SECS}s, the most a hook may run: a responder waits for it, so keep it to seconds, like 10s",
                    self.hooks.timeout
                ),
            )
        })
    }
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
    /// Whether incidents of this type owe a post-mortem, over their severity's rule: a false
    /// alarm has nothing to review. Absent: the severity decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postmortem: Option<crate::model::severity::Postmortem>,
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
    /// Other names people go by (handle → name, like `jdoe: Jane Doe`): public outputs replace
    /// both, as they replace every name inc knows.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub people: BTreeMap<String, String>,
}

impl Aliases {
    pub fn is_empty(&self) -> bool {
        self.severities.is_empty()
            && self.roles.is_empty()
            && self.audiences.is_empty()
            && self.channels.is_empty()
            && self.people.is_empty()
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            incidents_dir: "incidents".into(),
            maintenance_dir: None,
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
                    CadenceEntry::Every(Cadence {
                        min: Interval::minutes(30),
                        max: Interval::minutes(60),
                    }),
                ),
                (
                    "SEV1".to_string(),
                    CadenceEntry::Every(Cadence {
                        min: Interval::minutes(15),
                        max: Interval::minutes(30),
                    }),
                ),
            ]),
            quiet_hours: BTreeMap::new(),
            postmortem_due_days: 5,
            resolved_grace: Grace::default(),
            timezone: "UTC".into(),
            public_entries: PublicEntries::Marked,
            public: PublicConfig::default(),
            aliases: Aliases::default(),
            sla: BTreeMap::new(),
            types: default_types(),
            attachments: AttachmentsConfig::default(),
            hooks: HooksConfig::default(),
            webhooks: BTreeMap::new(),
        }
    }
}

/// `incident`, and two kinds the metrics leave out: `game-day` (a rehearsal) and `false-alarm`.
fn default_types() -> BTreeMap<String, IncidentType> {
    // Neither a rehearsal nor a false alarm is asked for a post-mortem (`postmortem: required`
    // on the type asks again).
    let excluded = IncidentType {
        exclude_from_metrics: true,
        postmortem: Some(crate::model::severity::Postmortem::Optional),
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

impl Config {
    /// Checks the rules serde cannot: a safe incidents_dir, a known default severity.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(problem) = incidents_dir_problem(&self.incidents_dir) {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
        }
        if let Some(problem) = self.maintenance_dir_problem() {
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
        if let Some((_, problem)) = self.cadence_problem() {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
        }
        self.validate_sla()?;
        if let Some((_, problem)) = self.public_problem() {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
        }
        if let Some((_, problem)) = self.webhooks_problem() {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
        }
        if let Some((_, problem)) = self.hooks_problem() {
            return Err(Error::state(format!(".inc.yaml: {problem}")));
        }
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
        for (alias, name) in &self.aliases.people {
            if alias.trim().is_empty() || name.trim().is_empty() {
                return Err(Error::state(format!(
                    ".inc.yaml: aliases.people has an empty name: write each as handle: Full Name (\"{alias}\": \"{name}\")"
                )));
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
