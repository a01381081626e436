//! What `inc export` writes: incidents as JSON Lines (one `inc show --json` object per line, with
//! the role history and the format's version, which `inc import --format json` reads back exactly)
//! or as CSV (the columns `inc import --format csv` reads); and the public form of an incident, its
//! public model (`--public`, one-way).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use serde_json::Value;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::exchange::{COLUMNS, FORMAT, PUBLIC_COLUMN, cell};
use crate::model::roles::RoleAction;
use crate::model::{Config, RoleEvent};
use crate::names::Names;
use crate::store::Loaded;
use crate::time::{Clock, Time};
use crate::views::IncidentView;

/// One line of `inc export`: the incident as `inc show --json` prints it, and what that leaves
/// out of the files, so that `inc import` makes the same files again.
#[derive(Serialize, JsonSchema)]
pub struct Record<'a> {
    /// The version of this format (2). A line without it is format 1: `inc show --json` alone.
    pub format: u32,
    #[serde(flatten)]
    pub incident: IncidentView<'a>,
    /// Every role event of roles.yaml in time order: each handoff, addition and release, when
    /// and by whom it was recorded. `roles` is where they end.
    pub role_events: Vec<RoleEventView<'a>>,
    /// When inc last changed each field of incident.yaml, by dotted path (`severity`,
    /// `milestones.resolved`), as incident.yaml keeps it for merges; `{}` when none was.
    pub changed: &'a BTreeMap<String, Time>,
}

/// A role event for JSON, with every field present (`recorded` null unless it was backdated).
#[derive(Serialize, JsonSchema)]
pub struct RoleEventView<'a> {
    pub id: &'a str,
    pub at: Time,
    pub recorded: Option<Time>,
    pub by: &'a str,
    pub action: RoleAction,
    pub role: &'a str,
    pub person: &'a str,
}

impl<'a> From<&'a RoleEvent> for RoleEventView<'a> {
    fn from(e: &'a RoleEvent) -> Self {
        RoleEventView {
            id: &e.id,
            at: e.at,
            recorded: e.recorded,
            by: &e.by,
            action: e.action,
            role: &e.role,
            person: &e.person,
        }
    }
}

/// The incident as `inc export` writes it: `inc show --json` and its role history.
pub fn full(loaded: &Loaded, config: &Config, clock: &Clock) -> Result<Value> {
    Ok(serde_json::to_value(Record {
        format: FORMAT,
        incident: IncidentView::full(loaded, config, clock),
        role_events: crate::model::log::sorted(&loaded.roles)
            .into_iter()
            .map(RoleEventView::from)
            .collect(),
        changed: &loaded.incident.changed,
    })?)
}

/// One line of `inc export --public`: the public model of an incident, marked as public so that
/// `inc import` can say it is one-way.
#[derive(Serialize, JsonSchema)]
pub struct PublicRecord {
    /// Always true: an export for the public, which `inc import` does not read back.
    pub public: bool,
    #[serde(flatten)]
    pub incident: crate::public::Incident,
}

/// The incident as the public may see it: its public model (see [`crate::public`]), with every
/// name in `people` replaced.
pub fn public(loaded: &Loaded, config: &Config, clock: &Clock, people: &Names) -> Result<Value> {
    Ok(serde_json::to_value(PublicRecord {
        public: true,
        incident: crate::public::Incident::build(loaded, config, clock, people),
    })?)
}

/// Writes incidents one at a time as JSON Lines (compact JSON, one incident per line) or CSV (a
/// header row of [`COLUMNS`], then one row per incident), so that an export holds one incident
/// at a time whatever the repository's size.
pub enum Writer<W: Write> {
    Jsonl(W),
    // Boxed: the CSV writer's buffer state is large beside a bare writer. With `public`, a last
    // column says so.
    Csv {
        writer: Box<::csv::Writer<W>>,
        public: bool,
    },
}

impl<W: Write> Writer<W> {
    /// A writer of JSON Lines, or of CSV when `csv` (whose header it writes at once); `public`
    /// for the public model.
    pub fn new(out: W, csv: bool, public: bool) -> Result<Writer<W>> {
        if !csv {
            return Ok(Writer::Jsonl(out));
        }
        let mut writer = ::csv::Writer::from_writer(out);
        let mut header: Vec<&str> = COLUMNS.to_vec();
        if public {
            header.push(PUBLIC_COLUMN);
        }
        writer.write_record(header)?;
        Ok(Writer::Csv {
            writer: Box::new(writer),
            public,
        })
    }

    pub fn write(&mut self, incident: &Value) -> Result<()> {
        match self {
            Writer::Jsonl(out) => {
                // Bidirectional overrides and the like as JSON escapes: the line stays JSON
                // whether it is printed to a terminal or written to a file.
                let line = crate::text::escape_json(serde_json::to_string(incident)?);
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            // Written as `model::exchange::cell` says: no formula a spreadsheet would run, no control
            // character, and read back exactly.
            Writer::Csv { writer, public } => {
                let mut row: Vec<String> = COLUMNS
                    .iter()
                    .map(|column| cell::encode(&text_of(incident, column)))
                    .collect();
                if *public {
                    row.push("true".to_string());
                }
                writer.write_record(row)?
            }
        }
        Ok(())
    }

    /// Writes out what is buffered.
    pub fn finish(self) -> Result<()> {
        match self {
            Writer::Jsonl(mut out) => out.flush()?,
            Writer::Csv { mut writer, .. } => writer.flush()?,
        }
        Ok(())
    }
}

fn text_of(incident: &Value, column: &str) -> String {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let list = |v: &Value| {
        v.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    match column {
        "tags" => list(&incident["tags"]),
        "services" => list(&incident["impact"]["services"]),
        "title" | "severity" | "summary" => text(&incident[column]),
        milestone => text(&incident["milestones"][milestone]),
    }
}
