//! Runbooks: reusable checklists in `.inc/runbooks/NAME.md` that attach to incidents by severity,
//! tags, services or type, and whose progress lives in the incident's timeline.
//!
//! A runbook file is front matter (`title`, `when`, `repeat`) and a Markdown body whose top-level
//! task items (`- [ ] step`) are the steps, numbered from 1. A step ending in `(pre-approved)` is a
//! production change approved when the runbook was reviewed; one ending in `(repeats)` comes back
//! on a cadence that may grow with the incident's age. Attaching, detaching and ticking are
//! timeline entries (`runbook-attach`, `runbook-detach`, `runbook-step`, with `ref` naming the
//! runbook or `NAME:N`), so two clones ticking different steps merge like any other entries.
//!
//! This is the file format alone, without I/O: `store::runbooks` reads the files.

pub mod progress;

use std::collections::BTreeMap;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::error::Error;
use crate::model::{Config, Incident};
use crate::time::Interval;

pub use progress::{Attached, Next, attached, next_due, was_detached};

/// The name of the runbook `inc init` writes.
pub const BREAK_GLASS: &str = "break-glass";

/// The largest runbook file inc reads: a checklist is a few kilobytes; a huge one is refused
/// before it is parsed.
pub const MAX_BYTES: u64 = 256 * 1024;

/// The most steps a runbook may have.
pub const MAX_STEPS: usize = 200;

/// The suffix of a step approved when the runbook was reviewed.
pub const PRE_APPROVED: &str = "(pre-approved)";

/// The suffix of a step that comes back on the runbook's cadence.
pub const REPEATS: &str = "(repeats)";

/// The front matter of a runbook file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// A title for people; the file name is the runbook's name.
    #[serde(default)]
    pub title: String,
    /// When `inc open` and `inc sev` attach the runbook by themselves.
    #[serde(default)]
    pub when: When,
    /// How often `(repeats)` steps come back: per severity name or `default`, a list of paces,
    /// each until an incident age (the last without `until`).
    #[serde(default)]
    pub repeat: BTreeMap<String, Vec<Pace>>,
}

/// The conditions of a runbook: every list given must match (any one of its values); a runbook
/// without any never attaches by itself.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct When {
    pub severity: Vec<String>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub types: Vec<String>,
}

/// One stretch of a cadence: every `every` while the incident is younger than `until`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pace {
    #[serde(default)]
    pub until: Option<Interval>,
    pub every: Interval,
}

/// The cadence of `(repeats)` steps when the runbook sets none: every 10 minutes in the
/// incident's first hour, then every 30.
pub fn default_pace() -> Vec<Pace> {
    vec![
        Pace {
            until: Some(Interval(jiff::SignedDuration::from_hours(1))),
            every: Interval::minutes(10),
        },
        Pace {
            until: None,
            every: Interval::minutes(30),
        },
    ]
}

/// One checklist item.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// 1-based, in file order.
    pub number: usize,
    pub line: u64,
    pub column: u64,
    /// The step without its `(pre-approved)` / `(repeats)` suffixes.
    pub text: String,
    pub pre_approved: bool,
    pub repeats: bool,
    /// The inline code spans of the step: the commands `inc exec --step` may run for it.
    pub commands: Vec<String>,
}

/// A parsed runbook file.
#[derive(Clone, Debug, PartialEq)]
pub struct Runbook {
    pub name: String,
    pub front: FrontMatter,
    pub steps: Vec<Step>,
}

impl Runbook {
    pub fn title(&self) -> &str {
        if self.front.title.trim().is_empty() {
            &self.name
        } else {
            &self.front.title
        }
    }

    pub fn step(&self, number: usize) -> Option<&Step> {
        self.steps.get(number.checked_sub(1)?)
    }

    /// Whether the runbook's `when` matches the incident. Names are matched the way people type
    /// them (`sev1` is SEV1); tags and services ignore case.
    pub fn matches(&self, incident: &Incident, config: &Config) -> bool {
        let when = &self.front.when;
        if when.severity.is_empty()
            && when.tags.is_empty()
            && when.services.is_empty()
            && when.types.is_empty()
        {
            return false;
        }
        let any = |list: &[String], hit: &dyn Fn(&str) -> bool| {
            list.is_empty() || list.iter().any(|v| hit(v))
        };
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        any(&when.severity, &|s| {
            config.severity(s).is_ok_and(|s| s == incident.severity)
        }) && any(&when.tags, &|t| incident.tags.iter().any(|x| same(x, t)))
            && any(&when.services, &|s| {
                incident.impact.services.iter().any(|x| same(x, s))
            })
            && any(&when.types, &|t| {
                config.incident_type(t).is_ok_and(|t| t == incident.kind)
            })
    }

    /// The pace of `(repeats)` steps for an incident of `severity`.
    pub fn pace(&self, severity: &str) -> Vec<Pace> {
        self.front
            .repeat
            .get(severity)
            .or_else(|| self.front.repeat.get("default"))
            .cloned()
            .unwrap_or_else(default_pace)
    }
}

/// The interval in force when the incident is `age` old.
pub fn every(pace: &[Pace], age: jiff::SignedDuration) -> jiff::SignedDuration {
    pace.iter()
        .find(|p| p.until.is_none_or(|until| age < until.0))
        .or(pace.last())
        .map_or(jiff::SignedDuration::from_mins(30), |p| p.every.0)
}

/// Whether `name` may name a runbook file: lowercase letters, digits, `-` and `_`, not starting
/// with either, so it never names a path outside the runbooks directory.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.starts_with(['-', '_'])
}

/// Parses the runbook `name` read from `path`. Errors carry file:line:column.
pub fn parse(path: &Path, name: &str, text: &str) -> Result<Runbook, Error> {
    let at = |line: u64, column: u64, message: String| Error::File {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    if let Some(line) = crate::model::conflict_marker_line(text) {
        return Err(at(
            line,
            1,
            "a merge conflict marker: keep the version you want and delete the markers".into(),
        ));
    }
    let (front, body, body_line) = front_matter(path, text)?;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let locate = |offset: usize| {
        let index = starts.partition_point(|&s| s <= offset) - 1;
        (
            body_line + index as u64,
            (offset - starts[index]) as u64 + 1,
        )
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut depth = 0usize;
    // The top-level item being read: (offset, text, task marker, code spans).
    let mut item: Option<(usize, String, Option<bool>, Vec<String>)> = None;
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter() {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => {
                item = Some((range.start, String::new(), None, Vec::new()));
            }
            Event::TaskListMarker(done) if depth == 1 => {
                if let Some((_, _, task, _)) = item.as_mut() {
                    *task = Some(done);
                }
            }
            Event::End(TagEnd::Item) if depth == 1 => {
                let Some((offset, text, Some(_), commands)) = item.take() else {
                    continue;
                };
                let (line, column) = locate(offset);
                if steps.len() == MAX_STEPS {
                    return Err(at(
                        line,
                        column,
                        format!("more than {MAX_STEPS} steps: split the runbook in two"),
                    ));
                }
                let (text, pre_approved, repeats) = markers(text.trim());
                if text.is_empty() {
                    return Err(at(
                        line,
                        column,
                        "an empty step: say what to do after `- [ ]`".into(),
                    ));
                }
                steps.push(Step {
                    number: steps.len() + 1,
                    line,
                    column,
                    text,
                    pre_approved,
                    repeats,
                    commands,
                });
            }
            Event::Code(code) if depth == 1 => {
                if let Some((_, text, _, commands)) = item.as_mut() {
                    text.push('`');
                    text.push_str(&code);
                    text.push('`');
                    commands.push(code.trim().to_string());
                }
            }
            Event::Text(t) if depth == 1 => {
                if let Some((_, text, _, _)) = item.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak if depth == 1 => {
                if let Some((_, text, _, _)) = item.as_mut() {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    Ok(Runbook {
        name: name.to_string(),
        front,
        steps,
    })
}

/// Strips the `(pre-approved)` and `(repeats)` suffixes, in either order.
fn markers(text: &str) -> (String, bool, bool) {
    let mut rest = text.trim();
    let (mut pre_approved, mut repeats) = (false, false);
    loop {
        let lower = rest.to_ascii_lowercase();
        if lower.ends_with(PRE_APPROVED) {
            pre_approved = true;
            rest = rest[..rest.len() - PRE_APPROVED.len()].trim_end();
        } else if lower.ends_with(REPEATS) {
            repeats = true;
            rest = rest[..rest.len() - REPEATS.len()].trim_end();
        } else {
            return (rest.to_string(), pre_approved, repeats);
        }
    }
}

/// Splits off and parses the front matter; returns it, the body, and the body's first line.
fn front_matter<'a>(path: &Path, text: &'a str) -> Result<(FrontMatter, &'a str, u64), Error> {
    let (yaml, body, body_line) = crate::model::split_front_matter(
        path,
        text,
        "no front matter: a runbook starts with a `---` line, then `when:` (and an optional title), then `---`",
    )?;
    let front: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        crate::model::from_front_matter(path, yaml)?
    };
    Ok((front, body, body_line))
}

/// What a parsed runbook gets wrong that the parser cannot see: names not in .inc.yaml, paces out
/// of order, no steps. Each is (line, column, message); lines are found in `text`.
pub fn problems(runbook: &Runbook, text: &str, config: &Config) -> Vec<(u64, u64, String)> {
    let mut found = Vec::new();
    let key_at = |key: &str| -> (u64, u64) {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map_or((1, 1), |i| {
                let line = text.lines().nth(i).unwrap_or_default();
                (
                    i as u64 + 1,
                    (line.len() - line.trim_start().len()) as u64 + 1,
                )
            })
    };
    let when = &runbook.front.when;
    for value in &when.severity {
        if let Err(err) = config.severity(value) {
            found.push((key_at("severity").0, key_at("severity").1, err.to_string()));
        }
    }
    for value in &when.types {
        if let Err(err) = config.incident_type(value) {
            found.push((key_at("types").0, key_at("types").1, err.to_string()));
        }
    }
    for (name, pace) in &runbook.front.repeat {
        let (line, column) = key_at(name);
        if name != "default" && !config.severities.contains(name) {
            found.push((
                line,
                column,
                format!(
                    "repeat has \"{name}\", which is neither default nor one of severities ({})",
                    config.severities.join(", ")
                ),
            ));
        }
        if pace.is_empty() {
            found.push((
                line,
                column,
                format!("repeat {name} is empty: give at least one {{every: 30m}}"),
            ));
        }
        let mut last = jiff::SignedDuration::ZERO;
        for (index, p) in pace.iter().enumerate() {
            match p.until {
                Some(until) if until.0 <= last => found.push((
                    line,
                    column,
                    format!("repeat {name}: each `until` must be later than the one before"),
                )),
                Some(until) => last = until.0,
                None if index + 1 < pace.len() => found.push((
                    line,
                    column,
                    format!("repeat {name}: only the last pace may leave out `until`"),
                )),
                None => {}
            }
        }
    }
    if runbook.steps.is_empty() {
        let line = text.lines().count().max(1) as u64;
        found.push((
            line,
            1,
            "no steps: list them as a checklist, one `- [ ] step` a line".into(),
        ));
    }
    found
}

/// The text of the built-in break-glass runbook, attached to incidents of `worst` severity.
pub fn break_glass(worst: &str) -> String {
    let plain = !worst.is_empty()
        && worst
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let worst = if plain {
        worst.to_string()
    } else {
        serde_json::to_string(worst).expect("strings serialize")
    };
    format!(
        r#"---
title: Break glass
when:
  severity: [{worst}]
# How often the (repeats) steps come back, growing with the incident's age: per severity or
# `default`; each pace lasts until the incident is `until` old, the last one for good.
repeat:
  default:
    - {{until: 1h, every: 10m}}
    - {{every: 30m}}
---
# Break glass

For whoever owns an outage. Tick a step with `inc runbook done break-glass:N`. The last three
steps repeat: `inc status` shows when the next one is due.

- [ ] Pull in the right technical lead: `inc role technical-lead NAME`
- [ ] Inform the company that there is an outage and who leads it
- [ ] Assign customer communications: `inc role comms-lead NAME`
- [ ] Open a bridge and share its link: `inc link URL`
- [ ] Assess: what changed, is the mitigation working, what is next? (repeats)
- [ ] Update the company (repeats)
- [ ] Update customers (repeats)
"#
    )
}

#[cfg(test)]
mod tests;
