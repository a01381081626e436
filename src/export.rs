//! What `inc export` writes: incidents as JSON Lines (one `inc show --json` object per line, which
//! `inc import --format json` reads back exactly) or as CSV (the columns `inc import --format csv`
//! reads); and the public form of an incident, by the external report's rules.

use anyhow::Result;
use serde_json::Value;

use crate::import::csv::{COLUMNS, FORMULA_STARTS};
use crate::model::Config;
use crate::report::{Context, Options};
use crate::time::Clock;
use crate::views::{IncidentView, Loaded};

/// The audience public reports are written for, when the repository has it.
const PUBLIC_AUDIENCE: &str = "customers";

/// The incident as `inc show --json` prints it.
pub fn full(loaded: &Loaded, config: &Config, clock: &Clock) -> Result<Value> {
    Ok(serde_json::to_value(IncidentView::full(
        loaded, config, clock,
    ))?)
}

/// The incident as the public may see it, by the rules of the external report: its public title,
/// no tags, links, type or roles, only the entries a public report shows, only the updates sent
/// to customers, and no person's name anywhere.
pub fn public(loaded: &Loaded, config: &Config, clock: &Clock) -> Result<Value> {
    let audience = config
        .audiences
        .iter()
        .find(|a| *a == PUBLIC_AUDIENCE)
        .cloned();
    let options = Options {
        public: true,
        audience,
        ..Options::default()
    };
    let context = Context::new(loaded, config, clock, options);
    let mut value = serde_json::to_value(&context.incident)?;
    if let Value::Object(map) = &mut value {
        if !loaded.incident.public_title.trim().is_empty() {
            map.insert(
                "title".into(),
                Value::from(loaded.incident.public_title.trim()),
            );
        }
        for hidden in ["type", "tags", "links", "roles", "postmortem_status"] {
            map.remove(hidden);
        }
        map.insert("timeline".into(), serde_json::to_value(&context.timeline)?);
        map.insert("comms".into(), serde_json::to_value(&context.comms)?);
    }
    crate::report::scrub_people(&mut value, &loaded.people());
    Ok(value)
}

/// One incident per line, compact JSON.
pub fn jsonl(incidents: &[Value]) -> Result<String> {
    let mut out = String::new();
    for incident in incidents {
        // Bidirectional overrides and the like as JSON escapes: the line stays JSON whether it
        // is printed to a terminal or written to a file.
        out.push_str(&crate::text::escape_json(serde_json::to_string(incident)?));
        out.push('\n');
    }
    Ok(out)
}

/// A header row of [`COLUMNS`], then one row per incident. A cell that a spreadsheet would run
/// as a formula starts with `'` (the import drops it again).
pub fn csv(incidents: &[Value]) -> Result<String> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for incident in incidents {
        let row: Vec<String> = COLUMNS
            .iter()
            .map(|column| guard(cell(incident, column)))
            .collect();
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn cell(incident: &Value, column: &str) -> String {
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

fn guard(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell
    }
}
