//! `inc resolve`: the outage is over. Sets the resolved milestone and the status in one commit.

use anyhow::Result;

use super::{Ctx, update_incident};
use crate::model::{Kind, Status};

/// Mark the incident resolved (milestone and status)
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// When it was resolved [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let given = ctx.at(args.at.as_deref())?;
    let now = ctx.clock.now();
    let store = ctx.store()?;
    update_incident(ctx, &store, &args.who, "resolve", |incident, _| {
        let milestones = &mut incident.milestones;
        if incident.status == Status::Resolved && given.is_none() && milestones.resolved.is_some() {
            return Ok(None);
        }
        let at = given.or(milestones.resolved).unwrap_or(now);
        milestones.resolved = Some(at);
        if let Some((earlier, later)) = milestones.out_of_order().first() {
            return Err(crate::Error::usage(format!(
                "{earlier} is after {later}: pass --at with the time it was really resolved"
            ))
            .into());
        }
        incident.status = Status::Resolved;
        Ok(Some((given, Kind::Milestone, "Resolved".to_string())))
    })
}
