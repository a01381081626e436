//! What `inc actions` prints: the follow-ups as a table, as CSV a tracker imports, and the JSON
//! shape scripts read.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::Color;
use crate::actions::Action;

/// An action for JSON: every field present.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ActionView<'a> {
    incident: &'a str,
    id: &'a str,
    /// Not written in the file yet: inc writes this id the next time it writes the file.
    provisional: bool,
    text: &'a str,
    owner: Option<&'a str>,
    due: Option<&'a str>,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    status: &'static str,
    overdue: bool,
    done_on: Option<&'a str>,
    done_by: Option<&'a str>,
    /// The commit whose `Fixes-Action:` trailer ticked it (`inc actions scan`).
    commit: Option<&'a str>,
    file: &'a str,
    line: u64,
}

impl<'a> From<&'a Action> for ActionView<'a> {
    fn from(a: &'a Action) -> Self {
        ActionView {
            incident: &a.incident,
            id: &a.id,
            provisional: a.provisional,
            text: &a.item.text,
            owner: a.item.owner.as_deref(),
            due: a.item.due.as_deref(),
            kind: a.item.kind.as_deref(),
            reference: a.item.reference.as_deref(),
            status: status(a),
            overdue: a.overdue,
            done_on: a.item.done_on.as_deref(),
            done_by: a.item.done_by.as_deref(),
            commit: a.item.commit.as_deref(),
            file: &a.file,
            line: a.item.line,
        }
    }
}

fn status(a: &Action) -> &'static str {
    if a.item.done { "done" } else { "open" }
}

pub fn table(out: &mut dyn Write, color: Color, found: &[Action], all: bool) -> Result<()> {
    if found.is_empty() {
        let what = if all {
            "No Improvements"
        } else {
            "No open Improvements"
        };
        writeln!(out, "{what} in the post-mortems.")?;
        return Ok(());
    }
    let mut header = vec!["incident", "id"];
    if all {
        header.push("status");
    }
    header.extend(["owner", "due", "type", "ref", "text"]);
    let mut table = crate::views::table(&header);
    match color {
        crate::Color::Always => {
            table.enforce_styling();
        }
        Color::Never => {
            table.force_no_tty();
        }
        crate::Color::Auto => {}
    }
    // This command prints unescaped (so the overdue cells can be red): every cell is escaped here.
    let esc = |text: &str| crate::text::escape_controls(text).into_owned();
    let none = || "—".to_string();
    for a in found {
        let mut id = esc(&a.id);
        if a.provisional {
            id.push('*');
        }
        let mut row = vec![
            comfy_table::Cell::new(esc(&a.incident)),
            comfy_table::Cell::new(id),
        ];
        if all {
            row.push(comfy_table::Cell::new(status(a)));
        }
        let due = match (&a.item.due, a.overdue) {
            (Some(due), true) => format!("{} (overdue)", esc(due)),
            (Some(due), false) => esc(due),
            (None, _) => none(),
        };
        let mut due = comfy_table::Cell::new(due);
        if a.overdue && color != Color::Never {
            due = due.fg(comfy_table::Color::Red);
        }
        let or_none = |v: &Option<String>| v.as_deref().map_or_else(none, esc);
        row.extend([
            comfy_table::Cell::new(or_none(&a.item.owner)),
            due,
            comfy_table::Cell::new(or_none(&a.item.kind)),
            // The ticket and the commit that closed it, as the report shows them.
            comfy_table::Cell::new(or_none(&match (&a.item.reference, &a.item.commit) {
                (Some(reference), Some(commit)) => Some(format!("{reference}, {commit}")),
                (reference, commit) => reference.clone().or_else(|| commit.clone()),
            })),
            comfy_table::Cell::new(esc(&a.item.text)),
        ]);
        table.add_row(row);
    }
    writeln!(out, "{}", table.trim_fmt())?;
    if found.iter().any(|a| a.provisional) {
        writeln!(
            out,
            "* not yet written in postmortem.md: inc writes this id the next time it changes the file"
        )?;
    }
    Ok(())
}

/// A CSV that issue trackers import: the first columns are the ones Jira, GitHub and Linear map
/// (summary, description, assignee, due date, labels), then inc's own.
pub fn csv(out: &mut dyn Write, found: &[Action]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "Summary",
        "Description",
        "Assignee",
        "Due date",
        "Labels",
        "Incident",
        "Id",
        "Status",
        "Ref",
    ])?;
    let esc = |text: &str| crate::text::escape_controls(text).into_owned();
    let cell = |v: &Option<String>| v.as_deref().map(esc).unwrap_or_default();
    for a in found {
        writer.write_record([
            esc(&a.item.text),
            format!(
                "Follow-up of incident {} ({}, line {})",
                esc(&a.incident),
                a.file,
                a.item.line
            ),
            cell(&a.item.owner),
            cell(&a.item.due),
            cell(&a.item.kind),
            esc(&a.incident),
            esc(&a.name()),
            status(a).to_string(),
            cell(&a.item.reference),
        ])?;
    }
    out.write_all(&writer.into_inner()?)?;
    Ok(())
}
