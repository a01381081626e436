//! `inc mark`: set one of the five milestones the durations are computed from.

use anyhow::Result;

use super::{Ctx, update_incident};
use crate::error::Error;
use crate::model::{Kind, Milestone};

/// Set a milestone: started, detected, acknowledged, mitigated or resolved
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc mark mitigated\n  inc mark started --at 14:02\n  inc mark acknowledged -i checkout --at \"10 min ago\""
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// started, detected, acknowledged, mitigated or resolved
    pub milestone: String,

    /// When it happened [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let milestone = crate::model::names::milestone(&args.milestone)?;
    // Not `at_in_incident`: moving a milestone before what the incident knew so far is what
    // marking is for; the order of the milestones is checked instead.
    let given = ctx.at(args.at.as_deref())?;
    let at = given.unwrap_or_else(|| ctx.clock.now());
    let tz = ctx.clock.tz().clone();
    let store = ctx.store()?;
    let clock = ctx.clock.clone();
    let mut note = None;
    update_incident(
        ctx,
        &store,
        &args.who,
        &format!("mark {milestone}"),
        |incident, _| {
            let previous = incident.milestones.get(milestone);
            if previous == Some(at) {
                return Ok(None);
            }
            incident.milestones.set(milestone, Some(at));
            if let Some((earlier, later)) = incident.milestones.out_of_order().first() {
                let show = |m: Milestone| {
                    incident
                        .milestones
                        .get(m)
                        .map(|t| t.short(&tz))
                        .unwrap_or_default()
                };
                return Err(Error::usage(format!(
                "{earlier} ({}) would be after {later} ({}): check --at, or mark {} again first",
                show(*earlier),
                show(*later),
                if *earlier == milestone {
                    later
                } else {
                    earlier
                },
            ))
            .into());
            }
            if matches!(milestone, Milestone::Started | Milestone::Detected) {
                note = super::signal_note(&clock, &incident.milestones);
            }
            let text = match previous {
                None => format!("Marked {milestone}"),
                Some(old) => format!("Moved {milestone} from {}", old.short(&tz)),
            };
            Ok(Some((given, Kind::Milestone, text)))
        },
    )?;
    if let Some(note) = note {
        let id = ctx.incident(&store, None)?;
        writeln!(ctx.out, "{id}: {note}")?;
    }
    Ok(())
}
