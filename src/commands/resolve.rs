//! `inc resolve`: the outage is over. Sets the resolved milestone and the status in one commit.

use anyhow::Result;

use super::{Ctx, update_incident};
use crate::model::{Kind, Milestone, Status};
use crate::time::Time;

/// Mark the incident resolved (milestone and status)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc resolve\n  inc resolve --at 15:20\n  inc resolve -i checkout --by bob"
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// When it was resolved [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let given = ctx.at_in_incident(&store, args.at.as_deref())?;
    let now = ctx.clock.now();
    let tz = ctx.clock.tz().clone();
    update_incident(ctx, &store, &args.who, "resolve", |incident, _| {
        let milestones = &mut incident.milestones;
        if incident.status == Status::Resolved && given.is_none() && milestones.resolved.is_some() {
            return Ok(None);
        }
        let at = given.or(milestones.resolved).unwrap_or(now);
        milestones.resolved = Some(at);
        // Every milestone the resolved time would come before, with its time.
        let before: Vec<(Milestone, Time)> = milestones
            .out_of_order()
            .into_iter()
            .filter(|(_, later)| *later == Milestone::Resolved)
            .filter_map(|(earlier, _)| Some((earlier, milestones.get(earlier)?)))
            .collect();
        if let Some(&(_, latest)) = before.iter().max_by_key(|(_, t)| *t) {
            let listed: Vec<String> = before
                .iter()
                .map(|(m, t)| format!("{m} ({})", t.short(&tz)))
                .collect();
            return Err(crate::Error::usage(format!(
                "resolved ({}) would be before {}: pass --at with the time it was really resolved, {} or later",
                at.short(&tz),
                listed.join(" and "),
                latest.short(&tz),
            ))
            .into());
        }
        incident.status = Status::Resolved;
        Ok(Some((given, Kind::Milestone, "Resolved".to_string())))
    })
}
