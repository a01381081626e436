//! `inc show`: one incident in full.

use anyhow::Result;

use super::Ctx;
use crate::views::{self, EntryView, IncidentView};

/// Show an incident: status, milestones and durations, last entries
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The incident [default: as -i]
    pub id: Option<String>,

    /// Print JSON for scripts (with the whole timeline)
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, args.id.as_deref())?;
    let incident = store.load_incident(&id)?;
    let timeline = store.load_timeline(&id)?;
    if args.json {
        let mut view = IncidentView::new(&id, &incident);
        view.timeline = Some(
            views::sorted(&timeline)
                .into_iter()
                .map(EntryView::from)
                .collect(),
        );
        view.comms = Some(Vec::new());
        return super::print_json(ctx.out, &view);
    }
    views::print_incident(ctx.out, &id, &incident, &timeline, &ctx.clock)
}
