//! `.inc/catalog.yaml`: the services an incident can hit, with their owning team and tier, and
//! optionally the teams with their members. Optional: without it any service name is accepted;
//! with it, names are checked against it. The status page shows its services as components, and
//! public outputs replace the members' names like every other name inc knows.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::names::{self, Vocabulary};
use crate::error::Error;

/// Where the catalog lives, relative to the repository root.
pub const FILE: &str = ".inc/catalog.yaml";

pub const SERVICE: Vocabulary = Vocabulary {
    what: "service",
    builtin: &[],
    numbered: false,
};

/// The services catalog.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(default)]
    pub services: Vec<Service>,
    /// The teams and who is in them (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
}

/// One team: its name (the `team` of its services) and its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    /// The people in it, by the names they go by in incidents.
    #[serde(default)]
    pub members: Vec<String>,
}

/// One service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The name incidents use (`inc impact --service NAME`).
    pub name: String,
    /// The team that owns it.
    #[serde(default)]
    pub team: String,
    /// How critical it is, in your own terms (`1`, `gold`, `critical`).
    #[serde(default)]
    #[schemars(schema_with = "tier_schema")]
    pub tier: String,
    #[serde(default)]
    pub description: String,
}

/// A tier is read as text, but people write `tier: 1`: the schema takes a number too.
fn tier_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["string", "number"],
        "description": "How critical it is, in your own terms (1, gold, critical)."
    })
}

impl Catalog {
    /// The names, in file order.
    pub fn names(&self) -> Vec<&str> {
        self.services.iter().map(|s| s.name.as_str()).collect()
    }

    /// The catalog's name for `input` (any case, a unique prefix), or a usage error with a
    /// "did you mean".
    pub fn service(&self, input: &str) -> Result<String, Error> {
        names::find(&SERVICE, &self.names(), &Default::default(), input).map(String::from)
    }

    /// Every member of every team.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.teams
            .iter()
            .flat_map(|t| t.members.iter().map(String::as_str))
    }

    /// Whether a stored service name is in the catalog (exactly, ignoring case).
    pub fn knows(&self, name: &str) -> bool {
        self.services
            .iter()
            .any(|s| s.name.trim().eq_ignore_ascii_case(name.trim()))
    }

    /// Problems serde cannot see, as (index of the service, message): empty names and names
    /// listed twice (in any case).
    pub fn problems(&self) -> Vec<(usize, String)> {
        let mut found = Vec::new();
        for (index, service) in self.services.iter().enumerate() {
            let name = service.name.trim();
            if name.is_empty() {
                found.push((index, "a service has an empty name".to_string()));
                continue;
            }
            if let Some(first) = self.services[..index]
                .iter()
                .position(|s| s.name.trim().eq_ignore_ascii_case(name))
            {
                found.push((
                    index,
                    format!(
                        "service \"{name}\" is listed twice (also service {} of the list): keep one",
                        first + 1
                    ),
                ));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> Catalog {
        crate::model::from_yaml(Path::new(FILE), text).unwrap()
    }

    #[test]
    fn finds_services_by_any_case_and_prefix_and_suggests() {
        let catalog =
            parse("services:\n- name: checkout-api\n  team: payments\n  tier: 1\n- name: search\n");
        assert_eq!(catalog.services[0].tier, "1");
        assert_eq!(catalog.service("Checkout-API").unwrap(), "checkout-api");
        assert_eq!(catalog.service("sea").unwrap(), "search");
        let err = catalog.service("chekout-api").unwrap_err().to_string();
        assert!(err.contains("did you mean checkout-api?"), "{err}");
    }

    #[test]
    fn duplicates_and_empty_names_are_problems() {
        let catalog = parse("services:\n- name: a\n- name: A\n- name: ' '\n");
        assert_eq!(
            catalog.problems(),
            [
                (
                    1,
                    "service \"A\" is listed twice (also service 1 of the list): keep one".into()
                ),
                (2, "a service has an empty name".into())
            ]
        );
    }
}
