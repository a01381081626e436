//! `inc comms snooze AUDIENCE LENGTH`: no update is due to an audience for a while. Recorded as a
//! timeline entry (kind `comms`, `ref: snooze:AUDIENCE:LENGTH`), so every clone honours it once
//! it syncs, and `inc check` judges the record with it.

use anyhow::Result;

use super::Ctx;
use crate::error::Error;
use crate::model::Kind;
use crate::model::cadence::{MAX_SNOOZE_HOURS, Snooze};
use crate::time::Interval;

/// Expect no update to an audience for a while (recorded in the timeline)
///
/// Nothing is due to the audience until the snooze ends, and the time does not count towards
/// its cadence: an update due in 10 minutes when a 4h snooze starts is due 10 minutes after it
/// ends. A later snooze of the same audience replaces the earlier one.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc comms snooze executives 4h\n  inc comms snooze customers 1h 30m --at 02:10"
)]
pub struct Args {
    /// Who needs no update for a while: one of audiences in .inc.yaml
    #[arg(value_name = "AUDIENCE", add = crate::cli::complete::audiences())]
    pub audience: Option<String>,

    /// For how long, like 4h or 1h 30m (at most a week)
    #[arg(value_name = "LENGTH", num_args = 0..)]
    pub length: Vec<String>,

    /// When it starts [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args, who: &crate::cli::args::Person) -> Result<()> {
    let Some(typed) = args.audience.filter(|a| !a.trim().is_empty()) else {
        return Err(Error::usage(
            "name the audience to snooze and for how long, like inc comms snooze executives 4h",
        )
        .into());
    };
    let store = ctx.store()?;
    let audience = store.config().audience(&typed)?;
    let written = args.length.join(" ");
    let length = match Interval::parse(written.trim()) {
        _ if written.trim().is_empty() => {
            return Err(Error::usage(format!(
                "say for how long to snooze {audience}, like inc comms snooze {audience} 4h"
            ))
            .into());
        }
        Some(length) if length.0 <= jiff::SignedDuration::from_hours(MAX_SNOOZE_HOURS) => length,
        Some(_) => {
            return Err(Error::usage(format!(
                "{written} is longer than a week, the longest snooze; an audience that needs no updates at all can leave required_updates in .inc.yaml"
            ))
            .into());
        }
        None => {
            return Err(Error::usage(format!(
                "\"{written}\" is not a length of time like 4h or 1h 30m"
            ))
            .into());
        }
    };
    let at = ctx.at_in_incident(&store, args.at.as_deref())?;
    let _lock = ctx.lock(&store)?;
    let id = ctx.incident(&store, None)?;
    let by = ctx.by(&store, who)?;
    let mut entry = ctx.entry(
        at,
        &by,
        Kind::Comms,
        format!("Snoozed updates to {audience} for {length}"),
    );
    entry.reference = Some(Snooze::reference(&audience, length));
    let mut entries = [entry];
    let path = store.append(&id, &mut entries, ctx.id_seed())?;
    let [entry] = entries;
    ctx.commit(
        &store,
        &[path],
        &format!("{id}: snooze {audience} for {length}"),
    )?;
    ctx.recorded(&store, &id, Some(&entry));
    writeln!(
        ctx.out,
        "{id}: no update due to {audience} until {} (snoozed for {length})",
        ctx.clock.show(entry.at + length.0),
    )?;
    Ok(())
}
