//! `inc roles`: who holds which role now, and who held what for how long.

use anyhow::Result;

use super::Ctx;
use crate::model::RoleEvent;

/// Show current role holders and the full history, with how long each person held each role
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  inc roles\n  inc roles -i checkout --json")]
pub struct Args {
    #[command(flatten)]
    pub incident: crate::cli::args::IncidentArg,

    #[command(flatten)]
    pub output: Output,
}

crate::formats!(
    /// What `inc roles` prints.
    { Text, Json }
);

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, None)?;
    let incident = store.load_incident(&id)?;
    let events: Vec<RoleEvent> = store.load_log(&id)?;
    let roles = crate::views::Roles::new(store.config(), &incident, &events, &ctx.clock);
    if args.output.is_json() {
        return super::print_json(ctx.out, &roles);
    }
    roles.print(ctx.out, &ctx.clock)
}
