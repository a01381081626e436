//! `inc sev`: change the severity, or list what each severity means (`--list`).

use std::io::Write;

use anyhow::Result;

use super::{Ctx, update_incident};
use crate::model::Kind;
use crate::model::severity::{Postmortem, Severity};
use crate::text::escape_controls;

/// Change the severity (logged in the timeline), or list the severities
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc sev SEV1
  inc sev 2 --at 14:20 --by bob
  inc sev --list")]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The new severity, one of those in .inc.yaml (default SEV1 … SEV4)
    #[arg(required_unless_present = "list")]
    pub severity: Option<String>,

    /// When it changed [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    /// List the severities, worst first, with what each means and whether it owes a
    /// post-mortem (severity_definitions in .inc.yaml); changes nothing
    #[arg(long, conflicts_with_all = ["severity", "at"])]
    pub list: bool,

    /// With --list: print JSON for scripts
    #[arg(long, requires = "list")]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let Some(input) = args.severity.as_deref().filter(|_| !args.list) else {
        let list = store.config().severity_list();
        if args.json {
            return super::print_json(ctx.out, &list);
        }
        return write_list(ctx.out, &list, false);
    };
    let severity = store.config().severity(input)?;
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    update_incident(
        ctx,
        &store,
        &args.who,
        &format!("sev {severity}"),
        |incident, _| {
            if incident.severity == severity {
                return Ok(None);
            }
            let text = format!("Severity {} → {severity}", incident.severity);
            incident.severity = severity;
            Ok(Some((at, Kind::Status, text)))
        },
    )
}

/// The severities as `inc sev --list` prints them (numbered for `inc open` to choose from):
/// each name and description, its criteria below, then its post-mortem requirement.
pub fn write_list(out: &mut dyn Write, list: &[Severity], numbered: bool) -> Result<()> {
    let width = list
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let number_width = if numbered {
        list.len().to_string().len() + 2
    } else {
        0
    };
    let indent = " ".repeat(number_width + width + 2);
    for (index, severity) in list.iter().enumerate() {
        let number = if numbered {
            format!("{:>w$}) ", index + 1, w = number_width - 2)
        } else {
            String::new()
        };
        let mut head = format!(
            "{number}{:<width$}  {}",
            escape_controls(&severity.name),
            escape_controls(&severity.description)
        );
        if severity.default {
            head.push_str(if severity.description.is_empty() {
                "(default)"
            } else {
                " (default)"
            });
        }
        writeln!(out, "{}", head.trim_end())?;
        for criterion in &severity.criteria {
            writeln!(out, "{indent}- {}", escape_controls(criterion))?;
        }
        match severity.postmortem {
            Postmortem::Required => writeln!(
                out,
                "{indent}post-mortem required within {} days",
                severity.postmortem_due_days
            )?,
            Postmortem::Optional => writeln!(out, "{indent}post-mortem optional")?,
        }
    }
    Ok(())
}
