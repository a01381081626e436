//! `cadence:` and `quiet_hours:` in `.inc.yaml`: how often each audience gets updates at each
//! severity, and the hours of the day an audience needs none. The checks serde cannot make
//! (names that exist, `min` not above `max`, a zone that exists) live here too.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Config;
use crate::time::Interval;

/// Updates go out at most every `min` and at least every `max`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cadence {
    pub min: Interval,
    pub max: Interval,
}

/// The cadence when `.inc.yaml` sets none for a severity and there is no `default`.
const FALLBACK: Cadence = Cadence {
    min: Interval(jiff::SignedDuration::from_mins(30)),
    max: Interval(jiff::SignedDuration::from_mins(60)),
};

/// The longest `max`: updates during an incident come every few minutes or hours.
const MAX_MAX_HOURS: i64 = 24 * 7;

/// One entry of `cadence:`. Under `default` or a severity's name: its intervals. Under an
/// audience's name: that audience's own intervals, at every severity (`{min, max}`) or per
/// severity (`{SEV1: {min, max}, default: {min, max}}`, the shape of `cadence:` itself).
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CadenceEntry {
    Every(Cadence),
    BySeverity(BTreeMap<String, Cadence>),
}

/// Read by hand so that a mistake is named: `{min, max}` is one shape, a map of severities the
/// other, and a key that fits neither (`maxx: 30m`) is refused as unknown.
impl<'de> Deserialize<'de> for CadenceEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = CadenceEntry;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "{min: 30m, max: 60m}, or intervals per severity like {SEV1: {min: 15m, max: 30m}}",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CadenceEntry, A::Error> {
        let (mut min, mut max) = (None, None);
        let mut by_severity = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "min" => min = Some(map.next_value::<Interval>()?),
                "max" => max = Some(map.next_value::<Interval>()?),
                _ => match map.next_value::<MaybeCadence>()? {
                    MaybeCadence::Cadence(cadence) => {
                        by_severity.insert(key, cadence);
                    }
                    MaybeCadence::Other => {
                        return Err(de::Error::custom(format!(
                            "unknown field `{key}`, expected min, max, or a severity with its own {{min, max}}"
                        )));
                    }
                },
            }
        }
        match (min, max) {
            (Some(min), Some(max)) if by_severity.is_empty() => {
                Ok(CadenceEntry::Every(Cadence { min, max }))
            }
            (None, None) => Ok(CadenceEntry::BySeverity(by_severity)),
            (Some(_), Some(_)) => Err(de::Error::custom(
                "give either min and max, or intervals per severity, not both",
            )),
            (Some(_), None) => Err(de::Error::missing_field("max")),
            (None, Some(_)) => Err(de::Error::missing_field("min")),
        }
    }
}

/// A value under a key that is not `min` or `max`: a `{min, max}` map (read as [`Cadence`], with
/// its own errors), or anything else.
enum MaybeCadence {
    Cadence(Cadence),
    Other,
}

impl<'de> Deserialize<'de> for MaybeCadence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> Visitor<'de> for AnyVisitor {
            type Value = MaybeCadence;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("{min, max}")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeCadence, A::Error> {
                Cadence::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(MaybeCadence::Cadence)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MaybeCadence, E> {
                Ok(MaybeCadence::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeCadence, E> {
                Ok(MaybeCadence::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeCadence, E> {
                Ok(MaybeCadence::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeCadence, E> {
                Ok(MaybeCadence::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeCadence, E> {
                Ok(MaybeCadence::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeCadence, E> {
                Ok(MaybeCadence::Other)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<MaybeCadence, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(MaybeCadence::Other)
            }
        }
        deserializer.deserialize_any(AnyVisitor)
    }
}

/// The hours of each day an audience needs no update (`quiet_hours:` in `.inc.yaml`), written
/// `22:00-07:00`, optionally followed by a time zone (`22:00-07:00 Europe/Berlin`); without one,
/// the configuration's `timezone`. A window that ends before it starts runs past midnight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: jiff::civil::Time,
    pub end: jiff::civil::Time,
    /// The zone's name as written, if any.
    pub zone: Option<String>,
}

impl QuietHours {
    /// `22:00-07:00` or `22:00-07:00 Europe/Berlin`; why not, when it is neither.
    pub fn parse(text: &str) -> Result<QuietHours, String> {
        let bad = || {
            format!(
                "\"{text}\" is not quiet hours like 22:00-07:00, or 22:00-07:00 Europe/Berlin in a zone of its own"
            )
        };
        let mut words = text.split_whitespace();
        let hours = words.next().ok_or_else(bad)?;
        let zone = words.next().map(str::to_string);
        if words.next().is_some() {
            return Err(bad());
        }
        let (start, end) = hours.split_once('-').ok_or_else(bad)?;
        let clock = |t: &str| -> Result<jiff::civil::Time, String> {
            let (h, m) = t.split_once(':').ok_or_else(bad)?;
            let number = |s: &str| {
                if !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
                    s.parse::<i8>().ok()
                } else {
                    None
                }
            };
            match (number(h), number(m)) {
                // 24:00 is the end of the day, as people write it.
                (Some(h), Some(m)) if m < 60 && (h < 24 || (h == 24 && m == 0)) => {
                    jiff::civil::Time::new(h % 24, m, 0, 0).map_err(|_| bad())
                }
                _ => Err(bad()),
            }
        };
        let (start, end) = (clock(start)?, clock(end)?);
        if start == end {
            return Err(format!(
                "\"{text}\": quiet hours start and end at the same time; a window like 22:00-07:00 leaves the rest of the day for updates"
            ));
        }
        if let Some(zone) = &zone {
            zone_named(zone).map_err(|_| {
                format!(
                    "\"{text}\": {zone} is not a time zone; use an IANA name like Europe/Berlin or America/New_York"
                )
            })?;
        }
        Ok(QuietHours { start, end, zone })
    }

    /// The zone the hours are in: their own, else `fallback` (the configuration's `timezone`).
    pub fn zone(&self, fallback: &jiff::tz::TimeZone) -> jiff::tz::TimeZone {
        self.zone
            .as_deref()
            .and_then(|z| zone_named(z).ok())
            .unwrap_or_else(|| fallback.clone())
    }
}

fn zone_named(name: &str) -> Result<jiff::tz::TimeZone, jiff::Error> {
    if name.eq_ignore_ascii_case("UTC") {
        return Ok(jiff::tz::TimeZone::UTC);
    }
    jiff::tz::TimeZone::get(name)
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.strftime(crate::time::format::CLOCK),
            self.end.strftime(crate::time::format::CLOCK)
        )?;
        match &self.zone {
            Some(zone) => write!(f, " {zone}"),
            None => Ok(()),
        }
    }
}

impl Serialize for QuietHours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for QuietHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        QuietHours::parse(&text).map_err(de::Error::custom)
    }
}

impl JsonSchema for QuietHours {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "QuietHours".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^\\s*\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}(\\s+\\S+)?\\s*$",
            "description": "hours of the day without updates, like 22:00-07:00, optionally in a zone of their own: 22:00-07:00 Europe/Berlin"
        })
    }
}

impl Config {
    /// The cadence of a severity for audiences without their own: the severity's, else
    /// `default`, else 30m–60m.
    pub fn cadence_for(&self, severity: &str) -> Cadence {
        [severity, "default"]
            .into_iter()
            .find_map(|key| match self.cadence.get(key) {
                Some(CadenceEntry::Every(cadence)) => Some(*cadence),
                _ => None,
            })
            .unwrap_or(FALLBACK)
    }

    /// The cadence of updates to `audience` at `severity`: the audience's own for the severity,
    /// else its own for every severity (or its `default`), else the severity's for everyone
    /// ([`Config::cadence_for`]).
    pub fn audience_cadence(&self, audience: &str, severity: &str) -> Cadence {
        match self.cadence.get(audience) {
            Some(CadenceEntry::Every(cadence)) => *cadence,
            Some(CadenceEntry::BySeverity(own)) => own
                .get(severity)
                .or_else(|| own.get("default"))
                .copied()
                .unwrap_or_else(|| self.cadence_for(severity)),
            None => self.cadence_for(severity),
        }
    }

    /// Whether `audience` has intervals of its own (messages say "for executives" then).
    pub fn has_own_cadence(&self, audience: &str) -> bool {
        self.audiences.iter().any(|a| a == audience) && self.cadence.contains_key(audience)
    }

    /// What is wrong with `cadence:` or `quiet_hours:`, if anything, with the keys that lead to it.
    pub fn cadence_problem(&self) -> Option<(Vec<String>, String)> {
        let at = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        for (name, entry) in &self.cadence {
            let severity = name == "default" || self.severities.contains(name);
            let audience = self.audiences.contains(name);
            if severity && audience {
                return Some((
                    at(&["cadence", name]),
                    format!(
                        "cadence has \"{name}\", which is both a severity and an audience: rename one of them"
                    ),
                ));
            }
            if !severity && !audience {
                return Some((
                    at(&["cadence", name]),
                    format!(
                        "cadence has \"{name}\", which is neither default nor one of severities ({}) nor of audiences ({})",
                        self.severities.join(", "),
                        self.audiences.join(", ")
                    ),
                ));
            }
            match entry {
                CadenceEntry::Every(cadence) => {
                    if let Some(problem) = interval_problem(name, cadence) {
                        return Some((at(&["cadence", name]), problem));
                    }
                }
                CadenceEntry::BySeverity(_) if severity => {
                    return Some((
                        at(&["cadence", name]),
                        format!(
                            "cadence {name}: give min and max, like {name}: {{min: 15m, max: 30m}}"
                        ),
                    ));
                }
                CadenceEntry::BySeverity(own) => {
                    for (key, cadence) in own {
                        if key != "default" && !self.severities.contains(key) {
                            return Some((
                                at(&["cadence", name, key]),
                                format!(
                                    "cadence {name} has \"{key}\", which is neither default nor one of severities ({})",
                                    self.severities.join(", ")
                                ),
                            ));
                        }
                        if let Some(problem) = interval_problem(&format!("{name} {key}"), cadence) {
                            return Some((at(&["cadence", name, key]), problem));
                        }
                    }
                }
            }
        }
        for name in self.quiet_hours.keys() {
            if !self.audiences.contains(name) {
                return Some((
                    at(&["quiet_hours", name]),
                    format!(
                        "quiet_hours has \"{name}\", which is not one of audiences ({})",
                        self.audiences.join(", ")
                    ),
                ));
            }
        }
        None
    }
}

/// `max` no longer than a week, `min` not longer than `max`.
fn interval_problem(name: &str, cadence: &Cadence) -> Option<String> {
    if cadence.max.0 > jiff::SignedDuration::from_hours(MAX_MAX_HOURS) {
        return Some(format!(
            "cadence {name}: max {} is more than a week; updates during an incident come every few minutes or hours",
            cadence.max
        ));
    }
    if cadence.min.0 > cadence.max.0 {
        return Some(format!(
            "cadence {name}: min {} is longer than max {}",
            cadence.min, cadence.max
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(yaml: &str) -> Config {
        crate::model::from_yaml(Path::new(".inc.yaml"), yaml).unwrap()
    }

    fn minutes(c: Cadence) -> (i64, i64) {
        (c.min.0.as_mins(), c.max.0.as_mins())
    }

    #[test]
    fn an_old_cadence_reads_as_before() {
        let c = config("cadence:\n  default: {min: 20m, max: 40m}\n  SEV1: {min: 10m, max: 20m}\n");
        assert_eq!(c.cadence_problem(), None);
        assert_eq!(minutes(c.cadence_for("SEV1")), (10, 20));
        assert_eq!(minutes(c.cadence_for("SEV3")), (20, 40));
        assert_eq!(minutes(c.audience_cadence("executives", "SEV1")), (10, 20));
        assert_eq!(minutes(c.audience_cadence("internal", "SEV2")), (20, 40));
    }

    #[test]
    fn an_audience_has_its_own_intervals_per_severity() {
        let c = config(
            "cadence:\n  default: {min: 30m, max: 60m}\n  SEV1: {min: 15m, max: 30m}\n  executives:\n    SEV1: {min: 1h, max: 2h}\n    default: {min: 2h, max: 4h}\n  customers: {min: 45m, max: 90m}\n",
        );
        assert_eq!(c.cadence_problem(), None);
        assert_eq!(minutes(c.audience_cadence("executives", "SEV1")), (60, 120));
        assert_eq!(
            minutes(c.audience_cadence("executives", "SEV3")),
            (120, 240)
        );
        assert_eq!(minutes(c.audience_cadence("customers", "SEV1")), (45, 90));
        assert_eq!(minutes(c.audience_cadence("internal", "SEV1")), (15, 30));
        assert!(c.has_own_cadence("executives") && !c.has_own_cadence("internal"));
    }

    #[test]
    fn mistakes_are_named() {
        let err = |yaml: &str| {
            crate::model::from_yaml::<Config>(Path::new(".inc.yaml"), yaml)
                .unwrap_err()
                .to_string()
        };
        let typo = err("cadence:\n  SEV1: {min: 15m, maxx: 30m}\n");
        assert!(typo.contains("unknown field `maxx`"), "{typo}");
        let half = err("cadence:\n  SEV1: {min: 15m}\n");
        assert!(half.contains("missing field `max`"), "{half}");
        let both = err("cadence:\n  executives: {min: 1h, max: 2h, SEV1: {min: 1h, max: 2h}}\n");
        assert!(both.contains("not both"), "{both}");
        let problem = |yaml: &str| config(yaml).cadence_problem().unwrap().1;
        assert!(problem("cadence:\n  ops: {min: 1m, max: 2m}\n").contains("nor of audiences"));
        assert!(
            problem("cadence:\n  SEV1: {SEV2: {min: 1m, max: 2m}}\n").contains("give min and max")
        );
        assert!(
            problem("cadence:\n  executives: {SEV9: {min: 1m, max: 2m}}\n")
                .contains("cadence executives has \"SEV9\"")
        );
        assert!(
            problem("cadence:\n  executives: {default: {min: 3h, max: 2h}}\n")
                .contains("cadence executives default: min 3h is longer than max 2h")
        );
        assert!(problem("quiet_hours:\n  board: 22:00-07:00\n").contains("not one of audiences"));
    }

    #[test]
    fn quiet_hours_are_read_as_written() {
        let q = QuietHours::parse("22:00-07:00").unwrap();
        assert_eq!((q.start.hour(), q.end.hour(), q.zone), (22, 7, None));
        let q = QuietHours::parse("  21:30-24:00 Europe/Berlin ").unwrap();
        assert_eq!(q.to_string(), "21:30-00:00 Europe/Berlin");
        for bad in [
            "22-07",
            "22:00",
            "25:00-07:00",
            "22:00-07:60",
            "22:00-07:00 Mars/Base",
            "07:00-07:00",
            "22:00-07:00 UTC extra",
            "",
        ] {
            assert!(QuietHours::parse(bad).is_err(), "{bad}");
        }
    }
}
