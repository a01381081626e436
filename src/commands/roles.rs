//! `inc roles`: who holds which role now, and who held what for how long.

use anyhow::Result;

use super::Ctx;
use crate::model::RoleEvent;

/// Show current role holders and the full history, with how long each person held each role
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &mut Ctx<'_>, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let id = ctx.incident(&store, None)?;
    let incident = store.load_incident(&id)?;
    let events: Vec<RoleEvent> = store.load_log(&id)?;
    let roles = crate::views::Roles::new(store.config(), &incident, &events, &ctx.clock);
    if args.json {
        return super::print_json(ctx.out, &roles);
    }
    roles.print(ctx.out, ctx.clock.tz())
}
