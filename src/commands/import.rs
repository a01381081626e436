//! `inc import`: incidents from a CSV file or inc's own JSON, or a Slack channel export into an
//! incident's timeline. Everything is read and checked first; a bad row writes nothing at all.
//! What an earlier run of the same import wrote is skipped and counted, so an interrupted import
//! is finished by running it again.

use std::path::PathBuf;

use anyhow::Result;

use super::{Ctx, one_line};
use crate::cli::args::Person;
use crate::error::Error;
use crate::import::{self, Input, MAX_FILE_BYTES, Planned};
use crate::model::TimelineEntry;
use crate::store::Store;

/// Import incidents from CSV or JSON, or a Slack channel export into an incident's timeline
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Every row (or object) is checked before anything is written: one bad row and nothing is
imported; the error says FILE:LINE:COLUMN. Each incident imported is its own commit; run again
(after an interruption, say), an import skips the incidents it made before and says how many.

Examples:
  inc import history.csv --format csv --dry-run
  inc export -o /tmp/all.jsonl && inc -C ../other import /tmp/all.jsonl --format json
  inc import export/incident-checkout --format slack -i checkout --key-reactions star,pushpin")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: Person,

    /// The file to read (for slack: the channel's directory in the export)
    pub file: PathBuf,

    /// What the file is: csv (one incident per row), json (`inc show --json` objects, an array of
    /// them or one per line), slack (a channel export, into the incident given with -i)
    #[arg(long, value_enum)]
    pub format: Format,

    /// Print what would be imported and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// slack: only messages at or after WHEN
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// slack: only messages before WHEN
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,

    /// slack: mark messages with this reaction as key entries; repeat or separate with commas
    #[arg(long = "key-reactions", value_name = "EMOJI", value_delimiter = ',')]
    pub key_reactions: Vec<String>,

    /// csv: resolved incidents owe a post-mortem as any other (by default theirs is waived,
    /// "imported from FILE": history's write-ups are where it came from)
    #[arg(long)]
    pub owe_postmortems: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Slack,
}

impl Args {
    /// Whether it adds to an existing incident (slack) rather than creating incidents.
    pub fn into_incident(&self) -> bool {
        self.format == Format::Slack
    }
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    if args.format != Format::Slack {
        let given = [
            ("--since", args.since.is_some()),
            ("--until", args.until.is_some()),
            ("--key-reactions", !args.key_reactions.is_empty()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, given)| *given) {
            return Err(Error::usage(format!(
                "{flag} is for --format slack: it picks messages of a chat export"
            ))
            .into());
        }
    }
    if args.format != Format::Csv && args.owe_postmortems {
        return Err(Error::usage(
            "--owe-postmortems is for --format csv: a JSON import keeps each incident as it was exported (its waiver too), and a chat export brings no incident",
        )
        .into());
    }
    let store = ctx.store()?;
    let path = ctx.start_dir().join(&args.file);
    match args.format {
        Format::Slack => slack(ctx, &store, &args, &path),
        Format::Csv | Format::Json => incidents(ctx, &store, &args, &path),
    }
}

/// CSV and JSON: every incident checked, then each created and committed on its own.
fn incidents(ctx: &mut Ctx<'_>, store: &Store, args: &Args, path: &std::path::Path) -> Result<()> {
    let text = import::read_bounded(path, &args.file, MAX_FILE_BYTES)?;
    let by = ctx.by(store, &args.who)?;
    let catalog = store.catalog()?;
    let input = Input {
        catalog: catalog.as_ref(),
        config: store.config(),
        clock: &ctx.clock,
        by: &by,
        shown: &args.file,
    };
    let read = match args.format {
        Format::Csv => import::csv::read(&text, &input),
        _ => import::json::read(&text, &input),
    };
    let mut planned = read.map_err(report_all)?;
    // History from a spreadsheet or another tool; inc's own JSON comes back exactly as it was.
    if args.format == Format::Csv && !args.owe_postmortems {
        import::waive_postmortems(&mut planned, &input);
    }
    if planned.is_empty() {
        return Err(Error::usage(format!(
            "{} holds no incident to import",
            args.file.display()
        ))
        .into());
    }

    let _lock = (!args.dry_run).then(|| ctx.lock(store)).transpose()?;
    // What an earlier run of this import wrote (it was interrupted, say) is not made twice.
    let found = import::existing::find(store, &ctx.clock, &planned)?;
    let mut here = Vec::new();
    let mut new = Vec::new();
    for (p, found) in planned.into_iter().zip(found) {
        match found {
            Some(id) => here.push((id, p)),
            None => new.push(p),
        }
    }
    let ids = with_ids(store, &ctx.clock, new)?;
    if args.dry_run {
        for (id, p) in &here {
            writeln!(
                ctx.out,
                "already here {id}: \"{}\" from {}",
                one_line(&p.incident.title, 60),
                p.origin
            )?;
        }
        for (id, p) in &ids {
            writeln!(
                ctx.out,
                "would create {id}: \"{}\" {} {} ({} entries, {} updates{}) from {}",
                one_line(&p.incident.title, 60),
                p.incident.severity,
                p.incident.status,
                p.timeline.len(),
                p.comms.len(),
                if p.incident.postmortem_waived.is_some() {
                    ", post-mortem waived"
                } else {
                    ""
                },
                p.origin
            )?;
        }
        return Ok(());
    }
    if !here.is_empty() {
        crate::eprintln_escaped!(
            "note: {} of {} already here from an earlier import, skipped; {} imported",
            crate::text::plural(here.len(), "incident"),
            args.file.display(),
            ids.len()
        );
    }
    let mut schemas = store.write_schemas()?;
    for (id, mut p) in ids {
        let seed = ctx.id_seed();
        let mut logs = Vec::new();
        // An empty list would be written as `[]`, which later appends cannot follow: a log
        // with nothing to import is left to `create_incident` (the timeline as a bare header).
        if p.keep_ids {
            if !p.timeline.is_empty() {
                logs.push(store.prepare_append_keeping_ids(&id, &p.timeline)?);
            }
            if !p.comms.is_empty() {
                logs.push(store.prepare_append_keeping_ids(&id, &p.comms)?);
            }
        } else if !p.timeline.is_empty() {
            logs.push(store.prepare_append(&id, &mut p.timeline, seed)?);
        }
        // Role events of an export (format 2) keep their ids; those made from holders get new ones.
        if !p.roles.is_empty() {
            logs.push(if p.roles.iter().all(|r| !r.id.is_empty()) {
                store.prepare_append_keeping_ids(&id, &p.roles)?
            } else {
                store.prepare_append(&id, &mut p.roles, seed)?
            });
        }
        let mut paths = std::mem::take(&mut schemas);
        paths.extend(store.create_incident(&id, &p.incident, logs)?);
        ctx.commit(
            store,
            &paths,
            &format!(
                "{id}: import \"{}\" from {}",
                one_line(&p.incident.title, 60),
                p.origin
            ),
        )?;
        writeln!(ctx.out, "{id}")?;
    }
    Ok(())
}

/// The id each new incident is created under: its own (json; [`import::existing`] has refused
/// one that is taken), or made from its date and title like `inc open` does, with `-2`, `-3` …
/// when taken.
fn with_ids(
    store: &Store,
    clock: &crate::time::Clock,
    planned: Vec<Planned>,
) -> Result<Vec<(String, Planned)>> {
    let mut taken = store.ids()?;
    let mut out = Vec::new();
    for p in planned {
        let id = match &p.id {
            Some(id) => id.clone(),
            None => import::made_id(&p, clock, |candidate| taken.iter().any(|t| t == candidate)),
        };
        taken.push(id.clone());
        out.push((id, p));
    }
    Ok(out)
}

/// Every bad row but the last printed, the last returned as the error: the user fixes them all
/// in one go.
fn report_all(mut errors: Vec<Error>) -> anyhow::Error {
    let last = errors.pop().expect("at least one error");
    for err in &errors {
        crate::eprintln_escaped!("error: {err}");
    }
    if errors.is_empty() {
        last.into()
    } else {
        anyhow::Error::new(last).context(format!(
            "{} problems in the file (nothing was imported); the last",
            errors.len() + 1
        ))
    }
}

/// Slack: the channel's messages appended to the incident's timeline, the ones already there
/// skipped, in one commit.
fn slack(ctx: &mut Ctx<'_>, store: &Store, args: &Args, dir: &std::path::Path) -> Result<()> {
    let bound = |text: Option<&str>| text.map(|t| ctx.clock.parse_bound(t)).transpose();
    let options = import::slack::Options {
        since: bound(args.since.as_deref())?,
        until: bound(args.until.as_deref())?,
        key_reactions: args
            .key_reactions
            .iter()
            .map(|r| import::slack::reaction_name(r))
            .filter(|r| !r.is_empty())
            .collect(),
    };
    let id = ctx.incident(store, None)?;
    let read = import::slack::read(dir, &args.file, &ctx.clock, &options)?;
    let _lock = (!args.dry_run).then(|| ctx.lock(store)).transpose()?;
    let existing: Vec<TimelineEntry> = store.load_log(&id)?;
    let skipped = read.skipped;
    let import::slack::Plan {
        new,
        present,
        renamed,
    } = import::slack::plan(read, &existing);
    let tz = ctx.clock.tz().clone();
    if args.dry_run {
        for e in &new {
            let key = if e.key { " [key]" } else { "" };
            writeln!(
                ctx.out,
                "would log {} {}{key}: {}",
                e.at.short(&tz),
                e.by,
                one_line(&e.text, 80)
            )?;
        }
    }
    let mut summary = format!(
        "{id}: {} messages {}from {}, {present} already in the timeline, {skipped} skipped (joins, leaves, empty, repeated or out of range)",
        new.len(),
        if args.dry_run {
            "would be imported "
        } else {
            "imported "
        },
        args.file.display(),
    );
    if renamed > 0 {
        summary.push_str(&format!(
            "; {renamed} got another id, theirs being taken by another entry"
        ));
    }
    if args.dry_run || new.is_empty() {
        writeln!(ctx.out, "{summary}")?;
        return Ok(());
    }
    let path = store.prepare_append_keeping_ids(&id, &new)?.write()?;
    ctx.commit(
        store,
        &[path],
        &format!(
            "{id}: import {} Slack messages from {}",
            new.len(),
            one_line(&args.file.display().to_string(), 60)
        ),
    )?;
    writeln!(ctx.out, "{summary}")?;
    Ok(())
}
