//! `resolved_grace` in `.inc.yaml`: how long after `inc resolve` commands without `-i` still act
//! on the incident just resolved, while no incident is open (`0s`: not at all).

use std::fmt;

use jiff::{SignedDuration, Span};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest grace: a day. Past it "the incident I just resolved" is no longer what a person
/// without `-i` means, and a pushed `.inc.yaml` must not point everyone's commands at an old one.
pub const MAX_HOURS: i64 = 24;

/// A length of time from zero to [`MAX_HOURS`], written like `1h` or `30m`; `0s` turns it off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grace(pub SignedDuration);

impl Default for Grace {
    /// An hour: the post-mortem scaffold, a last note and the report come in that time.
    fn default() -> Self {
        Grace(SignedDuration::from_hours(1))
    }
}

impl Grace {
    pub fn is_default(&self) -> bool {
        *self == Grace::default()
    }
}

impl fmt::Display for Grace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl Serialize for Grace {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Grace {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let parsed = text.parse::<SignedDuration>().ok().or_else(|| {
            text.parse::<Span>()
                .ok()?
                .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .ok()
        });
        match parsed {
            Some(d) if !d.is_negative() && d <= SignedDuration::from_hours(MAX_HOURS) => {
                Ok(Grace(d))
            }
            Some(d) if !d.is_negative() => Err(serde::de::Error::custom(format!(
                "\"{text}\" is more than {MAX_HOURS}h: give how long after inc resolve commands still act on the resolved incident, like 1h (0s: not at all)"
            ))),
            _ => Err(serde::de::Error::custom(format!(
                "\"{text}\" is not a length of time like 1h or 30m (0s: not at all)"
            ))),
        }
    }
}

impl schemars::JsonSchema for Grace {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Grace".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a length of time from 0s (off) to 24h, e.g. 1h or 30m"
        })
    }
}
