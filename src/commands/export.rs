//! `inc export`: every incident (or those the filters keep) as JSON Lines or CSV, for another inc
//! repository, a spreadsheet or a data warehouse; `--public` by the external report's rules.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::names::Names;
use crate::store::Loaded;

/// Export incidents as JSON Lines (one `inc show --json` object per line) or CSV
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Filters combine: an incident is exported when it passes every one given. Without -o the export
is printed; -o never replaces a file that exists unless --force is given.

Examples:
  inc export -o incidents.jsonl
  inc export --format csv --since 2026-01-01 --sev SEV1 -o sev1.csv
  inc export --public --tag checkout")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    /// jsonl: one `inc show --json` object per line, with the role history (`inc import --format
    /// json` reads it back exactly);
    /// csv: the columns `inc import --format csv` reads
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: Format,

    /// The same as --format jsonl (the JSON switch every command that prints data takes)
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Only what the public may see (the public model: public title and summary, impact,
    /// public entries, updates to public audiences, no names, public ids); one-way, inc import
    /// does not read it back
    #[arg(long)]
    pub public: bool,

    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,

    /// Only incidents that began at or after WHEN (started, else detected, else opened)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// Only incidents that began before WHEN
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,

    /// Only incidents with this severity
    #[arg(long, value_name = "SEV")]
    pub sev: Option<String>,

    /// Only incidents with this tag (any case); repeat for incidents with all of them
    #[arg(long = "tag", value_name = "TAG", value_delimiter = ',')]
    pub tags: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config();
    let severity = args
        .sev
        .as_deref()
        .map(|s| config.severity(s))
        .transpose()?;
    let bound = |text: Option<&str>| text.map(|t| ctx.clock.parse_bound(t)).transpose();
    let since = bound(args.since.as_deref())?;
    let until = bound(args.until.as_deref())?;
    let tags: Vec<&str> = args
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let output = args.output.as_ref().map(|o| ctx.start_dir().join(o));
    if let Some(path) = &output {
        check_output(path, args.force)?;
    }
    let only = ctx.named_incident(&store)?;

    let csv = !args.json && args.format == Format::Csv;
    // A public export replaces the names from every incident in each, as the public site does.
    let people = if args.public {
        let ids = match &only {
            // One incident: its names, as its external report has (and no load of all).
            Some(id) => vec![id.clone()],
            None => store.ids()?,
        };
        Names::new(&crate::public::people::of_incidents(&store, &ids)?)
    } else {
        Names::new(&[])
    };
    // Incident by incident, written as it is built: 20,000 incidents held at once took gigabytes.
    let export = |out: &mut dyn Write| -> Result<()> {
        let mut writer = crate::export::Writer::new(out, csv, args.public)?;
        for (id, incident) in store.load_all()? {
            if only.as_deref().is_some_and(|only| only != id) {
                continue;
            }
            let incident = incident?;
            let began = crate::stats::began(&incident);
            let keep = severity.as_ref().is_none_or(|s| &incident.severity == s)
                && since.is_none_or(|s| began >= s)
                && until.is_none_or(|u| began < u)
                && tags
                    .iter()
                    .all(|tag| incident.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)));
            if !keep || (args.public && !crate::public::is_published(&incident, config)) {
                continue;
            }
            let loaded = Loaded::load(&store, &id)?;
            writer.write(&if args.public {
                crate::export::public(&loaded, config, &ctx.clock, &people)?
            } else {
                crate::export::full(&loaded, config, &ctx.clock)?
            })?;
        }
        writer.finish()
    };
    match &output {
        Some(path) => crate::store::write_atomic_with(path, export)?,
        None => export(&mut *ctx.out)?,
    }
    Ok(())
}

/// Refuses to write through a link, and to replace a file without `--force`: an export is often
/// written next to other data, and overwriting it by a typo would lose it.
fn check_output(path: &std::path::Path, force: bool) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let shown = path.display();
    if meta.file_type().is_symlink() {
        return Err(Error::usage(format!(
            "{shown} is a symbolic link: inc does not write through links; name another file"
        ))
        .into());
    }
    if !meta.is_file() {
        return Err(Error::usage(format!("{shown} exists and is not a file: name a file")).into());
    }
    if !force {
        return Err(Error::usage(format!(
            "{shown} exists: add --force to replace it, or name another file"
        ))
        .into());
    }
    Ok(())
}
