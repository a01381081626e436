//! `inc status`: without an argument, the dashboard of open incidents; with one, change the status.

use anyhow::Result;

use super::{Ctx, update_incident};
use jiff::tz::TimeZone;

use crate::error::Error;
use crate::model::{Incident, Kind, Status};
use crate::time::Time;

/// Show open incidents at a glance, or change the current incident's status
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc status\n  inc status monitoring\n  inc status resolved --at 15:20"
)]
pub struct Args {
    #[command(flatten)]
    pub recording: crate::cli::args::RecordingArgs,

    #[command(flatten)]
    pub who: crate::cli::args::Person,

    /// The new status: investigating, identified, monitoring, resolved or closed
    #[arg(conflicts_with_all = ["json", "format"])]
    pub status: Option<String>,

    /// When the status changed [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What the dashboard prints.
    { Table, Json }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let Some(input) = args.status else {
        if let Some(at) = &args.at {
            return Err(Error::usage(format!(
                "--at {at} needs the status to change to: inc status STATUS --at {at}, with STATUS one of {} (without STATUS, inc status shows the dashboard)",
                Status::names().join(", ")
            ))
            .into());
        }
        let store = ctx.store()?;
        return crate::views::print_dashboard(
            ctx.out,
            &store,
            &ctx.clock,
            ctx.env.color,
            ctx.env.columns,
            args.output.is_json(),
        );
    };
    let status = crate::model::names::status(&input)?;
    let store = ctx.store()?;
    let given = ctx.at_in_incident(&store, args.at.as_deref())?;
    let at = given.unwrap_or_else(|| ctx.clock.now());
    let tz = ctx.clock.tz().clone();
    update_incident(
        ctx,
        &store,
        &args.who,
        &format!("status {status}"),
        |incident, _| {
            if incident.status == status {
                return Ok(None);
            }
            let text = move_status(incident, status, at, &tz)?;
            Ok(Some((given, Kind::Status, text)))
        },
    )
}

/// Moves `incident` to `status` at `at`, keeping the milestones in the same story: monitoring
/// means mitigated, resolved needs its time, closing needs a resolved incident, and going back to
/// work on a resolved one reopens it. Returns the timeline text.
fn move_status(incident: &mut Incident, status: Status, at: Time, tz: &TimeZone) -> Result<String> {
    let milestones = &mut incident.milestones;
    let from = incident.status;
    if status == Status::Closed && (from.is_open() || milestones.resolved.is_none()) {
        let why = if from.is_open() {
            format!("the incident is still {from}")
        } else {
            "the incident has no resolved time".to_string()
        };
        return Err(Error::state(format!(
            "{why}, and closed means resolved with the post-mortem done: run `inc resolve` first (--at WHEN if it ended earlier), then `inc status closed`"
        ))
        .into());
    }
    let mut text = format!("Status {from} → {status}");
    if status.is_open() && !from.is_open() {
        let was = milestones
            .resolved
            .take()
            .map(|t| format!(", was resolved at {}", t.short(tz)))
            .unwrap_or_default();
        text = format!("Reopened: status {from} → {status}{was}");
    }
    if status == Status::Monitoring && milestones.mitigated.is_none() {
        milestones.mitigated = Some(at);
        text.push_str("; marked mitigated");
    }
    // A resolved incident needs its resolved time; keep one that was marked already.
    if status == Status::Resolved && milestones.resolved.is_none() {
        milestones.resolved = Some(at);
    }
    incident.status = status;
    Ok(text)
}
