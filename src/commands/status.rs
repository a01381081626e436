//! `inc status`: without an argument, the dashboard of open incidents; with one, change the status.

use anyhow::Result;

use super::{Ctx, update_incident};
use crate::model::{Kind, Status};

/// Show open incidents at a glance, or change the current incident's status
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub who: crate::cli::Person,

    /// The new status: investigating, identified, monitoring, resolved or closed
    pub status: Option<String>,

    /// When the status changed [default: now]
    #[arg(
        long,
        value_name = "WHEN",
        allow_hyphen_values = true,
        requires = "status"
    )]
    pub at: Option<String>,

    /// Print the dashboard as JSON (without STATUS)
    #[arg(long, conflicts_with = "status")]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let Some(input) = args.status else {
        let store = ctx.store()?;
        return crate::views::print_dashboard(
            ctx.out,
            &store,
            &ctx.clock,
            ctx.env.color,
            ctx.env.columns,
            args.json,
        );
    };
    let status = crate::model::names::status(&input)?;
    let given = ctx.at(args.at.as_deref())?;
    let at = given.unwrap_or_else(|| ctx.clock.now());
    let store = ctx.store()?;
    update_incident(
        ctx,
        &store,
        &args.who,
        &format!("status {status}"),
        |incident, _| {
            if incident.status == status {
                return Ok(None);
            }
            let text = format!("Status {} → {status}", incident.status);
            incident.status = status;
            // A resolved incident needs its resolved time; keep one that was marked already.
            if status == Status::Resolved && incident.milestones.resolved.is_none() {
                incident.milestones.resolved = Some(at);
            }
            Ok(Some((given, Kind::Status, text)))
        },
    )
}
