//! `inc related`: the earlier incidents most like one, with what was learnt from them.

use anyhow::Result;

use super::Ctx;

/// List up to three earlier incidents that share services, tags or title words with one, each
/// with its root cause, runbooks and open follow-ups
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  inc related\n  inc related checkout\n  inc related 2026-11-22-checkout-api-down --json | jq '.[].root_cause'"
)]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    /// The incident [default: as -i]
    #[arg(add = crate::cli::complete::incidents())]
    pub id: Option<String>,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc related` prints.
    {
        /// For people
        Text,
        /// For scripts: an array, best first
        Json,
    }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, args.id.as_deref())?;
    let incident = store.load_incident(&id)?;
    let ids = store.listed_ids()?;
    let today = crate::actions::today(&ctx.clock);
    let related = crate::related::related(&store, &id, &incident, ids, today);
    if args.output.is_json() {
        return super::print_json(ctx.out, &related);
    }
    if related.is_empty() {
        writeln!(
            ctx.out,
            "No earlier incident shares a service, a tag or a title word with {id}."
        )?;
        return Ok(());
    }
    writeln!(ctx.out, "Earlier incidents like {id}")?;
    crate::views::print_related(ctx.out, &related, ctx.clock.tz())
}
