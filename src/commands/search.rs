//! `inc search`: find incidents by the words in their files.

use std::io::{IsTerminal, Write};

use anyhow::Result;

use super::Ctx;
use crate::Color;
use crate::search::{self, Found, Query};
use crate::text::escape_controls;

/// Find incidents by words in their title, summary, tags, impact, logbook, comms and post-mortem
///
/// Every word must occur somewhere in the incident (in any of those fields); case and accents do
/// not matter. Each matching line is shown with its file and line number, grouped by incident:
/// incidents whose title holds more of the words first, then those matching in more fields, then
/// the newest.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  inc search database failover
  inc search checkout --all-fields
  inc search \"eu-west-1\" --json | jq -r '.[].incident'")]
pub struct Args {
    #[command(flatten)]
    pub pager: crate::cli::args::PagerArg,

    /// The words to look for (all must match)
    #[arg(required = true, num_args = 1.., value_name = "WORD")]
    pub query: Vec<String>,

    /// Also search ids, times, people, severities, statuses, audiences, channels, roles.yaml and
    /// comments
    #[arg(long)]
    pub all_fields: bool,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc search` prints.
    { Text, Json }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let query = Query::new(&args.query.join(" "), args.all_fields)?;
    let store = ctx.store()?;
    let (found, errors) = search::search(&store, &query)?;
    for err in &errors {
        crate::eprintln_escaped!("warning: skipped {err:#}");
    }
    if args.output.is_json() {
        return super::print_json(ctx.out, &found);
    }
    let color = match ctx.env.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal(),
    };
    if found.is_empty() {
        writeln!(
            ctx.out,
            "no incident holds {}",
            escape_controls(&describe(query.words(), args.all_fields))
        )?;
        return Ok(());
    }
    // A broad search prints thousands of lines: one write each would cost more than the search.
    let mut out = std::io::BufWriter::new(&mut *ctx.out);
    for (n, incident) in found.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        print_incident(&mut out, incident, color)?;
    }
    out.flush()?;
    Ok(())
}

/// `"database" and "failover"`, for the line saying nothing was found.
fn describe(words: &[String], all_fields: bool) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let words = match quoted.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let hint = if all_fields {
        ""
    } else {
        " (--all-fields also searches ids, people and times)"
    };
    format!("{words}{hint}")
}

/// One incident: its id and title, then each hit as `file:line: text`. The command's output is
/// not escaped on the way out (colours are escape sequences), so every piece of file text is
/// escaped here.
fn print_incident(out: &mut dyn std::io::Write, found: &Found, color: bool) -> Result<()> {
    let (bold, dim, mark, reset) = if color {
        ("\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    writeln!(
        out,
        "{bold}{}{reset}  {}",
        escape_controls(&found.incident),
        escape_controls(&found.title)
    )?;
    for hit in &found.hits {
        let file = hit.file.rsplit('/').next().unwrap_or(&hit.file);
        write!(
            out,
            "  {dim}{}:{}:{reset} ",
            escape_controls(file),
            hit.line
        )?;
        // The line without its indentation, each match marked; written piece by piece, since a
        // broad search prints hundreds of thousands of lines.
        let text = hit.text.as_str();
        let end = text.trim_end().len();
        let mut at = text.len() - text.trim_start().len();
        for span in &hit.spans {
            let (start, stop) = (span.start.max(at), span.end.min(end));
            if start >= stop {
                continue;
            }
            write!(
                out,
                "{}{mark}{}{reset}",
                escape_controls(&text[at..start]),
                escape_controls(&text[start..stop])
            )?;
            at = stop;
        }
        writeln!(out, "{}", escape_controls(&text[at.min(end)..end]))?;
    }
    Ok(())
}
