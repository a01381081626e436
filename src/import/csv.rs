//! CSV import: one incident per row under a header row, as a spreadsheet or another tool exports
//! its history. The columns are [`COLUMNS`]; `inc export --format csv` writes the same ones, with
//! the cells written as [`cell`] says.
//!
//! Each row's incident is marked with what the row holds (its [`Planned::key`], the `ref` of the
//! opening entry), so that importing the file again, after an interruption say, skips the rows
//! already imported instead of creating them a second time under `-2` ids.

use std::collections::{BTreeMap, HashMap};

use crate::error::Error;
use crate::model::exchange::{COLUMNS, ONE_WAY, PUBLIC_COLUMN, cell};
use crate::model::incident::{Detection, Impact};
use crate::model::{Incident, Kind, Milestone, Milestones, Status, TimelineEntry};
use crate::time::Time;

use super::{Input, Planned};

const REQUIRED: [&str; 2] = ["title", "severity"];

/// Most rows read from one file.
const MAX_ROWS: usize = 100_000;

/// Reads every row. All rows are checked: the errors of every bad row are returned (in file
/// order), and then nothing is to be written.
pub fn read(text: &str, input: &Input) -> Result<Vec<Planned>, Vec<Error>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let error = |offset: usize, message: String| input.error_at(text, offset, message);

    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(err)) => return Err(vec![csv_error(text, input, &err)]),
        None => {
            return Err(vec![error(
                0,
                format!(
                    "the file is empty: the first row names the columns ({})",
                    COLUMNS.join(",")
                ),
            )]);
        }
    };
    let header_start = header.position().map_or(0, |p| p.byte() as usize);
    let mut columns: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (index, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        let at = cell_start(text, header_start, index);
        if name == PUBLIC_COLUMN {
            return Err(vec![error(at, ONE_WAY.to_string())]);
        }
        let Some(known) = COLUMNS.iter().find(|c| **c == name) else {
            return Err(vec![error(
                at,
                format!(
                    "unknown column \"{}\": the columns are {}; rename or remove it",
                    crate::text::one_line(&name, 40),
                    COLUMNS.join(", ")
                ),
            )]);
        };
        if columns.insert(known, index).is_some() {
            return Err(vec![error(
                at,
                format!("the column \"{known}\" is named twice: remove one"),
            )]);
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !columns.contains_key(*c)) {
        return Err(vec![error(
            header_start,
            format!(
                "the header has no \"{missing}\" column: the first row names the columns, and title and severity are required"
            ),
        )]);
    }

    let mut planned = Vec::new();
    let mut errors = Vec::new();
    // Rows that hold the same are told apart by how many came before them.
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                errors.push(csv_error(text, input, &err));
                continue;
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if planned.len() + errors.len() >= MAX_ROWS {
            errors.push(error(
                record.position().map_or(0, |p| p.byte() as usize),
                format!("more than {MAX_ROWS} rows: split the file"),
            ));
            break;
        }
        match row(text, input, &columns, header.len(), &record) {
            Ok(mut incident) => {
                let content = content_of(&incident.incident);
                let nth = occurrences.entry(content.clone()).or_default();
                *nth += 1;
                let key = key(&content, *nth);
                incident.timeline[0].reference = Some(key.clone());
                incident.key = Some(key);
                planned.push(incident);
            }
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(planned)
    } else {
        Err(errors)
    }
}

/// One row as an incident, or what is wrong with it (at the cell at fault).
fn row(
    text: &str,
    input: &Input,
    columns: &BTreeMap<&'static str, usize>,
    width: usize,
    record: &::csv::StringRecord,
) -> Result<Planned, Error> {
    let start = record.position().map_or(0, |p| p.byte() as usize);
    let line = record.position().map_or(1, |p| p.line());
    if record.len() != width {
        return Err(input.error_at(
            text,
            start,
            format!(
                "this row has {} cells and the header {width}: quote cells that hold commas, like \"a, b\"",
                record.len()
            ),
        ));
    }
    let cell = |name: &str| {
        columns
            .get(name)
            .and_then(|&i| record.get(i))
            .map(|v| cell::decode(v.trim()))
            .unwrap_or_default()
    };
    let fail = |name: &str, message: String| {
        let index = columns.get(name).copied().unwrap_or(0);
        input.error_at(text, cell_start(text, start, index), message)
    };

    let title = cell("title");
    if title.trim().is_empty() {
        return Err(fail(
            "title",
            "the title is empty: say what was broken, like \"Checkout API down\"".into(),
        ));
    }
    let severity = input
        .config
        .severity(cell("severity").trim())
        .map_err(|e| fail("severity", e.to_string()))?;
    let mut times: BTreeMap<&str, Time> = BTreeMap::new();
    for milestone in Milestone::ALL {
        let name = milestone.name();
        let value = cell(name);
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let time = parse_time(input, value).map_err(|why| fail(name, why))?;
        times.insert(name, time);
    }
    let milestones = Milestones {
        started: times.get("started").copied(),
        detected: times.get("detected").copied(),
        acknowledged: times.get("acknowledged").copied(),
        mitigated: times.get("mitigated").copied(),
        resolved: times.get("resolved").copied(),
    };
    if let Some((earlier, later)) = milestones.out_of_order().first() {
        return Err(fail(
            later.name(),
            format!("{later} is before {earlier}: check both times"),
        ));
    }
    let status = if milestones.resolved.is_some() {
        Status::Resolved
    } else if milestones.mitigated.is_some() {
        Status::Monitoring
    } else {
        Status::Investigating
    };
    let services = list(&cell("services"))
        .iter()
        .map(|s| input.service(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail("services", e.to_string()))?;
    let now = input.clock.now();
    // The record was opened when the outage was noticed; a row that says neither is opened now.
    let opened = milestones
        .detected
        .or(milestones.started)
        .or(milestones.acknowledged)
        .unwrap_or(now);
    let incident = Incident {
        title: title.clone(),
        severity: severity.clone(),
        status,
        kind: crate::model::incident::DEFAULT_TYPE.to_string(),
        opened,
        summary: cell("summary"),
        public_title: String::new(),
        public_summary: String::new(),
        impact: Impact {
            services,
            ..Impact::default()
        },
        tags: list(&cell("tags")),
        links: Vec::new(),
        detection: Detection::default(),
        milestones,
        postmortem_waived: None,
        changed: Default::default(),
    };
    let file = input.shown.display();
    // `Opened "…` like `inc open`'s entry, so public reports leave it out the same way.
    let entry = TimelineEntry {
        id: String::new(),
        conflict_of: None,
        at: opened,
        recorded: Some(now),
        by: input.by.to_string(),
        kind: Kind::Status,
        reference: None,
        key: false,
        internal: false,
        public: false,
        attachment: None,
        text: format!("Opened \"{title}\" as {severity} (imported from {file}, line {line})"),
    };
    Ok(Planned {
        origin: format!("{file} line {line}"),
        id: None,
        incident,
        timeline: vec![entry],
        roles: Vec::new(),
        comms: Vec::new(),
        keep_ids: false,
        key: None,
    })
}

/// What a row says of its incident, in one canonical form (JSON of the fields a row sets, times
/// as RFC 3339): the same for the same row however its cells were spelled (`sev1`, `SEV1`).
fn content_of(incident: &Incident) -> String {
    serde_json::json!([
        incident.title,
        incident.severity,
        incident.milestones,
        incident.tags,
        incident.impact.services,
        incident.summary,
    ])
    .to_string()
}

/// The key of the `nth` row (from 1) that holds `content`: `csv:` and 16 hex digits of a hash.
fn key(content: &str, nth: usize) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::new()
        .chain_update(content.as_bytes())
        .chain_update((nth as u64).to_le_bytes())
        .finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{KEY_PREFIX}{hex}")
}

/// How the key of an imported row starts.
pub const KEY_PREFIX: &str = "csv:";

/// A time in a cell: RFC 3339, or any WHEN form inc accepts (`2026-03-04 10:15`).
fn parse_time(input: &Input, value: &str) -> Result<Time, String> {
    let time = match Time::parse_rfc3339(value) {
        Some(time) => time,
        None => input.clock.parse_when(value).map_err(|e| e.to_string())?,
    };
    match time.out_of_range() {
        Some(why) => Err(format!("\"{value}\": {why}; correct the time")),
        None => Ok(time),
    }
}

/// Tags or services in a cell, separated by `;` or `,`; blanks and repeats dropped.
fn list(cell: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for item in cell
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !items.iter().any(|i| i == item) {
            items.push(item.to_string());
        }
    }
    items
}

/// The byte offset where cell `index` of the record starting at `start` begins (quotes aware).
fn cell_start(text: &str, start: usize, index: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut at, mut cell, mut quoted) = (start, 0, false);
    while at < bytes.len() && cell < index {
        match bytes[at] {
            b'"' => quoted = !quoted,
            b',' if !quoted => cell += 1,
            _ => {}
        }
        at += 1;
    }
    at
}

fn csv_error(text: &str, input: &Input, err: &::csv::Error) -> Error {
    let offset = err.position().map_or(0, |p| p.byte() as usize);
    let message = match err.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not UTF-8 text: save the file as UTF-8".to_string(),
        _ => format!("{err}; check the quotes on this row"),
    };
    input.error_at(text, offset, message)
}
