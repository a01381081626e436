//! `inc show`: one incident in full.

use anyhow::Result;

use super::Ctx;
use crate::store::Loaded;
use crate::views::{self, IncidentView};

/// Show an incident: milestones, durations, roles, next updates due, pending changes, last
/// entries, and up to three earlier incidents like it (`inc related`)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc show\n  inc show checkout --json | jq .milestones\n  inc show 2026-11-22-checkout-api-down --no-pager"
)]
pub struct Args {
    #[command(flatten)]
    pub pager: crate::cli::args::PagerArg,

    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    /// The incident [default: as -i]
    #[arg(add = crate::cli::complete::incidents())]
    pub id: Option<String>,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc show` prints.
    {
        /// For people: the last entries
        Text,
        /// With the whole timeline and all comms
        Json,
    }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, args.id.as_deref())?;
    let loaded = Loaded::load(&store, &id)?;
    let sync = views::sync_view(&store, &ctx.clock);
    if args.output.is_json() {
        let mut view = IncidentView::full(&loaded, store.config(), &ctx.clock);
        view.sync = sync;
        return super::print_json(ctx.out, &view);
    }
    // Struck entries are struck through where styles show: on a terminal, unless NO_COLOR.
    let styled = match ctx.env.color {
        crate::Color::Always => true,
        crate::Color::Never => false,
        crate::Color::Auto => std::io::IsTerminal::is_terminal(&std::io::stdout()),
    };
    views::print_incident(ctx.out, &loaded, store.config(), &ctx.clock, styled)?;
    // What was learnt from earlier incidents like it; listing them is never a reason to fail.
    let ids = store.listed_ids().unwrap_or_default();
    let today = crate::actions::today(&ctx.clock);
    let related = crate::related::related(&store, &id, &loaded.incident, ids, today);
    views::print_related_section(ctx.out, &related, ctx.clock.tz())?;
    // Last, next to the prompt: work left unshared is what others cannot see.
    views::print_unshared(ctx.out, sync.as_ref(), &ctx.clock)
}
