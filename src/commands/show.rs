//! `inc show`: one incident in full.

use anyhow::Result;

use super::Ctx;
use crate::views::{self, IncidentView, Loaded};

/// Show an incident: milestones, durations, roles, next updates due, pending changes, last entries
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The incident [default: as -i]
    #[arg(add = crate::complete::incidents())]
    pub id: Option<String>,

    /// Print JSON for scripts (with the whole timeline and all comms)
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, args.id.as_deref())?;
    let loaded = Loaded::load(&store, &id)?;
    if args.json {
        let view = IncidentView::full(&loaded, store.config(), &ctx.clock);
        return super::print_json(ctx.out, &view);
    }
    views::print_incident(ctx.out, &loaded, store.config(), &ctx.clock)
}
