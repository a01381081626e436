//! `inc strike`: withdraw a logbook entry that was wrong, keeping it in the file.

use anyhow::Result;

use super::{Ctx, one_line};
use crate::error::Error;
use crate::model::strike::{is_strikable, strikes};
use crate::model::{Kind, TimelineEntry};

/// Withdraw a logbook entry: it stays in timeline.yaml, struck, with why; reports leave it out
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The entry's id is what `inc log` printed (`14:12 logged 7q2kxa in …`); `inc show --json` lists
every entry's id. A unique prefix is enough.

Examples:
  inc strike 7q2kxa --reason \"Logged in the wrong incident\"
  inc strike 7q2 --reason \"The failover was at 14:30, not 14:20: logged again\"")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub commit: crate::cli::args::CommitArg,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The entry's id (or a unique prefix)
    #[arg(value_name = "ENTRY")]
    pub entry: String,

    /// Why it is withdrawn (kept in the logbook, shown beside the struck entry)
    #[arg(long, required = true, value_name = "TEXT")]
    pub reason: String,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let reason = args.reason.trim().to_string();
    if reason.is_empty() {
        return Err(Error::usage(
            "--reason is empty: say why the entry is withdrawn, like --reason \"wrong incident\"",
        )
        .into());
    }
    let query = args.entry.trim();
    let store = ctx.store()?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, &args.who)?;
    let entries: Vec<TimelineEntry> = store.load_log(&id)?;
    let target = find(&entries, query, &id)?;
    if !is_strikable(target.kind) {
        return Err(Error::usage(format!(
            "entry {} is a {} entry, which inc wrote for a change to the incident: only what people log ({}) can be struck; change the incident back instead",
            target.id,
            target.kind,
            Kind::LOGGABLE.map(Kind::name).join(", ")
        ))
        .into());
    }
    let all: Vec<&TimelineEntry> = entries.iter().collect();
    if let Some(strike) = strikes(&all).get(target.id.as_str()) {
        return Err(Error::usage(format!(
            "entry {} was struck already, by {} at {} ({})",
            target.id,
            strike.by,
            ctx.clock.show(strike.at),
            one_line(&strike.text, 60)
        ))
        .into());
    }
    let target_id = target.id.clone();
    let shown = one_line(&target.text, 60);
    let mut strike = ctx.entry(None, &by, Kind::Strike, reason.clone());
    strike.reference = Some(target_id.clone());
    // What went wrong in the logbook is the team's business.
    strike.internal = true;
    let mut appended = [strike];
    let path = store.append(&id, &mut appended, ctx.id_seed())?;
    ctx.commit(&store, &[path], &format!("{id}: strike {target_id}"))?;
    writeln!(
        ctx.out,
        "{id}: struck {target_id} \"{shown}\" ({})",
        one_line(&reason, 80)
    )?;
    Ok(())
}

/// The entry `query` names: its exact id, else the one id it begins.
fn find<'a>(entries: &'a [TimelineEntry], query: &str, id: &str) -> Result<&'a TimelineEntry> {
    let exact: Vec<&TimelineEntry> = entries.iter().filter(|e| e.id == query).collect();
    let matches = if exact.is_empty() && !query.is_empty() {
        entries.iter().filter(|e| e.id.starts_with(query)).collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::usage(format!(
            "no entry \"{}\" in {id}'s logbook: give the id inc log printed (inc show --json lists every entry's id)",
            one_line(query, 40)
        ))
        .into()),
        many => {
            let ids: Vec<&str> = many.iter().map(|e| e.id.as_str()).collect();
            Err(Error::usage(format!(
                "\"{}\" matches entries {}: give more of the id",
                one_line(query, 40),
                ids.join(", ")
            ))
            .into())
        }
    }
}
